"""kdsl.parse keeps its last few scenarios: the same text, includes and params give the same Scenario without
parsing again; a changed include, other params or another text parse afresh."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine import run

TEXT = "param replicas = 2\nnamespace shop {\n  deployment web replicas=$replicas image=nginx\n}\n"


@pytest.fixture(autouse=True)
def fresh():
    run.clear_cache()
    yield
    run.clear_cache()


def test_the_same_text_twice_is_parsed_once(monkeypatch):
    first = kdsl.parse(TEXT)
    monkeypatch.setattr(run, "build", lambda *a, **k: pytest.fail("parsed again"))
    assert kdsl.parse(TEXT) is first


def test_other_params_another_name_or_another_text_parse_again():
    first = kdsl.parse(TEXT)
    five = kdsl.parse(TEXT, params={"replicas": 5})
    assert five is not first and five.param_values == {"replicas": "5"}
    assert kdsl.parse(TEXT, params={"replicas": 5}) is five
    assert kdsl.parse(TEXT, params={"replicas": "5"}) is five  # the same value as kdsl writes it
    assert kdsl.parse(TEXT, "shop.kdsl") is not first
    assert kdsl.parse(TEXT + "\n") is not first
    assert kdsl.parse(TEXT) is first


def test_a_changed_include_parses_again(tmp_path):
    (tmp_path / "web.kdsl").write_text("namespace shop {\n  deployment web replicas=2 image=nginx\n}\n")
    main = tmp_path / "main.kdsl"
    main.write_text('include "web.kdsl"\n')
    first = kdsl.load(main)
    assert kdsl.load(main) is first
    (tmp_path / "web.kdsl").write_text("namespace shop {\n  deployment web replicas=7 image=nginx\n}\n")
    second = kdsl.load(main)
    assert second is not first
    assert [o.replicas for o in second.objects if o.kind == "Deployment"] == [7]
    (tmp_path / "web.kdsl").unlink()
    with pytest.raises(kdsl.KdslSyntaxError, match="cannot include"):
        kdsl.load(main)


def test_a_refused_text_is_not_kept_and_the_cache_is_bounded():
    with pytest.raises(kdsl.ScenarioError):
        kdsl.parse("pod p image=nginx cpu=lots\n")
    assert len(run._cache) == 0
    scenarios = [kdsl.parse(TEXT, params={"replicas": n}) for n in range(run.CACHE_SIZE + 2)]
    assert len(run._cache) == run.CACHE_SIZE
    assert kdsl.parse(TEXT, params={"replicas": run.CACHE_SIZE + 1}) is scenarios[-1]
    assert kdsl.parse(TEXT, params={"replicas": 0}) is not scenarios[0]  # the oldest was dropped


def test_large_scenarios_make_room(monkeypatch):
    monkeypatch.setattr(run, "CACHE_CHARS", 2 * len(TEXT))
    first = kdsl.parse(TEXT)
    kdsl.parse(TEXT, params={"replicas": 3})
    kdsl.parse(TEXT, params={"replicas": 4})
    assert len(run._cache) == 2
    assert kdsl.parse(TEXT) is not first
