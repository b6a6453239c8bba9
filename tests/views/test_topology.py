"""The topology: golden DOT sources of the fixed scenario, collapsing, diffs, files."""

from __future__ import annotations

import pytest

from kdsl.views import topology
from kdsl.views.common import ViewError
from tests.golden import check_golden


@pytest.mark.parametrize("view", ["namespace", "node"])
def test_golden_dot(sim, view):
    check_golden(f"views/topology-{view}.dot", sim.topology(view=view).source)


def test_golden_diff(sim):
    check_golden("views/topology-diff.dot", sim.topology_diff("30s", "3m").source)


def test_what_is_drawn(sim):
    dot = sim.topology().source
    assert '"Ingress/shop/gw" -> "Service/shop/web" [label="shop.example.com/"]' in dot
    assert '"Service/shop/web" -> "Pod/shop/web-1"\n' in dot  # ready: solid
    assert '"Service/shop/web" -> "Pod/shop/slow" [style=dashed]' in dot  # not ready: dashed
    assert '"StatefulSet/shop/db" -> "Pod/shop/db-0"' in dot
    assert '"Pod/shop/db-0" -> "Secret/shop/db-credentials" [arrowhead=vee style=dotted]' in dot
    assert '"Pod/shop/web-1" -> "ConfigMap/shop/web-config"' in dot
    assert '"PersistentVolumeClaim/batch/scratch" -> "PersistentVolume/manual"' in dot
    assert "subgraph cluster_ns_shop" in dot and "subgraph cluster_legend" in dot
    assert 'fillcolor="#d1d5db"' in dot  # db-0 on the lost node: Unknown
    node = sim.topology(view="node").source
    assert '"Pod/shop/db-0" -> "Node/worker-2"' in node


def test_large_scenarios_collapse_to_counts_per_controller(sim):
    dot = topology.topology(sim, max_pods=3).source
    assert '"Pods/infra/DaemonSet/agent" [label="2 pods of DaemonSet agent\nRunning 1, Unknown 1"' in dot
    assert '"Service/shop/web" -> "Pods/shop/-" [label="1 ready, 2 not ready"]' in dot
    assert "pods counted per controller" in dot
    nodes = topology.build(sim, sim.now, "node", max_pods=3, max_nodes=1)
    assert sorted(k for k in nodes.vertices if k.startswith("Nodes/")) == ["Nodes/NotReady", "Nodes/Ready"]


def test_the_diff_marks_what_appeared_vanished_and_changed(sim):
    dot = sim.topology_diff(0, "30s").source
    assert 'label="+ once-' not in dot  # the job's pod existed at 0s already
    assert '"Pod/shop/web-1" [label="~ web-1\nRunning" color="#ea580c"' in dot
    later = sim.topology_diff("30s", "3m").source
    assert '"Pod/shop/db-0" [label="~ db-0\nRunning"' in later


def test_save_writes_dot_svg_and_refuses_other_suffixes(sim, tmp_path):
    g = sim.topology()
    topology.save(g, tmp_path / "t.dot")
    assert (tmp_path / "t.dot").read_text().startswith("digraph kdsl {")
    topology.save(g, tmp_path / "t.svg")
    assert b"<svg" in (tmp_path / "t.svg").read_bytes()
    with pytest.raises(ViewError, match=r"`t.txt`: write .svg, .png, .pdf or .dot"):
        topology.save(g, tmp_path / "t.txt")
    with pytest.raises(ViewError, match='view=\'side\': use "namespace" or "node"'):
        sim.topology(view="side")
