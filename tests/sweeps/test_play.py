"""One run of a sweep: its row is what kdsl.simulate finds for the same params and seed; a combination the API
server refuses is an error row for each of its seeds; each worker process builds a combination's scenario once."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import kdsl
from kdsl.sweeps import play
from kdsl.sweeps.play import Bundle

HERE = Path(__file__).parent
SCENARIO = HERE / "lose-a-node.kdsl"
LIMITED = HERE / "limited.kdsl"  # -p cpu=2: requests over the limit, which the API server refuses


@pytest.fixture(autouse=True)
def _fresh_cache():
    play._built.clear()
    yield
    play._built.clear()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_row_is_what_simulate_finds(seed):
    combo = (("replicas", 2), ("fail_at", "30s"))
    row = play.play(Bundle.of(kdsl.load(SCENARIO)), combo, seed)
    assert set(row) == {"error", "expect", "measure", "wall_s"}
    sim = kdsl.simulate(kdsl.load(SCENARIO, params=dict(combo)), seed=seed)
    assert row["error"] is None
    assert row["expect"] == [r.passed for r in sim.check()] and len(row["expect"]) == 2
    assert row["measure"] == list(sim.measure_values().values()) and len(row["measure"]) == 3
    assert isinstance(row["wall_s"], float) and row["wall_s"] >= 0


def test_seeds_give_different_rows():
    """The scenario's runs differ by seed (which node the 2 pods land on), so tables that agree are evidence."""
    bundle = Bundle.of(kdsl.load(SCENARIO))
    rows = [play.play(bundle, (("replicas", 2),), seed) for seed in range(4)]
    assert len({(tuple(r["expect"]), tuple(r["measure"])) for r in rows}) > 1


def test_a_refused_combination_is_an_error_row_for_each_seed(inproc):
    path = LIMITED
    result = kdsl.sweep(path, {"cpu": ["500m", "2", "750m"]}, seeds=3, client=inproc)
    runs = result.runs
    assert list(runs["cpu"]) == ["500m"] * 3 + ["2"] * 3 + ["750m"] * 3 and list(runs["seed"]) == [0, 1, 2] * 3
    refused = runs[runs["cpu"] == "2"]
    assert list(refused["error"]) == [f'{path}:5:3: Deployment.apps "web" is invalid: spec.template.spec.containers[0]'
                                      '.resources.requests: Invalid value: "2": must be less than or equal to cpu '
                                      'limit of 1'] * 3
    assert refused["expect deployment shop/web available=2 by 1m"].isna().all() and refused["up"].isna().all()
    assert refused["wall_s"].notna().all()  # it ran (and failed) on a worker
    finished = runs[runs["cpu"] != "2"]
    assert finished["error"].isna().all() and finished["expect deployment shop/web available=2 by 1m"].all()
    assert list(result.summary()["failed"]) == [0, 3, 0] and len(result.failures) == 3
    assert "1 failed" not in result.headline() and result.headline().endswith(", 3 failed")


def test_each_combination_is_built_once_per_process(inproc, monkeypatch):
    """The in-process cluster's worker is this process: _build is counted where the runs call it."""
    built = []
    real = play._build

    def counting(bundle, combo):
        built.append(combo)
        return real(bundle, combo)

    monkeypatch.setattr(play, "_build", counting)
    params = {"replicas": [2, 3], "fail_at": ["30s"]}
    first = kdsl.sweep(SCENARIO, params, seeds=5, client=inproc)
    assert sorted(built) == [(("replicas", 2), ("fail_at", "30s")), (("replicas", 3), ("fail_at", "30s"))]
    again = kdsl.sweep(SCENARIO, params, seeds=range(5, 8), client=inproc)
    assert len(built) == 2  # the same scenario text and combinations: built already
    assert len(first.runs) == 10 and len(again.runs) == 6 and first.failures.empty and again.failures.empty


def test_the_cache_keeps_the_latest_scenarios(monkeypatch):
    monkeypatch.setattr(play, "_build", lambda bundle, combo: combo)
    bundle = Bundle.of(kdsl.load(SCENARIO))
    for n in range(play._CACHE_SIZE + 3):
        assert play.scenario(bundle, (("replicas", n),)) == (("replicas", n),)
    assert len(play._built) == play._CACHE_SIZE
    assert (bundle.digest, (("replicas", 0),)) not in play._built  # the oldest went first


def test_a_fault_of_kdsl_is_a_row_not_a_lost_sweep(monkeypatch):
    from kdsl.engine.simulation import Simulation

    def boom(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Simulation, "run", boom)
    row = play.play(Bundle.of(kdsl.load(SCENARIO)), (), 0)
    assert row["error"] == "kdsl failed: RuntimeError: boom" and "expect" not in row and "measure" not in row


def test_one_line_of_an_error(tmp_path):
    path = tmp_path / "two.kdsl"
    path.write_text("cluster c { nodes w count=two cpu=four }\n", encoding="utf-8")
    with pytest.raises(kdsl.ScenarioError) as exc:
        kdsl.load(path)
    assert play.one_line(exc.value) == f"{path}:1:27: `count` of node pool w: `two` is not a whole number (and 1 more)"
    assert play.one_line(kdsl.UsageError("no such thing")) == "no such thing"


def test_a_when_measure_is_ms_and_none_is_nan(inproc):
    result = kdsl.sweep(SCENARIO, {"replicas": [2, 3]}, seeds=[0], client=inproc)
    recovered = list(result.runs["recovered"])
    assert recovered[0] == 120000.0 and math.isnan(recovered[1])  # 3 replicas never all available again by 5m
    assert result.moments == ("recovered",)
