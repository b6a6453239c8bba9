"""Which pod goes first: helpers_test.go's ordering tables, the eviction message and status, and the OOM rule."""

from __future__ import annotations

import pytest

from kdsl.engine.kubelet.eviction import (
    OOM_EXIT, OOM_REASON, ContainerUse, PodStats, admit, choose, exceed_memory_requests, memory, oom_at, ordered_by,
    priority, rank_memory_pressure, rank_pid_pressure,
)
from kdsl.engine.kubelet.containers import SIGKILL_EXIT
from kdsl.engine.kubelet.pressure import State, synchronize
from kdsl.engine.objects import Terminated
from kdsl.engine.kubelet.thresholds import MEMORY_AVAILABLE, Observation, parse_threshold_config

from .helpers import START, columns, play, state

Mi, Gi = 2**20, 2**30


def names(pods):
    return [p.name for p in pods]


def test_ordered_by_exceeds_request_memory():
    # TestOrderedByExceedsRequestMemory
    below = PodStats("below-requests", -1, 200 * Mi, 199 * Mi)
    exceeds = PodStats("exceeds-requests", 1, 100 * Mi, 101 * Mi)
    assert names(ordered_by(exceed_memory_requests)([below, exceeds])) == ["exceeds-requests", "below-requests"]


def test_ordered_by_priority():
    # TestOrderedByPriority
    low, medium, high = PodStats("low-priority", -134), PodStats("medium-priority", 1), PodStats("high-priority", 12534)
    assert names(ordered_by(priority)([high, medium, low])) == ["low-priority", "medium-priority", "high-priority"]


def test_ordered_by_memory():
    # TestOrderedbyMemory: the greediest consumer relative to its request first
    pods = [PodStats("best-effort-high", 0, 0, 500 * Mi), PodStats("best-effort-low", 0, 0, 300 * Mi),
            PodStats("burstable-high", 0, 100 * Mi, 800 * Mi), PodStats("burstable-low", 0, 100 * Mi, 300 * Mi),
            PodStats("guaranteed-high", 0, Gi, 800 * Mi), PodStats("guaranteed-low", 0, Gi, 200 * Mi)]
    assert names(ordered_by(memory)(pods)) == ["burstable-high", "best-effort-high", "best-effort-low",
                                               "burstable-low", "guaranteed-high", "guaranteed-low"]


def test_ordered_by_priority_memory():
    # TestOrderedByPriorityMemory: exceeds requests, then priority, then use above request
    low, high = -1, 1
    pods = [PodStats("above-requests-low-priority-high-usage", low, 0, 500 * Mi),
            PodStats("above-requests-low-priority-low-usage", low, 0, 50 * Mi),
            PodStats("above-requests-high-priority-high-usage", high, 100 * Mi, 600 * Mi),
            PodStats("above-requests-high-priority-low-usage", high, 100 * Mi, 150 * Mi),
            PodStats("below-requests-low-priority-high-usage", low, Gi, 800 * Mi),
            PodStats("below-requests-low-priority-low-usage", low, Gi, 200 * Mi),
            PodStats("below-requests-high-priority-high-usage", high, Gi, 800 * Mi),
            PodStats("below-requests-high-priority-low-usage", high, Gi, 200 * Mi)]
    assert names(rank_memory_pressure(reversed(pods))) == names(pods)


def test_pods_without_stats_go_first():
    # exceedMemoryRequests and memory: "prioritize evicting the pod for which no stats were found"
    known, unknown = PodStats("known", 0, 0, 900 * Mi), PodStats("unknown", 100)
    assert names(rank_memory_pressure([known, unknown])) == ["unknown", "known"]


def test_guaranteed_pods_are_evicted_last():
    # a Guaranteed pod's use cannot pass its request (request = limit), so every pod over its request
    # (Burstable or BestEffort) ranks before it whatever the priorities and uses
    pods = [PodStats("guaranteed", -1000, Gi, Gi - 1, "Guaranteed"),
            PodStats("burstable", 1000, 100 * Mi, 101 * Mi, "Burstable"),
            PodStats("best-effort", 1000, 0, 1, "BestEffort")]
    assert names(rank_memory_pressure(pods))[-1] == "guaranteed"


def test_ordered_by_priority_process():
    # TestOrderedByPriorityProcess: priority first, then the larger process count
    pods = [PodStats("low-priority-high-usage", -1, memory_use=0, processes=20),
            PodStats("low-priority-low-usage", -1, memory_use=0, processes=6),
            PodStats("high-priority-high-usage", 1, memory_use=0, processes=20),
            PodStats("high-priority-low-usage", 1, memory_use=0, processes=5)]
    assert names(rank_pid_pressure(reversed(pods))) == names(pods)


ADMIT = [  # Admit, as TestMemoryPressure and TestDiskPressureNodeFs check it: (case, conditions, pod, admitted)
    ("no pressure admits a best-effort pod", [], PodStats("best-admit"), True),
    ("memory pressure refuses a best-effort pod", ["MemoryPressure"], PodStats("best-admit"), False),
    ("memory pressure admits a burstable pod", ["MemoryPressure"], PodStats("burst-admit", qos="Burstable"), True),
    ("disk pressure refuses a burstable pod", ["DiskPressure"], PodStats("burst-admit", qos="Burstable"), False),
    ("a critical pod is admitted under any pressure", ["DiskPressure", "MemoryPressure"],
     PodStats("kube-proxy", 2_000_001_000), True),
]


@pytest.mark.parametrize(("conditions", "pod", "admitted"), [c[1:] for c in ADMIT], ids=[c[0] for c in ADMIT])
def test_admit(conditions, pod, admitted):
    assert admit(conditions, pod)[0] == admitted


def test_admit_message_and_toleration():
    # nodeConditionMessageFmt; a best-effort pod tolerating node.kubernetes.io/memory-pressure is admitted
    assert admit(["MemoryPressure"], PodStats("p")) == (False, "Evicted", "The node had condition: [MemoryPressure]. ")
    assert admit(["MemoryPressure"], PodStats("p"), tolerates_memory_pressure=True)[0]
    assert not admit(["DiskPressure"], PodStats("p"), tolerates_memory_pressure=True)[0]


def _evict(pods, available=42 * Mi):
    thresholds = parse_threshold_config({"memory.available": "100Mi"})
    obs = {MEMORY_AVAILABLE: Observation(available, 4 * Gi, 10_000)}
    _, decision = synchronize(thresholds, obs, State(), 10_000)
    return choose(decision, pods, obs)


def test_eviction_message_and_status():
    # evictionMessage (TestEvictonMessageWithResourceResize shape): node, threshold, offending containers
    web = PodStats.of("web", [ContainerUse("web", 128 * Mi, 300 * Mi), ContainerUse("side", 0, 0)], qos="Burstable")
    assert (web.memory_request, web.memory_use) == (128 * Mi, 300 * Mi)
    e = _evict([web])
    assert e.message == ("The node was low on resource: memory. Threshold quantity: 100Mi, available: 42Mi. "
                         "Container web was using 300Mi, request is 128Mi, has larger consumption of memory. ")
    assert dict(e.annotations) == {"offending_containers": "web", "offending_containers_usage": "300Mi",
                                   "starved_resource": "memory"}
    assert (e.phase, e.reason, e.grace_period_s) == ("Failed", "Evicted", 1)
    assert e.condition == ("DisruptionTarget", "True", "TerminationByKubelet")


def test_percentage_threshold_message_prints_the_computed_quantity():
    # GetThresholdQuantity: 10% of 4Gi printed as a BinarySI quantity; the percentage is a float32
    # (0.100000001490116...), so the quantity is 429496736, not 429496729 (a float64 0.1 would give that)
    thresholds = parse_threshold_config({"memory.available": "10%"})
    obs = {MEMORY_AVAILABLE: Observation(300 * Mi, 4 * Gi, 1)}
    _, decision = synchronize(thresholds, obs, State(), 1)
    e = choose(decision, [PodStats("a", 0, 0, 10 * Mi)], obs)
    assert e.message == "The node was low on resource: memory. Threshold quantity: 429496736, available: 300Mi. "


def test_critical_pods_are_never_evicted():
    # evictPod: kubelettypes.IsCriticalPod (static, mirror, or priority >= system-critical)
    critical = PodStats("kube-proxy", 2_000_001_000, 0, 900 * Mi)
    static = PodStats("etcd", 0, 0, 900 * Mi, critical=True)
    assert _evict([critical, static]) is None
    assert _evict([critical, static, PodStats("app", 0, 100 * Mi, 50 * Mi)]).pod == "app"


OOM = [  # (case, steps of (ms, bytes), limit, OOM-killed at)
    ("under the limit: never", [(0, 100 * Mi), (60_000, 200 * Mi)], 256 * Mi, None),
    ("exactly the limit is allowed", [(0, 256 * Mi)], 256 * Mi, None),
    ("the first step past the limit", [(0, 100 * Mi), (30_000, 200 * Mi), (60_000, 300 * Mi), (90_000, 400 * Mi)],
     256 * Mi, 60_000),
    ("no limit: the node's pressure decides, not the cgroup", [(0, 64 * Gi)], None, None),
]


@pytest.mark.parametrize(("steps", "limit", "at"), [c[1:] for c in OOM], ids=[c[0] for c in OOM])
def test_oom_at(steps, limit, at):
    assert oom_at(steps, limit) == at
    assert (OOM_REASON, OOM_EXIT) == ("OOMKilled", 137)


def test_an_oom_from_use_is_the_scripted_oom_of_today():
    # a leak measured from the run's start, past a 64Mi limit at 30 s: the kubelet's `oom` timer at that
    # moment (what `oom after 30s` scripts) gives oracle 11's Terminated 137 OOMKilled: the first kill restarts
    # at once, the second waits out the crash back-off
    leak = [(0, 16 * Mi), (10_000, 32 * Mi), (20_000, 48 * Mi), (30_000, 80 * Mi)]
    after = oom_at(leak, 64 * Mi)
    assert after == 30_000 and OOM_EXIT == SIGKILL_EXIT
    tr = play(f"container app image=x:1 {{ limits memory=64Mi\noom after {after // 1000}s }}", 90_000)
    first, second = START + after, START + 2 * after
    assert state(tr, first, "app").last_state == Terminated(OOM_EXIT, OOM_REASON, START, first)
    assert [columns(tr, t)[1] for t in (second, second + 1_000)] == ["OOMKilled", "CrashLoopBackOff"]
