"""The Simulation's methods come from the layers above by registration, arguments checked; sim.expect holds or fails."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl
from kdsl.engine.methods import Methods, register
from kdsl.engine.sim_requests import Requests
from kdsl.engine.simulation import Simulation

TEXT = "node n1\npod web image=nginx:1.25\n"


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.parse(TEXT))


def test_every_layer_gives_its_methods_to_the_engines_simulation():
    # its own requests (sim_requests.py), then every layer's methods through the one registry
    assert Simulation.__mro__[1:] == (Requests, Methods, object)
    owners = {name: getattr(Methods, name).__module__ for name in ("pods", "why", "manifests", "explore", "expect")}
    assert owners == {"pods": "kdsl.views.methods", "why": "kdsl.views.methods", "manifests": "kdsl",
                      "explore": "kdsl.notebook.reprs", "expect": "kdsl.engine.methods"}
    assert Methods._repr_mimebundle_.__module__ == "kdsl.notebook.reprs"


def test_a_registered_method_is_checked_and_on_every_simulation(sim):
    class Extra:
        def moment_of(self, at=None, namespace=None):
            return at, namespace

        def _private(self):
            return "kept as written"

    try:
        assert register(Extra) is Extra
        assert sim.moment_of(at="1s", namespace="default") == (1000, "default")  # `at` read as ms, as views get it
        with pytest.raises(kdsl.UsageError, match="no namespace shp in this run"):
            sim.moment_of(namespace="shp")
        assert sim._private() == "kept as written"
    finally:
        del Methods.moment_of, Methods._private


def test_the_repr_is_the_engines_own_summary(sim):
    assert repr(sim) == "<Simulation 'default' at 1s (seed 0): 1 node, 1 Running, 6 events>"
    assert sim._repr_mimebundle_()["text/plain"] == repr(sim)


SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop.kdsl"


@pytest.fixture(scope="module")
def shop():
    return kdsl.simulate(kdsl.load(SHOP))


def test_holding_expectations_come_back_as_a_table_of_ticks(shop):
    table = shop.expect("deployment shop/web available=1 at 3m", "expect node worker-2 status=Unknown by 3m").table()
    assert list(table[""]) == ["✓", "✓"]
    assert list(table["EXPECT"]) == ["expect deployment shop/web available=1 at 3m",
                                     "expect node worker-2 status=Unknown by 3m"]
    assert list(table["FOUND"]) == ["available=1", "status=Unknown"]


def test_a_failing_expectation_says_what_was_found_and_when(shop):
    with pytest.raises(kdsl.ExpectationFailed) as info:
        shop.expect("deployment shop/web available=1 at 3m", "deployment shop/web available=3 at 3m")
    assert str(info.value) == "✗ expect deployment shop/web available=3 at 3m  (available=1 at 3m)"
    assert info.value._render_traceback_() == [str(info.value)]
    assert isinstance(info.value, kdsl.KdslError)


def test_a_namespace_the_scenario_never_declared_is_a_located_error(shop):
    with pytest.raises(kdsl.ScenarioError) as info:
        shop.expect("deployment shap/web available=3 at 3m")
    assert str(info.value).startswith('<sim.expect>:1:19: error: namespaces "shap" not found')


@pytest.mark.parametrize("args", [(), (42,)])
def test_nothing_or_not_text_is_refused_clearly(shop, args):
    with pytest.raises(kdsl.ExpectationFailed, match="sim.expect"):
        shop.expect(*args)


def test_access_and_route_expectations_work_too(shop):
    table = shop.expect("as alice: cannot create pods in shop").table()
    assert list(table["FOUND"]) == ["forbidden"]


def test_a_node_counts_its_non_terminated_pods(shop):
    """`expect node NAME pods=N` was accepted and never read (always None); it counts as kubectl describe node."""
    on = {n: int((shop.pods(wide=True)["NODE"] == n).sum()) for n in ("worker-1", "worker-3")}
    table = shop.expect(f"node worker-1 pods={on['worker-1']}", f"node worker-3 pods={on['worker-3']}").table()
    assert list(table[""]) == ["✓", "✓"]
