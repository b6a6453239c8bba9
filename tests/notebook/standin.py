"""TEMPORARY stand-in for the views (kdsl.views, issue 5 parts 1-3) until they land on main: gives
Simulation the table and topology methods the explorer and the tutorials call. Tests only."""

from __future__ import annotations

import pandas as pd

from kdsl.engine.simulation import Simulation

TABLES = ("workloads", "services", "ingresses", "storage", "nodes", "namespaces", "events", "conditions",
          "containers", "timeline")
_saved: dict = {}


def needed() -> bool:
    return not hasattr(Simulation, "topology")


def _stand_in_table(name):
    def table(self, at=None, namespace=None, selector=None):
        t = self.now if at is None else at
        objs = [o for k, o in self.state(t).items() if k[0].lower() + "s" == name and namespace in (None, k[1])]
        return pd.DataFrame([{"NAMESPACE": o.namespace or "", "NAME": o.name,
                              "STATUS": getattr(o.status, "phase", "")} for o in objs])
    return table


def _stand_in_topology(self, at=None, view="namespace", namespace=None):
    import graphviz

    g = graphviz.Digraph("topology")
    for k, o in self.state(self.now if at is None else at).items():
        if k[0] == "Pod":
            g.node(f"pod {o.namespace}/{o.name}", o.name)
            if o.spec.template.node_name:
                g.edge(f"pod {o.namespace}/{o.name}", f"node {o.spec.template.node_name}")
    return g


def install() -> None:
    if not needed():
        return
    _saved.update({n: Simulation.__dict__.get(n) for n in ("pods", "nodes", "services", "explain")})
    Simulation.pods = lambda self, at=None, namespace=None, selector=None: pd.DataFrame(
        [r for r in _saved["pods"](self, at) if namespace in (None, r["NAMESPACE"])])
    for name in TABLES:
        setattr(Simulation, name, _stand_in_table(name))
    Simulation.explain = lambda self, pod, at=None: pd.DataFrame(_saved["explain"](self, pod).rows())
    Simulation.topology = _stand_in_topology
    Simulation.topology_diff = lambda self, t1, t2, **kw: _stand_in_topology(self, t2)


def uninstall() -> None:
    if not _saved:
        return
    for name in (*TABLES, "topology", "topology_diff"):
        delattr(Simulation, name)
    for name, fn in _saved.items():
        setattr(Simulation, name, fn)
    _saved.clear()
