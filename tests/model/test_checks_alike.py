"""The model's checks pass over the objects of an alike family found silent once a family (declared.py): every
diagnostic (message, place, order) is that of checking each object the plain way."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.lang import parse_document
from kdsl.model.build import checks, declared
from kdsl.model.build import scenario as building
from tests.engine.test_precheck_alike import BLOCKS, HEADS, NAMES, TIMELINE, _said
from tests.engine.test_precheck_alike_words import CONTAINERS, STMTS
from tests.model.test_alike_words import EXTRAS, _text


def _checked(text: str, shortcut: bool):
    """The build's diagnostics (no precheck), with the families' shortcut or with every object checked the plain way
    (the alike build and the template checks' `quiet` keys as they are)."""
    with pytest.MonkeyPatch.context() as m:
        if not shortcut:
            m.setattr(declared, "passed", lambda *a, **k: {})
        try:
            sc = building.build(parse_document(text, "alike.kdsl"))
        except KdslError as exc:
            return "error", _said(exc.diagnostics)
    return "ok", _said(sc.warnings)


@settings(max_examples=150, deadline=None)
@example(kind="pod", head="image=busybox", names=["p1", "p2", "p3", "a.b", "p1"], timeline=[], config=False,
         block=["container side image=busybox { port web 80; readiness http /h port=api }"], spaces=["bench"])
@example(kind="deployment", head="image=busybox", names=["p1", "p2", "p3", "p4"], timeline=[], config=True,
         block=["container side image=busybox { env K from configmap cfg.nokey }"], spaces=["bench", "other"])
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "job"]),
       head=HEADS, block=BLOCKS, names=st.lists(NAMES, min_size=2, max_size=9), timeline=TIMELINE,
       config=st.booleans(), spaces=st.lists(st.sampled_from(["bench", "other", "missing"]), min_size=1, max_size=3))
def test_alike_objects_say_what_each_says_checked_on_its_own(kind, head, block, names, timeline, config, spaces):
    rest = (" " + head if head else "") + " { " + "; ".join(["labels app=web", *block]) + " }"
    # families in several namespaces (one not declared), interleaved, and a name used in two of them
    text = ("namespace bench {\n" + ('  configmap cfg { key = "v" }\n' if config else "") + "}\nnamespace other { }\n"
            + "".join(f"{kind} {spaces[i % len(spaces)]}/{name}{rest}\n" for i, name in enumerate(names))
            + "".join(t + "\n" for t in timeline))
    assert _checked(text, True) == _checked(text, False)


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from(["deployment", "statefulset", "daemonset", "job", "pod"]), extras=EXTRAS,
       container=st.sampled_from(CONTAINERS), stmts=STMTS, config=st.booleans())
def test_objects_alike_but_for_words_say_what_each_says_on_its_own(kind, extras, container, stmts, config):
    text = _text(kind, "", extras, container, stmts)
    if config:
        text = 'configmap team-1/cfg { key = "v" }\nsecret team-1/creds { password = "x" }\n' + text
    assert _checked(text, True) == _checked(text, False)


def _pods(names: list[str], ns: str = "bench") -> str:
    return f"namespace {ns} {{\n" + "".join(
        f"  pod {n} image=registry.example.com/app:{i % 5} cpu=100m memory=128Mi {{ labels app=a{i % 10} }}\n"
        for i, n in enumerate(names)) + "}\n"


def test_a_family_is_checked_by_its_first_object(monkeypatch):
    """200 pods in 10 families: the name of each family's first is checked (and its template), the others' are
    found silent together; a family with a bad name or a name declared twice goes the plain way."""
    named = []
    monkeypatch.setattr(checks, "_name", lambda *a: named.append(a[3]) or _name(*a))
    names = [f"p{i}" for i in range(200)]
    building.build(parse_document(_pods(names), "alike.kdsl"))
    assert named == ["bench"] + [f"p{i}" for i in range(10)]
    named.clear()
    names[53] = "a.b"  # a pod's name, no container's: family 3 goes the plain way
    names[74] = "p4"  # family 4 has it twice
    with pytest.raises(KdslError) as exc:
        building.build(parse_document(_pods(names), "alike.kdsl"))
    rest = [n for i, n in enumerate(names) if i >= 10 and i % 10 in (3, 4)]
    assert named == ["bench"] + [f"p{i}" for i in range(10)] + rest
    assert [(d.line, d.message[:40]) for d in exc.value.diagnostics] == [
        (55, 'pod bench/a.b: container name: Invalid v'), (76, "pod bench/p4 is declared twice (first de")]


def test_a_family_in_an_undeclared_namespace_goes_the_plain_way(monkeypatch):
    """The language declares the namespace of a block it makes alike objects in: checked here on the same objects
    with the namespace left out of the scenario."""
    seen = []
    monkeypatch.setattr(building, "check", lambda ctx, sc: seen.append((ctx, sc)))
    building.build(parse_document(_pods([f"p{i}" for i in range(30)]), "alike.kdsl"))
    ctx, sc = seen[0]
    sc = attrs.evolve(sc, objects=tuple(o for o in sc.objects if o.kind != "Namespace"))
    said = []
    for shortcut in (True, False):
        ctx.diagnostics = []
        with pytest.MonkeyPatch.context() as m:
            if not shortcut:
                m.setattr(declared, "passed", lambda *a, **k: {})
            checks.check(ctx, sc)
        said.append(_said(ctx.diagnostics))
    assert len(said[0]) == 30 and said[0] == said[1]
    assert said[0][0][1] == 'pod bench/p0: namespaces "bench" not found; declare `namespace bench`'


_name = checks._name
