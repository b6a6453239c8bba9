"""A run's request trace and scheduling cycles, kept as columns: what repeats for a template's pods is kept once."""

# A 150,000-pod run makes some 160,000 requests and as many scheduling cycles; a record and a tuple each (about
# 900 bytes a pod) cost 10% of the run's memory. Most of a request repeats for every pod of a ReplicaSet: its
# source, verb, kind, namespace, the requester (a new UserInfo each time, equal to the last), the binding and
# rule that allowed it, and what admission did (the same template defaulted the same way). That part is one
# shared Shape, found by a key of values and identities (an interned Shape keeps what it names alive, so an
# identity in its key is never reused); a request adds its time, its object's name, the store's version and
# the Shape to four columns, and a refusal its error to a dict. A Traced record is made only when read.
# A plugin that changed the object itself (LimitRanger, DefaultStorageClass) is worded when the request ends,
# so that neither object is kept; the words repeat for a template's pods and are shared with the Shape.

from __future__ import annotations

from array import array
from operator import is_

import attrs
import numpy as np

from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.trace import REPLAYED, VALIDATING, Traced, parts
from kdsl.engine.apiserver.trace_diff import diff

REPORTED = 3  # selectHost's numberOfHighestScoredNodesToReport (pkg/scheduler/schedule_one.go)
_NO_SCORE = -1


@attrs.frozen(slots=True, weakref_slot=False)
class Shape:
    """What requests share: who sent what, who they were, what allowed it and what admission did."""

    source: str
    verb: str
    kind: str
    namespace: str | None
    subresource: str | None
    user: object
    grant: object
    rule: object
    steps: tuple


@attrs.frozen
class Cycle:
    """One scheduling cycle of a pod: when, nodes evaluated, feasible nodes, the chosen node (None: none fit),
    and `scores`, selectHost's report: (node, total score) of the chosen node and the next highest, when
    more than one node was feasible (with one, Kubernetes does not score)."""

    time_ms: int
    evaluated: int
    feasible: int
    node: str | None
    scores: tuple[tuple[str, int], ...] = ()


class Traces:
    """A simulation's request trace and its scheduler's cycles, in the order they happened."""

    __slots__ = ("_times", "_versions", "_names", "_shapes", "_errors", "_interned", "_pod_ns", "_pod_names",
                 "_when", "_ints", "_nodes", "_template", "_last", "_own")

    def __init__(self) -> None:
        self._times, self._versions = array("q"), array("q")
        self._names: list[str | None] = []
        self._shapes: list[Shape] = []
        self._errors: dict[int, ApiError] = {}
        self._own: dict[int, tuple] = {}  # a row's own template step (add_own): (its index in the steps, template)
        self._interned: dict[tuple, Shape] = {}
        self._last: tuple = ((), (), ())  # the last steps seen (as sent, shared, keyed)
        self._template: tuple = (REPLAYED, None)  # the last template step, shared by the equal ones after it
        self._pod_ns: list[str] = []  # a cycle's pod: its namespace and name (the pod's own strings)
        self._pod_names: list[str] = []
        self._when = array("q")  # a cycle's time
        self._ints = array("i")  # a cycle's nodes evaluated, feasible, then REPORTED totals
        self._nodes: list[str | None] = []  # a cycle's chosen node, then the REPORTED - 1 next

    def answered(self, request, result, source: str, now: int, version: int) -> None:
        self.add(source, *parts(request, result), result if isinstance(result, ApiError) else None, now, version)

    def add(self, source: str, verb: str, kind: str, namespace: str | None, name: str | None,
            subresource: str | None, user, grant, rule, steps: tuple, error: ApiError | None, now: int,
            version: int) -> None:
        """A request by its parts (trace.parts), its refusal if any: what `answered` keeps of a request, for a
        caller that knows them without the request (a ReplicaSet's next pods: controllers/alike_pods.py)."""
        shape = self.shape(source, verb, kind, namespace, subresource, user, grant, rule, steps)
        if error is not None:
            self._errors[len(self._names)] = error
        self.add_shaped(shape, name, now, version)

    def add_shaped(self, shape: Shape, name: str | None, now: int, version: int) -> None:
        """An admitted request of `shape` (found by `shape` once for many: a ReplicaSet sync's pods): `add`'s row."""
        self._times.append(now)
        self._versions.append(version)
        self._names.append(name)
        self._shapes.append(shape)

    def add_own(self, shape: Shape, name: str, at: int, template, now: int, version: int) -> None:
        """An admitted request of `shape` (its steps' `at`th, the replayed plugins' template, a pod's own: a bare
        pod's family shares the rest, scenario_pods.py): `add`'s row of those steps with (REPLAYED, template) at
        `at`, read as that, without a Shape of its own."""
        self._own[len(self._names)] = (at, template)
        self.add_shaped(shape, name, now, version)

    def shape(self, source: str, verb: str, kind: str, namespace: str | None, subresource: str | None, user,
              grant, rule, steps: tuple) -> Shape:
        """The Shape of a request of these parts, interned."""
        if steps:
            last = self._last
            if len(steps) == len(last[0]) and all(map(is_, steps, last[0])):
                # the steps of the last request that had any, the same objects (a prepared answer's, for a
                # template's next pod): worded and keyed as then (only a request with steps moves _template)
                steps, said = last[1], last[2]
            else:
                raw = steps
                steps = tuple([s if type(s) is str else self._shared(s) for s in steps])
                # A step's objects by identity (the Shape keeps them alive, so no identity is reused), words by
                # value.
                said = tuple([s if type(s) is str or type(s[-1]) is str else tuple(map(id, s)) for s in steps])
                self._last = (raw, steps, said)  # `raw` kept alive, so that no identity in it is reused
        else:
            said = ()
        who = (user.name, user.groups) if type(user) is not str else user
        key = (source, verb, kind, namespace, subresource, who, id(grant), id(rule), said)
        shape = self._interned.get(key)
        if shape is None:
            shape = self._interned[key] = Shape(source, verb, kind, namespace, subresource, user, grant, rule, steps)
        return shape

    def _shared(self, step):
        """A plugin's change to the object itself in words (so that neither object is kept): (plugin, text); a
        template the replayed plugins start from as the last one when equal (LimitRanger makes one a pod)."""
        if type(step) is str:
            return step
        if step[0] == REPLAYED:
            last = self._template
            if step[1] is not last[1] and step[1] != last[1]:
                self._template = step
            return self._template
        if len(step) == 3 and step[1] != VALIDATING:
            return step[0], "; ".join(diff(step[1], step[2], ""))
        return step

    @property
    def requests(self) -> list[Traced]:
        """Every request, in order."""
        return [self._traced(i) for i in range(len(self._names))]

    def of(self, kind: str, namespace: str | None, name: str) -> list[Traced]:
        """The requests for one object, in order."""
        shapes = self._shapes
        return [self._traced(i) for i, n in enumerate(self._names)
                if n == name and shapes[i].namespace == namespace and shapes[i].kind == kind]

    def _traced(self, i: int) -> Traced:
        s = self._shapes[i]
        steps = s.steps
        own = self._own.get(i) if self._own else None
        if own is not None:
            at = own[0]
            steps = steps[:at] + ((REPLAYED, own[1]),) + steps[at + 1:]
        return Traced(self._times[i], s.source, s.verb, s.kind, s.namespace, self._names[i], s.subresource, s.user,
                      s.grant, s.rule, steps, self._errors.get(i), self._versions[i])

    def scheduled(self, key: tuple, now: int, result) -> None:
        """The hook of the scheduler's pass: one cycle's outcome for the pod (nodes looked at, feasible, chosen,
        and selectHost's report of the highest totals: the chosen node's first, then the next highest, ties in
        the order the nodes were visited; none when at most one node was feasible, as it is not scored)."""
        self._pod_ns.append(key[1])
        self._pod_names.append(key[2])
        self._when.append(now)
        totals = result._totals
        if totals is None or result.node is None or len(totals) < 2:
            self._ints.fromlist([result.evaluated, result.feasible, _NO_SCORE, _NO_SCORE, _NO_SCORE])
            self._nodes.extend((result.node, None, None))
            return
        tied = result._tied
        if tied is not None and len(tied) > REPORTED:
            # as many nodes share the highest total as are reported: a stable sort puts them first, in order, and
            # the REPORTED - 1 first of them that are not the chosen node (one of them at most) are the next highest
            # (Python's ints from item(): a numpy scalar's indexing and int() cost more than the rest of the row;
            # an array's fromlist takes a list at C speed, where its extend goes item by item, 0.5 µs a row)
            first = tied[:REPORTED + 1]
            top = int(totals.item(first.item(0)))
            node = result.node
            others = result._names(first)
            if node in others:  # the names are distinct: the chosen node is there once at most
                others.remove(node)
            self._ints.fromlist([result.evaluated, result.feasible, top, top, top])
            self._nodes.extend((node, others[0], others[1]))
            return
        if len(totals) > 64:
            best = np.argsort(-totals, kind="stable")[:REPORTED + 1]
            scores = totals[best].tolist()
        else:  # numpy's calls cost more than sorting a few numbers (a sort with reverse=True keeps ties in order)
            listed = totals.tolist()
            best = sorted(range(len(listed)), key=listed.__getitem__, reverse=True)[:REPORTED + 1]
            scores = [listed[i] for i in best]
        names = result._names(best)
        others = [(n, score) for n, score in zip(names, scores) if n != result.node][:REPORTED - 1]
        others += [(None, _NO_SCORE)] * (REPORTED - 1 - len(others))
        self._ints.fromlist([result.evaluated, result.feasible, scores[0], others[0][1], others[1][1]])
        self._nodes.extend((result.node, others[0][0], others[1][0]))

    def cycles_of(self, namespace: str, name: str) -> list[Cycle]:
        """The scheduling cycles of pod namespace/name, in order."""
        out = []
        width = 2 + REPORTED
        spaces = self._pod_ns
        for i, n in enumerate(self._pod_names):
            if n == name and spaces[i] == namespace:
                ints = self._ints[i * width:(i + 1) * width]
                nodes = self._nodes[i * REPORTED:(i + 1) * REPORTED]
                scores = tuple((node, score) for node, score in zip(nodes, ints[2:]) if score != _NO_SCORE)
                out.append(Cycle(self._when[i], ints[0], ints[1], nodes[0], scores))
        return out
