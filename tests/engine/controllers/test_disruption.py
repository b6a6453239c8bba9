"""The disruption controller (pkg/controller/disruption): a PodDisruptionBudget's expectedPods, currentHealthy,
desiredHealthy, disruptionsAllowed and DisruptionAllowed condition, the events it records, and what wakes it."""

from __future__ import annotations

import kdsl
from kdsl.engine.controllers.disruption import DisruptionController, budget
from kdsl.engine.simulation import Simulation
from kdsl.core.values import Percent

NODE = "node n1 cpu=16 memory=32Gi\n"


def pdb(spec: str, name: str = "budget", ns: str = "shop") -> str:
    return (f'manifest """\n  apiVersion: policy/v1\n  kind: PodDisruptionBudget\n'
            f'  metadata: {{name: {name}, namespace: {ns}}}\n  spec: {spec}\n"""\n')


def run(body: str, budget_spec: str, until: int = 60_000, timeline: str = "") -> Simulation:
    text = NODE + "namespace shop {\n" + body + "\n}\n" + pdb(budget_spec) + timeline
    return Simulation(kdsl.parse(text)).run(until=until)


def status(sim, name="budget", at=None):
    obj = sim.store.get("PodDisruptionBudget", "shop", name) if at is None else \
        sim.store.at(("PodDisruptionBudget", "shop", name), at)
    s = obj.status
    [c] = s.conditions
    return (s.expected_pods, s.current_healthy, s.desired_healthy, s.disruptions_allowed, s.observed_generation,
            (c.type, c.status, c.reason, c.message))


def events(sim, reason):
    return [(e.type, e.message, e.source) for e in sim.log.events if e.kind == "PodDisruptionBudget"
            and e.reason == reason]


DEPLOY = "deployment web replicas=3 image=nginx:1.25 { labels app=web }"
SET = "statefulset db replicas=3 image=nginx:1.25 { labels app=db }"
BARE = "pod a image=nginx:1.25 { labels app=web }\npod b image=nginx:1.25 { labels app=web }"


def test_max_unavailable_counts_the_deployments_replicas():
    sim = run(DEPLOY, "{selector: {matchLabels: {app: web}}, maxUnavailable: 1}")
    assert status(sim) == (3, 3, 2, 1, 1, ("DisruptionAllowed", "True", "SufficientPods", ""))


def test_percentage_min_available_rounds_up_against_the_statefulsets_replicas():
    sim = run(SET, "{selector: {matchLabels: {app: db}}, minAvailable: 50%}")
    assert status(sim) == (3, 3, 2, 1, 1, ("DisruptionAllowed", "True", "SufficientPods", ""))


def test_percentage_max_unavailable_rounds_up():
    sim = run(DEPLOY, "{selector: {matchLabels: {app: web}}, maxUnavailable: 34%}")  # ceil(1.02) = 2
    assert status(sim) == (3, 3, 1, 2, 1, ("DisruptionAllowed", "True", "SufficientPods", ""))


def test_integer_min_available_counts_the_matching_pods_whatever_controls_them():
    sim = run(BARE, "{selector: {matchLabels: {app: web}}, minAvailable: 3}")
    assert status(sim) == (2, 2, 3, 0, 1, ("DisruptionAllowed", "False", "InsufficientPods", ""))
    assert events(sim, "UnmanagedPods") == []


def test_pods_without_a_controller_are_unmanaged_for_max_unavailable():
    sim = run(BARE, "{selector: {matchLabels: {app: web}}, maxUnavailable: 1}")
    # expectedPods 0: nothing may be disrupted, though both pods are healthy.
    assert status(sim) == (0, 2, 0, 0, 1, ("DisruptionAllowed", "False", "InsufficientPods", ""))
    msg = ("Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: "
           "web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the "
           "status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account "
           "for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.")
    assert events(sim, "UnmanagedPods")[0] == ("Warning", msg, "disruption-controller")


def test_a_controller_without_a_scale_fails_safe():
    sim = run("daemonset agent image=nginx:1.25 { labels app=agent }",
              "{selector: {matchLabels: {app: agent}}, maxUnavailable: 1}")
    s = sim.store.get("PodDisruptionBudget", "shop", "budget").status
    [c] = s.conditions
    [pod] = sim.store.list("Pod", "shop")
    why = f'found no controllers for pod "{pod.name}"'
    assert (s.disruptions_allowed, s.current_healthy, s.observed_generation) == (0, 0, 0)
    assert (c.type, c.status, c.reason, c.message) == ("DisruptionAllowed", "False", "SyncFailed", why)
    assert events(sim, "CalculateExpectedPodCountFailed")[-1] == (
        "Warning", f"Failed to calculate the number of expected pods: {why}", "disruption-controller")


def test_no_matching_pods():
    sim = run(DEPLOY, "{selector: {matchLabels: {app: nothing}}, maxUnavailable: 1}")
    assert status(sim) == (0, 0, 0, 0, 1, ("DisruptionAllowed", "False", "InsufficientPods", ""))
    assert events(sim, "NoPods") == [("Normal", "No matching pods found", "disruption-controller")]


def test_a_null_selector_selects_nothing_an_empty_one_everything():
    assert budget("spec: {minAvailable: 1}").selector is None
    sim = run(BARE, "{selector: {}, minAvailable: 1}")
    assert status(sim)[:4] == (2, 2, 1, 1)
    assert budget("spec: {minAvailable: 25%, maxUnavailable: 2}").min_available == Percent(25)


def test_a_deleted_pod_is_not_healthy_until_its_replacement_is_ready():
    sim = run(DEPLOY, "{selector: {matchLabels: {app: web}}, minAvailable: 3}", until=120_000,
              timeline="at 60s: delete pods shop app=web\n")
    assert status(sim, at=59_999)[:4] == (3, 3, 3, 0)
    during = {status(sim, at=t)[1] for t in sim.store.moments() if 60_000 <= t < 120_000}
    assert min(during) == 0  # every pod terminating at once
    assert status(sim)[:4] == (3, 3, 3, 0)
    # minAvailable 3 of 3 allows nothing, before and after.
    assert status(sim)[5] == ("DisruptionAllowed", "False", "InsufficientPods", "")


def test_pod_changes_wake_only_the_budgets_of_their_namespace_that_select_them():
    text = NODE + "namespace other {\n pod x image=nginx:1.25 { labels app=web }\n}\n" + \
        "namespace shop {\n pod y image=nginx:1.25 { labels app=api }\n}\n" + \
        pdb("{selector: {matchLabels: {app: web}}, maxUnavailable: 1}")
    sim = Simulation(kdsl.parse(text))
    controller = sim.controllers[DisruptionController.name]
    woken = []
    controller.reconcile = lambda key, f=controller.reconcile: (woken.append((sim.now, key)), f(key))
    sim.run(until=30_000)
    # Created, then its own status write (updatePdb enqueues on any update); pods x and y never wake it.
    assert woken == [(0, ("PodDisruptionBudget", "shop", "budget"))] * 2
    assert status(sim)[:4] == (0, 0, 0, 0)


def test_the_status_is_shown_as_kubectl_get_prints_it():
    sim = run(DEPLOY, "{selector: {matchLabels: {app: web}}, maxUnavailable: 1}")
    [shown] = [i for i in sim.manifests()["items"] if i["kind"] == "PodDisruptionBudget"]
    s = shown["status"]
    assert {k: v for k, v in s.items() if k != "conditions"} == {
        "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1, "expectedPods": 3,
        "observedGeneration": 1}
    [c] = s["conditions"]
    assert (c["type"], c["status"], c["reason"], c["observedGeneration"]) == (
        "DisruptionAllowed", "True", "SufficientPods", 1)
