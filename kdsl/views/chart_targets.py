"""What a chart is of: `deployment shop/web`, `statefulset/db`, `shop/web` read as a store key, or a clear error."""

from __future__ import annotations

import weakref

from kdsl.engine.apiserver.resources import resource_info
from kdsl.views.common import ViewError

WORKLOAD_CHART_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
_SHOWN = 12  # names listed in an error before "and N more"


def workload_key(sim, target, namespace=None) -> tuple[str, str, str]:
    """A Deployment, StatefulSet, DaemonSet or ReplicaSet that existed at some moment of the run, from
    `deployment shop/web`, `deployment/web` (in `namespace`, else default), `shop/web` or `web`."""
    kind, ns, name = _parse(target, namespace, "a workload such as `deployment shop/web`")
    kinds = WORKLOAD_CHART_KINDS if kind is None else (kind,)
    if kind is not None and kind not in WORKLOAD_CHART_KINDS:
        raise ViewError(f"a workload chart is of a {', '.join(k.lower() for k in WORKLOAD_CHART_KINDS)}; "
                        f"not a {kind.lower()}")
    ever = _ever(sim)
    found = [k for k in kinds if (ns, name) in ever.get(k, ())]
    if len(found) == 1:
        return (found[0], ns, name)
    if found:
        both = " and a ".join(k.lower() for k in found)
        raise ViewError(f"{ns}/{name} is a {both}; say which, e.g. `{found[0].lower()} {ns}/{name}`")
    what = kind.lower() if kind else "workload"
    return _missing(what, ns, name, [(k, key) for k in kinds for key in ever.get(k, ())], kind is None)


def endpoints_key(sim, target, namespace=None) -> tuple[str, str, str]:
    """A Service that existed at some moment of the run, from `shop/web`, `web` or `service shop/web`."""
    kind, ns, name = _parse(target, namespace, "a service such as `shop/web`")
    if kind not in (None, "Service"):
        raise ViewError(f"an endpoints chart is of a service, not a {kind.lower()}")
    services = _ever(sim).get("Service", set())
    if (ns, name) in services:
        return ("Service", ns, name)
    return _missing("service", ns, name, [("Service", key) for key in services], False)


def _parse(target, namespace, example: str) -> tuple[str | None, str, str]:
    """(kind or None, namespace, name) from kubectl's spellings: `KIND NS/NAME`, `KIND/NAME`, `NS/NAME`, `NAME`."""
    if not isinstance(target, str) or not target.strip():
        raise ViewError(f"say what to chart: {example}")
    words = target.split()
    kind = None
    if len(words) == 2:
        kind = _kind(words[0])
        rest = words[1]
    elif len(words) == 1:
        rest = words[0]
        head, _, tail = rest.partition("/")
        if tail and _charted(head):
            kind, rest = _charted(head), tail
    else:
        raise ViewError(f"`{target}` is not a target; give {example}")
    ns, _, name = rest.rpartition("/")
    if "/" in ns or not name:
        raise ViewError(f"`{target}` is not a target; give {example}")
    if ns and namespace is not None and ns != namespace:
        raise ViewError(f"`{target}` names namespace {ns}, but namespace={namespace!r} was given")
    return kind, ns or namespace or "default", name


def _charted(word: str) -> str | None:
    """The kind a word names as kubectl reads it (singular, plural or short: the API server's table), if a chart
    can be of that kind."""
    info = resource_info(word.lower())
    return info.kind if info is not None and info.kind in (*WORKLOAD_CHART_KINDS, "Service") else None


def _kind(word: str) -> str:
    kind = _charted(word)
    if kind is None:
        raise ViewError(f"`{word}` is not a kind a chart knows; give one of: deployment, statefulset, daemonset, "
                        "replicaset, service")
    return kind


def _missing(what: str, ns: str, name: str, known: list[tuple[str, tuple[str, str]]], with_kind: bool):
    names = [f"{k.lower()} {n}/{m}" if with_kind else f"{n}/{m}" for k, (n, m) in sorted(
        known, key=lambda km: (km[1][0] != ns, km[1], km[0]))]  # the asked-for namespace first
    if not names:
        raise ViewError(f"no {what} {ns}/{name}; the run has no {what}s")
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    raise ViewError(f"no {what} {ns}/{name}; {what}s in the run: {', '.join(names[:_SHOWN])}{more}")


_EVER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _ever(sim) -> dict[str, set[tuple[str, str]]]:
    """Kind → the (namespace, name) of every object of a charted kind the run ever held (also deleted ones)."""
    stamp = len(sim.store.history)
    hit = _EVER.get(sim)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    out: dict[str, set[tuple[str, str]]] = {}
    wanted = set(WORKLOAD_CHART_KINDS) | {"Service"}
    for change in sim.store.history:
        if change.key[0] in wanted:
            out.setdefault(change.key[0], set()).add((change.key[1], change.key[2]))
    _EVER[sim] = (stamp, out)
    return out
