"""A pod's journey (kdsl/engine/journey.py): every step from the creating request to Ready, or where it stops."""

from __future__ import annotations

import pytest

import kdsl
from tests.golden import check_golden

SCENARIOS = {
    "bare": ("""
node n1 cpu=2 memory=4Gi
namespace shop
pod shop/web {
  container web image=nginx:1.25 {
    requests cpu=250m
    readiness http / port=80 delay=2s
    pull 3s
  }
}
""", "shop/web"),
    "deployment": ("""
node n1 cpu=2 memory=4Gi
namespace shop
deployment shop/web replicas=1 image=nginx:1.25 cpu=100m
""", None),
    "statefulset-claim": ("""
node n1 cpu=2 memory=4Gi
service nginx headless selects app=nginx ports 80
statefulset web replicas=1 service=nginx {
  labels app=nginx
  container nginx image=nginx:1.25 {
    mount www at /usr/share/nginx/html
  }
  claim www 1Gi class=none
}
run 30s
""", "default/web-0"),
    "quota": ("""
node n1 cpu=2 memory=4Gi
namespace shop {
  quota pods=1
}
pod shop/a image=nginx:1.25
pod shop/b image=nginx:1.25
""", "shop/b"),
    "rbac": ("""
node n1 cpu=2 memory=4Gi
user jane
namespace dev {
  role pod-reader {
    allow get,list on pods
  }
  rolebinding jane-reads role=pod-reader to user:jane
}
at 5s as jane: create pod dev/probe image=busybox:1.36
run 10s
""", "dev/probe"),
    "limitrange": ("""
node n1 cpu=2 memory=4Gi
namespace shop {
  limits default cpu=500m memory=256Mi request cpu=100m
}
pod shop/web image=nginx:1.25
""", "shop/web"),
    "scored": ("""
node n1 cpu=2 memory=4Gi
node n2 cpu=4 memory=8Gi
node n3 cpu=8 memory=8Gi
namespace shop
pod shop/web image=nginx:1.25 cpu=500m memory=256Mi
""", "shop/web"),
}


def _journey(case: str):
    text, pod = SCENARIOS[case]
    sim = kdsl.simulate(kdsl.parse(text, f"{case}.kdsl"))
    if pod is None:
        pod = "/".join(sim.store.list("Pod")[0].key[1:])
    return sim, sim.journey(pod)


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_golden_journey(case):
    """Every step and its order, as `kdsl trace` prints it."""
    _, journey = _journey(case)
    check_golden(f"engine/journey-{case}.txt", repr(journey) + "\n")


def _order(journey, *texts):
    """Each text starts a step, in this order (other steps may lie between)."""
    lines = [s.text for s in journey.steps]
    at = -1
    for text in texts:
        found = next((i for i, line in enumerate(lines) if i > at and line.startswith(text)), None)
        assert found is not None, f"no step {text!r} after step {at}: {lines}"
        at = found


def test_bare_pod_goes_through_every_stage_to_ready():
    _, j = _journey("bare")
    assert j.outcome == "Ready"
    _order(j, "sends create pods shop/web as admin", "authentication: user admin",
           'authorization: allowed by Group "system:masters"', "admission ServiceAccount: spec.serviceAccountName → default",
           "admission Priority: spec.priority → 0", "admission DefaultTolerationSeconds: +2 tolerations",
           "validation: the pod is valid", "stores the pod as resourceVersion", "sees the unbound pod",
           "scheduling cycle: 1 of 1 nodes fit", "binds the pod to n1", "sees the pod bound",
           "creates the pod sandbox", "the CNI plugin gives the pod IP 10.244.0.2", "Pulling:", "Pulled:",
           "Created:", "Started:", "phase Pending → Running", "readiness: http probe of container web succeeded",
           "condition Ready: False → True", "Ready, ")
    assert [s.component for s in j.steps][:3] == ["kubectl", "kube-apiserver", "kube-apiserver"]
    times = [s.time_ms for s in j.steps]
    assert times == sorted(times)


def test_deployment_pod_is_created_by_its_replicaset_with_the_controllers_rule():
    _, j = _journey("deployment")
    first = j.steps[0]
    assert first.component == "replicaset-controller"
    assert "for ReplicaSet shop/web-" in first.text and "system:serviceaccount:kube-system:replicaset-controller" in first.text
    _order(j, "sends create pods", 'authorization: allowed by ClusterRoleBinding "system:controller:replicaset-controller" '
              'of ClusterRole "system:controller:replicaset-controller" to ServiceAccount '
              '"replicaset-controller/kube-system"', "stores the pod", "ReplicaSet web-", "binds the pod", "Ready, ")


def test_statefulset_pod_waits_for_its_claim():
    _, j = _journey("statefulset-claim")
    assert j.outcome == "Pending"
    assert j.steps[0].component == "statefulset-controller"
    _order(j, "sends create pods default/web-0 for StatefulSet default/web", "stores the pod",
           "sees the unbound pod", "scheduling cycle: no node fits (0/1 nodes are available: pod has unbound "
           "immediate PersistentVolumeClaims", "not Ready at 30s: Pending")
    assert not any(s.text.startswith("binds the pod") for s in j.steps)


def test_quota_refusal_ends_the_journey_at_admission():
    sim, j = _journey("quota")
    assert j.outcome == "refused"
    _order(j, "sends create pods shop/b", "authorization: allowed", "admission ServiceAccount",
           "validation: the pod is valid", 'refused by ResourceQuota (403 Forbidden): pods "b" is forbidden: '
           "exceeded quota: quota, requested: pods=1, used: pods=1, limited: pods=1", "not created: refused by ResourceQuota")
    assert not any(s.component == "etcd" for s in j.steps)


def test_rbac_refusal_names_the_user_and_stops_before_admission():
    _, j = _journey("rbac")
    assert j.outcome == "refused"
    assert [s.text for s in j.steps] == [
        "sends create pods dev/probe as jane",
        "authentication: user jane, groups system:authenticated",
        'authorization denied (403 Forbidden): pods is forbidden: User "jane" cannot create resource "pods" in API '
        'group "" in the namespace "dev"',
        "not created: refused by authorization"]
    assert {s.time_ms for s in j.steps} == {5000}


def test_limitrange_defaults_are_field_level_diffs():
    _, j = _journey("limitrange")
    texts = [s.text for s in j.steps]
    lr = next(t for t in texts if t.startswith("admission LimitRanger: "))
    for change in ("spec.containers[0].resources.requests.cpu → 100m", "spec.containers[0].resources.limits.cpu → 500m",
                   "spec.containers[0].resources.requests.memory → 256Mi",
                   "spec.containers[0].resources.limits.memory → 256Mi",
                   "metadata.annotations[kubernetes.io/limit-ranger] → LimitRanger plugin set:"):
        assert change in lr
    _order(j, "admission LimitRanger", "admission ServiceAccount", "admission Priority", "admission DefaultToleration")


def test_a_scored_cycle_reports_the_three_highest_totals_as_explain_scores_them():
    """selectHost's report: the chosen node's total first, then the next highest; a lone pod's cycle saw the
    cluster `sim.explain` recomputes (without the pod), so the totals are its SCORE column's."""
    sim, j = _journey("scored")
    cycle = next(s.text for s in j.steps if s.text.startswith("scheduling cycle"))
    table = sim.explain("shop/web")
    totals = sorted(zip(table["SCORE"], table["NODE"]), key=lambda t: -int(t[0]))
    (best, node), *rest = totals
    assert cycle == (f"scheduling cycle: 3 of 3 nodes fit after filtering; scoring chose {node} (total score {best}; "
                     f"next highest: {rest[0][1]} {rest[0][0]}, {rest[1][1]} {rest[1][0]})")
    assert "binds the pod to " + node in [s.text for s in j.steps][j.steps.index(
        next(s for s in j.steps if s.text == cycle)) + 1]


def test_one_feasible_node_is_chosen_without_scoring():
    _, j = _journey("bare")
    assert "scheduling cycle: 1 of 1 nodes fit after filtering; n1, the only one, is chosen without scoring" in \
        [s.text for s in j.steps]


def test_journey_is_a_dataframe_and_html_and_stops_at_a_moment():
    sim, j = _journey("bare")
    df = j.frame
    assert list(df.columns) == ["TIME", "COMPONENT", "STAGE", "STEP", "RESOURCE VERSION"]
    assert len(df) == len(j.steps) and df["STEP"].iloc[0] == j.steps[0].text
    assert "<table" in j._repr_html_() and "journey of pod shop/web" in j._repr_html_()
    early = sim.journey("shop/web", at="2s")
    assert early.outcome == "ContainerCreating" and max(s.time_ms for s in early.steps) <= 2000


def test_tracing_off_still_tells_the_journey_from_the_store_and_events():
    text, _ = SCENARIOS["bare"]
    from kdsl.engine.simulation import Simulation
    sim = Simulation(kdsl.parse(text), trace=False).run()
    j = sim.journey("shop/web")
    assert sim.traces is None and j.outcome == "Ready"
    _order(j, "stores the pod (resourceVersion", "binds the pod to n1", "Ready, ")


def test_unknown_pod_is_a_located_error():
    sim, _ = _journey("bare")
    with pytest.raises(kdsl.NotFoundError, match="no pod shop/nope"):
        sim.journey("shop/nope")


def test_the_swim_lane_picture_has_a_mark_a_group_of_steps_and_arrows_between_lanes():
    import html
    import xml.dom.minidom

    from kdsl.views.journey_chart import WIDTH, groups

    _, j = _journey("deployment")
    svg = j.chart()._repr_svg_()
    dom = xml.dom.minidom.parseString(svg)
    marks = groups(j.steps)
    assert svg.count("<circle") == len(marks) < len(j.steps)  # the API server's steps of a request are one mark
    assert all(html.escape(s.text) in svg for s in j.steps)  # every step's words, in its mark's tooltip
    assert int(dom.documentElement.getAttribute("width")) <= WIDTH  # a notebook's output area at 1,000 px
    assert 'marker-end="url(#kdsl-journey-shop-web-' in svg and "replicaset-controller" in svg


def test_running_pod_whose_readiness_fails_ends_with_the_ready_condition():
    sim = kdsl.simulate(kdsl.parse("""
node n1 cpu=2 memory=4Gi
pod sulky {
  container api image=shop/api:1.4 {
    readiness http /ready port=8080 period=5s
    unready after 0s
  }
}
run 30s
""", "sulky.kdsl"))
    j = sim.journey("sulky")
    assert j.outcome == "Running"
    _order(j, "Started: Started container api", "Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503",
           "phase Pending → Running",
           "not Ready at 30s: Running — ContainersNotReady: containers with unready status: [api]")


def test_a_pod_charged_to_a_quota_is_stored_after_the_quotas_status_write():
    # checkQuotas writes the quota's status.used first: the journey still names the pod's own resourceVersion
    sim = kdsl.simulate(kdsl.parse("""
cluster c { node n1 cpu=4 memory=8Gi }
namespace shop {
  quota pods=5
  pod web image=nginx:1.25
}
run 5s
"""))
    created = next(c for c in sim.store.history if c.key == ("Pod", "shop", "web"))
    before = sim.store.history[sim.store.history.index(created) - 1]
    assert before.key[0] == "ResourceQuota"
    stored = [s.text for s in sim.journey("shop/web").steps if s.text.startswith("stores the pod")]
    assert stored == [f"stores the pod as resourceVersion {created.resource_version}: phase Pending, no node yet"]
