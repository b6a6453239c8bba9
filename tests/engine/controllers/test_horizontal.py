"""The HPA controller (pkg/controller/podautoscaler/horizontal.go): its 15 s sync, the status it writes (conditions
with upstream's reasons and messages, kept transition times), its events, the /scale writes and their refusal."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver import rbac
from kdsl.engine.objects import requested
from kdsl.engine.simulation import Simulation
from kdsl.model.access import ClusterRole, PolicyRule

NODES = "node n1 cpu=16 memory=32Gi\nnode n2 cpu=16 memory=32Gi\nnamespace shop\n"
WEB = "deployment shop/web replicas=2 image=shop/web:1 cpu=100m memory=128Mi\n"
HPA = "hpa shop/web target=deployment/web min=2 max=10 cpu=70%\n"
SA = "system:serviceaccount:kube-system:horizontal-pod-autoscaler"
SOURCE = "horizontal-pod-autoscaler"


def run(body: str, until: int | None = 120_000, prepare=None) -> Simulation:
    sim = Simulation(kdsl.parse(NODES + body))
    if prepare is not None:
        prepare(sim)
    return sim.run(until=until)


def hpa(sim, at=None, name="web"):
    key = ("HorizontalPodAutoscaler", "shop", name)
    return sim.store.get(*key) if at is None else sim.store.at(key, at)


def conditions(obj):
    return {c.type: (c.status, c.reason, c.message) for c in obj.status.conditions}


def events(sim, reason=None):
    return [(e.time_ms, e.reason, e.message, e.source) for e in sim.log.events
            if e.kind == "HorizontalPodAutoscaler" and (reason is None or e.reason == reason)]


def test_the_role_upstream_gives_the_controller():
    sim = run(WEB + HPA, until=0)
    allowed = {(v, r): rbac.can(SA, v, r, "shop", view=sim.store) for v, r in
               [("get", "deployments/scale"), ("update", "statefulsets/scale"), ("list", "pods"),
                ("update", "horizontalpodautoscalers/status"), ("create", "events"),
                ("update", "deployments"), ("delete", "pods"), ("update", "horizontalpodautoscalers")]}
    assert [k for k, ok in allowed.items() if ok] == [
        ("get", "deployments/scale"), ("update", "statefulsets/scale"), ("list", "pods"),
        ("update", "horizontalpodautoscalers/status"), ("create", "events")]


def test_first_sync_one_period_after_creation_then_every_period():
    sim = run(WEB + HPA + "load deployment shop/web cpu=100m\n", until=61_000)
    assert hpa(sim, at=14_999).status is None  # nothing written before the first sync
    assert hpa(sim, at=15_000).status is not None
    # 15s: no metrics yet (pods are reported from the 30s scrape on): the two warnings, with upstream's text
    assert events(sim)[:2] == [
        (15_000, "FailedGetResourceMetric", "failed to get cpu utilization: unable to get metrics for resource cpu: "
                                            "no metrics returned from resource metrics API", SOURCE),
        (15_000, "FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1), first error is: failed to get "
                                                 "cpu resource metric value: failed to get cpu utilization: unable to "
                                                 "get metrics for resource cpu: no metrics returned from resource "
                                                 "metrics API", SOURCE)]
    assert conditions(hpa(sim, at=15_000))["ScalingActive"][:2] == ("False", "FailedGetResourceMetric")
    assert sim.hpa(at=15_000)["TARGETS"].tolist() == ["cpu: <unknown>/70%"]
    # 50m a pod of 100m: 50% against 70% wants ceil(2 x 0.71) = 2, the count it has
    assert conditions(hpa(sim, at=30_000))["ScalingActive"] == (
        "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource "
                                    "utilization (percentage of request)")
    assert sim.hpa(at=30_000)["TARGETS"].tolist() == ["cpu: 50%/70%"]


def test_status_written_only_when_it_changes_and_transition_times_kept():
    writes = []

    def watch(sim):
        sim.store.watch("HorizontalPodAutoscaler", lambda op, old, new: writes.append(sim.now))

    sim = run(WEB + HPA + "load deployment shop/web cpu=100m\n", until=180_000, prepare=watch)
    # (watched from after its creation) the 15s status (no metrics), the 30s one (metrics): nothing changes after
    assert writes == [15_000, 30_000]
    active = next(c for c in hpa(sim).status.conditions if c.type == "ScalingActive")
    able = next(c for c in hpa(sim).status.conditions if c.type == "AbleToScale")
    assert (active.last_transition_ms, able.last_transition_ms) == (30_000, 15_000)
    assert [c.type for c in hpa(sim).status.conditions] == ["AbleToScale", "ScalingActive", "ScalingLimited"]


def test_rescale_status_and_scale_limit_conditions():
    sim = run(WEB + HPA + "load deployment shop/web cpu=1600m\n", until=30_000)
    status = hpa(sim).status
    assert (status.current_replicas, status.desired_replicas, status.last_scale_ms) == (2, 4, 30_000)
    assert conditions(hpa(sim)) == {
        "AbleToScale": ("True", "SucceededRescale", "the HPA controller was able to update the target scale to 4"),
        "ScalingActive": ("True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count "
                                                      "from cpu resource utilization (percentage of request)"),
        "ScalingLimited": ("True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum "
                                                   "scale rate")}
    assert sim.store.get("Deployment", "shop", "web").spec.replicas == 4
    assert events(sim, "SuccessfulRescale") == [(30_000, "SuccessfulRescale", "New size: 4; reason: cpu resource "
                                                 "utilization (percentage of request) above target",
                                                 "horizontal-pod-autoscaler")]


def test_max_and_min_limits_say_why():
    sim = run(WEB + "hpa shop/web target=deployment/web min=1 max=3 cpu=50%\nload deployment shop/web cpu=2\n")
    assert conditions(hpa(sim))["ScalingLimited"] == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    # 5% against 50% wants 1 pod; the recommendation of 2 recorded at the first sync holds for 5 minutes
    idle = run(WEB + "hpa shop/web target=deployment/web min=2 max=3 cpu=50%\nload deployment shop/web cpu=10m\n",
               until=400_000)
    assert conditions(hpa(idle))["ScalingLimited"] == (
        "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")


def test_behavior_policies_bound_each_step():
    body = WEB + ("hpa shop/web target=deployment/web min=2 max=10 cpu=70% {\n"
                  "  scale-up policy pods=1 per 15s\n}\nload deployment shop/web cpu=1600m\n")
    sim = run(body, until=75_000)
    steps = [e[2].split(";")[0] for e in events(sim, "SuccessfulRescale")]
    assert steps == ["New size: 3", "New size: 4", "New size: 5", "New size: 6"]  # 30s, 45s, 1m, 1m15s


def test_missing_target_is_failed_get_scale():
    sim = run(WEB + "hpa shop/web target=deployment/wbe max=3 cpu=50%\n", until=30_000)
    # said at every sync: the log counts the repeats of its last event, as the event correlator does
    [event] = [e for e in sim.log.events if e.kind == "HorizontalPodAutoscaler"]
    assert (event.reason, event.message, event.count) == ("FailedGetScale", 'deployments.apps "wbe" not found', 2)
    assert conditions(hpa(sim))["AbleToScale"] == (
        "False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: "
                                   'deployments.apps "wbe" not found')


def test_a_refused_scale_update_is_failed_rescale():
    # The controller's role without `update` on */scale (a stored ClusterRole replaces the bootstrap one)
    def narrow(sim):
        role = ClusterRole(name="system:controller:horizontal-pod-autoscaler", rules=(
            PolicyRule(verbs=("get", "list", "watch"), resources=("horizontalpodautoscalers",),
                       api_groups=("autoscaling",)),
            PolicyRule(verbs=("update",), resources=("horizontalpodautoscalers/status",), api_groups=("autoscaling",)),
            PolicyRule(verbs=("get",), resources=("*/scale",), api_groups=("*",)),
            PolicyRule(verbs=("list",), resources=("pods",))))
        sim.store.put(requested(role, "uid-role"), 0)

    sim = run(WEB + HPA + "load deployment shop/web cpu=1600m\n", until=30_000, prepare=narrow)
    forbidden = ('deployments.apps "web" is forbidden: User "system:serviceaccount:kube-system:horizontal-pod-'
                 'autoscaler" cannot update resource "deployments/scale" in API group "apps" in the namespace "shop"')
    assert events(sim, "FailedRescale") == [
        (30_000, "FailedRescale", "New size: 4; reason: cpu resource utilization (percentage of request) above "
                                  f"target; error: {forbidden}", "horizontal-pod-autoscaler")]
    assert [(r.verb, r.code, r.user) for r in sim.rejections] == [("update", 403, SA)]
    assert conditions(hpa(sim))["AbleToScale"] == (
        "False", "FailedUpdateScale", f"the HPA controller was unable to update the target scale: {forbidden}")
    status = hpa(sim).status
    assert (status.current_replicas, status.desired_replicas, status.last_scale_ms) == (2, 0, None)
    assert sim.store.get("Deployment", "shop", "web").spec.replicas == 2
    assert sim.controllers["horizontal-pod-autoscaler"].history[hpa(sim).key].scale_up_events == ()


def test_periodic_syncs_end_at_the_horizon():
    # No `run`: the run ends 10 minutes after the last action (none here: at 10m), not whenever the HPA stops
    sim = Simulation(kdsl.parse(NODES + WEB + HPA + "load deployment shop/web cpu=100m\n")).run()
    assert sim.now == 600_000


def test_no_hpa_no_controller_work():
    sim = run(WEB)
    assert not events(sim) and not sim.controllers["horizontal-pod-autoscaler"].history
    assert sim.hpa().empty


def test_a_target_at_zero_is_not_autoscaled_and_one_above_max_is_brought_back():
    zero = run("deployment shop/web replicas=0 image=shop/web:1 cpu=100m\n" + HPA, until=30_000)
    assert conditions(hpa(zero))["ScalingActive"] == (
        "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
    assert not events(zero) and zero.store.get("Deployment", "shop", "web").spec.replicas == 0
    above = run("deployment shop/web replicas=5 image=shop/web:1 cpu=100m\n"
                "hpa shop/web target=deployment/web max=3 cpu=50%\n", until=15_000)
    assert events(above) == [(15_000, "SuccessfulRescale", "New size: 3; reason: Current number of replicas above "
                                                           "Spec.MaxReplicas", SOURCE)]
    assert above.store.get("Deployment", "shop", "web").spec.replicas == 3
