"""Upstream's replica_calculator_test.go cases (kubernetes v1.34) for resource metrics, as a table."""

import pytest

from kdsl.engine.autoscaling.replica_calculator import (MetricError, PodState, Sample, Tolerances, calculate_request,
                                                        group_pods,
                                                        get_raw_resource_replicas, get_resource_replicas)

# Upstream's harness: pods started long ago ("cool"), Ready since their start, sampled now over a minute;
# CPU initialization period 2 min and readiness delay 10 s (defaultTesting*). Upstream gives each pod two
# containers; kdsl's values are per pod, so upstream's expectedValue (numContainersPerPod × X) is X here.
NOW = 10 * 60_000
# coolCPUCreationTime is long past the initialization period; a hot pod became Ready less than one metric
# window ago, so its sample may still hold the start-up burst
COOL, HOT = NOW - 10 * 60_000, NOW - 30_000
INIT, DELAY = 2 * 60_000, 10_000


def pods_and_samples(requests, levels, ready=None, start=None, phase=None, names=None):
    n = len(requests)
    pods = {}
    for i in range(n):
        st = (start or [COOL] * n)[i]
        pods[f"test-pod-{i}"] = PodState(phase=(phase or ["Running"] * n)[i], ready=(ready or [True] * n)[i],
                                         ready_transition_ms=st, start_ms=st)
    names = names or [f"test-pod-{i}" for i in range(len(levels))]
    samples = {name: Sample(v, NOW, 60_000) for name, v in zip(names, levels)}
    return pods, {f"test-pod-{i}": r for i, r in enumerate(requests)}, samples


# (upstream test, current, requests m, levels m, target %, kwargs) -> (replicas, utilization, raw average)
RESOURCE_CASES = [
    ("TestReplicaCalcScaleUp", 3, [1000] * 3, [300, 500, 700], 30, {}, (5, 50, 500)),
    ("TestReplicaCalcScaleUpUnreadyLessScale", 3, [1000] * 3, [300, 500, 700], 30,
     {"ready": [False, True, True]}, (4, 60, 600)),
    ("TestReplicaCalcScaleUpUnreadyNoScale", 3, [1000] * 3, [400, 500, 700], 30,
     {"ready": [True, False, False]}, (3, 40, 400)),
    ("TestReplicaCalcScaleDown", 5, [1000] * 5, [100, 300, 500, 250, 250], 50, {}, (3, 28, 280)),
    ("TestReplicaCalcTolerance", 3, [900, 1000, 1100], [1010, 1030, 1020], 100, {}, (3, 102, 1020)),
    ("TestReplicaCalcSuperfluousMetrics", 4, [1000] * 4, [4000, 9500, 3000, 7000, 3200, 2000], 100,
     {"names": [f"test-pod-{i}" for i in range(6)]}, (24, 587, 5875)),
    ("TestReplicaCalcMissingMetrics", 4, [1000] * 4, [400, 95], 100, {}, (3, 24, 247)),
    ("TestReplicaCalcMissingMetricsNoChangeEq", 2, [1000] * 2, [1000], 100, {}, (2, 100, 1000)),
    ("TestReplicaCalcMissingMetricsNoChangeGt", 2, [1000] * 2, [1900], 100, {}, (2, 190, 1900)),
    ("TestReplicaCalcMissingMetricsNoChangeLt", 2, [1000] * 2, [600], 100, {}, (2, 60, 600)),
    ("TestReplicaCalcMissingMetricsUnreadyChange", 3, [1000] * 3, [100, 450], 50,
     {"ready": [False, True, True]}, (3, 45, 450)),
    ("TestReplicaCalcMissingMetricsHotCpuNoChange", 3, [1000] * 3, [100, 450], 50,
     {"start": [HOT, COOL, COOL]}, (3, 45, 450)),
    ("TestReplicaCalcMissingMetricsUnreadyScaleUp", 3, [1000] * 3, [100, 2000], 50,
     {"ready": [False, True, True]}, (4, 200, 2000)),
    ("TestReplicaCalcMissingMetricsHotCpuScaleUp", 3, [1000] * 3, [100, 2000], 50,
     {"ready": [False, True, True], "start": [HOT, COOL, COOL]}, (4, 200, 2000)),
    ("TestReplicaCalcMissingMetricsUnreadyScaleDown", 4, [1000] * 4, [100, 100, 100], 50,
     {"ready": [False, True, True, True]}, (3, 10, 100)),
    ("TestReplicaCalcMissingMetricsScaleDownTargetOver100", 4, [1000, 1000, 2000, 2000], [200, 100, 100], 300,
     {"ready": [False, True, True, True]}, (2, 6, 100)),
    ("TestReplicaCalcDuringRollingUpdateWithMaxSurge", 2, [1000] * 3, [100, 100], 50, {}, (2, 10, 100)),
    ("TestReplicaCalcConfigurableTolerance/Outside of a 0% tolerance", 3, [900, 1000, 1100],
     [909, 1010, 1111], 100, {"tol": Tolerances(0.0, 0.0)}, (4, 101, 1010)),
    ("TestReplicaCalcConfigurableTolerance/Within a 200% scale-up tolerance", 3, [900, 1000, 1100],
     [1890, 1910, 1900], 100, {"tol": Tolerances(0.1, 2.0)}, (3, 190, 1900)),
    ("TestReplicaCalcConfigurableTolerance/Outside 8% scale-up tolerance", 3, [900, 1000, 1100],
     [1100, 1080, 1090], 100, {"tol": Tolerances(2.0, 0.08)}, (4, 109, 1090)),
    ("TestReplicaCalcConfigurableTolerance/Within a 36% scale-down tolerance", 3, [900, 1000, 1100],
     [660, 640, 650], 100, {"tol": Tolerances(0.36, 0.1)}, (3, 65, 650)),
    ("TestReplicaCalcConfigurableTolerance/Outside a 34% scale-down tolerance", 3, [900, 1000, 1100],
     [660, 640, 650], 100, {"tol": Tolerances(0.34, 0.1)}, (2, 65, 650)),
]


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=[c[0] for c in RESOURCE_CASES])
def test_get_resource_replicas_matches_upstream(case):
    _, current, requests, levels, target, kw, expected = case
    kw = dict(kw)
    tol = kw.pop("tol", Tolerances())
    pods, reqs, samples = pods_and_samples(requests, levels, **kw)
    got = get_resource_replicas(current, target, "cpu", pods, reqs, samples, NOW, tol, INIT, DELAY)
    assert (got.replicas, got.utilization, got.raw_average) == expected
    assert got.timestamp_ms == NOW


# TestReplicaCalcScaleUpCM* / ScaleDownCM / ToleranceCM / PlainMetric...: the same plain-metric path
# (calcPlainMetricReplicas) serves pods metrics and AverageValue resource targets.
RAW_CASES = [
    ("TestReplicaCalcScaleUpCM", 3, [20000, 10000, 30000], 15000, {}, (4, 20000)),
    ("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", 3, [50000, 10000, 30000], 15000,
     {"ready": [True, True, False], "start": [COOL, COOL, HOT]}, (6, 30000)),
    ("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", 3, [50000, 15000, 30000], 15000,
     {"ready": [False, True, False], "start": [HOT, COOL, HOT]}, (7, 31666)),
    ("TestReplicaCalcScaleDownCM", 5, [12000] * 5, 20000, {}, (3, 12000)),
    ("TestReplicaCalcToleranceCM", 3, [20000, 21000, 21000], 20000, {}, (3, 20666)),
    ("TestPlainMetricReplicaCalcMissingMetricsNoChangeEq", 5, [20000, 19000, 21000], 20000, {}, (5, 20000)),
    ("TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM", 2, [10000, 10000], 17000, {"n": 3}, (2, 10000)),
    ("TestReplicaCalcConfigurableToleranceCM", 3, [20000, 21000, 21000], 20000,
     {"tol": Tolerances(0.1, 0.01)}, (4, 20666)),
]


@pytest.mark.parametrize("case", RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_plain_metric_replicas_match_upstream(case):
    _, current, levels, target, kw, expected = case
    kw = dict(kw)
    tol = kw.pop("tol", Tolerances())
    n = kw.pop("n", len(levels))
    # a pods metric (qps) is not cpu: readiness rules of groupPods apply to cpu only, as upstream
    pods, _, samples = pods_and_samples([1] * n, levels, **kw)
    got = get_raw_resource_replicas(current, target, "qps", pods, samples, NOW, tol, INIT, DELAY)
    assert (got.replicas, got.average) == expected


ERROR_CASES = [
    ("TestReplicaCalcDisjointResourcesMetrics", [1000], [100], ["an-older-pod-name"],
     "no metrics returned matched known pods"),
    ("TestReplicaCalcEmptyMetrics", [1000] * 3, [], None,
     "unable to get metrics for resource cpu: no metrics returned from resource metrics API"),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_match_upstream(case):
    _, requests, levels, names, message = case
    pods, reqs, samples = pods_and_samples(requests, levels, names=names)
    with pytest.raises(MetricError, match=message):
        get_resource_replicas(1, 100, "cpu", pods, reqs, samples, NOW)


def test_empty_cpu_request_is_upstreams_error():
    # TestReplicaCalcEmptyCPURequest
    pods, _, samples = pods_and_samples([1000], [200])
    with pytest.raises(MetricError, match="missing request for cpu"):
        get_resource_replicas(1, 100, "cpu", pods, {}, samples, NOW)


# TestGroupPods, with upstream's times (relative to now) and expectations: (case, pods, samples, resource)
# -> (ready count, unready, missing, ignored)
S = 1_000
GROUP_CASES = [
    ("void", {}, {}, "cpu", (0, set(), set(), set())),
    ("count in a ready pod - memory", {"bentham": PodState("Succeeded", None, 0, None)},
     {"bentham": Sample(1, NOW, 60 * S)}, "memory", (1, set(), set(), set())),
    ("unready a pod without ready condition - CPU", {"lucretius": PodState("Succeeded", None, 0, NOW)},
     {"lucretius": Sample(1)}, "cpu", (0, {"lucretius"}, set(), set())),
    ("count in a ready pod with fresh metrics during initialization period - CPU",
     {"bentham": PodState("Succeeded", True, NOW - 30 * S, NOW - 60 * S)}, {"bentham": Sample(1, NOW, 30 * S)},
     "cpu", (1, set(), set(), set())),
    ("unready a ready pod without fresh metrics during initialization period - CPU",
     {"bentham": PodState("Succeeded", True, NOW - 30 * S, NOW - 60 * S)}, {"bentham": Sample(1, NOW, 60 * S)},
     "cpu", (0, {"bentham"}, set(), set())),
    ("unready an unready pod during initialization period - CPU",
     {"lucretius": PodState("Succeeded", False, NOW - 594 * S, NOW - 600 * S)}, {"lucretius": Sample(1)},
     "cpu", (0, {"lucretius"}, set(), set())),
    ("count in a ready pod without fresh metrics after initialization period - CPU",
     {"bentham": PodState("Succeeded", True, NOW - 180 * S, NOW - 180 * S)},
     {"bentham": Sample(1, NOW - 120 * S, 60 * S)}, "cpu", (1, set(), set(), set())),
    ("count in an unready pod that was ready after initialization period - CPU",
     {"lucretius": PodState("Succeeded", False, NOW - 540 * S, NOW - 600 * S)}, {"lucretius": Sample(1)},
     "cpu", (1, set(), set(), set())),
    ("unready pod that has never been ready after initialization period - CPU",
     {"lucretius": PodState("Succeeded", False, NOW - 590 * S, NOW - 600 * S)}, {"lucretius": Sample(1)},
     "cpu", (1, set(), set(), set())),
    ("a missing pod", {"epicurus": PodState("Succeeded", None, 0, NOW - 180 * S)}, {}, "cpu",
     (0, set(), {"epicurus"}, set())),
    ("several pods", {"lucretius": PodState("Succeeded", None, 0, NOW),
                      "niccolo": PodState("Succeeded", True, NOW - 180 * S, NOW - 180 * S),
                      "epicurus": PodState("Succeeded", None, 0, NOW - 180 * S)},
     {"lucretius": Sample(1), "niccolo": Sample(1)}, "cpu", (1, {"lucretius"}, {"epicurus"}, set())),
    ("pending pods are unreadied", {"unscheduled": PodState("Pending", None, 0, None)}, {}, "cpu",
     (0, {"unscheduled"}, set(), set())),
    ("ignore pods with deletion timestamps", {"deleted": PodState("Pending", None, 0, None, deleting=True)},
     {"deleted": Sample(1)}, "cpu", (0, set(), set(), {"deleted"})),
    ("ignore pods in a failed state", {"failed": PodState("Failed", None, 0, None)}, {"failed": Sample(1)}, "cpu",
     (0, set(), set(), {"failed"})),
]


@pytest.mark.parametrize("case", GROUP_CASES, ids=[f"TestGroupPods/{c[0]}" for c in GROUP_CASES])
def test_group_pods_matches_upstream(case):
    _, pods, samples, resource, expected = case
    g = group_pods(pods, samples, resource, NOW, INIT, DELAY)
    assert (g.ready_count, set(g.unready), set(g.missing), set(g.ignored)) == expected


C1, C2 = ("container1", {"cpu": 100}), ("container2", {"cpu": 50})
# TestCalculateRequests (pod-level resources enabled where the case sets pod requests)
REQUEST_CASES = [
    ("Sum container requests if pod-level feature is disabled", [C1, C2], "", None, 150),
    ("Pod-level resources override container requests when feature enabled and pod resources specified",
     [C1, C2], "", {"cpu": 800}, 800),
    ("Pod-level resources override missing container requests when feature enabled and pod resources specified",
     [("container1", {}), C2], "", {"cpu": 800}, 800),
    ("Container: if a container name is specified, calculate requests only for that container", [C1, C2],
     "container1", None, 100),
    ("Container: if a container name is specified, calculate requests only for that container and ignore "
     "pod-level requests", [C1, C2], "container1", {"cpu": 800}, 100),
    ("Fail if at least one of the containers is missing requests and pod-level feature/requests are not set",
     [("container1", {}), C2], "", None, "missing request for cpu in container container1 of Pod test-pod"),
]


@pytest.mark.parametrize("case", REQUEST_CASES, ids=[f"TestCalculateRequests/{c[0]}" for c in REQUEST_CASES])
def test_calculate_request_matches_upstream(case):
    _, containers, container, pod_requests, expected = case
    if isinstance(expected, str):
        with pytest.raises(MetricError, match=expected):
            calculate_request("test-pod", containers, "cpu", container, pod_requests)
    else:
        assert calculate_request("test-pod", containers, "cpu", container, pod_requests) == expected
