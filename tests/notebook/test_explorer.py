"""The explorer's logic, without a browser: moments, namespaces, changes, tabs, the pod inspector, the wiring."""

from __future__ import annotations

import ipywidgets

from kdsl.notebook import explorer as ex

from tests.notebook.conftest import SECRET


def test_moments_are_the_store_changes_and_the_end(lab_sim):
    assert ex.moments(lab_sim) == [0, 1000, 110000, 180000]
    assert ex.moment_options(lab_sim) == [("0s", 0), ("1s", 1000), ("1m50s", 110000), ("3m", 180000)]


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
    assert ex.changes_html(lab_sim, 5) == "<b>at 5ms</b>: no change"
    assert ex.changes_html(lab_sim, 110000).startswith("<b>at 1m50s</b>: ")


def test_pods_at_a_moment_and_in_a_namespace(lab_sim):
    assert ex.pods(lab_sim, 180000) == ["demo/app", "demo/huge", "demo/web", "tools/shell"]
    assert ex.pods(lab_sim, 180000, "tools") == ["tools/shell"]
    assert ex.pods(lab_sim, 180000, ex.ALL) == ex.pods(lab_sim, 180000)


def test_table_filters_by_namespace(lab_sim):
    every = ex.table(lab_sim, "pods", 180000)
    tools = ex.table(lab_sim, "pods", 180000, "tools")
    assert list(tools.NAME) == ["shell"] and "NAMESPACE" not in tools  # as kubectl -n shows it
    assert len(every) == 4 and "NAMESPACE" in every


def test_table_html_is_a_dataframe_table_cut_with_a_note(lab_sim):
    df = ex.table(lab_sim, "pods", 180000)
    out = ex.table_html(df, max_rows=2)
    assert 'class="dataframe kdsl-table"' in out and "first 2 of 4 rows" in out
    assert "nothing at this moment" in ex.table_html(df.iloc[0:0])


def test_inspect_pod_shows_conditions_containers_events_and_scheduling(lab_sim):
    parts = ex.inspect_pod(lab_sim, "demo/huge", 180000)
    assert list(parts) == ["conditions", "containers", "events", "scheduling"]
    cond = parts["conditions"].set_index("TYPE")
    assert cond.loc["PodScheduled", "STATUS"] == "False"
    assert cond.loc["PodScheduled", "REASON"] == "Unschedulable"
    assert "Insufficient cpu" in cond.loc["PodScheduled", "MESSAGE"]
    assert "FailedScheduling" in set(parts["events"].REASON)
    verdicts = parts["scheduling"].set_index("NODE")
    assert verdicts.loc["worker-1", "REASON"] == "Insufficient cpu"


def test_inspect_pod_of_a_running_pod_and_before_it_existed(lab_sim):
    parts = ex.inspect_pod(lab_sim, "demo/web", 180000)
    row = parts["containers"].iloc[0]
    assert (row.CONTAINER, row.IMAGE, row.STATE, bool(row.READY)) == ("web", "nginx:1.25", "Running", True)
    assert list(parts["events"].REASON[:2]) == ["Scheduled", "Pulling"]
    assert ex.inspect_pod(lab_sim, "demo/nope", 180000) == {}
    assert "does not exist at 0s" in ex.inspect_html(lab_sim, "demo/nope", 0)


def test_tab_html_for_tables_topology_and_inspector(lab_sim):
    assert "<svg" in ex.tab_html(lab_sim, ex.TOPOLOGY, 180000)
    assert "<h4>conditions</h4>" in ex.tab_html(lab_sim, ex.INSPECT, 180000, pod="demo/web")
    assert "shell" in ex.tab_html(lab_sim, "pods", 180000, "tools")


def test_explorer_widget_starts_at_the_end_and_follows_the_slider(lab_sim):
    box = lab_sim.explore()
    assert isinstance(box, ipywidgets.VBox)
    e = box.explorer
    assert e.at == 180000 and e.play.max == 3 and e.play.value == 3
    assert e.tab == "pods" and list(e.tabs.titles)[-2:] == ["topology", "inspect pod"]
    at_end = e.pages[0].value
    assert ">3m</td>" in at_end  # the pods' AGE at the end
    e.slider.value = 1000
    assert e.pages[0].value != at_end and ">1s</td>" in e.pages[0].value and ">3m</td>" not in e.pages[0].value
    assert e.caption.value.startswith("<b>at 1s</b>")


def test_explorer_namespace_filter_narrows_tables_and_pods(lab_sim):
    e = lab_sim.explore().explorer
    e.namespace.value = "tools"
    assert "shell" in e.pages[0].value and "huge" not in e.pages[0].value
    assert list(e.pod.options) == ["tools/shell"] and e.pod.value == "tools/shell"


def test_explorer_draws_only_the_visible_tab(lab_sim):
    e = lab_sim.explore().explorer
    topo = e.tabs_names.index(ex.TOPOLOGY)
    assert e.pages[topo].value == ""
    e.tabs.selected_index = topo
    assert "<svg" in e.pages[topo].value
    e.tabs.selected_index = len(e.tabs_names) - 1
    e.pod.value = "demo/huge"
    assert "Insufficient cpu" in e.pages[-1].value


def test_explorer_never_shows_a_secret_value(lab_sim):
    e = lab_sim.explore().explorer
    for t in ex.moments(lab_sim):
        e.slider.value = t
        for i in range(len(e.tabs_names)):
            e.tabs.selected_index = i
            for pod in e.pod.options:
                e.pod.value = pod
                assert SECRET not in e.pages[i].value


def test_the_inspector_explains_a_pod_against_the_cluster_of_the_slider_moment():
    import kdsl
    from kdsl.notebook.explorer import inspect_pod

    sim = kdsl.simulate(kdsl.parse("node n1 cpu=1 memory=4Gi\n"
                                   "pod big image=nginx:1.25 cpu=800m\npod small image=nginx:1.25 cpu=500m\n"
                                   "at 10s: delete pod default/big\n"))
    assert sim.store.get("Pod", "default", "small").spec.template.node_name == "n1"
    early = inspect_pod(sim, "default/small", 5000)["scheduling"].set_index("NODE")
    late = inspect_pod(sim, "default/small", sim.now)["scheduling"].set_index("NODE")
    assert "Insufficient cpu" in str(early.loc["n1"].to_dict())
    assert "Insufficient cpu" not in str(late.loc["n1"].to_dict())
