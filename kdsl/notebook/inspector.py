"""The explorer's pod inspector: one pod at a moment — its state, the scheduler's verdicts, and its journey."""

from __future__ import annotations

import html

import pandas as pd

from kdsl.core.errors import UsageError
from kdsl.core.values import format_duration
from kdsl.notebook.explorer import block
from kdsl.views.common import ViewError, duration, frame
from kdsl.views.pods import verdicts

CONDITIONS = ("TYPE", "STATUS", "REASON", "MESSAGE", "LAST TRANSITION")
CONTAINERS = ("CONTAINER", "INIT", "IMAGE", "STATE", "REASON", "READY", "RESTARTS")
EVENTS = ("TIME", "TYPE", "REASON", "FROM", "MESSAGE", "COUNT")
TITLES = {"conditions": "conditions", "containers": "containers", "events": "events",
          "scheduling": "scheduling: the verdict on each node"}


def _pod(sim, pod: str, t: int):
    ns, _, name = pod.rpartition("/")
    return sim.store.at(("Pod", ns or "default", name), t)


def inspect_pod(sim, pod: str, t: int) -> dict[str, pd.DataFrame]:
    """One pod at `t`: its conditions, its containers, its events so far, and the scheduler's verdict on each
    node (`kdsl.views.pods.verdicts`), recomputed on the nodes and bound pods as they stood at `t`."""
    obj = _pod(sim, pod, t)
    if obj is None:
        return {}
    status = obj.status
    conditions = frame(CONDITIONS, [(c.type, c.status, c.reason, c.message, duration(c.last_transition_ms))
                                    for c in status.conditions])
    containers = frame(CONTAINERS, [(cs.name, init, cs.image, type(cs.state).__name__,
                                     getattr(cs.state, "reason", None) or None, cs.ready, cs.restart_count)
                                    for init, cs in _statuses(obj)])
    events = frame(EVENTS, [(duration(e.time_ms), e.type, e.reason, e.source, e.message, e.count)
                            for e in _events(sim, obj, t)])
    out = {"conditions": conditions, "containers": containers, "events": events}
    try:
        out["scheduling"] = verdicts(sim, f"{obj.namespace}/{obj.name}", at=t)
    except (KeyError, ViewError):
        pass  # nothing to recompute on: the pod is not there at that moment
    return out


def _statuses(obj) -> list[tuple]:
    status = obj.status
    return [(True, cs) for cs in status.init_container_statuses] + [(False, cs) for cs in status.container_statuses]


def _events(sim, obj, t: int) -> list:
    return [e for e in sim.log.events
            if e.time_ms <= t and e.kind == "Pod" and e.namespace == obj.namespace and e.name == obj.name]


def full_verdicts(sim, pod: str, t: int) -> pd.DataFrame:
    """Every filter's verdict and every plugin's score on every node: the engine's rows, all of them."""
    from kdsl.views.pods import explain

    return explain(sim, pod, at=t, wide=True)


def inspect_changes(sim, pod: str, t: int) -> dict[str, list[int]]:
    """The rows of the inspector's tables that changed at `t`: conditions that moved then, containers whose
    status differs from the moment before, and the events recorded then."""
    obj = _pod(sim, pod, t)
    if obj is None:
        return {}
    before = _pod(sim, pod, t - 1) if t > 0 else None
    old = {(init, cs.name): cs for init, cs in _statuses(before)} if before is not None else {}
    return {"conditions": [i for i, c in enumerate(obj.status.conditions) if c.last_transition_ms == t],
            "containers": [i for i, (init, cs) in enumerate(_statuses(obj)) if old.get((init, cs.name)) != cs],
            "events": [i for i, e in enumerate(_events(sim, obj, t)) if e.time_ms == t]}


def _why_html(sim, pod: str, t: int) -> str:
    """The why-sentence above the tables, for a pod that is not running and ready (sim.why's words)."""
    from kdsl.notebook.answers import WHY_STYLE
    from kdsl.views.why import why

    answer = why(sim, pod, t)
    return "" if answer.healthy else f"{WHY_STYLE}<h4>why it is {html.escape(answer.state)}</h4>{answer.html()}"


def inspect_html(sim, pod: str | None, t: int, full: bool = False) -> str:
    """The inspector's HTML: each table under its title, changed rows marked; `full` adds every plugin's
    verdict and score on every node (the toggle below the compact table)."""
    if not pod:
        return "<p><i>no pod at this moment</i></p>"
    parts = inspect_pod(sim, pod, t)
    if not parts:
        return f"<p><i>pod {html.escape(pod)} does not exist at {format_duration(t)}</i></p>"
    marked = inspect_changes(sim, pod, t)
    out = _why_html(sim, pod, t) + "".join(f"<h4>{TITLES[name]}</h4>{block(df, marked.get(name, ()))}" for name, df in parts.items())
    if full and "scheduling" in parts:
        out += f"<h4>every filter and score on every node</h4>{block(full_verdicts(sim, pod, t))}"
    return out


def journey_html(sim, pod: str | None, t: int, chart: bool = True) -> str:
    """The inspector's journey tab: `sim.journey(pod, at=t)` — its outcome line, its steps up to `t` by the explorer's
    table rules (the steps taken at `t` marked as changed), and its swim lanes beneath (`chart`)."""
    from kdsl.views.journey import journey

    if not pod:
        return "<p><i>no pod at this moment</i></p>"
    try:
        view = journey(sim, pod, at=t)
    except UsageError as exc:  # no step of that pod yet: the view's words say why
        return f'<p class="kdsl-empty"><i>{html.escape(str(exc))}</i></p>'
    # The resourceVersion is in a write's words already; its column would only widen the table (as in the view).
    steps = view.frame.drop(columns=["RESOURCE VERSION"])
    # The steps taken at `t` are marked, as the other tabs mark what changed then; a pod stuck at `t` gets its closing
    # line (where it stands) at every moment, which is no change.
    stuck = view.outcome not in ("Ready", "refused", "deleted")
    now = [i for i, s in enumerate(view.steps) if s.time_ms == t and not (stuck and s.stage == "end")]
    head = html.escape(f"journey of pod {view.pod} to {format_duration(t)}: {view.outcome}")
    out = f'<h4 class="kdsl-outcome">{head}</h4><div class="kdsl-journey">{block(steps, now)}</div>'
    if chart:
        out += f'<h4>swim lanes</h4><div class="kdsl-journey-chart kdsl-scroll">{view.chart()._repr_svg_()}</div>'
    return out
