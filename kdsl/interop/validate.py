"""Manifests checked against a release's OpenAPI schema (strict), and refused in the API server's words."""

# Every schema error of a document is read (the validators are schemas.py's), then told as the API server tells
# it. Upstream wording (docs/interop.md cites each):
# - decoding (k8s.io/apimachinery/pkg/runtime/serializer/json/json.go, via sigs.k8s.io/json, a fork of Go's
#   encoding/json): `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go
#   struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of
#   type v1.NodeSelector` (apiserver/pkg/endpoints/handlers/rest.go, transformDecodeError: "%s in version
#   %q cannot be handled as a %s: %v"); the first such error stops the decoding.
# - strict field validation (kubectl's default since 1.27, `--validate=strict`): `strict decoding error:
#   unknown field "spec.template.spec.containers[0].portz"`.
# - validation (apimachinery/pkg/util/validation/field/errors.go; apierrors.NewInvalid): `Deployment.apps "web" is
#   invalid: spec.replicas: Invalid value: ...`, `...: Unsupported value: "x": supported values: "a", "b"`, several
#   as one aggregate `[a, b]` with validate_meta.py's (kubectl's `The Deployment "web" is invalid` is its own).

from __future__ import annotations

import datetime as dt
import json
import re

from kdsl.core.errors import Diagnostic
from kdsl.interop.places import Places, _field
from kdsl.interop.reader import Doc
from kdsl.interop.schemas import DEFAULT_VERSION, _release, _validator, unknown_keys
from kdsl.interop.validate_meta import metadata_refusals
from kdsl.interop.validate_spec import worded_by_validation

# Go's name for a JSON value in "cannot unmarshal X" (encoding/json decode.go, literalStore and array/object)
_GO_VALUE = ((bool, "bool"), (str, "string"), ((int, float), "number"), (list, "array"), (dict, "object"))
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
# resource.Quantity's UnmarshalJSON refuses what ParseQuantity cannot read (apimachinery api/resource/quantity.go)
_QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
_QUANTITY_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")


def check(docs: list[Doc], version: str = DEFAULT_VERSION) -> list[Diagnostic]:
    """Every refusal the API server of `version` would give for these documents, located in their files."""
    out = []
    for doc in docs:
        d = doc.data
        if not isinstance(d.get("apiVersion"), str) or not isinstance(d.get("kind"), str):
            continue
        validator = _validator(version, d["apiVersion"], d["kind"])
        if validator is not None:
            refused, invalid = _refusals(doc, validator, _release(version)[1])
            out += refused or metadata_refusals(d, Places(doc), int(version.split(".")[1]), invalid)
    return out


def _refusals(doc: Doc, validator, defs: dict) -> tuple[list[Diagnostic], list]:
    """The decoder's refusals (it stops there), else none and the (path, field error) of what the schema finds
    invalid, for validation to refuse with the rest (validate_meta.py)."""
    d = doc.data
    kind, group_version = d["kind"], d["apiVersion"]
    decoding = f'{kind} in version "{group_version.split("/")[-1]}" cannot be handled as a {kind}: '
    walker = _Walker(validator.schema, defs, kind)
    decode, unknown, other = [], [], []
    for e in validator.iter_errors(d):
        path = list(e.absolute_path)
        if unknown_keys(e):
            unknown += unknown_keys(e)
        elif e.validator in ("type", "oneOf") and e.instance is not None:
            decode.append((path, walker.decode_error(path, e.instance)))
        elif e.validator == "required":
            for k in e.validator_value:
                if isinstance(e.instance, dict) and k not in e.instance and not worded_by_validation(kind, path + [k]):
                    other.append((path + [k], f"{_field(path + [k])}: Required value"))
        elif e.validator == "enum" and path[-1:] not in (["apiVersion"], ["kind"]):  # TypeMeta is not validated
            allowed = ", ".join(json.dumps(x, default=str) for x in e.validator_value)
            other.append((path, f"{_field(path)}: Unsupported value: {json.dumps(e.instance, default=str)}: "
                                f"supported values: {allowed}"))
        elif e.validator not in ("enum", "type", "oneOf", "additionalProperties"):
            other.append((path, f"{_field(path)}: Invalid value: {json.dumps(e.instance, default=str)}: {e.message}"))
    decode += walker.bad_values(d)
    where = Places(doc)
    if decode:  # the decoder stops at its first error, in the document's order
        path, message = min(decode, key=lambda x: where.order(x[0]))
        return [where.diagnostic(decoding + message, path)], []
    if unknown:
        return [where.diagnostic(decoding + f'strict decoding error: unknown field "{_field(p)}"', p, key=True)
                for p in sorted(unknown, key=where.order)], []
    return [], sorted(other, key=lambda x: where.order(x[0]))


def _go_value(x) -> str:
    if isinstance(x, float) and not x.is_integer():
        return f"number {x}"  # Go names a number it cannot store in an integer by its text
    return next((name for t, name in _GO_VALUE if isinstance(x, t)), "string")  # a YAML date is a string


class _Walker:
    """Follows a document path through the schema, to name the Go struct and type the decoder names."""

    def __init__(self, schema: dict, defs: dict, kind: str):
        self.schema, self.defs, self.kind = schema, defs, kind

    def _resolve(self, s: dict, name: str) -> tuple[dict, str]:
        while "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[-1]
            s = self.defs[name]
        return s, name

    def _steps(self, path):
        """The schema, its definition name, the struct holding the last field and Go's field stack (struct
        fields only: encoding/json names no index and no map key) at the end of `path`."""
        s, name = self._resolve(self.schema, self.kind)
        struct, fields = name, []
        for p in path:
            if isinstance(p, int):
                s = s.get("items", {})
            elif p in s.get("properties", {}):
                struct, s = name, s["properties"][p]
                fields.append(p)
            else:
                s = s.get("additionalProperties") if isinstance(s.get("additionalProperties"), dict) else {}
            s, name = self._resolve(s, "")
        return s, name, struct, fields

    def go_type(self, s: dict, name: str) -> str:
        if name and name in self.defs and "properties" in self.defs[name]:
            return ".".join(name.rsplit(".", 2)[-2:])  # io.k8s.api.core.v1.NodeSelector -> v1.NodeSelector
        if name == _INT_OR_STRING:
            return "int32"  # intstr's UnmarshalJSON reads anything but a string as an int32
        types = s.get("type", [])
        types = [types] if isinstance(types, str) else types
        if "array" in types:
            item, item_name = self._resolve(s.get("items", {}), "")
            return "[]" + self.go_type(item, item_name)
        if "object" in types and isinstance(s.get("additionalProperties"), dict):
            value, value_name = self._resolve(s["additionalProperties"], "")
            return "map[string]" + self.go_type(value, value_name)
        if "integer" in types:
            return s.get("format", "int64")
        if "string" in types:
            return "[]uint8" if s.get("format") == "byte" else "string"
        return {"boolean": "bool", "number": "float64", "object": "map[string]interface {}"}.get(
            next(iter(types), ""), "interface {}")

    def decode_error(self, path, value) -> str:
        s, name, struct, fields = self._steps(path)
        if name == _QUANTITY:
            return _QUANTITY_ERROR
        return f"json: cannot unmarshal {_go_value(value)} into Go struct field {struct.rsplit('.', 1)[-1]}." \
               f"{'.'.join(fields)} of type {self.go_type(s, name)}"

    def bad_values(self, d, path=(), s=None, name=None) -> list:
        """(path, decoding error) of what the schema's types let through but Go's decoder refuses: quantity
        strings ParseQuantity cannot read, and integers beyond their field's Go type (int32, int64)."""
        if s is None:
            s, name = self._resolve(self.schema, self.kind)
        if name == _QUANTITY:
            bad = isinstance(d, (str, dt.date)) and not _QUANTITY_RE.match(str(d).strip())
            return [(list(path), _QUANTITY_ERROR)] if bad else []
        if isinstance(d, int) and not isinstance(d, bool):
            go_type = self.go_type(s, name)
            bits = {"int32": 31, "int64": 63}.get(go_type)
            if bits is not None and not -(2**bits) <= d < 2**bits:
                # encoding/json's literalStore names an overflowing number by its text: `number 2147483648`
                return [(list(path), self.decode_error(list(path), d).replace("number", f"number {d}", 1))]
            return []
        out = []
        if isinstance(d, dict):
            props = s.get("properties", {})
            extra = s.get("additionalProperties") if isinstance(s.get("additionalProperties"), dict) else None
            for k, x in d.items():
                sub = props.get(k, extra)
                if sub is not None:
                    out += self.bad_values(x, path + (k,), *self._resolve(sub, ""))
        elif isinstance(d, list) and isinstance(s.get("items"), dict):
            for i, x in enumerate(d):
                out += self.bad_values(x, path + (i,), *self._resolve(s["items"], ""))
        return out
