"""The request trace: who asked, the rule that allowed it, what each admission plugin did, and where it was stored."""

# The hooks fill a request's own list while the API server handles it, with references, never copies. The pod
# plugins that only default the template (ServiceAccount, Priority, DefaultTolerationSeconds) are pure functions
# of it, so the trace keeps the template they started from and their names, and trace_diff replays them when
# someone reads the changes; a plugin that changes the object itself (LimitRanger, DefaultStorageClass) leaves the
# object before and after it, which trace_store words when the request ends. The stored resourceVersion is read
# from the store's history when asked: the write that follows an admitted request is the store's next one, so the
# record keeps the version the store stood at. trace_store keeps a run's requests; Traced is one as read.

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.errors import ApiError

REPLAYED = "template"  # a step ("template", T): the template the replayed plugins started from
VALIDATING = "validating"  # a step (plugin, "validating", ApiError): a validating plugin refused


def admitted(steps: list, name: str, before, after) -> None:
    """The hook of admission.mutate: what plugin `name` made of the Attributes `before` (`after`, or its
    ApiError). Appends to `steps` only when the plugin refused or changed something."""
    if isinstance(after, ApiError):
        steps.append((name, after))
    elif before.template is not None:  # a plugin that defaults the pod's template, replayed when read
        if after.template is not before.template:
            if not any(type(s) is tuple and s[0] == REPLAYED for s in steps):
                steps.append((REPLAYED, before.template))
            steps.append(name)
    elif after.object is not before.object and after.object is not None:
        steps.append((name, before.object, after.object))


def refused(steps: list, name: str, error) -> None:
    """The hook of admission.validate: a validating plugin's refusal."""
    if error is not None:
        steps.append((name, VALIDATING, error))


@attrs.frozen(slots=True, weakref_slot=False)
class Traced:
    """One API request as the API server handled it. `user` is the authenticated UserInfo (the name asked for,
    when authentication refused); `grant` the RBAC binding that allowed it (None: denied, or refused before);
    `steps` what admission did (see `admitted`, and trace_store's words for a plugin that changed the object;
    read it through trace_diff.changes); `error` the refusal;
    `_version` the store's resourceVersion before the write that stored it (read `resource_version`)."""

    time_ms: int
    source: str
    verb: str
    kind: str
    namespace: str | None
    name: str | None
    subresource: str | None
    user: object
    grant: object
    rule: object
    steps: tuple
    error: ApiError | None
    _version: int

    @classmethod
    def of(cls, request, result, source: str, now: int, version: int) -> Traced:
        """The record of `request` (whose `trace` list the API server filled) and its `result`."""
        verb, kind, namespace, name, subresource, user, grant, rule, steps = parts(request, result)
        return cls(now, source, verb, kind, namespace, name, subresource, user, grant, rule, steps,
                   result if isinstance(result, ApiError) else None, version)

    def resource_version(self, store) -> int | None:
        """The resourceVersion the store gave this request's write (None: refused, a read, or nothing written)."""
        if self.error is not None or self.verb in ("get", "list", "watch"):
            return None
        history = store.history
        at = self._version
        # the ResourceQuota admission plugin's status writes land just before the object (checkQuotas)
        while at < len(history) and history[at].key[0] == "ResourceQuota" and self.kind != "ResourceQuota" \
                and history[at].time_ms == self.time_ms:
            at += 1
        change = history[at] if at < len(history) else None
        if change is None or change.time_ms != self.time_ms or change.key[0] != self.kind \
                or change.key[2] != self.name:
            return None
        return change.resource_version

    @property
    def stage(self) -> str:
        """Where the request ended: stored, or the stage that refused it (authentication, authorization,
        an admission plugin's name, validation, storage)."""
        if self.error is None:
            return "stored"
        for step in self.steps:
            if type(step) is tuple and isinstance(step[-1], ApiError) and step[-1] is self.error:
                return step[0]
        if self.error.code == 401:
            return "authentication"
        if self.error.code == 403 and self.grant is None:
            return "authorization"
        return "validation" if self.error.code == 422 else "storage"

    @property
    def validated(self) -> bool:
        """Whether the request passed validation (it got to the validating plugins or further)."""
        if self.error is None:
            return True
        return any(type(s) is tuple and len(s) == 3 and s[1] == VALIDATING for s in self.steps) \
            or self.stage == "storage"


@attrs.frozen
class Decided:
    """What the authorizer answered for a user: the hook of request._authorize puts it first in the trace."""

    user: object
    grant: object
    rule: object


def authorized(trace: list | None, user, decision) -> None:
    """The hook of request._authorize."""
    if trace is not None:
        trace.append(Decided(user, decision.grant, decision.rule))


def decided(trace) -> tuple:
    """(the authorizer's Decided or None, its grant, its rule, the steps after it) of a request's trace."""
    decision = trace[0] if trace and type(trace[0]) is Decided else None
    if decision is None:
        return None, None, None, trace
    return decision, decision.grant, decision.rule, trace[1:]


def parts(request, result) -> tuple:
    """(verb, kind, namespace, name, subresource, user, grant, rule, steps) of a handled request."""
    obj = request.object
    decision, _, _, steps = decided(request.trace)
    steps = tuple(steps)
    user = result.user if not isinstance(result, ApiError) else (decision.user if decision is not None
                                                                 else request.user or "admin")
    return (request.verb, obj.kind if obj is not None else request.kind,
            obj.namespace if obj is not None else request.namespace, obj.name if obj is not None else request.name,
            request.subresource, user, decision.grant if decision is not None else None,
            decision.rule if decision is not None else None, steps)
