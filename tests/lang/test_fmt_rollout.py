"""`kdsl fmt` on the rollout actions and the rollbacks of every kind: one canonical spacing, the same model."""

from __future__ import annotations

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from kdsl.model.timeline import Rollback, Rollout

MESSY = """\
deployment web image=nginx:1.27
statefulset db image=postgres:16
daemonset agent image=busybox:1.36
at 1m :   rollout   restart default/web
at 2m: rollout restart   deployment   default/web   # the kind written out
at 3m:    rollout restart statefulset default/db
at 4m: rollout restart daemonset    default/agent
at 5m as admin:   rollout pause default/web
at 6m: rollout   resume  default/web
at 7m: rollback statefulset default/db   to   revision 1
at 8m: rollback   daemonset default/agent
"""


def test_the_rollout_actions_format_canonically_and_mean_the_same():
    formatted = format_document(parse_document(MESSY, "rollout.kdsl"))
    assert formatted.splitlines()[3:] == [
        "at 1m: rollout restart default/web",
        "at 2m: rollout restart deployment default/web  # the kind written out",
        "at 3m: rollout restart statefulset default/db",
        "at 4m: rollout restart daemonset default/agent",
        "at 5m as admin: rollout pause default/web",
        "at 6m: rollout resume default/web",
        "at 7m: rollback statefulset default/db to revision 1",
        "at 8m: rollback daemonset default/agent"]
    scenario = kdsl.parse(MESSY)
    assert kdsl.parse(formatted) == scenario
    assert format_document(parse_document(formatted, "rollout.kdsl")) == formatted
    assert [(type(a), getattr(a, "verb", None), a.kind, a.name) for a in scenario.timeline] == [
        (Rollout, "restart", "Deployment", "web"), (Rollout, "restart", "Deployment", "web"),
        (Rollout, "restart", "StatefulSet", "db"), (Rollout, "restart", "DaemonSet", "agent"),
        (Rollout, "pause", "Deployment", "web"), (Rollout, "resume", "Deployment", "web"),
        (Rollback, None, "StatefulSet", "db"), (Rollback, None, "DaemonSet", "agent")]
    assert scenario.timeline[6].revision == 1 and scenario.timeline[4].user == "admin"
