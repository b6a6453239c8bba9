"""sim.why: one small scenario per cause, its words as a golden file and its numbers asserted here."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

import kdsl
from kdsl import NotFoundError
from tests.golden import check_golden

TWO = """cluster c {
  node worker-1 cpu=2 memory=4Gi
  node worker-2 cpu=2 memory=4Gi
}
"""


@functools.cache
def simulate(text: str):
    return kdsl.simulate(kdsl.parse(text, "why.kdsl"))


# name: (scenario, pod, at, state, {fact: value})
CASES = {
    "resources": ("""cluster c {
  node worker-1 cpu=2 memory=8Gi
  node worker-2 cpu=2 memory=8Gi
  node worker-3 cpu=4 memory=8Gi { taint dedicated=db:NoSchedule }
}
pod filler-1 image=nginx cpu=1 { node-selector kubernetes.io/hostname=worker-1 }
pod filler-2 image=nginx cpu=500m { node-selector kubernetes.io/hostname=worker-2 }
pod web image=nginx cpu=2
run 30s
""", "web", None, "Pending", {"nodes": 3, "fit": 0, "requests CPU": 2000, "most free CPU": 1500,
                               "failed": {"NodeResourcesFit": 2, "TaintToleration": 1}}),
    "memory": (TWO + """pod a image=nginx memory=3Gi
pod b image=nginx memory=3Gi
pod big image=nginx memory=2Gi
run 30s
""", "big", None, "Pending", {"requests memory": 2 * 2**30, "most free memory": 2**30}),
    "too-many-pods": ("""cluster c { node small cpu=4 memory=8Gi pods=2 }
pod a image=nginx
pod b image=nginx
pod c image=nginx
run 30s
""", "c", None, "Pending", {"failed": {"NodeResourcesFit": 1}}),
    "never-fits": (TWO + """pod huge image=nginx cpu=16
run 30s
""", "huge", None, "Pending", {"requests CPU": 16000, "most free CPU": 2000}),
    "taint": (TWO.replace("memory=4Gi\n", "memory=4Gi { taint gpu=true:NoSchedule }\n") + """pod web image=nginx
run 30s
""", "web", None, "Pending", {"taints": {"gpu=true:NoSchedule": 2}}),
    "node-selector": (TWO + """pod web image=nginx { node-selector disktype=ssd }
run 30s
""", "web", None, "Pending", {"failed": {"NodeAffinity": 2}}),
    "node-affinity": ("""cluster c {
  node worker-1 cpu=2 memory=4Gi { labels zone=a }
  node worker-2 cpu=2 memory=4Gi { labels zone=b }
}
pod web image=nginx { affinity node zone in (c,d) }
run 30s
""", "web", None, "Pending", {"failed": {"NodeAffinity": 2}}),
    "cordoned": ("""cluster c {
  node worker-1 cpu=2 memory=4Gi unschedulable
  node worker-2 cpu=2 memory=4Gi unschedulable
}
pod web image=nginx
run 30s
""", "web", None, "Pending", {"failed": {"NodeUnschedulable": 2}}),
    "host-port": ("""cluster c { node worker-1 cpu=2 memory=4Gi }
pod a { container web image=nginx { port http 80 host=8080 } }
pod b { container web image=nginx { port http 80 host=8080 } }
run 30s
""", "b", None, "Pending", {"failed": {"NodePorts": 1}}),
    "anti-affinity": ("""cluster c { node worker-1 cpu=2 memory=4Gi }
pod zk-1 image=zk { labels app=zk; anti-affinity pods app=zk topology=kubernetes.io/hostname }
pod zk-2 image=zk { labels app=zk; anti-affinity pods app=zk topology=kubernetes.io/hostname }
run 30s
""", "zk-2", None, "Pending", {"failed": {"InterPodAffinity": 1}}),
    "pod-affinity": (TWO + """pod web image=nginx { affinity pods app=cache topology=kubernetes.io/hostname }
run 30s
""", "web", None, "Pending", {"failed": {"InterPodAffinity": 2}}),
    "spread": ("""cluster c {
  node a-1 cpu=2 memory=4Gi { labels zone=a }
  node b-1 cpu=2 memory=4Gi { labels zone=b; taint dedicated=db:NoSchedule }
}
pod web-1 image=nginx { labels app=web; spread topology=zone maxSkew=1 }
pod web-2 image=nginx { labels app=web; spread topology=zone maxSkew=1 }
run 30s
""", "web-2", None, "Pending", {"spread zone": {"a": 1, "b": 0}, "skew zone": 2,
                                 "failed": {"PodTopologySpread": 1, "TaintToleration": 1}}),
    "unbound-claim": (TWO + """pvc data 1Gi class="" access=RWO
pod db image=postgres { volume data pvc=data }
run 30s
""", "db", None, "Pending", {"nodes": 2, "claims": ["data"]}),
    "no-volume": (TWO + """storageclass local provisioner=none binding=WaitForFirstConsumer
pvc data 1Gi class=local access=RWO
pod db image=postgres { volume data pvc=data }
run 30s
""", "db", None, "Pending", {"failed": {"VolumeBinding": 2}}),
    "gated": (TWO + """pod web image=nginx { gate example.com/quota }
run 30s
""", "web", None, "Pending", {"gates": 1}),
    "image-pull": (TWO + """pod web { container web image=nginx:nope { pull fails } }
run 1m
""", "web", "45s", "Pending", {"attempts": 3, "retry": 71_000}),
    "config-key": (TWO + """configmap web-config { MODE = "fast" }
pod web { container web image=nginx { env LEVEL from configmap web-config } }
run 30s
""", "web", None, "Pending", {"missing": ("ConfigMap", "web-config", "LEVEL")}),
    "config-volume": (TWO + """pod web image=nginx { volume cfg configmap=web-config }
run 30s
""", "web", None, "Pending", {"mount failed": (0, 'MountVolume.SetUp failed for volume "cfg" : configmap '
                                                    '"web-config" not found')}),
    "crash-loop": (TWO + """pod web { container web image=nginx { crash after 5s } }
run 2m
""", "web", "1m", "Restarting", {"exit code": 1, "restarts": 3}),
    "liveness": (TWO + """pod web {
  container web image=nginx {
    liveness http /healthz port=80 period=10s
    hang after 20s
  }
}
run 3m
""", "web", "2m20s", "Restarting", {"restarts": 2, "next restart": 154_000}),
    "oom": (TWO + """pod web { container web image=nginx { limits memory=64Mi; oom after 10s } }
run 1m
""", "web", "45s", "Restarting", {"exit code": 137, "restarts": 2}),
    "readiness": (TWO + """pod web {
  container web image=nginx {
    readiness http /healthz port=80
    unready after 30s
  }
}
run 2m
""", "web", None, "NotReady", {"not ready": ["web"]}),
    "startup": (TWO + """pod web {
  container web image=nginx {
    startup http /healthz port=80 period=5s failures=30
    start 2m
  }
}
run 1m
""", "web", None, "NotReady", {"not ready": ["web"]}),
    "init": (TWO + """pod web image=nginx { init migrate image=busybox { exit 0 after 30s } }
run 1m
""", "web", "10s", "Pending", {"init running": ("migrate", 1000)}),
    "node-lost": (TWO + """pod web image=nginx { node-selector kubernetes.io/hostname=worker-1 }
at 10s: fail node worker-1
run 3m
""", "web", "2m", "Unknown", {"node lost": 60_000, "eviction": 360_000, "last heartbeat": 10_000}),
    "node-not-ready": (TWO + """pod web image=nginx { node-selector kubernetes.io/hostname=worker-1 }
at 10s: notready node worker-1
run 1m
""", "web", None, "NotReady", {"node lost": 10_000, "eviction": 310_000}),
    "terminating": (TWO + """pod web image=nginx { node-selector kubernetes.io/hostname=worker-1 }
at 10s: fail node worker-1
run 8m
""", "web", "7m", "Terminating", {"deleted": 360_000, "deadline": 390_000}),
    "failed": (TWO + """pod job { restart Never; container run image=busybox { exit 2 after 5s } }
run 1m
""", "job", None, "Failed", {"exit code": 2}),
    "succeeded": (TWO + """pod job { restart Never; container run image=busybox { exit 0 after 5s } }
run 1m
""", "job", None, "Succeeded", {"finished": 6000}),
    "healthy": (TWO + """pod web image=nginx
run 30s
""", "web", None, "Running", {"ready since": 1000, "restarts": 0}),
    "missing-claim": (TWO + """pod db image=postgres { volume data pvc=nope }
run 30s
""", "db", None, "Pending", {"claims": ["nope"], "fit": 0}),
    "volume-node": ("""cluster c {
  node worker-1 cpu=2 memory=4Gi unschedulable
  node worker-2 cpu=2 memory=4Gi
  pv local-1 1Gi class="" access=RWO claim=default/data node=worker-1
}
pvc data 1Gi class="" access=RWO
pod db image=postgres { volume data pvc=data }
run 30s
""", "db", None, "Pending", {"failed": {"NodeUnschedulable": 1, "VolumeBinding": 1}}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_why(name):
    text, pod, at, state, facts = CASES[name]
    sim = simulate(text)
    why = sim.why(pod, at=at)
    check_golden(f"views/why/{name}.txt", why.text() + "\n")
    assert why.state == state
    for key, value in facts.items():
        assert why.facts[key] == value, (key, why.facts)


def test_every_case_is_a_cause_of_its_own():
    # One golden situation per cause, at least 20 of them (issue 11).
    assert len(CASES) >= 20
    assert len({CASES[n][0] for n in CASES}) == len(CASES)


def test_why_at_a_past_moment_reads_the_cluster_as_it_stood_then():
    sim = simulate(TWO + """pod big image=nginx cpu=3
at 30s: add node large cpu=4 memory=8Gi
run 1m
""")
    before = sim.why("big", at="10s")
    assert (before.state, before.facts["nodes"], before.facts["fit"]) == ("Pending", 2, 0)
    assert before.facts["most free CPU"] == 2000
    assert before.text().startswith("big is Pending since 0s: 0 of 2 nodes fit.")
    after = sim.why("big")
    assert after.state == "Running" and "on large" in after.text()


def test_why_changes_nothing_and_names_a_missing_pod():
    sim = simulate(CASES["resources"][0])
    events, moments = len(sim.log.events), sim.store.moments()
    sim.why("web"), sim.why("web", at="0s"), sim.why("filler-1")
    assert len(sim.log.events) == events and sim.store.moments() == moments
    with pytest.raises(NotFoundError, match="no pod default/wbe at 30s; did you mean default/web?"):
        sim.why("wbe")


def test_why_shows_as_a_card_in_a_notebook():
    sim = simulate(CASES["resources"][0])
    why = sim.why("web")
    assert why.html().startswith('<p class="kdsl-why kdsl-why-warn">web is Pending since 0s:')
    bundle = why._repr_mimebundle_()
    assert bundle["text/plain"] == why.text() and "why: default/web is Pending" in bundle["text/html"]
    assert str(why) == why.text() and not why.healthy
    ok = sim.why("filler-1")
    assert ok.healthy and 'class="kdsl-why kdsl-why-ok"' in ok.html()


def test_explain_does_not_charge_a_running_pod_against_its_own_node():
    # Each node is full once `big` and `other` run: explaining `big` must leave `big` itself out, as the
    # scheduler's NodeInfo.RemovePod does, so its own node fits and the other one lacks cpu.
    sim = simulate(TWO + """pod big image=nginx cpu=2
pod other image=nginx cpu=2
run 30s
""")
    home = sim.scheduler.snapshot.node_of("default/big")
    away = ({"worker-1", "worker-2"} - {home}).pop()
    for at in (None, "10s"):
        ex = sim.explain("big", at=at).set_index("NODE")
        assert ex.loc[home, "FEASIBLE"] and pd.isna(ex.loc[home, "REASON"])
        assert ex.loc[away, "REASON"] == "Insufficient cpu"
    assert sim.scheduler.snapshot.node_of("default/big") == home  # the live snapshot still holds it
    assert sim.why("big").state == "Running"


def test_the_small_words():
    from kdsl.views.why_words import cpu_text, either, names, ordinal

    assert [cpu_text(m) for m in (2000, 1500, 250, 0, 1)] == ["2", "1.5", "0.25", "0", "0.001"]
    assert names(["a"]) == "a" and names(["a", "b"]) == "a and b" and names(["a", "b"], "or") == "a or b"
    assert names([f"pool-{i}" for i in range(1, 8)]) == "pool-1, pool-2, pool-3, pool-4 and 3 more"
    assert either(["a"]) == "a" and either(["a", "b"]) == "a or b" and either(["a", "b", "c"]) == "a, b, or c"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
