"""The connectivity heat-map: its cells are sim.connectivity()'s rows, whole labels, a legend, the palette's colours."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kdsl
from kdsl.views.chart_connectivity import cells
from kdsl.views.chart_output import VEGA_MIME, save
from kdsl.views.common import CONNECTIVITY_COLOURS, ViewError
from tests.golden import check_golden, to_json

SCENARIO = Path(__file__).with_name("netpol.kdsl")


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.load(SCENARIO))


def test_golden_cells_and_spec(sim):
    check_golden("views/connectivity-heatmap-cells.json", to_json(cells(sim)) + "\n")
    check_golden("views/connectivity-heatmap.vl.json", to_json(sim.plot_connectivity().to_dict()) + "\n")


def test_each_cell_is_a_row_of_the_connectivity_table(sim):
    df = sim.connectivity(wide=True)
    got = [(c["from"], c["to"], c["allowed"], c["pairs"]) for c in cells(sim)]
    assert got == [(s, f"{d} port {p}", a, n) for s, d, p, a, n in
                   zip(df["SOURCE"], df["DESTINATION"], df["PORT"], df["ALLOWED"], df["PAIRS"])]


def test_allowed_denied_and_partly_allowed(sim):
    by = {(c["from"], c["to"]): c for c in cells(sim)}
    web_api = by[("deployment shop/web", "deployment shop/api port 8080/TCP")]
    assert (web_api["state"], web_api["mark"]) == ("allowed", "✓")
    metrics = by[("deployment shop/web", "deployment shop/api port 9090/TCP")]
    assert (metrics["state"], metrics["mark"]) == ("denied", "✗")
    assert by[("deployment monitoring/prometheus", "deployment shop/api port 9090/TCP")]["state"] == "allowed"
    # db-from-api selects db-0 only: db-1 stays behind the default deny, so 2 of the 4 api -> db pairs pass.
    db = by[("deployment shop/api", "statefulset shop/db port 5432/TCP")]
    assert (db["state"], db["mark"], db["allowed"]) == ("partly allowed", "2/4", "2 of 4")
    assert db["policies"] == "shop/db-primary-from-api, shop/default-deny"


def test_the_legend_and_colours_are_the_palette_s(sim):
    spec = sim.plot_connectivity().to_dict()
    rect, text = spec["layer"]
    scale = rect["encoding"]["color"]["scale"]
    assert scale["domain"] == ["allowed", "partly allowed", "denied"]
    assert scale["range"] == [CONNECTIVITY_COLOURS[s] for s in scale["domain"]]
    assert rect["encoding"]["color"]["legend"]["labelExpr"].count("pod pair") == 3
    assert text["encoding"]["text"]["field"] == "mark"
    # Without a partly allowed cell the legend says only allowed and denied.
    only = sim.plot_connectivity(namespace="monitoring").to_dict()
    assert only["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["allowed", "denied"]


def test_valid_vega_lite_shown_as_vega_5(sim):
    chart = sim.plot_connectivity(at="30s", namespace="shop")
    chart.to_dict(validate=True)
    bundle = chart._repr_mimebundle_()
    assert bundle[VEGA_MIME]["$schema"].endswith("/vega/v5.json")
    assert bundle["text/plain"] == "<kdsl chart: Connectivity at 30s>"


def test_the_svg_has_every_label_whole_and_the_legend(sim, tmp_path):
    save(sim.plot_connectivity(), tmp_path / "c.svg")
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "c.svg").read_text()))
    expected = {c["from"] for c in cells(sim)} | {c["to"] for c in cells(sim)}
    assert expected <= texts  # no label cut short (labelLimit 0)
    assert {"allowed for every pod pair", "denied for every pod pair", "allowed for k of n pod pairs (k/n)"} <= texts
    assert {"✓", "✗", "2/4"} <= texts


def test_many_destinations_narrow_the_cells_and_drop_their_marks():
    services = "\n".join(f"  deployment d{i} {{ container c image=x {{ port {8000 + i} }} }}" for i in range(40))
    sim = kdsl.simulate(kdsl.parse(f"cluster c {{ node n cpu=64 memory=64Gi pods=110 }}\nnamespace big {{\n{services}\n}}\n"
                                   "run 5s\n"))
    spec = sim.plot_connectivity().to_dict()
    assert spec["width"] == {"step": 20} and len(spec["layer"]) == 1  # the tooltip still says it


def test_namespace_selector_and_errors(sim):
    assert {c["from"] for c in cells(sim, namespace="monitoring")} == {"deployment monitoring/prometheus"}
    assert {c["from"] for c in cells(sim, selector="app=api")} == {"deployment shop/api"}
    spec = sim.plot_connectivity(namespace="shop", selector="app=api").to_dict()
    assert spec["title"]["subtitle"][0] == "namespace shop pods app=api"
    with pytest.raises(ViewError, match=r"no connection to chart at 1m \(namespace kube-system\)"):
        sim.plot_connectivity(namespace="kube-system")


def test_deterministic_and_the_view_changes_nothing(sim):
    before = sim.store.moments()
    one = json.dumps(kdsl.simulate(kdsl.load(SCENARIO)).plot_connectivity().to_dict(), sort_keys=True)
    assert one == json.dumps(sim.plot_connectivity().to_dict(), sort_keys=True)
    assert sim.store.moments() == before
