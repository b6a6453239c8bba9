"""The model as plain data (dicts, lists, strings, numbers): for golden files and JSON output."""

from __future__ import annotations

import attrs

from kdsl.core.secrets import REDACTED, SECRET_FIELDS, redact_field
from kdsl.core.values import Percent
from kdsl.model.config import Secret

__all__ = ["REDACTED", "scenario_data", "to_data"]


def to_data(obj):
    """Every field that takes part in equality, by name; spans are left out, secret values redacted, and a
    field marked `omit_default` left out while it has its default."""
    if isinstance(obj, Percent):
        return str(obj)
    if attrs.has(type(obj)):
        out = {"class": type(obj).__name__}
        for f in attrs.fields(type(obj)):
            if not f.eq:
                continue
            value = getattr(obj, f.name)
            if f.metadata.get("omit_default") and value == f.default:
                continue  # a field added later shows only when set, so older dumps stay as they were
            if isinstance(obj, Secret) and f.name in SECRET_FIELDS:
                out[f.name] = to_data(redact_field(f.name, value))
            else:
                out[f.name] = to_data(value)
        kind = getattr(type(obj), "kind", None)
        if isinstance(kind, str) and kind:
            out["kind"] = kind
        return out
    if isinstance(obj, (tuple, list)):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


def scenario_data(scenario) -> dict:
    """A scenario as data, with its expanded node names and its warnings (message and place)."""
    data = to_data(scenario)
    data["node_names"] = [n.name for n in scenario.nodes]
    data["warnings"] = [f"{w.location}: {w.message}" for w in scenario.warnings]
    return data
