"""One sync's decision (reconcileAutoscaler): invalid metrics, conditions, SuccessfulRescale text, TARGETS."""

from kdsl.engine.autoscaling.behavior import Rules
from kdsl.engine.autoscaling.horizontal import (History, MetricInputs, MetricSpec, MetricStatus,
                                                compute_replicas_for_metrics, decide)
from kdsl.engine.autoscaling.printers import format_hpa_metrics, quantity_string
from kdsl.engine.autoscaling.replica_calculator import PodState, Sample

NOW = 3_600_000


def inputs(cpu_levels, cpu_request=1000, memory=None):
    pods = {f"p{i}": PodState("Running", True, 0, 0) for i in range(len(cpu_levels))}
    requests = {f"p{i}": {"cpu": cpu_request, "memory": 1 << 30} for i in range(len(cpu_levels))}
    samples = {"cpu": {f"p{i}": Sample(v, NOW) for i, v in enumerate(cpu_levels)}}
    if memory is not None:
        samples["memory"] = {f"p{i}": Sample(v, NOW) for i, v in enumerate(memory)}
    return MetricInputs(pods, requests, samples, NOW)


def reasons(decision):
    return [(c.type, c.status, c.reason) for c in decision.conditions]


def test_scale_up_event_text_and_conditions():
    # TestScaleUp: 3 pods at 300/500/700m of 1 cpu, target 30% -> 5
    d = decide(3, 2, 6, [MetricSpec("cpu", 30)], inputs([300, 500, 700]), History(), (None, None))
    assert (d.desired, d.rescale) == (5, True)
    assert d.events[-1].message == "New size: 5; reason: cpu resource utilization (percentage of request) above target"
    assert reasons(d) == [("AbleToScale", "True", "SucceededRescale"), ("ScalingActive", "True", "ValidMetricFound"),
                          ("ScalingLimited", "False", "DesiredWithinRange")]
    assert d.history.scale_up_events == ((NOW, 2),)


def test_scale_down_waits_out_the_window_then_reads_all_metrics_below_target():
    busy = History(recommendations=((NOW - 60_000, 5),))
    d = decide(5, 1, 10, [MetricSpec("cpu", 50)], inputs([100, 300, 500, 250, 250]), busy, (None, None))
    assert (d.desired, d.rescale) == (5, False)
    assert ("AbleToScale", "True", "ScaleDownStabilized") in reasons(d)
    later = decide(5, 1, 10, [MetricSpec("cpu", 50)], inputs([100, 300, 500, 250, 250]),
                   History(recommendations=((NOW - 301_000, 5),)), (None, None))
    assert later.desired == 3 and later.events[-1].message == "New size: 3; reason: All metrics below target"


def test_max_replicas_limits_with_scaling_limited():
    d = decide(3, 1, 4, [MetricSpec("cpu", 30)], inputs([300, 500, 700]), History(), (None, None))
    assert d.desired == 4
    limited = [c for c in d.conditions if c.type == "ScalingLimited"][0]
    assert (limited.status, limited.reason, limited.message) == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")


def test_several_metrics_largest_proposal_wins():
    # cpu proposes 5, memory (200Mi average against 100Mi) proposes 6
    specs = [MetricSpec("cpu", 30), MetricSpec("memory", average_value=100 << 20)]
    r = compute_replicas_for_metrics(specs, 3, inputs([300, 500, 700], memory=[200 << 20] * 3))
    assert (r.replicas, r.metric) == (6, "memory resource")
    assert format_hpa_metrics(specs, r.statuses) == "cpu: 50%/30%, memory: 209715200/100Mi"


def test_one_metric_invalid_scales_up_on_the_others():
    # TestScaleUpOneMetricInvalid: an unknown source type does not stop a scale-up
    specs = [MetricSpec("cpu", 30), MetricSpec("cpu", 30, type="CheddarCheese")]
    r = compute_replicas_for_metrics(specs, 3, inputs([300, 500, 700]))
    assert r.replicas == 5 and r.error.startswith("invalid metrics (1 invalid out of 2), first error is: ")


def test_one_metric_invalid_blocks_a_scale_down():
    # TestNoScaleDownOneMetricInvalid: 5 -> 5 with ScalingActive False, InvalidMetricSourceType
    specs = [MetricSpec("cpu", 50), MetricSpec("cpu", 50, type="CheddarCheese")]
    d = decide(5, 2, 6, specs, inputs([100, 300, 500, 250, 250]), History(), (None, None))
    assert (d.desired, d.rescale) == (5, False)
    assert reasons(d) == [("AbleToScale", "True", "SucceededGetScale"),
                          ("ScalingActive", "False", "InvalidMetricSourceType")]
    assert d.events[-1].reason == "FailedComputeMetricsReplicas"


def test_missing_metrics_condition_and_unknown_target():
    d = decide(3, 1, 10, [MetricSpec("cpu", 70)], MetricInputs({"p0": PodState()}, {"p0": {"cpu": 100}}, {}, NOW),
               History(), (None, None))
    active = [c for c in d.conditions if c.type == "ScalingActive"][0]
    assert (active.reason, active.message) == (
        "FailedGetResourceMetric", "the HPA was unable to compute the replica count: failed to get cpu utilization: "
        "unable to get metrics for resource cpu: no metrics returned from resource metrics API")
    assert format_hpa_metrics([MetricSpec("cpu", 70)], d.metrics.statuses) == "cpu: <unknown>/70%"


def test_scaling_disabled_and_out_of_range_current():
    off = decide(0, 1, 10, [MetricSpec("cpu", 70)], inputs([100]), History())
    assert reasons(off)[-1] == ("ScalingActive", "False", "ScalingDisabled") and not off.rescale
    over = decide(12, 1, 10, [MetricSpec("cpu", 70)], inputs([100]), History())
    assert over.events[-1].message == "New size: 10; reason: Current number of replicas above Spec.MaxReplicas"


def test_policies_bound_each_step():
    slow_up = (Rules(0, "Max", None), None)  # default policies: max(4 pods, 100%) per 15 s
    d = decide(2, 1, 100, [MetricSpec("cpu", 10)], inputs([1000, 1000]), History(), slow_up)
    assert d.desired == 6 and [c.reason for c in d.conditions if c.type == "ScalingLimited"] == ["ScaleUpLimit"]


def test_targets_column_like_kubectl():
    assert format_hpa_metrics([MetricSpec("cpu", 70)], [MetricStatus("cpu", 85, 595)]) == "cpu: 85%/70%"
    three = [MetricSpec("cpu", 70), MetricSpec("memory", 80), MetricSpec("cpu", average_value=500)]
    assert format_hpa_metrics(three, []) == "cpu: <unknown>/70%, memory: <unknown>/80% + 1 more..."
    assert format_hpa_metrics([], []) == "<none>"
    assert [quantity_string(v) for v in (500, 1000, 1500, 2_000_000)] == ["500m", "1", "1500m", "2k"]
    assert quantity_string((1 << 30) * 1000, binary=True) == "1Gi"


def test_without_behavior_the_older_path_caps_at_twice_or_four():
    # spec.behavior unset: normalizeDesiredReplicas, calculateScaleUpLimit = max(2 × current, 4)
    d = decide(2, 1, 100, [MetricSpec("cpu", 10)], inputs([1000, 1000]), History())
    assert d.desired == 4 and d.history.scale_up_events == ()  # storeScaleEvent keeps nothing without behavior
    limited = [c for c in d.conditions if c.type == "ScalingLimited"][0]
    assert (limited.status, limited.reason) == ("True", "ScaleUpLimit")
    assert d.history.recommendations == ((NOW, 20),)


def test_min_replicas_limits_a_scale_down():
    d = decide(5, 4, 10, [MetricSpec("cpu", 50)], inputs([100, 100, 100, 100, 100]), History(), (None, None))
    assert d.desired == 4 and d.events[-1].message == "New size: 4; reason: All metrics below target"
    limited = [c for c in d.conditions if c.type == "ScalingLimited"][0]
    assert (limited.status, limited.reason, limited.message) == (
        "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")
    assert d.history.scale_down_events == ((NOW, 1),)
