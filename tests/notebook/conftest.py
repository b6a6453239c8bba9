"""Fixtures for the notebook tests: the lab scenario simulated once.

TEMPORARY: until the views (kdsl.views, issue 5 parts 1-3) land on main, `_views_stand_in` gives
Simulation the few table and topology methods the explorer calls. It does nothing once they exist.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kdsl
from kdsl.engine.simulation import Simulation

LAB = Path(__file__).with_name("lab.kdsl")
SECRET = "hunter2-not-shown"


def _stand_in_table(name):
    def table(self, at=None, namespace=None, selector=None):
        t = self.now if at is None else at
        objs = [o for k, o in self.state(t).items() if k[0].lower() + "s" == name and namespace in (None, k[1])]
        return pd.DataFrame([{"NAMESPACE": o.namespace or "", "NAME": o.name,
                              "STATUS": getattr(o.status, "phase", "")} for o in objs])
    return table


def _stand_in_topology(self, at=None, view="namespace"):
    import graphviz

    g = graphviz.Digraph("topology")
    for k, o in self.state(self.now if at is None else at).items():
        if k[0] == "Pod":
            g.node(f"pod {o.namespace}/{o.name}", o.name)
            if o.spec.template.node_name:
                g.edge(f"pod {o.namespace}/{o.name}", f"node {o.spec.template.node_name}")
    return g


@pytest.fixture(scope="package", autouse=True)
def _views_stand_in():
    if hasattr(Simulation, "topology"):
        yield
        return
    saved = {n: Simulation.__dict__.get(n) for n in ("pods", "nodes", "services")}
    Simulation.pods = lambda self, at=None, namespace=None, selector=None: pd.DataFrame(
        [r for r in saved["pods"](self, at) if namespace in (None, r["NAMESPACE"])])
    for name in ("workloads", "services", "ingresses", "storage", "nodes", "namespaces", "events"):
        setattr(Simulation, name, _stand_in_table(name))
    Simulation.topology = _stand_in_topology
    yield
    del Simulation.topology
    for name in ("workloads", "ingresses", "storage", "namespaces", "events"):
        delattr(Simulation, name)
    for name, fn in saved.items():
        setattr(Simulation, name, fn)


@pytest.fixture(scope="session")
def lab_sim():
    return kdsl.simulate(kdsl.load(LAB))
