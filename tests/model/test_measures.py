"""`measure` statements: what they build, and each mistake as a located error with a suggestion."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.errors import KdslSyntaxError
from kdsl.model.scenario import ScenarioError
from kdsl.model.expectations import Measure

HEAD = "namespace shop { deployment web replicas=3 image=nginx:1.25 }\nrun 10m\n"


def test_a_measure_builds_its_target_attribute_and_window():
    s = kdsl.parse(HEAD + "measure floor = min deployment shop/web available from 2m until 5m\n"
                          "measure peak = max pods shop phase=Pending count\n"
                          "measure back = when deployment shop/web available=3 from 2m\n"
                          "measure final = at 10m deployment shop/web replicas\n", "t.kdsl")
    floor, peak, back, final = s.measures
    assert isinstance(floor, Measure) and (floor.name, floor.kind, floor.attr, floor.start_ms, floor.until_ms) == \
        ("floor", "min", "available", 120_000, 300_000)
    assert (floor.expectation.target, floor.expectation.namespace, floor.expectation.name) == ("deployment", "shop", "web")
    assert floor.expectation.conditions == () and floor.reads == "deployment shop/web available from 2m until 5m"
    assert (peak.attr, peak.expectation.target, [str(c) for c in peak.expectation.conditions]) == \
        ("count", "pods", ["phase=Pending"])
    assert (back.attr, [str(c) for c in back.expectation.conditions]) == (None, ["available=3"])
    assert (final.kind, final.at_ms, final.reads) == ("at", 600_000, "deployment shop/web replicas")
    assert s.expectations == ()  # a measure never passes or fails
    assert repr(s) == "<Scenario 'default': 1 Deployment, 1 Namespace, 4 measures>"


def test_measures_are_not_dumped_when_there_are_none():
    from kdsl.model.scenario import scenario_data

    assert "measures" not in scenario_data(kdsl.parse(HEAD))
    assert len(scenario_data(kdsl.parse(HEAD + "measure a = min deployment shop/web ready\n"))["measures"]) == 1


ERRORS = [
    ('measure a = min deployment shop/web availble',
     '`availble` is not an attribute of deployment expectations', 3, 37, '`available`'),
    ('measure a = min deployment shop/web image',
     '`image` is not a number: `min` reads a number (a flag as 0 or 1); `when deployment ... image=VALUE` gives the moment it holds', 3, 37, None),
    ('measure a = mean pods shop app=web',
     'a selection gives a count: end the measure with `count`', 3, 28, '`count`'),
    ('measure a = min deployment shop/web',
     'a measure of a deployment says which attribute it reads', 3, 28, None),
    ('measure a = min deployment shop/web available=3',
     '`min` reads an attribute, not a condition; a condition such as `available=3` belongs to `when`', 3, 37, '`available`'),
    ('measure a = max deployment shop/web available\nmeasure a = min deployment shop/web ready',
     'measure a is declared twice (first at t.kdsl:3:9)', 4, 9, None),
    ('measure a = min deployment shop/web available from 5m until 2m',
     'the window ends before it starts (`until` is earlier than `from`)', 3, 55, None),
    ('measure a = at 11m deployment shop/web available',
     'measure a: `at 11m` is after the end of the run (`run 10m`)', 3, 16, '`at 10m`'),
    ('measure a = min deployment shop/web available until 12m',
     'measure a: `until 12m` is after the end of the run (`run 10m`)', 3, 53, '`until 10m`'),
    ('measure a = at 1m deployment shop/web available from 2m',
     '`at` reads one moment; `from` bounds the window of `min`, `max`, `mean` and `when`', 3, 49, None),
    ('measure a = min deployment shop/web available by 2m',
     '`by` does not end a measure: a measure reads a window (`from`/`until`)', 3, 47, '`from`/`until`'),
    ('measure a = min deploymnt shop/web available',
     '`deploymnt` is not something an expectation can check', 3, 17, '`deployment`'),
    ('measure a = min deployment shop/web available form 2m',
     'unknown keyword `form` in an expectation', 3, 47, '`from`'),
    ('measure 9a = min deployment shop/web available',
     '`9a` is not a measure name: it starts with a letter, then letters, digits, `-`, `_` or `.`', 3, 9, None),
    ('measure a = min deployment other/web available',
     'namespaces "other" not found; declare `namespace other`', 3, 28, None),
    ('measure a = maxx deployment shop/web available',
     'unknown keyword `maxx`', 3, 13, '`max`'),
    ('measure a = when deployment shop/web available>=x',
     '`available`: `x` is not a whole number', 3, 49, None),
    ('measure a = at soon deployment shop/web available',
     '`at` time: `soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`', 3, 16, None),
    ('measure a = min pod shop/x phase',
     '`phase` is not a number: `min` reads a number (a flag as 0 or 1); `when pod ... phase=VALUE` gives the moment it holds', 3, 28, None),
    ('measure a = when route shop.example.com',
     'a measure reads an attribute or a condition of an object; `expect route` has neither', 3, 18, None),
    ('measure a = max pods shop app=web restarts',
     '`restarts` needs a value, e.g. `restarts=3`', 3, 35, None),
]


@pytest.mark.parametrize("text, message, line, column, suggestion", ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_mistakes_are_located(text, message, line, column, suggestion):
    with pytest.raises((ScenarioError, KdslSyntaxError)) as info:
        kdsl.parse(HEAD + text + "\n", "t.kdsl")
    (d,) = info.value.diagnostics
    assert (d.message, d.file, d.line, d.column, d.suggestion) == (message, "t.kdsl", line, column, suggestion)
    assert d.line_text == (HEAD + text).splitlines()[line - 1]


def test_without_run_any_moment_is_allowed():
    kdsl.parse(HEAD.replace("run 10m\n", "") + "measure a = at 1h deployment shop/web available\n")


def test_a_measure_cannot_be_applied_by_the_timeline():
    with pytest.raises(ScenarioError, match="`measure` cannot be created or applied by the timeline"):
        kdsl.parse(HEAD + "at 1m: apply { measure a = min deployment shop/web ready }\n")


def test_an_object_nothing_declares_is_a_warning_with_the_name_meant():
    s = kdsl.parse(HEAD + "measure a = at 1m deployment shop/wbe available\n", "t.kdsl")
    (w,) = s.warnings
    assert (w.message, w.line, w.column, w.suggestion) == (
        "measure a: nothing declares or creates deployment shop/wbe, so the measure has no value", 3, 30, "`shop/web`")
    assert kdsl.parse(HEAD + "measure a = max pod shop/web-0 restarts\n").warnings != ()  # no such pod either
    assert kdsl.parse(HEAD + "measure a = max pods shop count\n").warnings == ()  # a selection may match nothing
