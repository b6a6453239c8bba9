"""Expectations over a simulation's history: at, by, always (with windows) and at the end."""

from __future__ import annotations

import kdsl
from kdsl.engine.expect import TARGETS, Checker
from kdsl.engine.simulation import Simulation

SCENARIO = """
node n1
node n2
at 10s: fail node n1
at 2m: cordon node n2
expect node n1 ready at 59s
expect node n1 ready=false at 60s
expect node n1 status=Unknown by 90s
expect node n1 status=Unknown by 30s
expect always node n2 ready
expect always node n2 unschedulable=false until 1m
expect always node n2 unschedulable=false
expect node n2 unschedulable
expect node n9 ready
"""


def results():
    scenario = kdsl.parse(SCENARIO)
    sim = Simulation(scenario).run()
    checker = Checker(sim)
    return [(checker.check(e).passed, checker.check(e).at_ms, checker.check(e).found) for e in scenario.expectations]


def test_each_timing_reads_the_right_moments():
    got = results()
    assert [p for p, _, _ in got] == [True, True, True, False, True, True, False, True, False]
    assert got[2][1] == 60_000  # `by`: the first moment it held
    assert got[3][1] == 30_000 and got[3][2] == "status=Ready"  # `by` failed: what stood at the deadline
    assert got[6][1] == 120_000  # `always`: the first moment it failed
    assert got[8][2] == "node n9 does not exist"


POD_SCENARIO = """
node n1 cpu=2
namespace shop
pod shop/web image=nginx:1.25 cpu=500m { labels app=web }
pod shop/web2 image=nginx:1.25 cpu=500m { labels app=web }
pod shop/huge image=nginx:1.25 cpu=5 { labels app=big }
pod shop/crash image=busybox:1.36 { labels app=crash; container c image=busybox:1.36 { crash after 5s } }
expect pod shop/web phase=Running ready by 5s
expect pod shop/huge pending reason=Unschedulable message~"Insufficient cpu"
expect pods shop app=web count=2 phase=Running
expect pods shop app=web count=3
expect pod shop/crash restarts>=2 status=CrashLoopBackOff at 70s
expect pod shop/web node=n1 ip~"10.244.0."
run 2m
"""


def test_pod_expectations():
    scenario = kdsl.parse(POD_SCENARIO)
    sim = Simulation(scenario).run()
    checker = Checker(sim)
    got = [checker.check(e) for e in scenario.expectations]
    assert [r.passed for r in got] == [True, True, True, False, True, True], [r.found for r in got]
    assert got[3].found == "count=2"


def test_sizes_found_are_shown_as_quantities():
    sim = kdsl.simulate(kdsl.parse("cluster c { node n1 cpu=4 memory=16Gi; storageclass standard provisioner=dynamic "
                                   "default }\nnamespace shop { pvc uploads 2Gi }\n"
                                   "expect pvc shop/uploads bound capacity=2Gi\n"))
    [result] = sim.check()
    assert result.passed and result.found == "bound=True, capacity=2Gi"


def test_every_target_the_language_accepts_is_checkable():
    """So `kdsl cannot check X expectations yet` is never what a scenario written in kdsl gets."""
    from kdsl.model.build.expect import ATTRIBUTES, SINGULAR

    Simulation(kdsl.parse("node n1"))  # the controllers register their targets as they are imported
    accepted = (set(ATTRIBUTES) | set(SINGULAR.values())) - {"events"}  # events are read from the log
    assert accepted <= set(TARGETS)
