"""`kdsl run` prints pods, nodes and events at a moment; `kdsl test` checks expectations (exit 1 on failure)."""

from __future__ import annotations

import pytest

from pathlib import Path

from kdsl.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_run_prints_the_pod_and_node_tables_and_the_events(capsys):
    assert main(["run", str(EXAMPLES / "pods.kdsl"), "--at", "3m"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].endswith("pods.kdsl at 3m (seed 0)")
    assert lines[1].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "PHASE",
                                "QOS", "OWNER", "REPORTED"]  # where each pod runs: kubectl get pods -o wide
    web = next(ln.split() for ln in lines if ln.startswith("demo") and " web " in ln)
    assert web[:4] == ["demo", "web", "1/1", "Running"] and web[-4:] == ["Unknown", "Burstable", "<none>", "Running"]
    assert "NAME       STATUS     AGE   CPU   MEMORY   REQUESTED CPU   REQUESTED MEMORY   PODS   TAINTS" in out
    assert any(ln.split()[:2] == ["worker-2", "NotReady"] for ln in lines)
    assert "FailedScheduling" in out and "NodeNotReady" in out


def test_run_wide_prints_every_column_of_the_nodes_too(capsys):
    assert main(["run", str(EXAMPLES / "pods.kdsl"), "--at", "3m", "--wide"]) == 0
    out = capsys.readouterr().out
    assert "NAME       STATUS     AGE   CPU   MEMORY   MAX PODS   ALLOCATABLE CPU" in out


def test_test_marks_each_expectation_and_exits_1_on_a_failure(tmp_path, capsys):
    assert main(["test", str(EXAMPLES / "pods.kdsl")]) == 0
    out = capsys.readouterr().out
    assert out.count("✓") == 6 and out.rstrip().endswith("6 passed, 0 failed")
    bad = tmp_path / "bad.kdsl"
    bad.write_text("node n1 cpu=1\npod p image=nginx cpu=2\nexpect pod default/p phase=Running\n")
    assert main(["test", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "✗ expect pod default/p phase=Running  (phase=Pending at 0s)" in out


def test_a_bad_duration_is_a_clear_error(capsys):
    try:
        main(["run", str(EXAMPLES / "pods.kdsl"), "--until", "5"])
    except SystemExit as exc:
        assert "`5` is not a duration" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected an error")


def test_run_plays_every_object_of_the_shop(capsys):
    assert main(["run", str(EXAMPLES / "shop.kdsl")]) == 0
    out, err = capsys.readouterr()
    assert "not simulated" not in err
    assert "shop        web-" in out and "shop        api-" in out  # the Deployments' pods


def test_a_scenario_that_cannot_be_played_is_a_located_error(tmp_path, capsys):
    big = tmp_path / "big.kdsl"
    big.write_text("nodes pool count=300\n")
    assert main(["run", str(big)]) == 1
    err = capsys.readouterr().err
    assert "big.kdsl:1:1: error: node pool-257: the pod range 10.244.0.0/16 has room for 256 nodes" in err
    assert main(["test", str(big)]) == 1


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.kdsl")))
def test_every_example_keeps_its_expectations(example, capsys):
    assert main(["test", str(EXAMPLES / example)]) == 0, capsys.readouterr().out


def test_run_prints_the_hpa_table_when_the_scenario_has_hpas(tmp_path, capsys):
    import kdsl
    from kdsl.views.display import text

    path = tmp_path / "hpa.kdsl"
    path.write_text("node n1 cpu=4 memory=8Gi\nnamespace shop\n"
                    "deployment shop/web replicas=2 image=shop/web:1 cpu=100m memory=128Mi\n"
                    "load deployment shop/web cpu=1600m\nhpa shop/web target=deployment/web min=2 max=10 cpu=70%\n"
                    "run 1m\n")
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert text(kdsl.simulate(kdsl.load(path)).hpa()) in out
    assert "REFERENCE" in out and "Deployment/web" in out
    path.write_text("node n1\npod web image=nginx:1.25\nrun 10s\n")
    assert main(["run", str(path)]) == 0
    assert "REFERENCE" not in capsys.readouterr().out
