"""The topology: golden DOT sources of the fixed scenario, replicas grouped, the legend, fonts, diffs, files."""

from __future__ import annotations

import re

import pytest

import kdsl
from kdsl.engine.simulation import Simulation
from kdsl.views import topology
from kdsl.views.common import ViewError
from kdsl.views.drawing import FONT
from tests.golden import check_golden

# 37 replicas on two nodes with room for 36 pods of 100m: the api's 2 come first, so 34 web pods run, 3 wait.
MANY = """
cluster many {
  node worker-1 cpu=1800m memory=8Gi
  node worker-2 cpu=1800m memory=8Gi
}
namespace app {
  deployment api replicas=2 image=shop/api:1.4 port=8080 cpu=100m memory=64Mi
  deployment web replicas=37 image=nginx:1.25 port=80 cpu=100m memory=64Mi
  service web selects app=web ports 80
}
run 2m
"""


@pytest.fixture(scope="module")
def many():
    return kdsl.simulate(kdsl.parse(MANY, "many.kdsl"))


@pytest.mark.parametrize("view", ["namespace", "node"])
def test_golden_dot(sim, view):
    check_golden(f"views/topology-{view}.dot", sim.topology(view=view).source)


def test_golden_diff(sim):
    check_golden("views/topology-diff.dot", sim.topology_diff("30s", "3m").source)


def test_golden_grouped_with_legend(many):
    check_golden("views/topology-grouped.dot", many.topology(legend=True).source)


def test_what_is_drawn(sim):
    dot = sim.topology().source
    assert '"Ingress/shop/gw" -> "Service/shop/web" [label="shop.example.com/"]' in dot
    assert '"Service/shop/web" -> "Pod/shop/web-1"\n' in dot  # ready: solid
    assert '"Service/shop/web" -> "Pod/shop/slow" [style=dashed]' in dot  # not ready: dashed
    assert '"StatefulSet/shop/db" -> "Pod/shop/db-0"' in dot
    assert '"Pod/shop/db-0" -> "Secret/shop/db-credentials" [arrowhead=vee style=dotted]' in dot
    assert '"Pod/shop/web-1" -> "ConfigMap/shop/web-config"' in dot
    assert '"PersistentVolumeClaim/batch/scratch" -> "PersistentVolume/manual"' in dot
    assert "subgraph cluster_ns_shop" in dot
    assert 'fillcolor="#d1d5db"' in dot  # db-0 on the lost node: Unknown
    assert "Pods/" not in dot  # no controller has more than 5 pods: every pod drawn by itself
    node = sim.topology(view="node").source
    assert '"Pod/shop/db-0" -> "Node/worker-2"' in node


def test_replicas_beyond_the_threshold_are_one_node_with_counts_by_phase(many):
    dot = many.topology().source
    web = re.search(r'"ReplicaSet/app/(web-\w+)"', dot).group(1)
    statuses = many.pods(namespace="app", selector="app=web")["STATUS"].value_counts().to_dict()
    assert statuses == {"Running": 34, "Pending": 3}
    gid = f'"Pods/app/ReplicaSet/{web}"'
    # 34 of 37 (0.918…) striped green, the rest yellow; the label names the pods and counts them, most first.
    assert (f'{gid} [label="{web}-… ×37\n34 Running, 3 Pending" fillcolor="#86efac;0.918:#fde68a" '
            'peripheries=2 shape=box style=striped]') in dot
    assert f'"ReplicaSet/app/{web}" -> {gid}\n' in dot
    assert f'"Service/app/web" -> {gid} [label="34 ready"]' in dot  # pending pods are no endpoints at all
    assert dot.count('"Pod/app/') == 2 * 2  # the api's 2 pods stay themselves (a vertex and an edge each)
    assert "grouped" not in dot.splitlines()[1]  # only max_pods groups every controller, and says so
    node = many.topology(view="node").source
    assert f'{gid} -> "Node/worker-1" [label=17]' in node and f'{gid} -> "Node/worker-2" [label=17]' in node


def test_the_group_threshold(many):
    assert "Pods/" not in many.topology(group=37).source  # 37 is not more than 37
    assert many.topology(group=36).source.count("×37") == 1
    assert "Pods/" not in many.topology(group=None).source
    grouped = many.topology(group=0).source  # the api's two pods too
    assert re.search(r'label="api-\w+-… ×2\n2 Running" fillcolor="#86efac" peripheries=2 shape=box style=filled', grouped)
    for bad in (-1, 2.5, "5", True):
        with pytest.raises(ViewError, match=rf"group={re.escape(repr(bad))}: give how many pods of one controller"):
            many.topology(group=bad)


def test_large_scenarios_group_every_controller(sim):
    dot = topology.topology(sim, max_pods=3).source
    assert '"Pods/infra/DaemonSet/agent" [label="agent-… ×2\n1 Running, 1 Unknown" fillcolor="#86efac;0.500:#d1d5db"' in dot
    assert '"Pods/shop/-" [label="pods without a controller ×3\n2 Unknown, 1 Running" fillcolor="#d1d5db;0.666:#86efac"' in dot
    assert '"Service/shop/web" -> "Pods/shop/-" [label="1 ready, 2 not ready"]' in dot
    assert "every controller's pods grouped" in dot
    nodes = topology.build(sim, sim.now, "node", max_pods=3, max_nodes=1)
    assert sorted(k for k in nodes.vertices if k.startswith("Nodes/")) == ["Nodes/NotReady", "Nodes/Ready"]


def test_the_legend_is_off_by_default_and_a_small_card_at_the_side_on_request(sim, many):
    assert "legend" not in sim.topology().source and "legend" not in sim.topology_diff("30s", "3m").source
    dot = sim.topology(legend=True).source
    assert dot.count("\tlegend [label=<<table") == 1 and "cluster_legend" not in dot  # one node, not a tall frame of boxes
    assert "\t\trank=sink\n" in dot  # the last rank: right of the diagram, never above it
    assert '<td bgcolor="#fde68a">Pending</td><td bgcolor="#86efac">Running</td>' in dot
    assert "dashed arrow: routes to not-ready endpoints only" in dot and "stripes" not in dot
    assert "stripes: a controller's pods by phase" in many.topology(legend=True).source
    diff = sim.topology_diff("30s", "3m", legend=True).source
    assert '<font color="#16a34a">+ appeared</font>' in diff and '<font color="#dc2626">- vanished</font>' in diff


def test_one_sans_serif_font_on_a_transparent_page(sim):
    for dot in (sim.topology(legend=True).source, sim.topology(view="node").source,
                sim.topology_diff("30s", "3m").source):
        assert set(re.findall(r"fontname=(\"[^\"]*\"|\S+)", dot)) == {f'"{FONT}"'}
        assert dot.count("fontname=") == 3  # graph (title, namespace labels), nodes, edges: nothing overrides them
        assert "bgcolor=transparent" in dot.splitlines()[1]
    svg = sim.topology(legend=True).pipe(format="svg", encoding="utf-8")
    assert set(re.findall(r'font-family="([^"]*)"', svg)) == {FONT}
    assert '<polygon fill="white"' not in svg.split('class="cluster"')[0]  # no page drawn under the graph


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


def test_kdsl_graph_groups_and_draws_the_legend_on_request(tmp_path, capsys):
    from kdsl.cli import main
    from tests.views.conftest import LAB

    assert main(["graph", str(LAB), "--group", "1", "--legend", "-o", str(tmp_path / "g.dot")]) == 0
    dot = (tmp_path / "g.dot").read_text()
    assert '"Pods/infra/DaemonSet/agent" [label="agent-… ×2' in dot and "\tlegend [label=<<table" in dot
    assert main(["graph", str(LAB), "-o", str(tmp_path / "plain.dot")]) == 0
    assert "Pods/" not in (tmp_path / "plain.dot").read_text() and "legend" not in (tmp_path / "plain.dot").read_text()
    assert main(["graph", str(LAB), "--group", "-1", "-o", str(tmp_path / "bad.dot")]) == 1
    assert "kdsl graph: error: group=-1: give how many pods of one controller" in capsys.readouterr().err


# Three api pods whose readiness probe first passes at 10s: Running but not Ready (READY 0/1) until then.
WARMING = """
cluster warm { node worker-1 cpu=4 memory=8Gi }
namespace app {
  deployment api replicas=3 {
    labels app=api
    container api image=shop/api:1 {
      port http 8080
      readiness http /healthz port=8080 delay=10s period=5s
    }
  }
  deployment web image=nginx:1.25 port=80
  service api selects app=api ports 80->http
}
run 1m
"""


@pytest.fixture(scope="module")
def warming():
    return kdsl.simulate(kdsl.parse(WARMING, "warm.kdsl"))


def test_a_running_pod_that_is_not_ready_is_drawn_apart_from_a_ready_one(warming):
    early = warming.pods(at="5s", namespace="app")
    assert sorted(zip(early["READY"], early["STATUS"])) == [("0/1", "Running")] * 3 + [("1/1", "Running")]
    dot = warming.topology(at="5s").source
    # kubectl's READY in the box (no colour needed to tell) and the lighter green; the web pod stays Ready's green.
    assert len(re.findall(r'label="api-\w+-\w+\nRunning, 0/1 ready" fillcolor="#d9f99d"', dot)) == 3
    assert re.search(r'label="web-\w+-\w+\nRunning" fillcolor="#86efac"', dot)
    assert "0/1 ready" not in warming.topology().source  # Ready at the end: as any Running pod
    assert "Running but not Ready" not in warming.topology(at="5s").source  # the key only on request
    key = warming.topology(at="5s", legend=True).source
    assert '<td></td><td bgcolor="#d9f99d">0/1 ready</td><td colspan="3" align="left">Running but not Ready</td>' in key
    assert "0/1 ready</td>" not in warming.topology(legend=True).source  # no such pod: no such line


def test_a_group_counts_its_not_ready_pods_in_words_and_fills_them_lighter(warming):
    dot = warming.topology(at="5s", group=2).source
    assert re.search(r'label="api-\w+-… ×3\n3 Running \(3 not ready\)" fillcolor="#d9f99d" peripheries=2', dot)
    later = warming.topology(at="12s", group=0).source
    assert re.search(r'label="api-\w+-… ×3\n3 Running" fillcolor="#86efac"', later)


def test_kube_root_ca_is_drawn_only_where_a_pod_uses_it():
    # every namespace holds kube-root-ca.crt; the diagram draws relations, so only a used one is drawn
    sim = Simulation(kdsl.parse("""
node n1 cpu=8 memory=16Gi
namespace a {
  pod reader image=nginx:1.25 { volume ca configmap=kube-root-ca.crt }
}
namespace b {
  pod plain image=nginx:1.25
}
""")).run(60_000)
    assert sim.store.get("ConfigMap", "b", "kube-root-ca.crt") is not None
    model = topology.build(sim, sim.now)
    drawn = sorted(k for k in model.vertices if "kube-root-ca.crt" in k)
    assert drawn == [topology.vid("ConfigMap", "a", "kube-root-ca.crt")]
