"""Readable text and HTML for what a run answers: a route, refusals, results, and the simulation's one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kdsl
from kdsl.notebook.reprs import bundle
from tests.golden import check_golden
from tests.notebook.conftest import LAB, SECRET

SCENARIO = Path(__file__).parents[1] / "engine" / "arguments.kdsl"
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.kdsl"))


@pytest.fixture(scope="module")
def run():
    return kdsl.simulate(kdsl.load(SCENARIO))


def golden(name: str, value) -> dict:
    b = value._repr_mimebundle_()
    check_golden(f"notebook/{name}.txt", b["text/plain"] + "\n")
    check_golden(f"notebook/{name}.html", b["text/html"] + "\n")
    return b


def test_a_served_route_names_the_rule_the_service_and_each_pods_share(run):
    route = run.route("shop.example.com/")
    b = golden("route-served", route)
    assert str(route) == b["text/plain"] == route.text()
    assert repr(route) == "<Route shop.example.com/ -> shop/web:80, 2 pods>"
    assert "Fraction" not in b["text/html"] + repr(route) and b["text/html"].count("50.0%") == 2
    assert "<th>matched</th><td>ingress shop/gw rule shop.example.com / (Prefix) -&gt; web:80</td>" in b["text/html"]


def test_a_route_nothing_serves_says_why(run):
    route = run.route("http://other.example.com/x?y=1")
    b = golden("route-none", route)
    assert repr(route).startswith("<Route other.example.com/x -> none: no ingress rule matches")
    assert "<th>host and path</th><td>other.example.com /x</td>" in b["text/html"]
    assert '<p class="kdsl-err">not served: no ingress rule matches' in b["text/html"]


def test_a_refusal_reads_as_kubectl_prints_it(run):
    first = run.rejections[0]
    b = golden("rejection", first)
    assert str(first) == ('at 20s bob create pod/sneaky in shop: Error from server (Forbidden): pods is forbidden: '
                          'User "bob" cannot create resource "pods" in API group "" in the namespace "shop"')
    assert repr(first) == "<Rejection at 20s: bob create pod shop/sneaky -> 403 Forbidden>"
    assert "<th>code</th><td>403 Forbidden</td>" in b["text/html"]


def test_the_rejections_show_as_the_refusals_table(run):
    b = run.rejections._repr_mimebundle_()
    assert b["text/plain"].splitlines() == [str(r) for r in run.rejections]
    assert f"<h4>refused requests ({len(run.rejections)})</h4>" in b["text/html"]
    assert re.search(r">20s</td>", b["text/html"]) and "0 days" not in b["text/html"]
    assert re.search(r"<th[^>]*>MESSAGE</th>", b["text/html"]) and b["text/html"].count("</tr>") == len(run.rejections) + 1
    empty = kdsl.simulate(kdsl.parse("node n1\n")).rejections
    assert empty._repr_mimebundle_()["text/plain"] == "no request was refused"


def test_results_show_as_a_table_with_their_marks(run):
    results = run.check()
    b = golden("results", results)
    assert b["text/plain"].splitlines()[-1] == "2 passed, 1 failed" and not results.passed
    assert "<h4>expectations: 2 passed, 1 failed</h4>" in b["text/html"] and "<td class=\"kdsl-err\">✗</td>" in b["text/html"]
    one = results[2]
    assert repr(one) == "<Result ✗ expect deployment shop/web available=4 by 1m  (available=3 at 1m)>"
    assert 'class="kdsl-err"' in one._repr_mimebundle_()["text/html"]


def pods_line(sim) -> dict[str, int]:
    """The pods part of repr(sim): `2 Running, 2 Terminating` as a dict."""
    part = repr(sim).split("): ", 1)[1].split(", ")[1:-1]
    return {} if part == ["no pods"] else {w.split(" ", 1)[1]: int(w.split(" ", 1)[0]) for w in part}


@pytest.mark.parametrize("path", [SCENARIO, LAB, *EXAMPLES], ids=lambda p: p.name)
def test_the_simulations_line_counts_what_the_pods_table_shows(path):
    sim = kdsl.simulate(kdsl.load(path))
    assert re.fullmatch(r"<Simulation '[^']+' at \S+ \(seed 0\): \d+ nodes?, .+, \d+ events?>", repr(sim))
    assert pods_line(sim) == sim.pods().STATUS.value_counts().to_dict()
    assert sim._repr_mimebundle_()["text/plain"] == repr(sim)


def test_a_lost_nodes_pods_are_counted_as_the_table_shows_them(run):
    # 66: the lost node's pod has its own NodeNotReady event (MarkPodsNotReady); the ReplicaSet's refused creates
    # are its FailedCreate events only (the API server writes none)
    assert repr(run) == "<Simulation 'records' at 7m (seed 0): 2 nodes, 2 Running, 2 Terminating, 66 events>"


def test_no_secret_in_any_of_these_forms(run):
    lab = kdsl.simulate(kdsl.load(LAB))
    values = [run.route("shop.example.com/"), run.route("nowhere/"), run.rejections, *run.rejections, run.check(),
              *run.check(), lab.check(), run, lab]
    for value in values:
        for form in (*bundle(value).values(), repr(value), str(value)):
            assert SECRET not in form
    for table in (run.changes(), run.refusals(), lab.changes(), lab.refusals(), run.check().table()):
        assert SECRET not in table.to_csv()
