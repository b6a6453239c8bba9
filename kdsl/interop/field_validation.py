"""The API server's field validation of unknown fields: Strict refuses them, Warn and Ignore drop them."""

# fieldValidation, a write's query parameter (KEP-2885; apiserver/pkg/endpoints/handlers/create.go and rest.go,
# fieldValidation()): `Strict` refuses a document with an unknown field (`strict decoding error: unknown field
# "spec.replica"`, kdsl/interop/validate.py); `Warn`, the API server's default when a request names none (a
# client-go program, the oracle harness of tests/oracle), drops each unknown field and answers with a warning
# header `unknown field "spec.replica"`; `Ignore` drops them silently. kubectl since 1.27 asks for Strict
# (`--validate=strict`), and so does `kdsl import` / `kdsl run` by default: a typo is refused at its key.

from __future__ import annotations

import copy

import attrs

from kdsl.core.errors import Diagnostic, UsageError, suggest
from kdsl.interop.reader import Doc
from kdsl.interop.places import Places, _field
from kdsl.interop.validate import _validator, unknown_keys

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
