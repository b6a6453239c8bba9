"""API errors with Kubernetes' status codes, reasons and message texts (apimachinery's StatusError)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import attrs

from kdsl.model.names import DEFAULT_MINOR

# metav1.StatusReason for each code kdsl returns.
REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "AlreadyExists",
           422: "Invalid"}


@attrs.frozen(auto_exc=False)  # value equality, still raisable
class ApiError(Exception):
    """A failed request: `code` (HTTP status), `reason` (metav1.StatusReason) and `message`, the text
    kubectl prints after `Error from server (<reason>): `. Returned by `handle`; raise it if you like."""

    code: int
    reason: str
    message: str

    def __str__(self) -> str:
        return self.message


def go_quote(text: str) -> str:
    """Go's `%q` for a string: double quotes, backslash escapes, printable Unicode kept as is."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def aggregate(messages: Sequence[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated inside `[...]`."""
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def qualified(resource: str, group: str) -> str:
    """schema.GroupResource.String(): `pods`, `deployments.apps`."""
    return f"{resource}.{group}" if group else resource


def qualified_kind(kind: str, group: str) -> str:
    """schema.GroupKind.String(): `Pod`, `Deployment.apps`."""
    return f"{kind}.{group}" if group else kind


def forbidden_message(user: str, verb: str, resource: str, group: str, namespace: str | None) -> str:
    """responsewriters.forbiddenMessage: what the authorizer refused; `resource` may be `pods/log`."""
    where = f"in the namespace {go_quote(namespace)}" if namespace else "at the cluster scope"
    return (f"User {go_quote(user)} cannot {verb} resource {go_quote(resource)} in API group {go_quote(group)} "
            f"{where}")


def wrap_forbidden(resource: str, group: str, name: str | None, detail: str) -> ApiError:
    """apierrors.NewForbidden: `<resource>[.<group>] ["<name>"] is forbidden: <detail>`."""
    what = qualified(resource, group)
    head = f"{what} {go_quote(name)}" if name else what
    return ApiError(403, "Forbidden", f"{head} is forbidden: {detail}")


def forbidden(resource: str, group: str, name: str | None, verb: str, user: str, namespace: str | None,
              subresource: str | None = None, reason: str = "") -> ApiError:
    """The authorizer's 403, as responsewriters.Forbidden writes it: the subresource is part of the
    inner message (`pods/log`) but not of the wrapping resource, and an RBAC `reason` is appended."""
    full = f"{resource}/{subresource}" if subresource else resource
    detail = forbidden_message(user, verb, full, group, namespace)
    if reason:
        detail = f"{detail}: {reason}"
    return wrap_forbidden(resource, group, name, detail)


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", "Unauthorized")


def not_found(resource: str, group: str, name: str) -> ApiError:
    """apierrors.NewNotFound: `pods "web" not found`, `namespaces "dev" not found`."""
    return ApiError(404, "NotFound", f"{qualified(resource, group)} {go_quote(name)} not found")


def unknown_resource() -> ApiError:
    """A kind the server does not serve (apierrors.NewNotFound with an empty resource)."""
    return ApiError(404, "NotFound", "the server could not find the requested resource")


def already_exists(resource: str, group: str, name: str) -> ApiError:
    """apierrors.NewAlreadyExists: `pods "web" already exists`."""
    return ApiError(409, "AlreadyExists", f"{qualified(resource, group)} {go_quote(name)} already exists")


def conflict(resource: str, group: str, name: str, detail: str) -> ApiError:
    """apierrors.NewConflict: `Operation cannot be fulfilled on pods "web": <detail>`."""
    return ApiError(409, "Conflict", f"Operation cannot be fulfilled on {qualified(resource, group)} "
                                     f"{go_quote(name)}: {detail}")


MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


# From 1.34 field.Error prints a composite bad value (a map, a list, a struct) as JSON, before as Go's %#v
# (apimachinery pkg/util/validation/field/errors.go ErrorBody; kubernetes PR #132314, "Nicer value rendering in
# API errors").
JSON_VALUES = 34


@attrs.frozen
class Printed:
    """A composite bad value as field.Error prints it: `go` (Go's %#v), `json` (json.Marshal)."""

    go: str
    json: str


def go_json(value) -> str:
    """Go's json.Marshal of plain data: compact, `<`, `>`, `&` escaped; dicts keep the order given (a Go
    map's keys come sorted, a struct's fields in declaration order: the caller orders them)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@attrs.frozen
class FieldError:
    """One field.Error: where (`metadata.name`), what kind of error, the bad value and the detail."""

    field: str
    type: str  # Invalid value | Required value | Duplicate value | Too long | Forbidden | Unsupported value
    value: object = None
    detail: str = ""

    def __str__(self) -> str:
        return self.render(DEFAULT_MINOR)

    def render(self, minor: int) -> str:
        """field.Error.Error() as Kubernetes 1.`minor` words it."""
        # field.Error.ErrorBody: Required, Forbidden, Too long and Internal errors show no value.
        if self.type in ("Required value", "Forbidden", "Too long", "Internal error"):
            body = self.type
        elif isinstance(self.value, Printed):
            body = f"{self.type}: {self.value.json if minor >= JSON_VALUES else self.value.go}"
        elif type(self.value) is str:  # a str subclass carries text already printed Go's way (%#v)
            body = f"{self.type}: {go_quote(self.value)}"
        elif isinstance(self.value, bool):
            body = f"{self.type}: {str(self.value).lower()}"
        else:
            body = f"{self.type}: {'null' if self.value is None else self.value}"
        return f"{self.field}: {body}: {self.detail}" if self.detail else f"{self.field}: {body}"


def invalid(kind: str, group: str, name: str, errors: Sequence[FieldError | str],
            minor: int = DEFAULT_MINOR) -> ApiError:
    """apierrors.NewInvalid: `Pod "My_App" is invalid: metadata.name: Invalid value: "My_App": ...`,
    several field errors joined as an aggregate (`[a, b]`), worded as Kubernetes 1.`minor` words them."""
    head = f"{qualified_kind(kind, group)} {go_quote(name)} is invalid"
    if not errors:
        return ApiError(422, "Invalid", head)
    texts = [e.render(minor) if isinstance(e, FieldError) else str(e) for e in errors]
    return ApiError(422, "Invalid", f"{head}: {aggregate(texts)}")
