"""A pod's journey as a view: plain lines, the steps as a DataFrame, and an HTML table in a notebook."""

from __future__ import annotations

import html

import pandas as pd

from kdsl.core.errors import UsageError
from kdsl.core.values import format_duration
from kdsl.engine import arguments
from kdsl.engine.journey import Journey, journey as build
from kdsl.views.common import moment
from kdsl.views.display import Table

COLUMNS = ("TIME", "COMPONENT", "STAGE", "STEP", "RESOURCE VERSION")


class JourneyView:
    """sim.journey(pod): `str()` is one line a step; `.frame` the steps as a DataFrame (TIME a Timedelta);
    `.steps` the engine's Step records; `.outcome` Ready, refused, deleted or the STATUS where the pod stopped."""

    __slots__ = ("journey",)

    def __init__(self, journey: Journey) -> None:
        self.journey = journey

    @property
    def pod(self) -> str:
        return self.journey.pod

    @property
    def steps(self):
        return self.journey.steps

    @property
    def outcome(self) -> str:
        return self.journey.outcome

    def lines(self) -> list[str]:
        return self.journey.lines()

    @property
    def frame(self) -> pd.DataFrame:
        rows = [(pd.Timedelta(milliseconds=s.time_ms), s.component or None, s.stage, s.text, s.resource_version)
                for s in self.journey.steps]
        df = Table(rows, columns=list(COLUMNS))
        df["RESOURCE VERSION"] = df["RESOURCE VERSION"].astype("Int64")
        return df

    def chart(self):
        """The journey as a swim-lane picture (an SVG: shown in a notebook, `.save(path)` writes it): a lane per
        component, the steps in order along them, arrows where the work moves to another component."""
        from kdsl.views.journey_chart import swimlanes

        return swimlanes(self.journey)

    def __str__(self) -> str:
        return str(self.journey)

    def __repr__(self) -> str:
        head = f"# journey of pod {self.pod} to {format_duration(self.journey.at_ms)}: {self.outcome}"
        return "\n".join([head, *self.lines()])

    def _repr_html_(self) -> str:
        head = html.escape(f"journey of pod {self.pod} to {format_duration(self.journey.at_ms)}: {self.outcome}")
        # A write's step says its resourceVersion in words: the column (for a DataFrame's user) would only push
        # the table past a notebook's output area at 1,000 px.
        return f"<p><b>{head}</b></p>{self.frame.drop(columns=['RESOURCE VERSION'])._repr_html_()}"


def journey(sim, name: str, at=None) -> JourneyView:
    """The journey of pod `name` (`ns/name`, or `name` in default) up to `at` (default: the end): every step
    from the request that created it (or refused it) to Ready, or to where it stopped."""
    t = moment(sim, at)
    if not isinstance(name, str) or not name.strip("/"):
        raise UsageError(f"pod={name!r} is not a pod name; give \"namespace/name\" (or \"name\" in default)")
    ns, _, short = name.rpartition("/")
    ns = ns or "default"
    found = build(sim, ns, short, t)
    if not found.steps:
        arguments.pod(sim, name, t)  # says why there is no such pod, with the names there are
    return JourneyView(found)
