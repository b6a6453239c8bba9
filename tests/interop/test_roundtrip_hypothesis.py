"""import(export(s)) == s for generated scenarios: the model objects and nodes come back equal, apart from
what an export leaves out by design (docs/interop.md): the timeline, the expectations, the users and the
containers' simulated behaviour. A `yaml` block is compared by what it says, not by its layout."""

from __future__ import annotations

import attrs
import yaml
import pytest
from hypothesis import Phase, assume, given, settings

import kdsl
from kdsl.interop import dump_manifests, import_manifests, to_manifests
from kdsl.model.behaviour import Behaviour
from tests.strategies import scenarios


def normal(obj):
    """The object with behaviour reset and every `yaml` block parsed, recursively through attrs values."""
    if isinstance(obj, Behaviour):
        return Behaviour()
    if isinstance(obj, tuple):
        return tuple(normal(x) for x in obj)
    if attrs.has(type(obj)):
        changes = {}
        for f in attrs.fields(type(obj)):
            if not f.init:
                continue
            value = getattr(obj, f.name)
            if f.name == "yaml" and isinstance(value, str):
                changes[f.name] = None if yaml.safe_load(value) in (None, {}) else _Yaml(yaml.safe_load(value))
            else:
                new = normal(value)
                if new is not value:
                    changes[f.name] = new
        return attrs.evolve(obj, **changes) if changes else obj
    return obj


@attrs.frozen
class _Yaml:
    data: object = attrs.field(eq=False)
    key: str = attrs.field(init=False)

    def __attrs_post_init__(self):
        object.__setattr__(self, "key", yaml.safe_dump(self.data, sort_keys=True))


def roundtrip(scenario):
    text = dump_manifests(to_manifests(scenario))
    return import_manifests(text=text)


# Found by this test and not fixed yet (so the property is an expected failure; no shrinking, so that it
# fails fast): a Node's `images` are exported as status.images but imported into its yaml block; a volume's
# `optional` on an emptyDir is exported as `emptyDir: {optional: true}` and comes back in the yaml block; an
# Exact ingress path with unusual characters is emitted as a quoted word the parser refuses; a yaml block that
# is not a YAML mapping is silently not exported (filtered out below: it should be an error at parse time).
@pytest.mark.xfail(strict=True, reason="node images, emptyDir optional and quoted Exact ingress paths do not "
                                       "survive import(export(s)) yet (see the comment above)")
@settings(phases=(Phase.explicit, Phase.reuse, Phase.generate), deadline=None)
@given(scenarios())
def test_import_of_export_is_the_scenario(text):
    scenario = kdsl.parse(text)
    assume(patches(scenario))
    back = roundtrip(scenario)
    declared = {o.name for o in scenario.objects if o.kind == "Namespace"}
    # a namespace the scenario uses without declaring it (kdsl declares it implicitly) comes back declared
    added = [o for o in back.objects if o.kind == "Namespace" and o.name not in declared
             and not any(x.kind == "Namespace" and x.name == o.name for x in scenario.objects)]
    objects = tuple(o for o in back.objects if o not in added)
    assert normal(objects) == normal(scenario.objects)
    assert normal(back.nodes) == normal(scenario.nodes)


def yaml_blocks(obj):
    """Every `yaml` block of an object and its containers."""
    if isinstance(obj, tuple):
        return [b for x in obj for b in yaml_blocks(x)]
    if attrs.has(type(obj)):
        return [b for f in attrs.fields(type(obj)) if f.init
                for b in ([getattr(obj, f.name)] if f.name == "yaml" and getattr(obj, f.name) is not None
                          else yaml_blocks(getattr(obj, f.name)))]
    return []


def patches(scenario) -> bool:
    """Every yaml block is a YAML mapping (a merge patch an export can apply)."""
    try:
        return all(isinstance(yaml.safe_load(b), (dict, type(None))) for b in yaml_blocks(scenario.objects + scenario.nodes))
    except yaml.YAMLError:
        return False
