"""ValidateObjectMeta on a manifest as read: the name by its kind's rule, label keys and values, annotation keys.

The model keeps a workload's own metadata (not its template's) in the `yaml` block, where the API server's checks
of the simulation never see it; so a manifest's metadata is checked here, as the API server checks it on create,
and refused in its words (`Deployment.apps "web" is invalid: metadata.labels: Invalid value: "-app": ...`,
apimachinery/pkg/api/validation/objectmeta.go). Found by the differential suite of tests/oracle (issue 16)."""

from __future__ import annotations

from kdsl.core.errors import Diagnostic
from kdsl.engine.apiserver.errors import invalid
from kdsl.engine.apiserver.validation import metadata
from kdsl.engine.objects import ApiObject, Meta


def _pairs(value) -> tuple:
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((str(k), "" if v is None else str(v)) for k, v in value.items()))


def metadata_refusals(data: dict, where) -> list[Diagnostic]:
    """The API server's refusal of this document's metadata, located at the first field it names (none: valid).
    A document whose metadata is not a map, or names no kind, is the schema check's to refuse."""
    meta = data.get("metadata")
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(meta, dict) or not isinstance(kind, str) or not isinstance(api_version, str):
        return []
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""
    if not name and meta.get("generateName"):
        return []  # the name comes later, from the API server's generator
    obj = ApiObject(kind=kind, meta=Meta(name=name, labels=_pairs(meta.get("labels")),
                                         annotations=_pairs(meta.get("annotations"))), spec=None)
    errors = metadata(obj)
    if not errors:
        return []
    group = api_version.rpartition("/")[0]
    field = errors[0].field.split(".")
    return [where.diagnostic(invalid(kind, group, name, errors).message, field, key=True)]
