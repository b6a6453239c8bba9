"""A pod's journey: every step from the request that created it to Ready, or to where it stopped, in order."""

# Read, never recomputed: the request trace (apiserver/trace.py) for what the API server did, the scheduler's
# cycles, the store's history for each write (binding, sandbox, IP, phase, each condition's transition) and the
# event log for what the kubelet and controllers said. Steps at one moment are ordered as the components act in
# Kubernetes (RANK): request, scheduler, binding, volumes, sandbox, the kubelet's events, then status.

from __future__ import annotations

import re

import attrs

from kdsl.core.values import format_duration
from kdsl.engine import podview
from kdsl.engine.apiserver.trace_diff import changes
from kdsl.engine.journey_status import Step, status_steps
from kdsl.engine.kubelet.backoff import go_duration

API, ETCD, SCHEDULER = "kube-apiserver", "etcd", "kube-scheduler"
# What a pod's creator is called in the journey, by the source the simulation names it with.
CLIENTS = {"scenario": "kubectl", "timeline": "kubectl"}
@attrs.frozen
class Journey:
    """The steps of one pod (`ns/name`) up to `at_ms`, in order; `outcome` is Ready, refused, deleted or the
    pod's STATUS where it stopped."""

    pod: str
    at_ms: int
    steps: tuple[Step, ...]
    outcome: str

    def lines(self) -> list[str]:
        """One line a step: the moment, the component, what it did."""
        width = max((len(s.component) for s in self.steps), default=0)
        return [f"{format_duration(s.time_ms):>7}  {s.component:<{width}}  {s.text}" for s in self.steps]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def journey(sim, namespace: str, name: str, at: int) -> Journey:
    """The journey of pod namespace/name as the run holds it at `at` (ms): its latest incarnation, and the
    requests that tried to create it since the one before was removed."""
    key = ("Pod", namespace, name)
    versions = [c for c in sim.store.history if c.key == key and c.time_ms <= at]
    start = next((c.time_ms for c in reversed(versions) if c.op == "ADDED"), None)
    gone = [c.time_ms for c in versions if c.op == "DELETED" and (start is None or c.time_ms < start)]
    since = gone[-1] + 1 if gone else 0
    if start is not None:
        versions = [c for c in versions if c.time_ms >= start]
    requests = [] if sim.traces is None else [t for t in sim.traces.of("Pod", namespace, name)
                                              if since <= t.time_ms <= at]
    first = versions[0].obj if versions and versions[0].obj is not None else None
    owner = next((f"{o.kind} {namespace}/{o.name}" for o in first.meta.owners if o.controller), None) \
        if first is not None else None
    steps: list[Step] = []
    for traced in requests:
        steps += request_steps(sim, traced, owner)
    if not any(t.verb == "create" and t.error is None for t in requests) and versions:
        steps.append(Step(versions[0].time_ms, ETCD, "request", f"stores the pod (resourceVersion "
                                                                 f"{versions[0].resource_version})"))
    cycles = [] if sim.traces is None else sim.traces.cycles_of(namespace, name)
    mine = [e for e in sim.log.events if e.namespace == namespace and since <= e.time_ms <= at]
    events = [e for e in mine if e.kind == "Pod" and e.name == name and e.reason != "FailedCreate"]
    steps += status_steps(versions, cycles, events, since)
    named = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])")
    steps += [Step(e.time_ms, e.source, "request", f"{e.kind} {e.name}: {e.reason}: {e.message}") for e in mine
              if e.kind != "Pod" and e.source != "apiserver" and named.search(e.message)]
    claims = {v.ref for v in first.spec.template.volumes if v.source == "pvc"} if first is not None else set()
    steps += [Step(e.time_ms, e.source, "volumes", f"claim {e.name}: {e.reason}: {e.message}") for e in mine
              if e.kind == "PersistentVolumeClaim" and e.name in claims]
    steps.sort(key=lambda s: (s.time_ms, s.rank))
    outcome, end = _outcome(sim, versions, requests, at)
    if end is not None:
        steps.append(end)
    return Journey(f"{namespace}/{name}", at, tuple(steps), outcome)


def request_steps(sim, traced, owner: str | None = None) -> list[Step]:
    """The API server's steps for one request: who asked, the authorizer's answer, each admission plugin's
    change, validation, and the write (or the refusal)."""
    t = traced.time_ms
    client = CLIENTS.get(traced.source, traced.source)
    user = traced.user
    who = getattr(user, "name", user)
    sub = f"/{traced.subresource}" if traced.subresource else ""
    made = f" for {owner}" if owner and traced.verb == "create" and client not in CLIENTS.values() else ""
    steps = [Step(t, client, "request", f"sends {traced.verb} pods{sub} {traced.namespace}/{traced.name}{made} "
                                        f"as {who}")]
    if traced.stage == "authentication":
        return steps + [Step(t, API, "request", f"authentication refused: {traced.error.code} "
                                                 f"{traced.error.reason}: {traced.error.message}")]
    groups = ", ".join(getattr(user, "groups", ()))
    steps.append(Step(t, API, "request", f"authentication: user {who}" + (f", groups {groups}" if groups else "")))
    if traced.stage == "authorization":
        return steps + [Step(t, API, "request", f"authorization denied ({traced.error.code} "
                                                 f"{traced.error.reason}): {traced.error.message}")]
    if traced.grant is not None:
        rule = traced.rule
        said = f" (rule: {','.join(rule.verbs)} on {','.join(rule.resources)})" if rule is not None else ""
        steps.append(Step(t, API, "request", f"authorization: allowed by {traced.grant}{said}"))
    steps += [Step(t, API, "request", f"admission {plugin}: {what}") for plugin, what in changes(traced)
              if not what.startswith("refused: ")]
    if traced.error is not None and traced.stage == "validation":
        return steps + [Step(t, API, "request", f"validation refused ({traced.error.code} Invalid): "
                                                 f"{traced.error.message}")]
    if traced.validated:
        steps.append(Step(t, API, "request", "validation: the pod is valid"))
    if traced.error is not None:
        return steps + [Step(t, API, "request", f"refused by {traced.stage} ({traced.error.code} "
                                                 f"{traced.error.reason}): {traced.error.message}")]
    rv = traced.resource_version(sim.store)
    if traced.verb == "create":
        stored = f"stores the pod as resourceVersion {rv}: phase Pending, no node yet" if rv else "stores the pod"
        return steps + [Step(t, ETCD, "request", stored, rv)]
    return steps + [Step(t, ETCD, "request", f"stores the {traced.verb}" + (f" as resourceVersion {rv}" if rv else ""),
                         rv)]


def _outcome(sim, versions, requests, at: int) -> tuple[str, Step | None]:
    last = versions[-1] if versions else None
    if last is None:
        refused = [t for t in requests if t.error is not None]
        if refused:
            r = refused[-1]
            return "refused", Step(r.time_ms, API, "end", f"not created: refused by {r.stage}")
        return "unknown", None
    if last.obj is None:
        return "deleted", Step(last.time_ms, ETCD, "end", "the pod is gone (deleted)")
    pod = last.obj
    ready = pod.status.condition("Ready") if pod.status is not None else None
    if ready is not None and ready.status == "True":
        took = go_duration(ready.last_transition_ms - versions[0].time_ms)
        return "Ready", Step(ready.last_transition_ms, "", "end", f"Ready, {took} after it was created")
    nodes = {n.name: n for n in sim.store.all_at("Node", at)}
    shown = podview.status(pod, nodes)
    return shown, Step(at, "", "end", f"not Ready at {format_duration(at)}: {shown}{_stuck(pod, shown)}")


def _stuck(pod, shown: str) -> str:
    reason, message = podview.reason_and_message(pod)
    if reason is None and message is None and pod.status.phase == "Running":
        # Started yet not Ready: no container waits, so what stops it is the kubelet's Ready condition
        # (ContainersNotReady, naming the unready containers: pkg/kubelet/status/generate.go).
        ready = pod.status.condition("Ready")
        reason, message = (ready.reason, ready.message) if ready is not None else (None, None)
    reason = None if reason == shown else reason
    if not reason and message:
        return f" — {message}"
    return f" — {reason}: {message}" if reason and message else (f" — {reason}" if reason else "")
