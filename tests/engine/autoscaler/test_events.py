"""The cluster autoscaler's event texts, as kubernetes/autoscaler formats them."""

from __future__ import annotations

from kdsl.engine.autoscaler import events


def test_scale_up_info_is_nodegroupset_scale_up_info_string():
    # processors/nodegroupset: fmt.Sprintf("{%v %v->%v (max: %v)}", ...), printed as a []ScaleUpInfo
    info = events.scale_up_info("pool", 3, 5, 10)
    assert info == "{pool 3->5 (max: 10)}"
    assert events.triggered([info]) == "pod triggered scale-up: [{pool 3->5 (max: 10)}]"


def test_not_triggered_counts_each_reason_over_groups_in_sorted_order():
    reasons = ["node(s) didn't match Pod's node affinity/selector", "max node group size reached",
               "node(s) didn't match Pod's node affinity/selector", "Insufficient cpu"]
    assert events.not_triggered(reasons) == (
        "pod didn't trigger scale-up: 1 Insufficient cpu, 1 max node group size reached, "
        "2 node(s) didn't match Pod's node affinity/selector")


def test_utilization_info_prints_as_go_percent_v():
    # utilization.Info{CpuUtil, MemUtil, GpuUtil, DynamicResourceUtil, ResourceName, Utilization}
    assert events.utilization_info(0.375, 0.0625) == "{0.375 0.0625 0 0 cpu 0.375}"
    assert events.utilization_info(0.1, 0.3) == "{0.1 0.3 0 0 memory 0.3}"
    assert events.go_float(0.1 + 0.2) == "0.30000000000000004"
    assert events.go_float(1.0) == "1"


def test_scale_down_texts():
    assert events.removing_empty("pool-4") == 'Scale-down: removing empty node "pool-4"'
    assert events.removing("pool-2", "{0.25 0 0 0 cpu 0.25}", ["a", "b"]) == (
        "Scale-down: removing node pool-2, utilization: {0.25 0 0 0 cpu 0.25}, pods to reschedule: a,b")
    assert events.setting_size("pool", 5, 3, 10) == "Scale-up: setting group pool size to 5 instead of 3 (max: 10)"
