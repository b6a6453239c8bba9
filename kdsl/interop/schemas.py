"""The releases' OpenAPI schemas, a validator a kind, and fieldValidation: Strict refuses unknown fields, Warn drops."""

# The schemas are kubernetes-validate's (the OpenAPI of every release from 1.25, each in a strict variant
# where `additionalProperties: false` stands for the API server's strict field validation). kv.validate()
# reloads the 1.4 MB definitions file on each call and stops at the first error; here each release's
# definitions load once and each kind's validator is built once (validate.py reads every error of a document).
#
# fieldValidation, a write's query parameter (KEP-2885; apiserver/pkg/endpoints/handlers/create.go and rest.go,
# fieldValidation()): `Strict` refuses a document with an unknown field (`strict decoding error: unknown field
# "spec.replica"`, kdsl/interop/validate.py); `Warn`, the API server's default when a request names none (a
# client-go program, the oracle harness of tests/oracle), drops each unknown field and answers with a warning
# header `unknown field "spec.replica"`; `Ignore` drops them silently. kubectl since 1.27 asks for Strict
# (`--validate=strict`), and so does `kdsl import` / `kdsl run` by default: a typo is refused at its key.

from __future__ import annotations

import copy
import datetime as dt
import functools
import re

import attrs
import referencing
from packaging.version import Version

from kdsl.core.errors import Diagnostic, UsageError, suggest
from kdsl.interop.places import Places, _field
from kdsl.interop.reader import Doc
from kdsl.model.nodes import Cluster

# The releases whose API server serves every apiVersion kdsl writes (apps/v1, batch/v1, networking.k8s.io/v1,
# rbac.authorization.k8s.io/v1, ...), up to the newest whose schemas kubernetes-validate bundles.
KUBE_VERSIONS = tuple(f"1.{minor}" for minor in range(25, 38))
DEFAULT_VERSION = attrs.fields(Cluster).kube_version.default


@functools.lru_cache(maxsize=None)
def _release(version: str) -> tuple[str, dict, referencing.Registry]:
    """A release's schema folder, its definitions and a registry holding them (loaded once per release)."""
    kv = _kv()
    have = [x for x in kv.all_versions() if Version(kv.major_minor(x)) <= Version(version)]
    folder = f"kubernetes-json-schema/v{have[-1]}-local-strict"
    defs = kv.schema_contents(f"{folder}/_definitions.json", version)
    return folder, defs["$defs"], referencing.Resource.from_contents(defs) @ referencing.Registry()


# What a built-in kind and API version look like (`Deployment`, `apps/v1`, `rbac.authorization.k8s.io/v1`): the
# only ones kdsl has schemas for, and bounded, so a name never becomes a path or a file name too long to open.
_KIND = re.compile(r"[A-Z][A-Za-z0-9]{0,62}\Z")


_API_VERSION = re.compile(r"(?:[a-z0-9][-a-z0-9.]{0,252}/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?\Z")


@functools.lru_cache(maxsize=1024)
def _validator(version: str, api_version: str, kind: str):
    """The strict validator of one kind in one release (None: no schema, e.g. a custom resource)."""
    if not (_KIND.match(kind) and _API_VERSION.match(api_version)):
        return None  # no served kind is spelled so; and a `/` or `..` must never reach the schema file's path
    folder, _, registry = _release(version)
    kv = _kv()
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)  # kv's file names: rbac.authorization.k8s.io/v1 -> rbac-v1
    try:
        schema = kv.schema_contents(f"{folder}/{kind.lower()}-{group}.json", version)
    except (FileNotFoundError, kv.InvalidSchemaError):
        return None
    if kind not in schema.get("properties", {}).get("kind", {}).get("enum", [kind]):
        return None
    resource = referencing.Resource.from_contents(schema)
    return _validator_class()(schema, registry=resource @ registry)


def _kv():
    # Imported when a manifest is first validated: kubernetes-validate imports jsonschema, which imports
    # rfc3987_syntax where it is installed (as with JupyterLab), which builds 38 Lark grammars: about 3 s that
    # every `kdsl` command paid at start.
    import kubernetes_validate.utils as kv

    return kv


@functools.cache
def _validator_class():
    import jsonschema  # when first needed, as _kv() says

    # PyYAML reads `2024-01-01` as a date, the API server's YAML reader (sigs.k8s.io/yaml) as the string it is
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=jsonschema.Draft202012Validator.
                                        TYPE_CHECKER.redefine("string", lambda _, x: isinstance(x, (str, dt.date))))


def unknown_keys(e) -> list[list]:
    """The paths of the fields a schema error calls unknown (additionalProperties: false)."""
    if e.validator != "additionalProperties" or e.validator_value is not False or not isinstance(e.instance, dict):
        return []
    known = e.schema.get("properties", {})
    return [list(e.absolute_path) + [k] for k in e.instance if k not in known]


FIELD_VALIDATION = ("Strict", "Warn", "Ignore")


def unknown_fields(doc: Doc, version: str) -> list[list]:
    """The paths of the document's unknown fields, in the file's order (none for a kind without a schema)."""
    d = doc.data
    if not isinstance(d.get("apiVersion"), str) or not isinstance(d.get("kind"), str):
        return []
    validator = _validator(version, d["apiVersion"], d["kind"])
    if validator is None:
        return []
    paths = [p for e in validator.iter_errors(d) for p in unknown_keys(e)]
    return sorted(paths, key=Places(doc).order)


def drop_unknown(docs: list[Doc], version: str, mode: str) -> tuple[list[Doc], list[Diagnostic]]:
    """The documents as the API server decodes them under `mode` (Warn, Ignore: without their unknown fields)
    and the warnings it answers with, located at each field's key. Strict leaves them to validate.check."""
    if mode not in FIELD_VALIDATION:
        near = suggest(str(mode), FIELD_VALIDATION)
        raise UsageError(f"field_validation={mode!r}: the API server's fieldValidation is one of "
                         f"{', '.join(FIELD_VALIDATION)}" + (f" (did you mean {near!r}?)" if near else ""))
    if mode == "Strict":
        return docs, []
    out, warnings = [], []
    for doc in docs:
        paths = unknown_fields(doc, version)
        if not paths:
            out.append(doc)
            continue
        data = copy.deepcopy(doc.data)
        for path in paths:
            at = data
            for p in path[:-1]:
                at = at[p]
            del at[path[-1]]
        out.append(attrs.evolve(doc, data=data))
        if mode == "Warn":
            where = Places(doc)
            warnings += [attrs.evolve(where.diagnostic(f'unknown field "{_field(p)}"', p, key=True), severity="warning")
                         for p in paths]
    return out, warnings
