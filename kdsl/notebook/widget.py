"""The explorer's widgets: the slider, the buttons, the namespace filter and the tabs, wired to explorer.py."""

from __future__ import annotations

import ipywidgets as w

from kdsl.notebook import explorer as ex

# Scoped to the explorer. Tables bring kdsl.views.display's style (to the left, in their own scrolling box), and
# a diagram scrolls in its own box too, so a wide one never pushes the others off-screen. The caption is one line (the
# whole text is its title), so the layout below it never jumps. The highlight is a translucent tint, which
# reads on the light and the dark theme alike. A journey's table is whole, not in a box of its own height: the steps
# at the moment, which are marked, come last and would be hidden below the box's fold.
STYLE = """<style>
.kdsl-explorer { max-width: 100%; }
.kdsl-explorer.kdsl-full, .kdsl-explorer .kdsl-full { margin-left: 0 !important; margin-right: 0 !important; }
.kdsl-explorer .kdsl-scroll { overflow-x: auto; max-width: 100%; margin-bottom: 0.5em; }
.kdsl-explorer .jupyter-widget-html-content, .kdsl-explorer .widget-html-content { min-width: 0; }
.kdsl-explorer .kdsl-caption { height: 1.6em; line-height: 1.6em; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.kdsl-explorer tr.kdsl-changed > td { background: rgba(255, 170, 0, 0.22) !important; }
.kdsl-explorer tr.kdsl-changed > td:first-child { box-shadow: inset 3px 0 var(--jp-warn-color1, #ff9800); }
.kdsl-explorer h4 { margin: 0.6em 0 0.3em 0 !important; }
.kdsl-explorer .lm-TabBar-content { flex-wrap: wrap; }
.kdsl-explorer .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; }
.kdsl-explorer .kdsl-page { min-height: 12em; padding-right: 0 !important; }
.kdsl-explorer .widget-tab-contents { padding: 8px; }
.kdsl-explorer .kdsl-topology svg { max-width: 100%; height: auto; }
.kdsl-explorer .kdsl-journey .kdsl-tablebox { max-height: none; }
</style>"""

BUTTON = w.Layout(width="auto")


class Explorer:
    """The widgets and their wiring; `box` is what a notebook shows. Only the visible tab is drawn."""

    def __init__(self, sim, tables: tuple[str, ...] = ex.TABLES, interval_ms: int = 800):
        self.sim = sim
        self._quiet = False
        self.tabs_names = (*tables, *ex.VIEWS)
        options = ex.moment_options(sim)
        start = ex.moments(sim).index(ex.opening(sim))
        self.slider = w.SelectionSlider(options=options, value=options[start][1], description="time",
                                        continuous_update=False, layout=w.Layout(width="100%", min_width="14em"))
        self.play = w.Play(min=0, max=len(options) - 1, value=start, interval=interval_ms, description="play")
        w.jslink((self.play, "value"), (self.slider, "index"))
        self.namespace = w.Dropdown(options=ex.namespaces(sim), value=ex.ALL, layout=w.Layout(width="12em"))
        self.previous = w.Button(description="◀ previous change", layout=BUTTON)
        self.next = w.Button(description="next change ▶", layout=BUTTON)
        self.warning = w.Button(description="next warning ▶", layout=BUTTON, button_style="warning")
        self.previous.on_click(lambda _: self.go(ex.previous_change(self.sim, self.at)))
        self.next.on_click(lambda _: self.go(ex.next_change(self.sim, self.at)))
        self.warning.on_click(lambda _: self.go(ex.next_warning(self.sim, self.at, self.namespace.value)))
        self.caption = w.HTML(layout=w.Layout(width="100%", min_width="0"))
        self.pages = [w.HTML(layout=w.Layout(width="100%", min_width="0")) for _ in self.tabs_names]
        self.journey = w.HTML(layout=w.Layout(width="100%", min_width="0"))  # the inspector's second page
        for page in [*self.pages, self.journey, self.caption]:
            page.add_class("kdsl-full")  # width 100% and no margin: nothing spills past the output area
        for page in [*self.pages, self.journey]:
            page.add_class("jp-RenderedHTMLCommon")  # JupyterLab's own table style, as for a DataFrame
            page.add_class("kdsl-page")
        self.pod = w.Dropdown(options=[], description="pod", layout=w.Layout(width="24em"))
        self.full = w.ToggleButton(value=False, description="every filter and score", icon="table",
                                   tooltip="the scheduler's verdict of every filter plugin and every score, "
                                           "on every node", layout=w.Layout(width="auto"))  # its own: it hides
        pages = list(self.pages)
        inspect = self.tabs_names.index(ex.INSPECT)
        # The inspector's own tabs share its pod: its state (self.pages[inspect]) and its journey.
        self.inspector = w.Tab(children=[self.pages[inspect], self.journey], titles=ex.INSPECTOR,
                               layout=w.Layout(width="100%"))
        self.inspector.add_class("kdsl-full")
        pages[inspect] = w.VBox([w.HBox([self.pod, self.full]), self.inspector])
        self.tabs = w.Tab(children=pages, titles=self.tabs_names, layout=w.Layout(width="100%"))
        self.box = w.VBox([w.HTML(STYLE), w.HBox([self.play, self.slider]),
                           w.HBox([self.previous, self.next, self.warning, self.namespace]), self.caption, self.tabs],
                          layout=w.Layout(width="100%"))
        self.box.add_class("kdsl-explorer")
        self.box.add_class("kdsl-full")
        self.tabs.add_class("kdsl-full")
        self.box.explorer = self  # so a notebook (and a test) can reach the state behind the widget
        self.slider.observe(lambda _: self.refresh(), names="value")
        self.namespace.observe(lambda _: self.refresh(), names="value")
        self.tabs.observe(lambda _: self.draw(), names="selected_index")
        self.pod.observe(lambda _: self.draw(), names="value")
        self.full.observe(lambda _: self.draw(), names="value")
        self.inspector.observe(lambda _: self.draw(), names="selected_index")
        self.refresh()

    @property
    def at(self) -> int:
        return self.slider.value

    @property
    def tab(self) -> str:
        return self.tabs_names[self.tabs.selected_index or 0]

    def go(self, t: int | None) -> None:
        if t is not None:
            self.slider.value = t

    def refresh(self) -> None:
        """The moment or the namespace moved: new caption, buttons, pod choices; redraw the visible tab."""
        self.caption.value = ex.changes_html(self.sim, self.at, self.namespace.value)
        self.previous.disabled = ex.previous_change(self.sim, self.at) is None
        self.next.disabled = ex.next_change(self.sim, self.at) is None
        self.warning.disabled = ex.next_warning(self.sim, self.at, self.namespace.value) is None
        choices = ex.pods(self.sim, self.at, self.namespace.value)
        keep = self.pod.value if self.pod.value in choices else (choices[0] if choices else None)
        self._quiet = True  # new options move the value; draw once, below, not on each step
        try:
            self.pod.options = choices
            self.pod.value = keep
        finally:
            self._quiet = False
        self.draw()

    def draw(self) -> None:
        if self._quiet:
            return
        i = self.tabs_names.index(self.tab)
        view = ex.INSPECTOR[self.inspector.selected_index or 0] if self.tab == ex.INSPECT else ex.STATE
        page = self.journey if view == ex.JOURNEY else self.pages[i]
        self.full.layout.display = "none" if view == ex.JOURNEY else None  # the verdicts' toggle: no use there
        page.value = ex.tab_html(self.sim, self.tab, self.at, self.namespace.value,
                                 pod=self.pod.value, full=self.full.value, view=view)
