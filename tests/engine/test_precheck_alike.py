"""Objects built alike but for their name (kdsl/model/build/alike.py) are checked once but for their names, by the
model's checks and by the precheck: every diagnostic (message, place, order) is that of checking each on its own."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.engine import precheck as prechecking
from kdsl.engine.apiserver import validation
from kdsl.lang import parse_document
from kdsl.model.build import checks
from kdsl.model.build import scenario as building
from kdsl.model.build.objects import build_service
from kdsl.model.build.workloads import build_workload
from tests.model.test_alike import _deep


def _said(diagnostics) -> list[tuple]:
    return [(d.severity, d.message, d.file, d.line, d.column, d.width, d.line_text, d.suggestion) for d in diagnostics]


def _both(scenario, alike):
    """The precheck with what the build knows of alike objects, asserted equal to it without (each on its own)."""
    fast = prechecking.precheck(scenario, alike)
    assert _said(fast) == _said(prechecking.precheck(scenario, None))
    return fast


def _checked(ctx, scenario) -> None:
    """The model's checks, then the precheck both ways even when they found errors (where it does not run)."""
    checks.check(ctx, scenario)
    _both(scenario, ctx.alike_of)


def _outcome(text: str, plain: bool):
    """The build with the precheck: `plain` builds (and so checks) every statement on its own."""
    with pytest.MonkeyPatch.context() as m:
        if plain:
            m.setitem(building._NAMESPACED, "workload", build_workload)
            m.setitem(building._NAMESPACED, "service", build_service)
        else:
            m.setattr(building, "check", _checked)
        try:
            sc = building.build(parse_document(text, "alike.kdsl"), later=_both if not plain else prechecking.precheck)
        except KdslError as exc:
            return "error", _said(exc.diagnostics)
    return _deep(sc), _said(sc.warnings)


# Names that fail (invalid, too long for a container, a DNS subdomain that is no label, a duplicate, the name of
# another container) among names that pass.
NAMES = st.sampled_from(["p1", "p2", "web-0", "a", "Bad_Name", "x" * 64, "x" * 70, "p-", "a.b", "side", "setup",
                         "app", "p1", "p2", "-p"])
HEADS = st.sampled_from(["image=busybox", "image=registry.example.com/app:7 cpu=100m memory=128Mi",
                         "image=busybox port=8080", 'image=" busybox"', 'image="busy box"', "image=busybox replicas=2",
                         "image=Busybox:Latest", "", "image=busybox serviceaccount=robot"])
BLOCKS = st.lists(st.sampled_from([
    "labels app=web tier=front", "labels app=Bad_Value!", "annotations note=x",
    "container side image=busybox { env A=\"1\"; mount v at /x }", "container side image=busybox",
    "init setup image=busybox", "container app image=busybox { requests cpu=2; limits cpu=1 }",
    "container app image=busybox { shutdown 40s }", "volume v emptydir", "volume c configmap=missing",
    "volume c configmap=cfg", "container side image=busybox { env B from configmap cfg.key }",
    "container side image=busybox { env B from configmap gone.key }", "container side image=busybox { env 1A=\"x\" }",
    "container side image=busybox { mount nowhere at /y }", "serviceaccount robot", "grace 10s",
    "container side image=busybox { port web 80; readiness http /h port=api }",
    "container side image=busybox { env K from configmap cfg.nokey }", "node-selector zone=b",
    "toleration dedicated=web:NoSchedule"]), max_size=3)
TIMELINE = st.lists(st.sampled_from([
    "at 1m: delete pods bench app=web", "at 1m: delete pod bench/p1", "at 2m: apply { pod bench/p1 image=nginx { labels app=web } }",
    "at 2m: apply { pod bench/p2 image=busybox { labels app=web; grace 5s } }",
    "at 3m: create pod bench/late image=busybox { labels app=web }", "at 3m: delete namespace bench"]), max_size=2)


@settings(max_examples=150, deadline=None)
@example(kind="pod", head="image=busybox", block=["init setup image=busybox"], names=["p1", "p2", "setup"],
         timeline=[], config=False, nodes="")
@example(kind="deployment", head="image=busybox", block=["volume c configmap=cfg"], names=["p1", "a.b", "x" * 64],
         timeline=["at 2m: apply { pod bench/p1 image=nginx { labels app=web } }"], config=False, nodes="")
@example(kind="deployment", head="", block=["container side image=busybox"], names=["p1", "Bad_Name", "p2"],
         timeline=[], config=False, nodes="")
@example(kind="job", head="", block=["container side image=busybox"], names=["p1", "x" * 64, "x" * 70],
         timeline=[], config=False, nodes="")
@example(kind="pod", head="image=busybox", block=[], names=["p1", "p2", "p1", "Bad_Name"],
         timeline=["at 1m: delete pods bench app=web", "at 2m: apply { pod bench/p2 image=busybox { labels app=web; grace 5s } }"],
         config=True, nodes="")
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "job"]),
       head=HEADS, block=BLOCKS, names=st.lists(NAMES, min_size=2, max_size=7), timeline=TIMELINE,
       config=st.booleans(), nodes=st.sampled_from(["", "cluster c { node n1 cpu=4 memory=8Gi { labels zone=a } }\n",
                                                    "cluster c { node n1 cpu=4 memory=8Gi { taint dedicated=db:NoSchedule } }\n"]))
def test_alike_objects_are_checked_as_each_on_its_own(kind, head, block, names, timeline, config, nodes):
    rest = (" " + head if head else "") + " { " + "; ".join(["labels app=web", *block]) + " }"
    text = (nodes + "namespace bench {\n" + ('  configmap cfg { key = "v" }\n' if config else "")
            + "".join(f"  {kind} {name}{rest}\n" for name in names) + "}\n" + "".join(t + "\n" for t in timeline))
    assert _outcome(text, False) == _outcome(text, True)


def _pods(names: list[str]) -> str:
    return "namespace bench {\n" + "".join(
        f"  pod {n} image=registry.example.com/app:{i % 5} cpu=100m memory=128Mi {{ labels app=a{i % 10} }}\n"
        for i, n in enumerate(names)) + "}\n"


def test_alike_pods_are_checked_once_an_entry_but_for_their_names(monkeypatch):
    names = [f"p{i}" for i in range(1000)]
    names[500] = "a.b"  # a pod's name, no container's: its one-container shorthand is refused
    names[700] = "p3"  # declared twice
    templates, writes = [], []
    monkeypatch.setattr(checks, "_template", lambda *a: templates.append(a) or _template(*a))
    monkeypatch.setattr(validation, "registry", lambda *a: writes.append(a) or registry(*a))
    with pytest.raises(KdslError) as exc:
        building.build(parse_document(_pods(names), "alike.kdsl"), later=prechecking.precheck)
    # one per distinct line but for the name (i % 10 decides the image and the label), and the bad name
    assert len(templates) == 11
    assert [(d.line, d.column, d.message) for d in exc.value.diagnostics] == [
        (502, 7, ('pod bench/a.b: container name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower '
                 "case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                 "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?') (the "
                 "one-container shorthand names the container after the workload; write a `container NAME` block to "
                 "name it)")),
        (702, 7, "pod bench/p3 is declared twice (first declared at alike.kdsl:5:3)")]
    names[500], names[700] = "p500", "p700"
    building.build(parse_document(_pods(names), "alike.kdsl"), later=prechecking.precheck)
    assert sum(a[0].kind == "Pod" for a in writes) == 10  # the API server's validation: once an entry


_template, registry = checks._template, validation.registry
