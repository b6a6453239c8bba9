"""Views: tables, exports and topology diagrams of a simulation at a moment, as pure functions."""

# Views: tables, exports and topology diagrams of a simulation at a moment. Pure functions: they read the store
# and the event log and never change the simulation; no engine code imports them.

# The tables `kdsl table KIND` and `export_tables` know, in order (kdsl.views.tables.TABLES holds the functions).
TABLE_NAMES = ["pods", "containers", "conditions", "events", "nodes", "namespaces", "workloads", "services",
               "ingresses", "storage", "hpa", "top", "top-nodes", "connectivity"]
# Tables of the whole run (kdsl.views.tables.RUN_TABLES): no moment, namespace or selector; `kdsl table` only.
RUN_TABLE_NAMES = ["drains"]
