"""The Simulation's methods come from the layers above by registration (kdsl.engine.methods), arguments checked."""

from __future__ import annotations

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
