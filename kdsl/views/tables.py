"""Every table view in one place: pandas DataFrames with kubectl-like columns, of a simulation at a moment."""

# Each takes `at=` (ms or a duration such as `"2m"`; default the end of the run), `namespace=` and `selector=`
# (kubectl's `-l` text or a dict). They read the store and never change the simulation.

from __future__ import annotations

from kdsl.views.workloads import hpas, storage, workloads
from kdsl.views.cluster import namespaces, nodes
from kdsl.views.common import ViewError
from kdsl.views.connectivity import connectivity
from kdsl.views.records import drains
from kdsl.views.network import ingresses, services
from kdsl.views.pods import conditions, containers, events, explain, pods, timeline
from kdsl.views.top import top, top_nodes

# The tables `kdsl table KIND` and `export_tables` know, in the order they are listed and written.
TABLES = {"pods": pods, "containers": containers, "conditions": conditions, "events": events, "nodes": nodes,
          "namespaces": namespaces, "workloads": workloads, "services": services, "ingresses": ingresses,
          "storage": storage, "hpa": hpas, "top": top, "top-nodes": top_nodes, "connectivity": connectivity}
# Records of the whole run, one row each: `kdsl table drains` (export_tables writes a moment, so not these).
RUN_TABLES = {"drains": drains}

__all__ = ["RUN_TABLES", "TABLES", "ViewError", "conditions", "connectivity", "containers", "drains", "events", "explain", "hpas", "ingresses", "namespaces",
           "nodes", "pods", "services", "storage", "timeline", "top", "top_nodes", "workloads"]
