"""import(export(s)) == s for generated scenarios: the model objects and nodes come back equal, apart from
what an export leaves out by design (docs/interop.md): the timeline, the expectations, the users and the
containers' simulated behaviour. What containers use and the workloads' loads come back (kdsl's annotations). A
`yaml` block is compared by what it says, not by its layout."""

from __future__ import annotations

import attrs
import yaml
from hypothesis import Phase, given, settings

import kdsl
from kdsl.interop import dump_manifests, import_manifests, to_manifests
from kdsl.model.autoscaling import HorizontalPodAutoscaler
from kdsl.model.pods import Behaviour
from tests.strategies import scenarios


def normal(obj):
    """The object with behaviour reset, durations in whole seconds and every `yaml` block parsed, recursively
    through attrs values."""
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
            if f.name.endswith("_ms") and isinstance(value, int):
                changes[f.name] = -(-value // 1000) * 1000  # an export writes whole seconds, rounded up
            elif f.name == "yaml" and isinstance(value, str):
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


# What this test found, each fixed at its root with a regression test in test_roundtrip_cases.py: node images,
# `optional`/`readonly` on a volume that has no such field, Exact ingress paths, yaml blocks that are not
# mappings, a PV's default hostPath, repeated quota and limits keys, `selects` and node terms with nothing
# in them, duplicate node images, a spread selector equal to the pod's labels, probes in another order.
@settings(phases=(Phase.explicit, Phase.reuse, Phase.generate), deadline=None)
@given(scenarios())
def test_import_of_export_is_the_scenario(text):
    scenario = kdsl.parse(text)
    back = roundtrip(scenario)
    declared = {o.name for o in scenario.objects if o.kind == "Namespace"}
    # a namespace the scenario uses without declaring it (kdsl declares it implicitly) comes back declared
    added = [o for o in back.objects if o.kind == "Namespace" and o.name not in declared
             and not any(x.kind == "Namespace" and x.name == o.name for x in scenario.objects)]
    objects = tuple(o for o in back.objects if o not in added)
    # an HPA comes back as an object of the import; the scenario keeps its HPAs apart (Scenario.autoscalers)
    hpas = sorted((o for o in objects if isinstance(o, HorizontalPodAutoscaler)), key=lambda o: o.key)
    assert normal(tuple(o for o in objects if o not in hpas)) == normal(scenario.objects)
    assert normal(tuple(hpas)) == normal(tuple(sorted(scenario.autoscalers, key=lambda o: o.key)))
    assert normal(back.nodes) == normal(scenario.nodes)
    # the loads, each written on its workload, come back in the objects' order; the simulation keeps the last of each
    last = {(ld.kind, ld.namespace, ld.name): ld for ld in scenario.loads}
    assert sorted(back.loads, key=_key) == sorted(last.values(), key=_key)
    assert sorted(kdsl.parse(back.text).loads, key=_key) == sorted(last.values(), key=_key)


def _key(load) -> tuple:
    return load.kind, load.namespace, load.name

