"""What each admission plugin changed, as field paths the way the API names them: `spec.priority → 0`."""

from __future__ import annotations

import functools

import attrs

from kdsl.engine.apiserver import admission, priority_classes
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.resources import format_quantity
from kdsl.engine.apiserver.trace import REPLAYED, Traced

# The pod plugins the trace replays from the template they started from (trace.admitted), by name.
_REPLAY = {"ServiceAccount": admission._default_service_account, "Priority": priority_classes._default_priority,
           "DefaultTolerationSeconds": admission._default_tolerations}
# kdsl's field names where the API's differ by more than their spelling (snake_case → camelCase).
_NAMES = {"service_account": "serviceAccountName", "requests": "resources.requests", "limits": "resources.limits",
          "storage_class": "storageClassName", "meta": "metadata", "grace_ms": "terminationGracePeriodSeconds",
          "toleration_ms": "tolerationSeconds", "ephemeral_storage": "ephemeral-storage"}
_SKIP = frozenset({"span", "uses", "behaviour", "yaml"})  # kdsl's own fields, not the API's


def changes(traced: Traced) -> list[tuple[str, str]]:
    """(plugin, what it did) for each admission step of the request, in order: a field change
    (`spec.priority → 0`), several joined by `; `, or the plugin's refusal."""
    out: list[tuple[str, str]] = []
    template = None
    for step in traced.steps:
        if type(step) is str:  # a replayed template plugin
            after = _REPLAY[step](template)
            out.append((step, "; ".join(diff(template, after, "spec"))))
            template = after
        elif step[0] == REPLAYED:
            template = step[1]
        elif isinstance(step[-1], ApiError):
            out.append((step[0], f"refused: {step[-1].message}"))
        elif len(step) == 2:  # worded when the request ended (trace_store)
            out.append(step)
        else:
            out.append((step[0], "; ".join(diff(step[1], step[2], ""))))
    return out


def _name(field: str) -> str:
    if field in _NAMES:
        return _NAMES[field]
    head, *rest = field.split("_")
    return head + "".join(w.capitalize() for w in rest)


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _value(field: str, value) -> str:
    if value is None:
        return "<none>"
    if field in ("cpu", "memory", "ephemeral_storage") and isinstance(value, int):
        return format_quantity(field.replace("_", "-"), value)
    if field in ("toleration_ms", "grace_ms") and isinstance(value, int):
        return str(value // 1000)
    return str(value)


def diff(before, after, path: str, field: str = "") -> list[str]:
    """`path → new value` for every field that differs, recursing into records and equal-length tuples; a
    tuple that only grew says `+N <field>`; pairs (labels, annotations) by key."""
    if before is after:
        return []
    if type(before) is type(after) and attrs.has(type(before)):
        out = []
        pod = type(before).__name__ == "ApiObject" and hasattr(before.spec, "template")
        for sub in _fields(type(before)):
            old, new = getattr(before, sub), getattr(after, sub)
            if old is new:  # what a plugin left alone is the same object: only the changed path is walked
                continue
            if pod and sub == "spec":
                out += _template_words(old.template, new.template)
            elif sub == "template" and path == "spec":
                out += diff(old, new, path, sub)
            else:
                out += diff(old, new, _join(path, _name(sub)), sub)
        return out
    if before == after:
        return []
    if isinstance(before, tuple) and isinstance(after, tuple):
        if (before or after) and all(_pairs(x) or not x for x in (before, after)):
            old, new = dict(before), dict(after)
            return [f"{path}[{k}] → {_value(k, v)}" for k, v in new.items() if old.get(k) != v] + \
                   [f"{path}[{k}] removed" for k in old if k not in new]
        if len(after) > len(before) and after[:len(before)] == before:
            added = len(after) - len(before)
            if added == 1 and not attrs.has(type(after[-1])):
                return [f"{path} +{after[-1]}"]
            return [f"+{added} {field.replace('_', ' ') if added > 1 else field.rstrip('s')}"]
        if len(after) == len(before):
            return [line for i, (b, a) in enumerate(zip(before, after)) for line in diff(b, a, f"{path}[{i}]", field)]
    return [f"{path} → {_value(field, after)}"]


# The last pod template pair worded: LimitRanger gives each pod of a ReplicaSet its own template, equal to the
# last pod's, from the one template they share; an equal pair says the same (a comparison, not a walk).
_last: list = [None, None, ()]


def _template_words(before, after) -> list[str]:
    last = _last
    if before is not last[0] or (after is not last[1] and after != last[1]):
        last[:] = [before, after, tuple(diff(before, after, "spec"))]
    return list(last[2])


@functools.cache
def _fields(cls) -> tuple[str, ...]:
    """A record's field names, the API's; an object's spec before its metadata: what a plugin defaults comes
    first, its note about it after."""
    return tuple(f.name for f in sorted(attrs.fields(cls), key=lambda f: f.name == "meta") if f.name not in _SKIP)


def _pairs(value: tuple) -> bool:
    return bool(value) and all(type(v) is tuple and len(v) == 2 and type(v[0]) is str for v in value)
