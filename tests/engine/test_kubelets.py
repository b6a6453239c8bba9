"""The kubelet component's status write: a step's new status differs from the one it began from, so while the store
holds that one `_publish` writes without comparing (the plain path compares with `!=`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kdsl
from kdsl.engine import kubelets
from kdsl.engine.kubelet import runtime
from kdsl.engine.simulation import Simulation

from .kubelet.helpers import template

ROOT = Path(__file__).resolve().parents[2]
BODIES = (
    "container app image=x:1",
    "restart Never\ncontainer app image=busybox:1.36 { exit 1 after 5s }",
    "restart OnFailure\ncontainer app image=busybox:1.36 { crash after 5s }",
    "restart Always\ncontainer app image=busybox:1.36 { exit 0 after 1s }",
    "restart Never\ninit init image=busybox:1.36 { crash after 2s }\ncontainer app image=nginx:1.25",
    "init one image=busybox:1.36 { exit 0 after 5s }\ncontainer app image=nginx:1.25 { pull 10s }",
    "container app image=nginx:doesnotexist { pull fails }",
    "container app image=x:1 { limits memory=64Mi\noom after 30s }",
    "init proxy image=envoy:1 sidecar { startup tcp port=80 period=2s failures=5\nstart 5s }\n"
    "container app image=x:1 { readiness http / port=80 period=10s failures=3\nunready after 100s }",
    "container a image=x:1 { liveness http /healthz port=8080\n hang after 20s }\ncontainer b image=x:1",
)
TEMPLATES = tuple(template(b) for b in BODIES)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(range(len(BODIES))), st.integers(1, 3), st.booleans(), st.sampled_from((2_000, 30_000, 200_000)))
def test_a_steps_new_status_differs_from_the_one_it_began_from(which, pods, with_ip, until):
    # every pod of the template (the second and later share their containers: kubelet/alike.py), step by step
    t = TEMPLATES[which]
    for i in range(pods):
        pod = runtime.new_pod(t, 0, name=f"p{i}", uid=f"u{i}")
        for _ in range(200):
            step = runtime.next_event(pod)
            if step is None or step.time_ms > until:
                break
            ip = (f"10.244.0.{i + 2}", "192.168.0.10") if with_ip and step.what == "sandbox" else None
            after, _ = runtime.apply(pod, step, ip)
            if after.status is not pod.status:  # what _publish's shortcut takes for granted
                assert after.status != pod.status, (BODIES[which], step)
            pod = after


def _scenarios():
    for folder in ("examples", "tests/scenarios"):
        for path in sorted((ROOT / folder).glob("*.kdsl")):
            yield pytest.param(path, id=path.stem)


@pytest.mark.parametrize("path", list(_scenarios()))
def test_the_publish_shortcut_answers_as_the_comparison(path, monkeypatch):
    publish, seen = kubelets.KubeletComponent._publish, []

    def checked(self, key, run, events, prior=None):
        pod = self.sim.store.get(*key)
        if pod is not None:
            stored, status = pod.status, run.status
            plain = stored is not status and stored != status
            seen.append((plain, stored is not status and (stored is prior or stored != status), stored is prior))
        return publish(self, key, run, events, prior)

    monkeypatch.setattr(kubelets.KubeletComponent, "_publish", checked)
    Simulation(kdsl.parse(path.read_text(encoding="utf-8"), str(path))).run()
    assert all(plain == short for plain, short, _ in seen)
    assert not seen or any(prior for _, _, prior in seen)  # the shortcut is taken
