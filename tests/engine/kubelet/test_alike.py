"""A step another pod took from the same containers (kubelet/alike.py) makes what the step itself makes."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import alike, merge, recipe, refresh, runtime, shaped
from kdsl.engine.kubelet.pod import Config
from kdsl.engine.kubelet.runtime import new_pod, run_pod
from kdsl.engine.simulation import Simulation
from tests.engine.apiserver.test_prepared import _facts

from .helpers import template

BODIES = (
    "container app image=nginx:1.25",
    "container app image=x:1 { readiness http /healthz port=80 delay=5s }",
    "container app image=x:1 { readiness http / port=80 period=10s failures=3\nunready after 100s }",
    "container app image=x:1 { start 3s }",
    "restart Never\ninit setup image=busybox:1.36 { exit 0 after 2s }\ncontainer app image=x:1 { exit 0 after 5s }",
    "init proxy image=envoy:1 sidecar { startup tcp port=80 period=2s failures=5\nstart 5s }\ncontainer app image=x:1",
    "restart Never\ninit proxy image=envoy:1 sidecar\ncontainer app image=x:1 { exit 0 after 5s }",
    "container a image=x:1\ncontainer b image=y:1 { pull 8s }\ncontainer c image=x:1 pull=Never",
    "container app image=x:1 { crash after 5s }",
)


def _played(body: str, name: str, delete_at_ms: int | None = None, **pod_args):
    # a ReplicaSet's pods: one template's containers, each pod's template its own (it names the node), bound
    # together (a pod whose containers no other pod has had shares nothing: the sibling has had them)
    t = evolve(template(body), node_name="n1")
    new_pod(t, 0, name=name + "-sibling", namespace="ns")
    pod = new_pod(t, 0, name=name, namespace="ns", uid=name + "-uid", **pod_args)
    return run_pod(pod, 200_000, delete_at_ms=delete_at_ms)


# what each pod may differ in besides its name: the node's images, the kubelet's timings, a deletion
POD_ARGS = ({}, {"node_images": ("x:1",)}, {"config": Config(pull_ms=3_000)}, {"delete_at_ms": 4_000})


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("first", range(len(POD_ARGS)))
@pytest.mark.parametrize("second", range(len(POD_ARGS)))
def test_a_pod_that_takes_another_pods_steps_ends_as_if_it_took_them_itself(body, first, second, monkeypatch):
    alike._MADE.clear()
    _played(body, "first", **POD_ARGS[first])  # the first pod's steps are remembered
    taken = []
    found = alike.found

    def counting(key, pod):
        made = found(key, pod)
        taken.append(made is not None)
        return made

    monkeypatch.setattr(alike, "found", counting)
    shared = _played(body, "second", **POD_ARGS[second])
    if first == second:
        assert any(taken), "the second pod takes none of the first one's steps"
    monkeypatch.setattr(alike, "key", lambda pod, step: None)  # nothing shared: each step made by itself
    alone = _played(body, "second", **POD_ARGS[second])
    assert shared.states == alone.states
    assert shared.events == alone.events
    assert all(e.name == "second" and e.namespace == "ns" for e in shared.events)


def test_a_step_that_reads_more_of_the_pod_is_its_own():
    pod = new_pod(template("container app image=x:1 { crash after 5s }"), 0, name="p")
    step = runtime.next_event(pod)
    assert step.what == "sandbox" and alike.key(pod, step) is not None
    deleting, _ = runtime.delete(pod, 0)
    assert alike.key(deleting, step) is None  # a deleting pod's sync stops what runs
    pod, _ = runtime.apply(pod, step)
    while (step := runtime.next_event(pod)).what != "exit":
        pod, _ = runtime.apply(pod, step)
    assert alike.key(pod, step) is None  # an exit reads the phase and the crash back-off


def test_pods_that_start_together_share_their_containers():
    alike._MADE.clear()
    a, b = (_played(BODIES[1], name) for name in ("a", "b"))
    assert all(x.ctrs is y.ctrs for x, y in zip(a.states[1:], b.states[1:]))
    assert a.last.status.container_statuses is b.last.status.container_statuses


# Bare pods: each names its one container after itself (as the one-container shorthand and kubectl run do), so no
# two have the same containers, and a Deployment's, which share theirs. Deleted, crash-looping, failing a pull,
# with probes and an init container: every path of a step.
BARE = """cluster c { nodes pool count=2 cpu=8 memory=16Gi pods=110 }
namespace shop {
  pod s1 image=web:1 cpu=100m
  pod s2 image=web:1 cpu=100m
  pod a1 { container a1 image=web:1 { readiness http /healthz port=80 delay=5s } }
  pod a2 { container a2 image=web:1 { readiness http /healthz port=80 period=10s failures=3
    unready after 40s } }
  pod b1 { container b1 image=web:1 { crash after 5s } }
  pod b2 { container b2 image=web:2 { crash after 5s } }
  pod c1 { restart Never
    init i1 image=busybox:1 { exit 0 after 2s }
    container c1 image=web:1 pull=Always { exit 0 after 3s } }
  pod d1 { container d1 image=missing:1 { pull fails } }
  deployment web replicas=3 image=web:1
}
at 20s: delete pod shop/a1
at 30s: delete pod shop/b1
"""


def test_pods_whose_containers_are_their_own_remember_nothing_and_say_what_they_would_remembered(monkeypatch):
    computed = []
    refreshed, by_shape = refresh.refreshed, shaped.refreshed

    def counting(*args, alone=False):
        computed.append(alone)
        return refreshed(*args, alone=alone)

    def counting_alone(*args):  # a pod whose containers are its own: answered by their shape (kubelet/shaped.py)
        computed.append(True)
        return by_shape(*args)

    monkeypatch.setattr(runtime, "refreshed", counting)
    monkeypatch.setattr(runtime.shaped, "refreshed", counting_alone)

    def run() -> tuple:
        for table in (alike._MADE, alike._ONCE, alike._SHARED, refresh._KNOWN, refresh._SPLIT, merge._MERGED,
                      merge._SHARED, merge._FIELDS_OF, shaped._ANSWERS, recipe._RECIPES, recipe._CANONS):
            table.clear()  # from nothing remembered, so that a wrong hit shows
        return _facts(Simulation(kdsl.parse(BARE)).run())

    alone = run()
    # the bare pods' steps computed, the Deployment's three pods sharing theirs
    assert computed.count(True) > 30 and computed.count(False) > 6
    first_ctrs = alike.first_ctrs
    monkeypatch.setattr(alike, "first_ctrs", lambda t, make: (first_ctrs(t, make)[0], True))
    monkeypatch.setattr(alike, "shared", lambda t: True)  # every pod's steps remembered, as before
    computed.clear()
    remembered = run()
    assert computed and not any(computed)
    assert alone == remembered
    events = alone[0]
    assert {"BackOff", "Failed", "Killing", "Unhealthy", "Created", "Started"} <= {e.reason for e in events}
