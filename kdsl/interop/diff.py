"""`sim.diff(t1, t2)`: the objects added, removed and changed between two moments, field by field, old → new."""

# Built on the state as `kubectl get -o yaml` prints it (kdsl.interop.state), so a FIELD reads as a Kubernetes
# user writes one: `spec.replicas`, `status.conditions[type=Ready].status`, `metadata.labels.app`. A list item is
# named by its natural key where Kubernetes has one (the patchMergeKey of the API's types: a condition by type, a
# container, env var or volume by name, a mount by mountPath; k8s.io/api/core/v1/types.go), by its index otherwise.

from __future__ import annotations

import json

from kdsl.engine import arguments
from kdsl.interop.state import object_manifest
from kdsl.core.secrets import REDACTED

COLUMNS = ("CHANGE", "KIND", "NAMESPACE", "NAME", "FIELD", "OLD", "NEW")

# Left out: fields rewritten by every write or heartbeat that say nothing a user asked about. resourceVersion
# and managedFields change on each write; a node's lastHeartbeatTime (and a condition's lastProbeTime) on each
# kubelet status post, while the condition's status and lastTransitionTime say when something changed.
# Kept: generation and observedGeneration (they move only when the spec does) and the other timestamps
# (deletionTimestamp, startedAt, lastTransitionTime), which record when something happened.
SKIPPED = frozenset({"metadata.resourceVersion", "metadata.managedFields"})
SKIPPED_LEAVES = frozenset({"lastHeartbeatTime", "lastProbeTime"})

# The keys that name an item of a list, by the list's field name: the first whose fields every item has, unique
# in both lists (the index otherwise). Kubernetes' patchMergeKey where it has one; a taint is one per key and
# effect (the API server refuses two alike: pkg/apis/core/validation/validation.go, validateNodeTaints); `name`
# for the lists that name their items.
KEYS = {
    "conditions": (("type",),), "volumeMounts": (("mountPath",),), "volumeDevices": (("devicePath",),),
    "ports": (("name",), ("containerPort",), ("port",)), "taints": (("key",), ("key", "effect")),
    "tolerations": (("key",), ("key", "effect")), "topologySpreadConstraints": (("topologyKey",),),
    "hostAliases": (("ip",),), "endpoints": (("targetRef.name",),),
    "podIPs": (), "hostIPs": (), "images": (), "addresses": (), "rules": (), "paths": (), "subjects": (),
}
DEFAULT_KEYS = (("name",),)
# A Secret's fields that hold its values: data, stringData, and the copy of the whole object `kubectl apply`
# keeps in an annotation (an imported manifest may carry it).
SECRET_FIELDS = ("data", "stringData", "metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]")


def diff(sim, t1: int, t2: int | None = None, namespace: str | None = None, kind: str | None = None):
    """The objects that differ between `t1` and `t2` (default: the end), one row per changed field (CHANGE
    `changed`, FIELD, OLD, NEW) and one per object `added` or `removed`, sorted by kind, namespace, name (no
    NAMESPACE column for one `namespace`, as `kubectl -n`). An object deleted and made again under its name (a
    new uid) is `removed` and `added`. A Secret's values are never shown: a changed key reads `<redacted>`."""
    t2 = sim.now if t2 is None else t2
    want = None if kind is None else arguments.kind(kind)
    before, after = _state(sim, t1, namespace, want), _state(sim, t2, namespace, want)
    rows: list[tuple] = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0], k[1] or "", k[2])):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.meta.uid == new.meta.uid:
            rows += [("changed", *key, path, a, b) for path, a, b in object_changes(old, new, sim, t1, t2)]
            continue
        if old is not None:
            rows.append(("removed", *key, None, None, None))
        if new is not None:
            rows.append(("added", *key, None, None, None))
    from kdsl.views.common import frame, shown  # pandas loads only when a table is made

    return shown(frame(COLUMNS, rows), COLUMNS, namespace)


def _state(sim, t: int, namespace: str | None, kind: str | None) -> dict:
    return {key: obj for key, obj in sim.store.state_at(t).items()
            if (kind is None or key[0] == kind) and (namespace is None or key[1] == namespace)}


def object_changes(old, new, sim, t1: int, t2: int) -> list[tuple[str, object, object]]:
    """(FIELD, OLD, NEW) for each field of one object that differs between its two versions."""
    if old is new:  # the store keeps an unchanged object as the same version
        return []
    out: list[tuple[str, object, object]] = []
    _compare(object_manifest(old, sim, t1), object_manifest(new, sim, t2), "", out)
    if old.kind == "Secret":
        out = [(p, _hidden(a), _hidden(b)) if _secret(p) else (p, a, b) for p, a, b in out]
    return out


def _secret(path: str) -> bool:
    return any(path == f or path.startswith((f + ".", f + "[")) for f in SECRET_FIELDS)


def _hidden(value):
    return None if value is None else REDACTED


def flatten(value, path: str = "") -> list[tuple[str, object]]:
    """(FIELD, value) for each leaf of a manifest: dicts by dotted keys, the items of a list by their keys (see
    KEYS), a list of plain values as one value; empty dicts and lists have no leaf (Go's omitempty)."""
    out: list[tuple[str, object, object]] = []
    _compare(value, None, path, out, whole=False)
    return [(p, a) for p, a, _ in out]


def _compare(old, new, path: str, out: list, whole: bool = True) -> None:
    """Appends (path, old, new) for every leaf that differs; a side that is missing is None. With `whole`, a list
    item on one side only is one row (the item as JSON) rather than a row per leaf."""
    if path in SKIPPED or path.rpartition(".")[2] in SKIPPED_LEAVES:
        return
    if isinstance(old, dict) or isinstance(new, dict):
        a = old if isinstance(old, dict) else {}
        b = new if isinstance(new, dict) else {}
        _leaf(old, new, a, b, path, out)
        for k in [*a, *(k for k in b if k not in a)]:
            _compare(a.get(k), b.get(k), _join(path, k), out, whole)
    elif _is_records(old) or _is_records(new):
        a = old if isinstance(old, list) else []
        b = new if isinstance(new, list) else []
        _leaf(old, new, a, b, path, out)
        key = _key(path, a, b)
        items_a, items_b = _items(a, key), _items(b, key)
        for k in [*items_a, *(k for k in items_b if k not in items_a)]:
            if not whole or (k in items_a and k in items_b):
                _compare(items_a.get(k), items_b.get(k), path + k, out, whole)
            else:  # an item added or removed whole: one row, the item as kubectl's JSON would print it
                out.append((path + k, _whole(items_a.get(k)), _whole(items_b.get(k))))
    else:
        a, b = _value(old), _value(new)
        if a != b or type(a) is not type(b):
            out.append((path, a, b))


def _leaf(old, new, a, b, path: str, out: list) -> None:
    """A plain value on one side where the other holds a dict or list (a field that changed type): its own row."""
    if any(side is not None and side is not x for side, x in ((old, a), (new, b))):
        out.append((path, None if old is a else _value(old), None if new is b else _value(new)))


def _is_records(value) -> bool:
    return isinstance(value, list) and any(isinstance(x, (dict, list)) for x in value)


def _join(path: str, key: str) -> str:
    """`metadata.labels.app`; a key with a dot (`kubernetes.io/hostname`, `tls.crt`) in brackets, as
    Kubernetes' field paths write a map key (`metadata.labels[kubernetes.io/hostname]`)."""
    if "." in key or not key:
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _key(path: str, a: list, b: list) -> tuple[str, ...] | None:
    field = path.rpartition(".")[2].partition("[")[0]
    for names in KEYS.get(field, DEFAULT_KEYS):
        if all(_unique(items, names) for items in (a, b)):
            return names
    return None


def _field(item, name: str):
    for part in name.split("."):
        if not isinstance(item, dict) or part not in item:
            return None
        item = item[part]
    return item if isinstance(item, (str, int)) and not isinstance(item, bool) else None


def _unique(items: list, names: tuple[str, ...]) -> bool:
    values = [tuple(_field(x, n) for n in names) for x in items]
    return not any(None in v for v in values) and len(set(values)) == len(values)


def _items(items: list, key: tuple[str, ...] | None) -> dict:
    """Each item by its name in a path: `[type=Ready]`, `[key=node.kubernetes.io/unreachable,effect=NoSchedule]`
    or `[0]`."""
    if key is None:
        return {f"[{i}]": x for i, x in enumerate(items)}
    return {"[" + ",".join(f"{n}={_field(x, n)}" for n in key) + "]": x for x in items}


def _whole(item):
    if item is None:
        return None
    return json.dumps(_kept(item), ensure_ascii=False) if isinstance(item, (dict, list)) else item


def _kept(value):
    """A list item without the fields the diff leaves out (a condition's lastHeartbeatTime)."""
    if isinstance(value, dict):
        return {k: _kept(v) for k, v in value.items() if k not in SKIPPED_LEAVES}
    if isinstance(value, list):
        return [_kept(v) for v in value]
    return value


def _value(value):
    """A leaf as the table holds it: a list of plain values as its JSON text (`["sh", "-c"]`), others as they are."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else None
    if isinstance(value, dict):
        return None  # an empty dict, as omitempty drops it
    return value
