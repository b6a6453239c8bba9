"""A step another pod took from the same containers (kubelet/alike.py) makes what the step itself makes."""

from __future__ import annotations

import pytest

from kdsl.core.evolve import evolve
from kdsl.engine.kubelet import alike, runtime
from kdsl.engine.kubelet.pod import Config
from kdsl.engine.kubelet.runtime import new_pod, run_pod

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
    # a ReplicaSet's pods: one template's containers, each pod's template its own (it names the node)
    t = evolve(template(body), node_name="n1")
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
