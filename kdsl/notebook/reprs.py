"""Rich notebook displays (`_repr_mimebundle_`) for scenarios, simulations and single objects."""

from __future__ import annotations

import html

import attrs

from kdsl.core.values import format_duration

# Every bundle has text/plain, so a terminal, a log and a strict nbval compare still have something.
PLAIN = "text/plain"
HTML = "text/html"

# The class is doubled because JupyterLab right-aligns output tables with a rule of two classes.
_STYLE = ("<style>.kdsl-card{font-family:var(--jp-ui-font-family,sans-serif);font-size:13px}"
          ".kdsl-card table{border-collapse:collapse}.kdsl-card.kdsl-card td,.kdsl-card.kdsl-card th{padding:2px 8px;"
          "text-align:left;vertical-align:top;border-bottom:1px solid #ddd}.kdsl-card h4{margin:4px 0}"
          ".kdsl-warn{color:#a15c00}.kdsl-err{color:#b00020}</style>")


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def card(title: str, body: str) -> str:
    return f'{_STYLE}<div class="kdsl-card"><h4>{esc(title)}</h4>{body}</div>'


def pairs_table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def highlight(text: str) -> str:
    """kdsl source as HTML with the project's Pygments lexer (inline styles, so it needs no stylesheet)."""
    from pygments import highlight as _highlight
    from pygments.formatters import HtmlFormatter

    from kdsl.lang.highlight import KdslLexer

    return _highlight(text, KdslLexer(), HtmlFormatter(noclasses=True, nobackground=True))


# ---- scenario ------------------------------------------------------------------------------------


def scenario_bundle(scenario) -> dict[str, str]:
    """What the scenario declares, kind by kind, with its warnings (never a secret's value)."""
    rows = []
    for kind, n in scenario.counts().items():
        names = [x.name for x in scenario.nodes] if kind == "Node" else [o.key for o in scenario.of_kind(kind)]
        shown = ", ".join(names[:8]) + (f", … ({len(names)})" if len(names) > 8 else "")
        rows.append((f"{kind} ({n})", shown))
    if scenario.timeline:
        rows.append(("timeline", "; ".join(_action_text(a) for a in scenario.timeline[:6])
                     + (" …" if len(scenario.timeline) > 6 else "")))
    if scenario.expectations:
        rows.append(("expectations", str(len(scenario.expectations))))
    if scenario.run_ms is not None:
        rows.append(("run", format_duration(scenario.run_ms)))
    warnings = "".join(f'<div class="kdsl-warn">{esc(w.format())}</div>' for w in scenario.warnings)
    return {PLAIN: scenario.describe(), HTML: card(f"Scenario {scenario.name}", pairs_table(rows) + warnings)}


def _action_text(action) -> str:
    """`at 2m: NodeAction fail worker-2`: the action's class and its plain words."""
    words = [getattr(action, f.name) for f in attrs.fields(type(action)) if f.name not in ("at_ms", "user", "span")]
    shown = " ".join(w for w in words if isinstance(w, str))
    return f"at {format_duration(action.at_ms)}: {type(action).__name__} {shown}".rstrip()


# ---- simulation ----------------------------------------------------------------------------------


def simulation_bundle(sim) -> dict[str, str]:
    """The summary line and the pods table at the end of the run."""
    from kdsl.views.display import block

    pods = sim.pods(at=sim.now)
    body = f"<p>{esc(repr(sim))}</p>" + (block(pods) if len(pods) else "")
    return {PLAIN: repr(sim), HTML: card(f"Simulation of {sim.scenario.name}", body)}


# ---- single objects ------------------------------------------------------------------------------


def _flat(data, prefix: str = "") -> list[tuple[str, str]]:
    """Nested plain data as `a.b.c = value` rows; empty values are left out (they say nothing)."""
    if isinstance(data, dict):
        out = []
        for k, v in data.items():
            if k == "class":
                continue
            out += _flat(v, f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(data, list):
        if not data:
            return []
        if all(not isinstance(x, (dict, list)) for x in data):
            return [(prefix, ", ".join(str(x) for x in data))]
        if all(isinstance(x, list) and len(x) == 2 and not isinstance(x[1], (dict, list)) for x in data):
            return [(prefix, ", ".join(f"{k}={v}" for k, v in data))]
        out = []
        for i, x in enumerate(data):
            out += _flat(x, f"{prefix}[{i}]")
        return out
    if data is None or data == "" or data is False:
        return []
    return [(prefix, str(data))]


def model_bundle(obj) -> dict[str, str]:
    """A declared object (a Deployment, a Secret, ...): its fields; a Secret's values redacted."""
    from kdsl.model.scenario import to_data

    data = to_data(obj)
    data.pop("kind", None)
    return {PLAIN: repr(obj), HTML: card(obj.ref, pairs_table(_flat(data)))}


def api_object_bundle(obj) -> dict[str, str]:
    """A stored object: its metadata, its spec (secrets redacted) and its status conditions."""
    from kdsl.model.scenario import to_data

    meta = obj.meta
    rows = [("kind", obj.kind), ("name", meta.key), ("uid", meta.uid),
            ("created", format_duration(meta.creation_ms))]
    if meta.labels:
        rows.append(("labels", ", ".join(f"{k}={v}" for k, v in meta.labels)))
    if meta.owners:
        rows.append(("owners", ", ".join(f"{o.kind}/{o.name}" for o in meta.owners)))
    if meta.deletion_ms is not None:
        rows.append(("deleting since", format_duration(meta.deletion_ms)))
    spec = to_data(obj.spec) if attrs.has(type(obj.spec)) else obj.spec
    if isinstance(spec, dict):
        for key in ("class", "kind", "name", "namespace", "labels", "annotations"):
            spec.pop(key, None)
    rows += [(f"spec.{k}", v) for k, v in _flat(spec)]
    status = obj.status
    for c in getattr(status, "conditions", ()) or ():
        rows.append((f"condition {c.type}", f"{c.status} {c.reason} {c.message}".strip()
                     + f" (since {format_duration(c.last_transition_ms)})"))
    if getattr(status, "phase", None):
        rows.append(("phase", status.phase))
    plain = f"<{obj.kind} {meta.key}{' ' + status.phase if getattr(status, 'phase', None) else ''}>"
    return {PLAIN: plain, HTML: card(f"{obj.kind} {meta.key}", pairs_table(rows))}


def bundle(obj) -> dict[str, str]:
    """The mimebundle for any kdsl value that has one."""
    from kdsl.engine.expect import Result, Results
    from kdsl.engine.objects import ApiObject
    from kdsl.engine.errors import Rejection, Rejections
    from kdsl.engine.routing import Route
    from kdsl.model.base import Object
    from kdsl.model.scenario import Scenario
    from kdsl.notebook import answers
    from kdsl.views.why_words import Why

    for kind, make in ((Why, answers.why_bundle), (Route, answers.route_bundle), (Rejection, answers.rejection_bundle),
                       (Rejections, answers.rejections_bundle), (Result, answers.result_bundle),
                       (Results, answers.results_bundle)):
        if isinstance(obj, kind):
            return make(obj)
    if isinstance(obj, Scenario):
        return scenario_bundle(obj)
    if isinstance(obj, ApiObject):
        return api_object_bundle(obj)
    if isinstance(obj, Object):
        return model_bundle(obj)
    if hasattr(obj, "store") and hasattr(obj, "scenario"):
        return simulation_bundle(obj)
    return {PLAIN: repr(obj)}


# ---- attached to the classes of the layers below (kdsl/__init__.py calls these) ----------------------------


def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
    return bundle(self)


class NotebookMethods:
    """The Simulation's methods for a notebook: the explorer, and the summary with the pods table as its display."""

    def explore(self):
        """An ipywidgets explorer: a time slider over the moments something changed, tables, the
        topology and a pod inspector (kdsl.notebook.explorer)."""
        from kdsl.notebook.explorer import explore  # ipywidgets load only in a notebook

        return explore(self)

    _repr_mimebundle_ = _repr_mimebundle_


def attach_displays() -> None:
    """Give the model's, the engine's and the views' objects their notebook display (`_repr_mimebundle_`),
    which they do not define themselves: no layer below imports this one."""
    from kdsl.engine.expect import Result, Results
    from kdsl.engine.objects import ApiObject
    from kdsl.engine.errors import Rejection, Rejections
    from kdsl.engine.routing import Route
    from kdsl.model.base import Object
    from kdsl.model.scenario import Scenario
    from kdsl.views.why_words import Why

    for cls in (Object, Scenario, ApiObject, Result, Results, Rejection, Rejections, Route, Why):
        cls._repr_mimebundle_ = _repr_mimebundle_
