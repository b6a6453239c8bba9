"""The arguments a Simulation's methods take by name (`at`, `namespace`, `pod`, …), checked the same way for all."""

# A wrong one is a UsageError (NotFoundError for a name) whose one line says what was wrong and what there
# is, raised before any of kdsl's machinery runs, so a notebook shows that line rather than a traceback.

from __future__ import annotations

import datetime
import functools
import inspect
import numbers

from kdsl.core.errors import NotFoundError, UsageError, close_matches, listing
from kdsl.core.values import BadValue, duration_ms, format_duration
from kdsl.model.nodes import SYSTEM_NAMESPACES

MOMENT = "give milliseconds since the start (40_000), a duration such as \"2m\" or \"1m30s\", or a Timedelta"


def _shown(value) -> str:
    return f"{value!r}" if not isinstance(value, datetime.timedelta) else str(value)


def duration(value, name: str) -> int:
    """A length of time from the start as integer ms: an int, a duration text (`2m`), a timedelta (a
    pandas Timedelta too, as a TIME column holds) or a numpy timedelta64."""
    if isinstance(value, bool):  # an int to Python, never a moment to a person
        raise UsageError(f"{name}={value!r} is not a moment; {MOMENT}")
    if isinstance(value, datetime.timedelta) or type(value).__name__ == "timedelta64":  # numpy's is an Integral too
        ms = _timedelta_ms(value, name)
    elif isinstance(value, numbers.Integral):
        ms = int(value)
    elif isinstance(value, float) and value.is_integer():
        ms = int(value)
    elif isinstance(value, str):
        try:
            ms = duration_ms(value.strip())
        except BadValue as exc:
            raise UsageError(f"{name}={exc}") from None
    else:
        raise UsageError(f"{name}={_shown(value)} is not a moment; {MOMENT}")
    if ms < 0:
        raise UsageError(f"{name}={_shown(value)} is before the start of the run (0s)")
    return ms


def _timedelta_ms(value, name: str) -> int:
    import pandas as pd  # only a timedelta64 or a Timedelta asks for it, and pandas made those

    delta = pd.Timedelta(value)
    if delta is pd.NaT:
        raise UsageError(f"{name}=NaT is not a moment; {MOMENT}")
    ms, rest = divmod(delta.value, 1_000_000)
    if rest:
        raise UsageError(f"{name}={delta} is not a whole number of milliseconds, which is kdsl's clock tick")
    return int(ms)


def moment(sim, value, name: str = "at") -> int:
    """`at=` as integer ms: None is the end of the run. After the end, a run that stopped with nothing left
    to do stands as it ended; one cut short (`until`, `run`, a crash loop's horizon) was not simulated there."""
    if value is None:
        return sim.now
    ms = duration(value, name)
    if ms > sim.now and sim.queue:
        given = repr(value) if isinstance(value, str) else f"{_shown(value)} ({format_duration(ms)})"
        raise UsageError(f"{name}={given} is after the end of the run ({format_duration(sim.now)}), "
                         f"which stopped with work pending; simulate until {format_duration(ms)} or later to see it")
    return ms


# ---- names ----------------------------------------------------------------------------------------


def _close(word: str, names, n: int = 1) -> list[str]:
    return close_matches(word, names, n=n)


def namespaces(sim) -> list[str]:
    """What `namespace=` may name: every namespace the run ever had, and the ones that always exist."""
    return sorted(set(sim.store.namespaces()) | set(SYSTEM_NAMESPACES))


def namespace(sim, value, name: str = "namespace") -> str | None:
    """None (every namespace) or one the run had at some moment; an empty one is a fine answer, a typo is not."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{name}={value!r} is not a namespace name; give one such as \"default\", or None for all")
    if value in namespaces(sim):
        return value
    raise NotFoundError(f"no namespace {value} in this run; {_namespaces_hint(sim, value)}")


def _namespaces_hint(sim, wrong: str) -> str:
    """`did you mean shop? namespaces: default, shop`; kube-* exist in every cluster and would hide the scenario's own."""
    known = namespaces(sim)
    hint = _close(wrong, known)
    mean = f"did you mean {hint[0]}? " if hint else ""
    return f"{mean}namespaces: {listing(n for n in known if not n.startswith('kube-'))}"


def pod(sim, value, t: int | None = None, name: str = "pod"):
    """The pod `ns/name` (or `name` in default) as it stood at `t` (default: the end)."""
    if not isinstance(value, str) or not value.strip("/"):
        raise UsageError(f"{name}={value!r} is not a pod name; give \"namespace/name\" (or \"name\" in default)")
    t = sim.now if t is None else t
    ns, _, short = value.rpartition("/")
    ns = ns or "default"
    key = f"{ns}/{short}"
    if ns not in namespaces(sim):
        raise NotFoundError(f"no pod {key}: there is no namespace {ns} in this run; {_namespaces_hint(sim, ns)}")
    obj = sim.store.get("Pod", ns, short) if t >= sim.now else sim.store.at(("Pod", ns, short), t)
    if obj is not None:
        return obj
    head = f"no pod {key} at {format_duration(t)}"
    when = _lifetime(sim, ("Pod", ns, short), t)
    if when:
        raise NotFoundError(f"{head}; {when}")
    pods = _pods_at(sim, t)
    here = [f"{o.namespace}/{o.name}" for o in pods if o.namespace == ns]
    if "/" in value or here:
        hint = _nearest(short, here)
        listed = f"pods in {ns}: {listing(k.partition('/')[2] for k in here)}" if here else f"{ns} has no pods then"
        raise NotFoundError(f"{head}; {hint or listed}")
    # A bare name looked up in an empty default: the person likely meant a pod in another namespace.
    everywhere = [f"{o.namespace}/{o.name}" for o in pods]
    hint = _nearest(short, everywhere) or f"pods: {listing(everywhere)}"
    raise NotFoundError(f"{head} (a name without a namespace is looked up in default, which has no pods then); {hint}")


def _nearest(short: str, keys: list[str]) -> str:
    """`did you mean shop/db-0?`, or the pods a Deployment-like name stands for (`web` -> `web-5c5d…-x`)."""
    names = {k.partition("/")[2]: k for k in sorted(keys, reverse=True)}
    same = sorted(k for k in keys if k.partition("/")[2] == short)
    if same:
        return f"did you mean {' or '.join(same[:3])}?"
    family = [k for k in keys if k.partition("/")[2].startswith(short + "-")]
    if family:
        return f"the pods of {short} are {listing(family, 3)}"
    hint = _close(short, names)
    return f"did you mean {names[hint[0]]}?" if hint else ""


def _pods_at(sim, t: int) -> list:
    return sim.store.list("Pod") if t >= sim.now else sim.store.all_at("Pod", t)


def _lifetime(sim, key: tuple, t: int) -> str:
    """`it is created at 1m`, `it was deleted at 3m`: for a name asked at a moment it did not stand."""
    lives = sim.store.lifetimes(key)
    later = [start for start, _ in lives if start > t]
    if later:
        return f"it is created at {format_duration(later[0])}"
    gone = [end for _, end in lives if end is not None and end <= t]
    if gone:
        return f"it was deleted at {format_duration(gone[-1])}"
    return ""


def kind(value, name: str = "kind") -> str:
    """A kind as Kubernetes names it (`Pod`) from `Pod`, `pod`, `pods` or a short name (`deploy`)."""
    from kdsl.engine.apiserver.resources import KINDS, resource_info

    info = resource_info(value) if isinstance(value, str) else None
    if info is None:
        hint = _close(str(value), KINDS) or _close(str(value).lower(), [k.lower() for k in KINDS])
        mean = f"did you mean {next(k for k in KINDS if k.lower() == hint[0].lower())}? " if hint else ""
        raise NotFoundError(f"{name}={value!r} is not a kind kdsl stores; {mean}kinds: {listing(KINDS, 8)}")
    return info.kind


# ---- every public method, by the names of its parameters -------------------------------------------


MOMENTS = ("at", "t1", "t2", "since")


def checked(method):
    """The method with its `at`/`t1`/`t2`/`since` given as integer ms (None stays None), its `namespace`
    and `pod` checked to exist (the pod at `at`), so every method says the same about a wrong one."""
    signature = inspect.signature(method)
    names = [p for p in signature.parameters if p in MOMENTS or p in ("namespace", "pod")]
    if not names:
        return method

    @functools.wraps(method)
    def call(sim, *args, **kwargs):
        takes = [p for p in signature.parameters if p != "self"]
        for word in kwargs:
            if word not in takes:
                hint = _close(word, takes)
                mean = f"did you mean {hint[0]}=? " if hint else ""
                raise UsageError(f"{method.__name__}() takes no argument {word}=; {mean}it takes {', '.join(takes)}")
        try:
            bound = signature.bind(sim, *args, **kwargs)
        except TypeError as exc:
            raise UsageError(f"{method.__name__}(): {exc}") from None
        given = bound.arguments
        for n in names:
            if n in MOMENTS and given.get(n) is not None:
                given[n] = moment(sim, given[n], n)
        if "namespace" in given:
            namespace(sim, given["namespace"])
        if "pod" in given:
            pod(sim, given["pod"], given.get("at"))
        return method(*bound.args, **bound.kwargs)

    return call


def checked_methods(cls):
    """A class decorator: every public method written in the class body is `checked`."""
    for attr, value in list(vars(cls).items()):
        if not attr.startswith("_") and inspect.isfunction(value):
            setattr(cls, attr, checked(value))
    return cls
