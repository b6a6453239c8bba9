"""A wrong name, moment, namespace or selector in any public call is kdsl's own one-line error, naming what exists."""

from __future__ import annotations

import datetime
import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kdsl
from kdsl import KdslError, NotFoundError, UsageError
from kdsl.engine import arguments
from kdsl.engine.simulation import Simulation
from kdsl.views import TABLE_NAMES

SCENARIO = Path(__file__).with_name("arguments.kdsl")


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.load(SCENARIO))


def raised(call) -> KdslError:
    with pytest.raises(KdslError) as info:
        call()
    return info.value


AFTER = ("at='9m' is after the end of the run (7m), which stopped with work pending; "
         "simulate until 9m or later to see it")
NAMESPACE = "no namespace shp in this run; did you mean shop? namespaces: default, shop"


BAD_ARGUMENTS = [
    ({"at": "soon"}, UsageError, "at=`soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`"),
    ({"at": "9m"}, UsageError, AFTER),
    ({"at": -1}, UsageError, "at=-1 is before the start of the run (0s)"),
    ({"at": True}, UsageError, "at=True is not a moment; give milliseconds since the start (40_000), a duration "
                               "such as \"2m\" or \"1m30s\", or a Timedelta"),
    ({"at": 1.5}, UsageError, "at=1.5 is not a moment; give milliseconds since the start (40_000), a duration "
                              "such as \"2m\" or \"1m30s\", or a Timedelta"),
    ({"namespace": "shp"}, NotFoundError, NAMESPACE),
    ({"namespace": 3}, UsageError, "namespace=3 is not a namespace name; give one such as \"default\", or None for all"),
    ({"selector": "app in web"}, UsageError, "`app in web` is not a label requirement; write key=value, key!=value, "
                                             "key in (a,b), key notin (a,b), key or !key"),
    ({"selector": 7}, UsageError, "selector=7: give kubectl's text (`app=web,tier in (a,b)`) or a dict"),
    ({"colour": "red"}, UsageError, "takes no argument colour=; it takes "),
    ({"namespaces": "shop"}, UsageError, "takes no argument namespaces=; did you mean namespace=? it takes "),
]
TABLE_METHODS = [*(n.replace("-", "_") for n in TABLE_NAMES), "timeline", "changes", "refusals"]  # top-nodes: top_nodes


def _takes(method: str, kwargs: dict) -> bool:
    params = inspect.signature(getattr(Simulation, method)).parameters
    # `namespaces=` is answered with `did you mean namespace=?` by the tables that take a namespace (not top_nodes)
    return all(k in params or k == "colour" or (k == "namespaces" and "namespace" in params) for k in kwargs)


@pytest.mark.parametrize(("table", "kwargs", "error", "message"), [
    pytest.param(t, *case, id=f"{t}-{next(iter(case[0]))}={next(iter(case[0].values()))!r}")
    for t in TABLE_METHODS for case in BAD_ARGUMENTS if _takes(t, case[0])])
def test_every_table_says_what_is_wrong_with_an_argument(sim, table, kwargs, error, message):
    err = raised(lambda: getattr(sim, table)(**kwargs))
    assert isinstance(err, error) and message in str(err) and "\n" not in str(err)
    assert isinstance(err, ValueError)  # code that caught the views' ValueError still does


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda s: s.explain("shop/nope"), NotFoundError,
     "no pod shop/nope at 7m; pods in shop: flaky, web-6bddbd5c89-jwtsv, web-6bddbd5c89-twfpr, web-6bddbd5c89-xkk8g"),
    (lambda s: s.explain("shop/web"), NotFoundError,
     "no pod shop/web at 7m; the pods of web are shop/web-6bddbd5c89-jwtsv, shop/web-6bddbd5c89-twfpr, "
     "shop/web-6bddbd5c89-xkk8g"),
    (lambda s: s.explain("shop/flakey"), NotFoundError, "no pod shop/flakey at 7m; did you mean shop/flaky?"),
    (lambda s: s.explain("flaky"), NotFoundError, "no pod default/flaky at 7m (a name without a namespace is looked "
                                                  "up in default, which has no pods then); did you mean shop/flaky?"),
    (lambda s: s.explain("app/nope"), NotFoundError,
     "no pod app/nope: there is no namespace app in this run; namespaces: default, shop"),
    (lambda s: s.explain("shop/temp"), NotFoundError, "no pod shop/temp at 7m; it was deleted at 30s"),
    (lambda s: s.explain("shop/sneaky"), NotFoundError, "no pod shop/sneaky at 7m; pods in shop:"),
    (lambda s: s.explain("shop/web-6bddbd5c89-xkk8g", at="5s"), NotFoundError,
     "no pod shop/web-6bddbd5c89-xkk8g at 5s; it is created at 40s"),
    (lambda s: s.explain(None), UsageError, "pod=None is not a pod name; give \"namespace/name\" (or \"name\" in default)"),
    (lambda s: s.explanation("shop/nope"), NotFoundError, "no pod shop/nope at 7m; pods in shop:"),
    (lambda s: s.route("shop.example.com/", at="9m"), UsageError, AFTER),
    (lambda s: s.route(""), UsageError, "url='' is not a URL; give HOST/PATH (\"shop.example.com/api\") or a "
                                        "Service's DNS name (\"web.shop.svc.cluster.local\")"),
    (lambda s: s.topology(at="9m"), UsageError, AFTER),
    (lambda s: s.topology(namespace="shp"), NotFoundError, NAMESPACE),
    (lambda s: s.topology(view="nodes"), UsageError, "view='nodes': use \"namespace\" or \"node\""),
    (lambda s: s.topology_diff("1m", "9m"), UsageError, AFTER.replace("at=", "t2=")),
    (lambda s: s.topology_diff("x", "1m"), UsageError, "t1=`x` is not a duration"),
    (lambda s: s.manifests(at="9m"), UsageError, AFTER),
    (lambda s: s.state(at="9m"), UsageError, AFTER),
    (lambda s: s.export_tables("/nonexistent-never-written", format="xls"), UsageError,
     "`xls` is not a table format; use csv"),
    (lambda s: s.export_tables("/nonexistent-never-written", at="9m"), UsageError, AFTER),
    (lambda s: s.changes(kind="Podd"), NotFoundError, "kind='Podd' is not a kind kdsl stores; did you mean Pod? kinds:"),
    (lambda s: s.changes(since="later"), UsageError, "since=`later` is not a duration"),
    (lambda s: s.pods("1m", "shop", "app=web", False, "extra"), UsageError, "pods(): too many positional arguments"),
    (lambda s: s.route(url="shop.example.com/", when="1m"), UsageError,
     "route() takes no argument when=; it takes url, at"),
])
def test_names_and_moments_in_every_other_method(sim, call, error, message):
    err = raised(lambda: call(sim))
    assert isinstance(err, error) and str(err).startswith(message) and "\n" not in str(err)


def test_a_missing_name_is_a_key_error_too(sim):
    with pytest.raises(KeyError):
        sim.explain("shop/nope")
    with pytest.raises(LookupError):
        sim.pods(namespace="nope")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: kdsl.load(3), "kdsl.load() takes the path of a .kdsl file, not int"),
    (lambda: kdsl.load("node n1\nnode n2\n"), "kdsl.load() reads a .kdsl file, and this is kdsl text, not a path: "
                                             "use kdsl.parse(text)"),
    (lambda: kdsl.parse(SCENARIO), "kdsl.parse() takes kdsl text (a str), not PosixPath; to read a file use "
                                   "kdsl.load(path)"),
    (lambda: kdsl.parse(b"node n1"), "kdsl.parse() takes kdsl text (a str), not bytes; decode it first"),
    (lambda: kdsl.simulate("shop.kdsl"), "kdsl.simulate() takes a Scenario (from kdsl.load or kdsl.parse), not str; "
                                         "to simulate a file: kdsl.simulate(kdsl.load('shop.kdsl'))"),
    (lambda: kdsl.simulate(kdsl.parse("node n1"), until="soon"), "until=`soon` is not a duration"),
    (lambda: kdsl.simulate(kdsl.parse("node n1"), until=-5), "until=-5 is before the start of the run (0s)"),
    (lambda: kdsl.simulate(kdsl.parse("node n1"), seed="1"), "seed='1' is not a seed; give an integer"),
])
def test_the_module_functions_check_their_arguments(call, message):
    err = raised(call)
    assert isinstance(err, UsageError) and str(err).startswith(message)


def test_a_missing_file_names_the_nearest_kdsl_file(tmp_path):
    (tmp_path / "shop.kdsl").write_text("node n1\n")
    err = raised(lambda: kdsl.load(tmp_path / "shp.kdsl"))
    assert isinstance(err, kdsl.KdslSyntaxError)
    assert err.errors[0].suggestion == str(tmp_path / "shop.kdsl")
    assert str(err).endswith(f"did you mean {tmp_path / 'shop.kdsl'}?")


@pytest.mark.parametrize("value", [40_000, "40s", np.int64(40_000), 40_000.0, datetime.timedelta(seconds=40),
                                   pd.Timedelta(40, "s"), np.timedelta64(40_000, "ms")])
def test_a_moment_is_ms_a_duration_or_a_timedelta(sim, value):
    assert arguments.moment(sim, value) == 40_000
    assert sim.pods(at=value).equals(sim.pods(at=40_000))


def test_a_timedelta_finer_than_a_millisecond_or_nat_is_refused(sim):
    assert "not a whole number of milliseconds" in str(raised(lambda: sim.pods(at=pd.Timedelta(1, "us"))))
    assert str(raised(lambda: sim.pods(at=pd.NaT))).startswith("at=NaT is not a moment")


def test_a_time_column_value_is_a_moment(sim):
    first = sim.changes(kind="Pod").TIME.iloc[-1]
    assert isinstance(first, pd.Timedelta)
    assert sim.changes(at=first, since=first).TIME.eq(first).all()


def test_after_the_end_of_a_finished_run_is_its_last_state():
    """A run that stopped with nothing pending stands as it ended, so a later moment has an answer."""
    sim = kdsl.simulate(kdsl.parse("node n1\npod web image=nginx:1.25\n"))
    assert not sim.queue
    later = sim.pods(at=sim.now + 60_000)
    assert list(later.NAME) == ["web"] and later.STATUS[0] == "Running"


def test_kube_namespaces_always_exist(sim):
    assert sim.pods(namespace="kube-system").empty
    assert sim.events(namespace="default") is not None


def test_checks_run_before_the_method_and_change_nothing(sim):
    before = (len(sim.store.history), len(sim.log.events), sim.now)
    for call in (lambda: sim.pods(at="9m"), lambda: sim.explain("x/y"), lambda: sim.route(3)):
        raised(call)
    assert (len(sim.store.history), len(sim.log.events), sim.now) == before


def test_the_method_keeps_its_name_and_documentation(sim):
    assert type(sim).pods.__name__ == "pods" and "kubectl get pods" in type(sim).pods.__doc__
    assert list(inspect.signature(type(sim).pods).parameters) == ["self", "at", "namespace", "selector", "wide"]
