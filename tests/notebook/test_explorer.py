"""The explorer's logic, without a browser: moments, buttons, changes, highlights, tabs, the inspector, the wiring."""

from __future__ import annotations

import html

import re

import ipywidgets
import pandas as pd
import pytest

import kdsl
from kdsl.notebook import explorer as ex
from kdsl.notebook.inspector import inspect_changes, inspect_html, inspect_pod, journey_html

from tests.notebook.conftest import SECRET


@pytest.fixture(scope="module")
def small_sim():
    """One node: `small` waits for `big`'s CPU until `big` is deleted at 10s."""
    return kdsl.simulate(kdsl.parse("node n1 cpu=1 memory=4Gi\n"
                                    "pod big image=nginx:1.25 cpu=800m\npod small image=nginx:1.25 cpu=500m\n"
                                    "at 10s: delete pod default/big\n"))


def marked(html: str) -> list[str]:
    """The second cell of each highlighted row (the NAME of a pods table)."""
    return [m for m in re.findall(r'<tr class="kdsl-changed">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>', html)]


def test_moments_are_the_store_changes_the_events_and_the_end(lab_sim):
    assert ex.moments(lab_sim) == [0, 1000, 110000, 180000]
    assert ex.moment_options(lab_sim) == [("0s", 0), ("1s", 1000), ("1m50s", 110000), ("3m", 180000)]
    # Every event's moment is one the slider can reach (where "next warning" leads).
    assert {e.time_ms for e in lab_sim.log.events} <= set(ex.moments(lab_sim))


def test_the_explorer_opens_at_the_first_moment_something_happened(lab_sim):
    assert ex.opening(lab_sim) == 0 and ex.changed(lab_sim, 0)["created"]


def test_the_buttons_lead_to_the_moment_before_after_and_to_the_next_warning(lab_sim):
    assert [ex.previous_change(lab_sim, t) for t in (0, 1000, 5000, 180000)] == [None, 0, 1000, 110000]
    assert [ex.next_change(lab_sim, t) for t in (0, 5000, 110000, 180000)] == [1000, 110000, 180000, None]
    # huge's FailedScheduling at 0s, and again when the node controller taints worker-2 at 1m50s.
    assert ex.next_warning(lab_sim, 0) == 110000 and ex.next_warning(lab_sim, 110000) is None
    assert ex.next_warning(lab_sim, 0, "demo") == 110000 and ex.next_warning(lab_sim, 0, ex.ALL) == 110000
    assert ex.next_warning(lab_sim, 0, "tools") is None


def test_namespaces_offer_all_then_each_sorted(lab_sim):
    assert ex.namespaces(lab_sim)[0] == ex.ALL
    assert ["demo", "tools"] == [n for n in ex.namespaces(lab_sim) if n in ("demo", "tools")]
    assert ex.namespaces(lab_sim)[1:] == sorted(ex.namespaces(lab_sim)[1:])


def test_changes_at_a_moment_are_what_the_store_recorded_then(lab_sim):
    df = ex.changes(lab_sim, 110000)
    assert list(df.columns) == ["OP", "KIND", "NAMESPACE", "NAME"]
    # The node lifecycle controller marks worker-2 Unknown 40 s after its last heartbeat (oracle of node loss).
    assert ("Node", "worker-2") in set(zip(df.KIND, df.NAME))
    assert ex.changes(lab_sim, 5).empty


def test_changed_says_created_updated_deleted_each_object_once(lab_sim):
    assert ex.changed(lab_sim, 1000) == {"deleted": [], "created": [], "updated": [
        ("Pod", "demo", "web"), ("Pod", "demo", "app"), ("Pod", "tools", "shell")]}
    assert ("Namespace", None, "tools") in ex.changed(lab_sim, 0)["created"]
    # A namespace keeps its own objects and the cluster's (the node).
    assert ex.changed(lab_sim, 110000, "tools") == {"deleted": [], "created": [], "updated": [
        ("Node", None, "worker-2")]}


def test_the_caption_is_one_line_with_the_whole_text_in_its_title(lab_sim):
    assert ex.changes_html(lab_sim, 5) == ('<div class="kdsl-caption" title="at 5ms — no change in the store">'
                                           "<b>at 5ms</b> — no change in the store</div>")
    line = ex.changes_html(lab_sim, 1000)
    assert "<b>at 1s</b> — updated 3: Pod demo/web, Pod demo/app, Pod tools/shell</div>" in line
    assert ex.changes_html(lab_sim, 0, limit=2).count("…") == 2  # cut in the line and in the title alike


def test_the_caption_lists_the_deleted_objects_first(small_sim):
    gone = next(t for t in ex.moments(small_sim) if ex.changed(small_sim, t)["deleted"])
    assert ex.changed(small_sim, gone)["deleted"] == [("Pod", "default", "big")]
    assert f"<b>at {ex.format_duration(gone)}</b> — deleted 1: Pod default/big" in ex.changes_html(small_sim, gone)


def test_pods_at_a_moment_and_in_a_namespace(lab_sim):
    assert ex.pods(lab_sim, 180000) == ["demo/app", "demo/huge", "demo/web", "tools/shell"]
    assert ex.pods(lab_sim, 180000, "tools") == ["tools/shell"]
    assert ex.pods(lab_sim, 180000, ex.ALL) == ex.pods(lab_sim, 180000)


def test_table_filters_by_namespace(lab_sim):
    every = ex.table(lab_sim, "pods", 180000)
    tools = ex.table(lab_sim, "pods", 180000, "tools")
    assert list(tools.NAME) == ["shell"] and "NAMESPACE" not in tools  # as kubectl -n shows it
    assert len(every) == 4 and "NAMESPACE" in every


def test_a_table_is_left_in_its_own_scrolling_box_cut_with_a_note(lab_sim):
    df = ex.table(lab_sim, "pods", 180000)
    out = ex.block(df, max_rows=2)
    assert out.startswith('<div class="kdsl-tables">') and 'class="dataframe kdsl-table"' in out
    assert "The first 2 of 4 rows" in out and out.count("<tr") == 3
    assert "nothing at this moment" in ex.block(df.iloc[0:0])


def test_durations_and_missing_values_in_the_explorer_tables():

    df = pd.DataFrame({"TIME": pd.to_timedelta([110000, None], unit="ms").astype("timedelta64[ms]"),
                       "NODE": ["n1", None]})
    out = ex.table_html(df)
    assert re.search(r">1m50s</td>", out) and out.count("&lt;none&gt;") == 2


def test_mark_rows_marks_body_rows_only_and_keeps_their_classes():
    table = '<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>0</td></tr><tr class="x"><td>1</td></tr></tbody>'
    assert ex.mark_rows(table, [1]) == table.replace('<tr class="x">', '<tr class="kdsl-changed x">')
    assert ex.mark_rows(table, [0]).count('class="kdsl-changed"') == 1 and "<thead><tr>" in ex.mark_rows(table, [0])
    assert ex.mark_rows(table, []) == table


def test_long_text_cells_wrap_and_short_ones_do_not(lab_sim):
    out = ex.tab_html(lab_sim, "events", 0)
    assert '<td class="kdsl-wrap">0/2 nodes are available: 2 Insufficient cpu.' in out
    assert "<td>FailedScheduling</td>" in out


def test_rows_of_objects_created_or_updated_at_the_moment_are_highlighted(lab_sim):
    # At 1s the kubelets report web, app and shell Running; huge still waits, unchanged.
    assert marked(ex.tab_html(lab_sim, "pods", 1000)) == ["app", "web", "shell"]
    assert marked(ex.tab_html(lab_sim, "pods", 0)) == ["app", "huge", "web", "shell"]  # all created
    assert marked(ex.tab_html(lab_sim, "pods", 180000)) == []
    nodes = ex.table(lab_sim, "nodes", 110000)
    assert [nodes.NAME[i] for i in ex.changed_rows(lab_sim, "nodes", nodes, 110000)] == ["worker-2"]
    spaces = ex.table(lab_sim, "namespaces", 0)
    assert {"demo", "tools"} <= {spaces.NAME[i] for i in ex.changed_rows(lab_sim, "namespaces", spaces, 0)}
    events = ex.table(lab_sim, "events", 110000)
    rows = ex.changed_rows(lab_sim, "events", events, 110000)
    assert rows and all(events.TIME[i] in ("1m50s", pd.Timedelta(110000, "ms")) for i in rows)
    assert len(rows) < len(events)


def test_a_service_row_is_highlighted_when_its_endpoint_slices_change():
    from tests.views.conftest import LAB

    sim = kdsl.simulate(kdsl.load(LAB))
    # At 1s web-1 and web-2 turn ready: the EndpointSlice controller writes web's slices, not the Service.
    assert not any(k[0] == "Service" for keys in ex.changed(sim, 1000).values() for k in keys)
    df = ex.table(sim, "services", 1000)
    assert [df.NAME[i] for i in ex.changed_rows(sim, "services", df, 1000)] == ["web"]


def test_inspect_pod_shows_conditions_containers_events_and_a_compact_verdict_table(lab_sim):
    parts = inspect_pod(lab_sim, "demo/huge", 0)
    assert list(parts) == ["conditions", "containers", "events", "scheduling"]
    cond = parts["conditions"].set_index("TYPE")
    assert cond.loc["PodScheduled", "STATUS"] == "False"
    assert cond.loc["PodScheduled", "REASON"] == "Unschedulable"
    assert "Insufficient cpu" in cond.loc["PodScheduled", "MESSAGE"]
    assert str(parts["conditions"]["LAST TRANSITION"].dtype) == "timedelta64[ms]"
    assert "FailedScheduling" in set(parts["events"].REASON)
    verdicts = parts["scheduling"]
    assert list(verdicts.columns) == ["NODE", "FEASIBLE", "FAILED PLUGIN", "REASON", "SCORE"]
    assert [tuple(r) for r in verdicts[["NODE", "FEASIBLE", "FAILED PLUGIN", "REASON"]].itertuples(index=False)] == [
        ("worker-1", "no", "NodeResourcesFit", "Insufficient cpu"),
        ("worker-2", "no", "NodeResourcesFit", "Insufficient cpu")]
    assert verdicts.SCORE.isna().all()


def test_the_verdict_table_of_a_pod_that_fits_one_node(lab_sim):
    verdicts = inspect_pod(lab_sim, "demo/web", 0)["scheduling"].set_index("NODE")
    assert tuple(verdicts.loc["worker-1", ["FEASIBLE", "FAILED PLUGIN"]]) == ("no", "NodeAffinity")
    assert "didn't match Pod's node affinity/selector" in verdicts.loc["worker-1", "REASON"]
    assert verdicts.loc["worker-2", "FEASIBLE"] == "yes" and pd.isna(verdicts.loc["worker-2", "REASON"])
    assert verdicts.loc["worker-2", "SCORE"] > 0
    # At 1m50s worker-2 is unreachable: the taint is the first filter that fails there.
    late = inspect_pod(lab_sim, "demo/web", 110000)["scheduling"].set_index("NODE")
    assert late.loc["worker-2", "FAILED PLUGIN"] == "TaintToleration"


def test_the_inspector_highlights_what_changed_at_the_moment(lab_sim):
    changed = inspect_changes(lab_sim, "demo/web", 1000)
    parts = inspect_pod(lab_sim, "demo/web", 1000)
    moved = parts["conditions"].loc[changed["conditions"], "TYPE"]
    assert set(moved) == {"PodReadyToStartContainers", "ContainersReady", "Ready"}  # initialized at 0s
    assert changed["containers"] == [0]
    assert list(parts["events"].REASON[changed["events"]]) == ["Pulling", "Pulled", "Created", "Started"]
    assert inspect_changes(lab_sim, "demo/web", 180000) == {"conditions": [], "containers": [], "events": []}
    assert 'class="kdsl-changed"' in inspect_html(lab_sim, "demo/web", 1000)
    assert 'class="kdsl-changed"' not in inspect_html(lab_sim, "demo/web", 180000)


def test_inspect_pod_of_a_running_pod_and_before_it_existed(lab_sim):
    parts = inspect_pod(lab_sim, "demo/web", 180000)
    row = parts["containers"].iloc[0]
    assert (row.CONTAINER, row.IMAGE, row.STATE, bool(row.READY)) == ("web", "nginx:1.25", "Running", True)
    assert list(parts["events"].REASON[:2]) == ["Scheduled", "Pulling"]
    assert inspect_pod(lab_sim, "demo/nope", 180000) == {}
    assert "does not exist at 0s" in inspect_html(lab_sim, "demo/nope", 0)


def test_the_inspector_says_why_a_pod_is_unhealthy_above_its_tables(lab_sim):
    page = inspect_html(lab_sim, "demo/huge", 60000)
    words = lab_sim.why("demo/huge", at=60000)
    assert "<h4>why it is Pending</h4>" in page and page.index("kdsl-why") < page.index("<h4>conditions</h4>")
    assert html.escape(words.text()) in page
    assert "0 of 2 nodes fit" in words.text() and words.facts["requests CPU"] == 6000
    assert "kdsl-why" not in inspect_html(lab_sim, "demo/web", 30000)  # Running and Ready: nothing to explain


def test_the_full_verdicts_are_every_filter_and_score_on_request(lab_sim):
    compact = inspect_html(lab_sim, "demo/web", 0)
    full = inspect_html(lab_sim, "demo/web", 0, full=True)
    assert "filter:NodeResourcesFit" not in compact and "filter:NodeResourcesFit" in full
    assert full.startswith(compact) and "NodeResourcesBalancedAllocation.weighted" in full


def steps(page: str) -> list[tuple[bool, str, str]]:
    """(marked, TIME, STEP) of each row of a journey table, the cells' words without their markup."""
    rows = re.findall(r'<tr( class="kdsl-changed")?>(.*?)</tr>', page[page.index("<tbody"):], re.S)
    cells = [[html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
             for _, r in rows]
    return [(bool(m), c[0], c[3]) for (m, _), c in zip(rows, cells)]


def test_the_journey_tab_shows_the_steps_up_to_the_moment_and_the_outcome(lab_sim):
    early = journey_html(lab_sim, "demo/web", 0)
    assert "<h4 class=\"kdsl-outcome\">journey of pod demo/web to 0s: Pending</h4>" in early
    texts = [step for _, _, step in steps(early)]
    assert texts[0] == "sends create pods demo/web as admin" and "binds the pod to worker-2" in texts[10]
    assert texts[-1] == "not Ready at 0s: Pending"
    assert "RunPodSandbox" not in early  # the kubelet's sandbox comes at 1s, after the moment
    assert len(texts) == len(lab_sim.journey("demo/web", at=0).steps)
    late = journey_html(lab_sim, "demo/web", 1000)
    assert "journey of pod demo/web to 1s: Ready" in late and "creates the pod sandbox (RunPodSandbox)" in late
    # The steps taken at the moment are marked, as the other tabs mark what changed then: the kubelet's, at 1s.
    rows = steps(late)
    assert {t for marked, t, _ in rows if marked} == {"1s"} and not any(m for m, t, _ in rows if t == "0s")
    assert rows[-1] == (True, "1s", "Ready, 1s after it was created")
    assert "NodeNotReady" not in late and "NodeNotReady" in journey_html(lab_sim, "demo/web", 180000)
    # The swim lanes beneath the table, in their own scrolling box; without them on request.
    assert late.index("</table>") < late.index('<div class="kdsl-journey-chart kdsl-scroll"><svg')
    assert "<svg" not in journey_html(lab_sim, "demo/web", 1000, chart=False)


def test_the_journey_tab_of_a_stuck_pod_marks_no_closing_line_and_of_no_pod_says_so(lab_sim):
    page = journey_html(lab_sim, "demo/huge", 180000, chart=False)
    assert "journey of pod demo/huge to 3m: Pending" in page
    assert not any(marked for marked, _, _ in steps(page))  # nothing happened to huge at 3m
    assert steps(page)[-1][2].startswith("not Ready at 3m: Pending — Unschedulable: 0/2 nodes are available")
    assert journey_html(lab_sim, "demo/nope", 0) == \
        '<p class="kdsl-empty"><i>no pod demo/nope at 0s; pods in demo: app, huge, web</i></p>'
    assert journey_html(lab_sim, None, 0) == "<p><i>no pod at this moment</i></p>"


def test_tab_html_for_tables_topology_and_inspector(lab_sim):
    assert "<svg" in ex.tab_html(lab_sim, ex.TOPOLOGY, 180000)
    assert "<h4>conditions</h4>" in ex.tab_html(lab_sim, ex.INSPECT, 180000, pod="demo/web")
    assert "shell" in ex.tab_html(lab_sim, "pods", 180000, "tools")
    assert list(ex.VIEWS) == [ex.CHART, ex.TOPOLOGY, ex.CONNECTIVITY, ex.INSPECT]
    journey = ex.tab_html(lab_sim, ex.INSPECT, 1000, pod="demo/web", view=ex.JOURNEY)
    assert journey == journey_html(lab_sim, "demo/web", 1000) and "<h4>conditions</h4>" not in journey
    assert ex.INSPECTOR == (ex.STATE, ex.JOURNEY) == ("state", "journey")


def test_explorer_widget_opens_at_the_first_moment_and_follows_the_slider(lab_sim):
    box = lab_sim.explore()
    assert isinstance(box, ipywidgets.VBox)
    e = box.explorer
    assert e.at == 0 and e.play.max == 3 and e.play.value == 0
    assert e.tab == "pods" and list(e.tabs.titles)[-4:] == ["chart", "topology", "connectivity", "inspect pod"]
    # 9 of the scenario's and 12 of the controllers' that keep a ServiceAccount and kube-root-ca.crt in each of
    # demo, tools and the four namespaces every cluster has
    assert e.caption.value.startswith('<div class="kdsl-caption" title="at 0s — created 21: ')
    e.slider.value = 180000
    at_end = e.pages[0].value
    assert ">3m</td>" in at_end  # the pods' AGE at the end
    e.slider.value = 1000
    assert e.pages[0].value != at_end and "Unknown" not in e.pages[0].value
    assert "<b>at 1s</b>" in e.caption.value and marked(e.pages[0].value) == ["app", "web", "shell"]


def test_explorer_buttons_move_the_slider_and_are_disabled_at_the_ends(lab_sim):
    e = lab_sim.explore().explorer
    assert (e.previous.disabled, e.next.disabled, e.warning.disabled) == (True, False, False)
    e.warning.click()
    assert e.at == 110000 and e.warning.disabled and not e.previous.disabled
    e.next.click()
    assert e.at == 180000 and e.next.disabled
    e.previous.click()
    e.previous.click()
    assert e.at == 1000
    e.namespace.value = "tools"
    assert e.warning.disabled  # no Warning event in tools after 1s


def test_explorer_namespace_filter_narrows_tables_and_pods(lab_sim):
    e = lab_sim.explore().explorer
    e.namespace.value = "tools"
    assert "shell" in e.pages[0].value and "huge" not in e.pages[0].value
    assert list(e.pod.options) == ["tools/shell"] and e.pod.value == "tools/shell"
    assert "Pod demo/" not in e.caption.value and "Pod tools/shell" in e.caption.value


def test_explorer_draws_only_the_visible_tab_and_the_toggle_shows_the_full_verdicts(lab_sim):
    e = lab_sim.explore().explorer
    topo = e.tabs_names.index(ex.TOPOLOGY)
    assert e.pages[topo].value == ""
    e.tabs.selected_index = topo
    assert "<svg" in e.pages[topo].value
    e.tabs.selected_index = len(e.tabs_names) - 1
    e.pod.value = "demo/huge"
    assert "Insufficient cpu" in e.pages[-1].value and "filter:NodeResourcesFit" not in e.pages[-1].value
    e.full.value = True
    assert "filter:NodeResourcesFit" in e.pages[-1].value


def test_the_inspector_has_a_journey_tab_that_follows_its_pod_and_the_slider(lab_sim):
    e = lab_sim.explore().explorer
    assert list(e.inspector.titles) == ["state", "journey"] and e.inspector.children[1] is e.journey
    e.tabs.selected_index = e.tabs_names.index(ex.INSPECT)
    e.pod.value = "demo/web"
    assert e.journey.value == ""  # drawn only when it is shown
    e.inspector.selected_index = 1
    assert "journey of pod demo/web to 0s: Pending" in e.journey.value and "RunPodSandbox" not in e.journey.value
    assert e.full.layout.display == "none"  # the scheduler's verdicts toggle has nothing to do on the journey
    assert e.next.layout.display is None and e.previous.layout.display is None  # the other buttons stay
    e.slider.value = 1000
    assert "journey of pod demo/web to 1s: Ready" in e.journey.value and "RunPodSandbox" in e.journey.value
    e.pod.value = "demo/huge"
    assert "journey of pod demo/huge to 1s: Pending" in e.journey.value
    e.inspector.selected_index = 0
    assert "<h4>conditions</h4>" in e.pages[-1].value and e.full.layout.display is None


def test_explorer_never_shows_a_secret_value(lab_sim):
    e = lab_sim.explore().explorer
    e.full.value = True
    for t in ex.moments(lab_sim):
        e.slider.value = t
        assert SECRET not in e.caption.value
        for i in range(len(e.tabs_names)):
            e.tabs.selected_index = i
            for pod in e.pod.options:
                e.pod.value = pod
                assert SECRET not in e.pages[i].value
    e.tabs.selected_index = e.tabs_names.index(ex.INSPECT)
    e.inspector.selected_index = 1
    for t in ex.moments(lab_sim):
        e.slider.value = t
        for pod in e.pod.options:
            e.pod.value = pod
            assert e.journey.value and SECRET not in e.journey.value


def test_the_inspector_explains_a_pod_against_the_cluster_of_the_slider_moment(small_sim):
    assert small_sim.store.get("Pod", "default", "small").spec.template.node_name == "n1"
    early = inspect_pod(small_sim, "default/small", 5000)["scheduling"].set_index("NODE")
    late = inspect_pod(small_sim, "default/small", small_sim.now)["scheduling"].set_index("NODE")
    assert early.loc["n1", "REASON"] == "Insufficient cpu" and early.loc["n1", "FEASIBLE"] == "no"
    assert late.loc["n1", "FEASIBLE"] == "yes" and pd.isna(late.loc["n1", "REASON"])


def test_the_chart_tab_draws_pods_by_phase_with_the_slider_moment_marked(lab_sim):
    out = ex.tab_html(lab_sim, ex.CHART, 110000)
    assert ".kdsl-chart text{fill:var(--jp-ui-font-color1" in out and "<svg" in out
    assert "Pods by phase" in out and "at 1m50s" in out
    assert ex.CHART in lab_sim.explore().explorer.tabs_names


def test_the_chart_tab_of_an_unknown_namespace_says_so(lab_sim):
    assert "no namespace nope in this run" in ex.tab_html(lab_sim, ex.CHART, 0, "nope")


def test_the_connectivity_tab_is_the_heat_map_at_the_slider_moment():
    from pathlib import Path

    sim = kdsl.simulate(kdsl.load(Path(__file__).resolve().parents[1] / "views" / "netpol.kdsl"))
    out = ex.tab_html(sim, ex.CONNECTIVITY, 30000, "shop")
    assert "<svg" in out and "Connectivity at 30s" in out and "statefulset shop/db port 5432/TCP" in out
    assert "monitoring" not in out.split("</style>", 1)[1]
    # Only the words follow the theme; the cells' marks keep their white and dark ink.
    assert ".role-axis-label text" in out and ".kdsl-heatmap text{" not in out
    assert ex.tab_html(sim, ex.CONNECTIVITY, 0) == ('<p class="kdsl-empty"><i>no connection to chart at 0s: no pod '
                                                    'with an IP and a declared container port</i></p>')
