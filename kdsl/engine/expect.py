"""Checks `expect` statements against a finished simulation: at a moment, by a deadline, always, at the end."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kdsl.engine import podview
from kdsl.engine.event_correlator import filed_namespace
from kdsl.engine.netpol.cluster import connect_holds
from kdsl.engine.routing import route_holds
from kdsl.core.values import format_bytes, format_duration
from kdsl.model.build.expect import ATTRIBUTES, SINGULAR
from kdsl.model.expectations import AccessExpectation, Condition, Expectation, RouteExpectation
from kdsl.model.network import ConnectExpectation

_OPS: dict[str, Callable] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
    "~": lambda a, b: str(b) in str(a),
}


@attrs.frozen(kw_only=True, repr=False)
class Result:
    """What `kdsl test` prints: whether it held, what was found, and when it was looked at."""

    expectation: object
    passed: bool
    found: str
    at_ms: int | None = None

    @property
    def text(self) -> str:
        return getattr(self.expectation, "text", "")

    def __str__(self) -> str:
        """The line `kdsl test` prints: `✓ expect … (what was found at when)`."""
        when = f" at {format_duration(self.at_ms)}" if self.at_ms is not None else ""
        return f"{'✓' if self.passed else '✗'} {self.text}  ({self.found}{when})"

    def __repr__(self) -> str:
        return f"<Result {self}>"


class Results(list):
    """`Simulation.check()`: the results in the scenario's order, shown as a table in a notebook."""

    __slots__ = ()

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self)

    def __str__(self) -> str:
        return "\n".join([*map(str, self), f"{sum(r.passed for r in self)} passed, {sum(not r.passed for r in self)} failed"])


def compare(cond: Condition, value) -> bool:
    want = cond.value
    if isinstance(want, bool) and cond.op == "=":
        return bool(value) == want
    if value is None:
        return cond.op == "!="
    try:
        return _OPS[cond.op](value, want)
    except TypeError:
        return False


# ---- what a target says at one moment -----------------------------------------------------------


def node_values(obj) -> dict:
    """`status` is the Ready condition read as Ready / NotReady / Unknown (LANGUAGE.md), where
    kubectl's column prints NotReady for Unknown too."""
    ready = obj.status.condition("Ready")
    status = {"True": "Ready", "False": "NotReady"}.get(ready.status if ready else "", "Unknown")
    return {"ready": status == "Ready", "status": status, "unschedulable": bool(obj.spec.unschedulable),
            "taints": ",".join(str(t) for t in obj.spec.taints),  # key=value:Effect, as `kubectl describe node`
            **{flag: _condition_true(obj, kind) for flag, kind in PRESSURE_FLAGS.items()}}


PRESSURE_FLAGS = {"memorypressure": "MemoryPressure", "diskpressure": "DiskPressure"}  # flag -> node condition


def _condition_true(obj, kind: str) -> bool:
    cond = obj.status.condition(kind)
    return cond is not None and cond.status == "True"


def _pods_on(node: str, checker: Checker, t: int) -> int:
    """`pods`: the node's non-terminated pods at `t`, as `kubectl describe node` counts them (what holds a
    slot of the node's pod capacity)."""
    return sum(1 for p in checker.sim.store.all_at("Pod", t)
               if p.spec.template.node_name == node and p.status.phase not in ("Succeeded", "Failed"))


def _group_of(node: str, checker: Checker) -> str | None:
    """`group`: the cluster autoscaler's node group of the node (its pool), None outside autoscaled pools."""
    autoscaler = getattr(checker.sim, "autoscaler", None)
    return autoscaler.group_of(node) if autoscaler is not None else None


def pod_values(obj, checker: Checker, t: int) -> dict:
    node_name = obj.spec.template.node_name
    node = checker.sim.store.at(("Node", None, node_name), t) if node_name else None
    return podview.values(obj, {node.name: node} if node is not None else {})


# What each target says about one object at one moment: target -> (kind, values(obj, checker, t)).
# The controllers' modules add theirs with `register` as they are imported.
TARGETS: dict[str, tuple[str, Callable]] = {
    "node": ("Node", lambda obj, checker, t: {**node_values(obj), "pods": _pods_on(obj.name, checker, t),
                                              "group": _group_of(obj.name, checker)}),
    "pod": ("Pod", pod_values),
}


def register(target: str, kind: str, values: Callable) -> None:
    """Make `expect TARGET ...` (and its plural) checkable: `values(obj, checker, t)` returns the
    attributes of LANGUAGE.md's table for that target, read from the object as it stood at `t`."""
    TARGETS[target] = (kind, values)


def _shown(target: str, attr: str, value) -> object:
    """A value as the scenario would write it: sizes as quantities (2Gi, not 2147483648)."""
    if isinstance(value, int) and not isinstance(value, bool) and ATTRIBUTES.get(target, {}).get(attr) == "bytes":
        return format_bytes(value)
    return value


class Checker:
    """Evaluates expectations over the store's history. Moments are the times anything changed:
    between two changes nothing an expectation reads can differ."""

    def __init__(self, sim):
        self.sim = sim
        self.moments = [0] + [m for m in sim.store.moments() if m > 0]
        self.end = sim.now


    def holds(self, exp: Expectation, t: int) -> tuple[bool, str]:
        if isinstance(exp, RouteExpectation):
            return route_holds(exp, self, t)
        if isinstance(exp, ConnectExpectation):
            return connect_holds(exp, self, t)
        target = SINGULAR.get(exp.target, exp.target)
        if target not in TARGETS:  # every target the language accepts is registered (tests/engine/test_expect.py):
            # only an Expectation built in Python reaches here, and it fails with the reason, as a run records it
            return False, f"kdsl cannot check {exp.target} expectations yet"
        if exp.name is not None:
            values = self.values(exp, t)
            if values is None:
                where = exp.name if exp.namespace is None else f"{exp.namespace}/{exp.name}"
                return False, f"{exp.target} {where} does not exist"
            found = ", ".join(f"{c.attr}={_shown(target, c.attr, values.get(c.attr))}" for c in exp.conditions)
            return all(compare(c, values.get(c.attr)) for c in exp.conditions), found or "exists"
        # A selection: `count` counts the objects the selector and every other condition pick.
        counts = [c for c in exp.conditions if c.attr == "count"]
        picked = self.count(exp, t)
        if not counts:
            return picked > 0, f"count={picked}"
        return all(compare(c, picked) for c in counts), f"count={picked}"

    def values(self, exp: Expectation, t: int) -> dict | None:
        """What the one object an expectation names says at `t` (LANGUAGE.md's attributes); None when it does
        not exist then. Its target is registered (the caller checked, or a measure's builder did)."""
        kind, values_of = TARGETS[SINGULAR.get(exp.target, exp.target)]
        obj = self.sim.store.at((kind, exp.namespace, exp.name), t)
        return None if obj is None else values_of(obj, self, t)

    def count(self, exp: Expectation, t: int) -> int:
        """How many objects of a selection the selector and every condition but `count` pick at `t`."""
        kind, values_of = TARGETS[SINGULAR.get(exp.target, exp.target)]
        filters = [c for c in exp.conditions if c.attr != "count"]
        picked = 0
        for obj in self.sim.store.kind_at(kind, exp.namespace, t):
            if not exp.selector.matches(obj.meta.label_dict()):
                continue
            values = values_of(obj, self, t)
            if all(compare(c, values.get(c.attr)) for c in filters):
                picked += 1
        return picked

    def event_count(self, exp: Expectation, t: int) -> int:
        """Events of the namespace recorded up to `t` that every condition but `count` picks, each occurrence
        counted: the log folds a repeat into its last moment, which would hide the earlier ones."""
        filters = [c for c in exp.conditions if c.attr != "count"]
        n = 0
        for e in self.sim.log.occurrences:
            if e.time_ms > t or filed_namespace(e) != exp.namespace:
                continue
            values = {"reason": e.reason, "message": e.message, "object": e.object, "type": e.type}
            if all(compare(c, values.get(c.attr)) for c in filters):
                n += e.count
        return n

    def check(self, exp) -> Result:
        if isinstance(exp, AccessExpectation):
            # RBAC's answer with the roles and bindings as they stand at the end of the run. The API server
            # loads here, not with this module, which `import kdsl` loads for the displays of Results.
            from kdsl.engine.apiserver import rbac

            allowed = rbac.can(exp.user, exp.verb, exp.resource, exp.namespace, view=self.sim.store,
                               users=self.sim.scenario.users)
            return Result(expectation=exp, passed=allowed == exp.allowed,
                          found="allowed" if allowed else "forbidden", at_ms=self.end)
        if getattr(exp, "target", None) == "events":
            return self._events(exp)
        timing = exp.timing
        if timing.mode == "at":
            ok, found = self.holds(exp, timing.at_ms)
            return Result(expectation=exp, passed=ok, found=found, at_ms=timing.at_ms)
        if timing.mode == "by":
            last = ""
            for t in self._window(0, timing.at_ms):
                ok, last = self.holds(exp, t)
                if ok:
                    return Result(expectation=exp, passed=True, found=last, at_ms=t)
            return Result(expectation=exp, passed=False, found=last, at_ms=timing.at_ms)
        if timing.mode == "always":
            start = timing.start_ms or 0
            until = self.end if timing.until_ms is None else timing.until_ms
            found = ""
            for t in self._window(start, until):
                ok, found = self.holds(exp, t)
                if not ok:
                    return Result(expectation=exp, passed=False, found=found, at_ms=t)
            return Result(expectation=exp, passed=True, found=found, at_ms=until)
        ok, found = self.holds(exp, self.end)
        return Result(expectation=exp, passed=ok, found=found, at_ms=self.end)

    def _events(self, exp: Expectation) -> Result:
        """Events of a namespace (recorded up to the moment asked), filtered by every condition but
        `count`, which counts them (at least one when no count is given)."""
        t = self.end if exp.timing.mode == "end" else exp.timing.at_ms
        counts = [c for c in exp.conditions if c.attr == "count"]
        n = self.event_count(exp, t)
        passed = all(compare(c, n) for c in counts) if counts else n > 0
        return Result(expectation=exp, passed=passed, found=f"count={n}", at_ms=t)

    def _window(self, start: int, until: int) -> list[int]:
        """The moments to look at in [start, until]: the start itself, then every change after it."""
        return [start] + [m for m in self.moments if start < m <= until]
