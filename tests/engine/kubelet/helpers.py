"""Pods for the kubelet tests: a template from kdsl text, played alone from binding at t=0."""

from __future__ import annotations

import kdsl
from kdsl.engine.kubelet.runtime import Trace, new_pod, run_pod
from kdsl.engine.kubelet.status_text import ready_column, restarts_column, status_column
from kdsl.model.pods import PodTemplate

START = 1_000  # containers start when the sandbox is ready: Config.sandbox_ms after binding at 0


def template(body: str) -> PodTemplate:
    """The template of `pod p { BODY }`."""
    return kdsl.parse(f"pod p {{\n{body}\n}}").objects[0].template


def play(body: str, until_ms: int, *, delete_at_ms: int | None = None, grace_ms: int | None = None,
         **pod_args) -> Trace:
    pod = new_pod(template(body), 0, name="p", uid="u1", **pod_args)
    return run_pod(pod, until_ms, delete_at_ms=delete_at_ms, grace_ms=grace_ms)


def columns(trace: Trace, t: int) -> tuple[str, str, str]:
    """(READY, STATUS, RESTARTS) as kubectl prints them at `t`."""
    pod = trace.at(t)
    return (ready_column(pod.template, pod.status), status_column(pod.template, pod.status, deleting=pod.deleting),
            restarts_column(pod.template, pod.status))


def cond(trace: Trace, t: int, type_: str) -> tuple[str, str, str]:
    """(status, reason, message) of a pod condition at `t`."""
    c = trace.status(t).condition(type_)
    return (c.status, c.reason, c.message)


def state(trace: Trace, t: int, container: str):
    return trace.at(t).ctr(container).status
