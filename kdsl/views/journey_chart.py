"""A pod's journey as a swim-lane picture: a lane per component, its steps in order, arrows where work moves on."""

# Plain SVG, written here: every step is a mark in its component's lane, in the journey's order from left to right
# (many steps share a millisecond, so the order, not the clock, spaces them; each column says its moment), and an
# arrow joins two steps that follow each other in different lanes — a request, a write, a watch noticing it.

from __future__ import annotations

from html import escape

from kdsl.core.values import format_duration

LANES = ("client", "kube-apiserver", "etcd", "kube-scheduler", "kubelet")  # top to bottom
COLOURS = {"client": "#6b7280", "kube-apiserver": "#2563eb", "etcd": "#7c3aed", "kube-scheduler": "#d97706",
           "kubelet": "#059669", "end": "#111827"}
LANE_H, STEP_W, LEFT, TOP = 56, 34, 150, 40
WORDS = 28  # a step's label is cut to this many characters under its mark; the whole text is its tooltip


class Svg:
    """An SVG picture that shows itself in a notebook (`_repr_svg_`) and saves as a file (`save`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_svg_(self) -> str:
        return self.text

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text)


def lane(component: str) -> str:
    """The lane of a step's component: kubelets share one, as do the clients (kubectl, a controller)."""
    if component.startswith("kubelet"):
        return "kubelet"
    if component in LANES:
        return component
    return "end" if not component else "client"


def swimlanes(journey) -> Svg:
    """The journey (an engine Journey) as lanes of components across, its steps in order along them."""
    steps = journey.steps
    lanes = LANES + ("end",) if any(not s.component for s in steps) else LANES
    width = LEFT + STEP_W * max(len(steps), 1) + 40
    height = TOP + LANE_H * len(lanes) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="11"><title>{escape(f"journey of pod {journey.pod}: {journey.outcome}")}</title>',
           '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
           'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>',
           f'<text x="8" y="20" font-size="13" font-weight="bold">{escape(f"pod {journey.pod}: {journey.outcome}")}'
           '</text>']
    for i, name in enumerate(lanes):
        y = TOP + LANE_H * i
        fill = "#f9fafb" if i % 2 == 0 else "#ffffff"
        out.append(f'<rect x="0" y="{y}" width="{width}" height="{LANE_H}" fill="{fill}"/>')
        out.append(f'<text x="8" y="{y + LANE_H // 2 + 4}" fill="{COLOURS[name]}" font-weight="bold">'
                   f'{escape(name if name != "end" else "outcome")}</text>')
    last_time, prev = None, None
    for i, s in enumerate(steps):
        name = lane(s.component)
        x, y = LEFT + STEP_W * i + STEP_W // 2, TOP + LANE_H * lanes.index(name) + LANE_H // 2
        if s.time_ms != last_time:
            out.append(f'<line x1="{x - STEP_W // 2}" y1="{TOP}" x2="{x - STEP_W // 2}" y2="{height - 20}" '
                       'stroke="#e5e7eb"/>')
            out.append(f'<text x="{x - STEP_W // 2 + 2}" y="{TOP - 6}" fill="#374151">{format_duration(s.time_ms)}'
                       '</text>')
            last_time = s.time_ms
        if prev is not None and prev[2] != name:
            out.append(f'<line x1="{prev[0]}" y1="{prev[1]}" x2="{x}" y2="{y}" stroke="#9ca3af" '
                       'marker-end="url(#a)"/>')
        label = s.text if len(s.text) <= WORDS else s.text[:WORDS - 1] + "…"
        out.append(f'<g><title>{escape(f"{format_duration(s.time_ms)} {s.component}: {s.text}")}</title>'
                   f'<circle cx="{x}" cy="{y}" r="6" fill="{COLOURS[name]}"/>'
                   f'<text x="{x}" y="{y + 18}" font-size="8" text-anchor="start" '
                   f'transform="rotate(20 {x} {y + 18})">{escape(label)}</text></g>')
        prev = (x, y, name)
    out.append("</svg>")
    return Svg("\n".join(out) + "\n")
