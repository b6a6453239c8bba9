"""A pod's journey as a swim-lane picture: a lane per component, its steps in order, arrows where work moves on."""

# Plain SVG, written here: the steps that follow each other in one lane at one moment and stage are one mark (the
# API server's authentication, authorization, admission and validation of a request; the kubelet's events of a
# start), labelled by the stage and how many steps it holds, every step's text in its tooltip; the marks go in the
# journey's order from left to right (many steps share a millisecond, so the order, not the clock, spaces them;
# each column says its moment), and an arrow joins marks that follow each other in different lanes — a request, a
# write, a watch noticing it. The table of the journey (sim.journey(pod)) has each step in words.

from __future__ import annotations

import re
from html import escape

from kdsl.core.values import format_duration

LANES = ("client", "kube-apiserver", "etcd", "kube-scheduler", "kubelet")  # top to bottom
COLOURS = {"client": "#6b7280", "kube-apiserver": "#2563eb", "etcd": "#7c3aed", "kube-scheduler": "#d97706",
           "kubelet": "#059669", "end": "#111827"}
LANE_H, LEFT, TOP = 56, 130, 40
# A notebook's output area at a 1,000 px window is about 850 px wide: the picture never needs more. A mark takes
# up to MARK_W, fewer when there are many (down to MIN_W, and then the picture grows wider, as a long story must).
WIDTH, MARK_W, MIN_W = 840, 44, 18


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


def groups(steps) -> list[list]:
    """Consecutive steps of one lane, moment and stage: one mark each."""
    out: list[list] = []
    for s in steps:
        key = (lane(s.component), s.time_ms, s.stage)
        if out and (lane(out[-1][0].component), out[-1][0].time_ms, out[-1][0].stage) == key:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def swimlanes(journey) -> Svg:
    """The journey (an engine Journey) as lanes of components across, its steps in order along them."""
    marks = groups(journey.steps)
    # SVGs drawn inline share a page's ids (the explorer puts this beside the topology): one id per pod and moment
    arrow = "kdsl-journey-" + re.sub(r"[^A-Za-z0-9-]", "-", f"{journey.pod}-{journey.at_ms}")
    lanes = LANES + ("end",) if any(not s.component for s in journey.steps) else LANES
    step_w = max(MIN_W, min(MARK_W, (WIDTH - LEFT - 60) // max(len(marks), 1)))
    width = LEFT + step_w * max(len(marks), 1) + 60
    height = TOP + LANE_H * len(lanes) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="11"><title>{escape(f"journey of pod {journey.pod}: {journey.outcome}")}</title>',
           f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
           'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="8" y="20" font-size="13" font-weight="bold">{escape(f"pod {journey.pod}: {journey.outcome}")}'
           '</text>']
    for i, name in enumerate(lanes):
        y = TOP + LANE_H * i
        fill = "#f3f4f6" if i % 2 == 0 else "#ffffff"
        out.append(f'<rect x="0" y="{y}" width="{width}" height="{LANE_H}" fill="{fill}"/>')
        out.append(f'<text x="8" y="{y + LANE_H // 2 + 4}" fill="{COLOURS[name]}" font-weight="bold">'
                   f'{escape(name if name != "end" else "outcome")}</text>')
    last_time, prev = None, None
    for i, group in enumerate(marks):
        s, name = group[0], lane(group[0].component)
        x, y = LEFT + step_w * i + step_w // 2, TOP + LANE_H * lanes.index(name) + LANE_H // 2
        if s.time_ms != last_time:
            out.append(f'<line x1="{x - step_w // 2}" y1="{TOP}" x2="{x - step_w // 2}" y2="{height - 30}" '
                       'stroke="#d1d5db"/>')
            out.append(f'<text x="{x - step_w // 2 + 2}" y="{TOP - 6}" fill="#374151">{format_duration(s.time_ms)}'
                       '</text>')
            last_time = s.time_ms
        if prev is not None and prev[2] != name:
            out.append(f'<line x1="{prev[0]}" y1="{prev[1]}" x2="{x}" y2="{y}" stroke="#9ca3af" '
                       f'marker-end="url(#{arrow})"/>')
        tip = "\n".join(f"{format_duration(t.time_ms)} {t.component or 'outcome'}: {t.text}" for t in group)
        if name == "end":  # the outcome in words, leftwards of its mark, where the lanes above are done
            label = (f'<text x="{x - 10}" y="{y + 4}" font-size="10" text-anchor="end" fill="#111827">'
                     f'{escape(s.text)}</text>')
        else:
            word = s.stage + (f" ×{len(group)}" if len(group) > 1 else "")
            label = (f'<text x="{x - 3}" y="{y + 16}" font-size="9" fill="#374151" '
                     f'transform="rotate(35 {x - 3} {y + 16})">{escape(word)}</text>')
        out.append(f'<g><title>{escape(tip)}</title><circle cx="{x}" cy="{y}" r="{6 + min(len(group), 6) // 2}" '
                   f'fill="{COLOURS[name]}"/>{label}</g>')
        prev = (x, y, name)
    out.append("</svg>")
    return Svg("\n".join(out) + "\n")
