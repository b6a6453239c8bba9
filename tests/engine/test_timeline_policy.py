"""`pdb` and `networkpolicy` made by the timeline (`create`, `apply`), and deleted by it: checked as the same
statements at 0s are, and from their moment obeyed by the Eviction API, drains and the policy evaluation."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.expect import Checker
from kdsl.engine.simulation import Simulation

BASE = """node n1 cpu=4 memory=8Gi
node n2 cpu=4 memory=8Gi
namespace shop {
  deployment web replicas=2 { container web image=nginx:1.25 port=80 }
  deployment cli replicas=1 image=busybox:1.36
}
"""


def run(timeline: str) -> tuple[Simulation, list]:
    scenario = kdsl.parse(BASE + timeline, "t.kdsl")
    sim = Simulation(scenario).run()
    checker = Checker(sim)
    return sim, [(checker.check(e).passed, checker.check(e).found) for e in scenario.expectations]


def web_pods(sim) -> list[str]:
    return sorted(p.name for p in sim.store.list("Pod", "shop") if p.name.startswith("web-"))


def test_an_eviction_after_the_created_budget_is_refused_with_its_numbers():
    scenario = kdsl.parse(BASE + "run 5s\n")
    first = web_pods(Simulation(scenario).run())[0]  # names are the seed's: the same in the next run
    sim, got = run(f"""at 10s: create pdb shop/web-pdb selects app=web minAvailable=2
at 20s: evict pod shop/{first}
expect pdb shop/web-pdb allowed=0 at 15s
run 30s
""")
    assert got[0][0], got
    [refused] = [r for r in sim.rejections if r.code == 429]
    assert refused.message == ("Cannot evict pod as it would violate the pod's disruption budget. The "
                               "disruption budget web-pdb needs 2 healthy pods and has 2 currently")
    assert not sim.store.get("Pod", "shop", first).terminating


def test_an_applied_budget_is_replaced_and_a_deleted_one_no_longer_blocks_a_drain():
    sim, got = run("""at 5s: apply { pdb shop/web-pdb selects app=web minAvailable=2 }
at 10s: apply { pdb shop/web-pdb selects app=web maxUnavailable=1 }
at 12s: cordon node n2
at 20s: apply { pdb shop/web-pdb selects app=web minAvailable=100% }
at 30s: drain node n1
at 50s: delete pdb shop/web-pdb
expect pdb shop/web-pdb allowed=0 desired=2 at 8s
expect pdb shop/web-pdb allowed=1 desired=1 at 15s
expect pdb shop/web-pdb allowed=0 desired=2 at 25s
run 2m
""")
    assert [p for p, _ in got] == [True, True, True], got
    [record] = sim.drainer.records
    assert record.outcome == "drained" and record.finished_ms >= 50_000  # retried until the budget went


@pytest.mark.parametrize("how", ["create networkpolicy shop/deny selects app=web { isolate ingress }",
                                 "apply { networkpolicy shop/deny selects app=web { isolate ingress } }"])
def test_a_policy_made_in_the_timeline_isolates_from_its_moment(how):
    sim, got = run(f"""at 10s: {how}
at 20s: delete networkpolicy shop/deny
expect connect pods shop app=cli -> pods shop app=web port=80 at 5s
expect cannot connect pods shop app=cli -> pods shop app=web port=80 at 15s
expect connect pods shop app=cli -> pods shop app=web port=80 at 25s
run 30s
""")
    assert [p for p, _ in got] == [True, True, True], got


@pytest.mark.parametrize("action, at, message", [
    ("create pdb shop/web-pdb selects app=web minAvailable=150%", "150%",
     'pdb shop/web-pdb: spec.minAvailable: Invalid value: "150%": must not be greater than 100%'),
    ("create pdb shop/Web selects app=web minAvailable=1", "shop/Web", 'PodDisruptionBudget "Web" is invalid: metadata.name'),
    ("apply { networkpolicy shop/p selects all { allow ingress ports 70000 } }", "70000",
     "networkpolicy shop/p: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, "
     "inclusive"),
    ("create networkpolicy shop/p selects all { allow egress to cidr 10.0.0.0/8 except 11.0.0.0/16 }", "11.0",
     'networkpolicy shop/p: spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a '
     "strict subset of `cidr`"),
])
def test_the_timeline_gets_the_same_checks_as_a_declaration(action, at, message):
    with pytest.raises(kdsl.ScenarioError) as exc:
        kdsl.parse(BASE + f"at 10s: {action}\n", "t.kdsl")
    [error] = exc.value.errors
    assert (error.line, error.column) == (7, len("at 10s: ") + action.index(at) + 1)
    assert error.message.startswith(message)
    declared = action.removeprefix("create ") if action.startswith("create ") else action[len("apply { "):-2]
    with pytest.raises(kdsl.ScenarioError) as top:
        kdsl.parse(BASE + declared + "\n", "t.kdsl")
    assert [e.message for e in top.value.errors] == [error.message]


def test_creating_a_budget_that_stands_is_refused():
    with pytest.raises(kdsl.ScenarioError) as exc:
        kdsl.parse(BASE + "pdb shop/b selects app=web minAvailable=1\nat 10s: create pdb shop/b minAvailable=1\n",
                   "t.kdsl")
    [error] = exc.value.errors
    assert error.message == ('create pdb shop/b: poddisruptionbudgets.policy "b" already exists; `apply` replaces '
                             "an object that stands")
