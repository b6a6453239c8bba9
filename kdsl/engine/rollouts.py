"""kubectl rollout restart, pause and resume: the patch kubectl sends, or the error it prints instead."""

from __future__ import annotations

import datetime as dt

import attrs

from kdsl.engine.apiserver.errors import go_quote, qualified
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.objects import ApiObject

# kubectl's objectrestarter writes this pod template annotation; a changed template is a new revision.
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # simulated time 0, as export and the CronJob count


def rfc3339(ms: int) -> str:
    """time.Format(time.RFC3339) of a simulated moment, in UTC, as metav1.Time serialises it."""
    return (EPOCH + dt.timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%SZ")


def kubectl_error(sim, obj: ApiObject, reason: str, message: str) -> None:
    """kubectl refuses before (or instead of) asking the API server; kdsl logs what it prints as a Warning
    on the object, as it logs every refusal a run records."""
    sim.event("Warning", reason, obj, f"error: {message}", source="kubectl")


def named(obj: ApiObject) -> str:
    """`deployments.apps "web"`: how kubectl's rollout commands name an object in an error."""
    info = resource_info(obj.kind)
    return f"{qualified(info.plural, info.group)} {go_quote(obj.name)}"


def rollout(sim, action, obj: ApiObject) -> None:
    """`rollout restart|pause|resume`: the polymorphic helpers of staging/src/k8s.io/kubectl/pkg/
    polymorphichelpers (objectrestarter.go, objectpauser.go, objectresumer.go) and the commands'
    `error: <resource> "<name>" <why>` (pkg/cmd/rollout/rollout_*.go)."""
    spec = obj.spec
    verb = action.verb
    reason = f"Failed{verb.title()}"
    if verb == "restart":
        if obj.kind == "Deployment" and spec.paused:
            return kubectl_error(sim, obj, reason, f"{named(obj)} can't restart paused deployment "
                                                   "(run rollout resume first)")
        template = spec.template
        annotations = dict(template.annotations)
        annotations[RESTARTED_AT] = rfc3339(sim.now)
        spec = attrs.evolve(spec, template=attrs.evolve(template, annotations=tuple(annotations.items())))
    else:
        pause = verb == "pause"
        if obj.kind != "Deployment":  # only Deployments have spec.paused
            return kubectl_error(sim, obj, reason, f"{named(obj)} {'pausing' if pause else 'resuming'} "
                                                   "is not supported")
        if spec.paused == pause:
            return kubectl_error(sim, obj, reason, f"{named(obj)} {'is already paused' if pause else 'is not paused'}")
        spec = attrs.evolve(spec, paused=pause)
    sim.submit("update", attrs.evolve(obj, spec=spec), source="timeline", user=action.user)
