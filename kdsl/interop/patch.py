"""The `yaml` blocks: merging them into a generated manifest, and computing them from a manifest read."""

# A `yaml` block is a merge patch (RFC 7386: maps merge, `null` deletes, anything else replaces) with one
# addition from Kubernetes' strategic merge patch: a list whose items all carry a distinct `name` (containers,
# volumes, env) merges item by item, and `{name: X, $patch: delete}` removes item X. `residual(original,
# generated)` is the smallest such patch that gives `original` back, except that keys only the generated
# manifest has (the defaults kdsl writes out) are left alone. When the merged list would come out in another
# order than the original's (kdsl says env A and C, the yaml adds B, a fieldRef, after them), the patch
# carries strategic merge patch's own directive for that, `$setElementOrder/env: [{name: A}, {name: B}, ...]`
# (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go), so import -> export keeps the order it read.

from __future__ import annotations

import copy

import yaml

from kdsl.core import values as v

SAME = object()  # residual(): nothing to say
ORDER = "$setElementOrder/"  # strategic merge patch's directive: the order of a merged list, by name
# Keys an import writes where kdsl has no word for the real thing (an nfs volume simulates as an emptyDir):
# a residual deletes them when the original has none.
PLACEHOLDERS = ("emptyDir",)
# Fields written out at Kubernetes' default value: kdsl leaves them out, and that loses nothing
# (docs/interop.md lists them). Only these key-value pairs; any other value is kept.
DEFAULTS = {"terminationGracePeriodSeconds": 30, "protocol": "TCP", "restartPolicy": "Always", "type": "ClusterIP",
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "backoffLimit": 6, "completions": 1,
            "parallelism": 1, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
            "initialDelaySeconds": 0, "podManagementPolicy": "OrderedReady", "minReadySeconds": 0,
            "concurrencyPolicy": "Allow", "suspend": False, "paused": False, "readOnly": False, "optional": False,
            "scheme": "HTTP", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1, "volumeBindingMode": "Immediate",
            "reclaimPolicy": "Delete", "persistentVolumeReclaimPolicy": "Retain", "immutable": False}


def is_default(key: str, value) -> bool:
    return key in DEFAULTS and type(value) is type(DEFAULTS[key]) and value == DEFAULTS[key]


def named(items) -> bool:
    """A list merged by name: every item a mapping with a distinct string `name`."""
    if not isinstance(items, list) or not items:
        return False
    names = [i.get("name") if isinstance(i, dict) else None for i in items]
    return all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


def merge(base, patch):
    """`patch` applied to `base` (neither is changed)."""
    if isinstance(patch, dict) and isinstance(base, dict):
        out = dict(base)
        for k, p in patch.items():
            if k.startswith(ORDER):
                continue
            if p is None:
                out.pop(k, None)
            else:
                out[k] = merge(base[k], p) if k in base else _clean(p)
        for k, p in patch.items():
            if k.startswith(ORDER) and isinstance(out.get(k[len(ORDER):]), list) and isinstance(p, list):
                out[k[len(ORDER):]] = _ordered(out[k[len(ORDER):]], p)
        return out
    if isinstance(patch, list) and isinstance(base, list) and named(base) and _named_patch(patch):
        out = [dict(i) for i in base]
        for p in patch:
            at = next((n for n, i in enumerate(out) if i["name"] == p["name"]), None)
            if p.get("$patch") == "delete":
                if at is not None:
                    del out[at]
            elif at is None:
                out.append(_clean(p))
            else:
                out[at] = merge(out[at], p)
        return out
    return _clean(patch)


def _ordered(items: list, order: list) -> list:
    """`items` in the order `$setElementOrder` gives by name; items it does not name keep their place after."""
    at = {o["name"]: n for n, o in enumerate(order) if isinstance(o, dict) and isinstance(o.get("name"), str)}
    key = lambda x: at.get(x[1].get("name") if isinstance(x[1], dict) else None, len(at) + x[0])  # noqa: E731
    return [i for _, i in sorted(enumerate(items), key=key)]


def _names(items) -> list:
    return [i.get("name") if isinstance(i, dict) else None for i in items]


def _named_patch(patch: list) -> bool:
    return all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in patch)


def _clean(p):
    """A value set outright: `null`s inside it mean nothing to delete, so they go."""
    if isinstance(p, dict):
        return {k: _clean(x) for k, x in p.items() if x is not None}
    if isinstance(p, list):
        return [_clean(x) for x in p]
    return copy.copy(p)


def residual(original, generated):
    """The patch that turns `generated` into `original` (SAME when they already agree)."""
    if isinstance(original, dict) and isinstance(generated, dict):
        out = {}
        for k, o in original.items():
            if k not in generated:
                if o is not None and not is_default(k, o):
                    out[k] = o
                continue
            r = residual(o, generated[k])
            if named(o) and isinstance(generated[k], list):
                merged = generated[k] if r is SAME else merge(generated[k], r)
                if isinstance(merged, list) and _names(merged) != _names(o):
                    out[ORDER + k] = [{"name": n} for n in _names(o)]
            if r is not SAME:
                out[k] = r
        for k in PLACEHOLDERS:
            if k in generated and k not in original:
                out[k] = None
        return out or SAME
    if isinstance(original, list) and isinstance(generated, list):
        if same(original, generated):
            return SAME
        if named(original) and named(generated):
            gen = {i["name"]: i for i in generated}
            orig_names = {i["name"] for i in original}
            out = [{"name": n, "$patch": "delete"} for n in gen if n not in orig_names]
            for item in original:
                if item["name"] not in gen:
                    out.append(item)
                    continue
                r = residual(item, gen[item["name"]])
                if r is not SAME:
                    out.append({"name": item["name"], **r})
            return out or SAME
        return original
    return SAME if same(original, generated) else original


def same(a, b) -> bool:
    """Equal as Kubernetes reads them: `0.5` and `500m` are one quantity, `1` and `"1"` one value."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if a == b and type(a) is type(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool) or not (isinstance(a, (str, int, float))
                                                          and isinstance(b, (str, int, float))):
        return False
    try:
        return v.quantity(str(a)) == v.quantity(str(b))
    except (v.BadValue, ValueError, ZeroDivisionError):
        return False


class _Dumper(yaml.SafeDumper):
    """PyYAML writes NEL, LS and PS bare in a plain or single-quoted scalar and reads them back as line
    breaks (folded to a space): a string with one is written double-quoted, where they are escaped."""


def _str(dumper, text: str):
    if any(c in text for c in "\x85\u2028\u2029"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_str(text)


_Dumper.add_representer(str, _str)


def yaml_text(data) -> str:
    """YAML as kdsl writes it (manifests, `yaml` blocks): keys in order, Unicode as is, lines of 100."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
