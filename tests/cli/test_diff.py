"""`kdsl diff FILE --from T --to T`: the table of changes as text, CSV, JSON or Markdown; bad input is one line, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kdsl.cli import main
from tests.golden import check_golden

SCENARIO = str(Path(__file__).resolve().parents[1] / "interop" / "diff.kdsl")


def test_text_is_the_table_sim_diff_makes(capsys):
    assert main(["diff", SCENARIO, "--from", "20s", "--to", "1m30s"]) == 0
    out, err = capsys.readouterr()
    check_golden("interop/diff-rollout.txt", out)  # the same golden as sim.diff's
    assert err == ""


def test_filters_and_data_formats(tmp_path, capsys):
    assert main(["diff", SCENARIO, "--from", "1m50s", "--to", "2m30s", "-n", "shop", "--kind", "deploy",
                 "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {"CHANGE": "changed", "KIND": "Deployment", "NAME": "web", "FIELD": "spec.replicas", "OLD": 2,
            "NEW": 3} in records
    assert all("NAMESPACE" not in r and r["KIND"] == "Deployment" for r in records)
    out = tmp_path / "secret.csv"
    assert main(["diff", SCENARIO, "--from", "4m50s", "--to", "5m10s", "--kind", "secrets", "--format", "csv",
                 "-o", str(out)]) == 0
    assert out.read_text() == ("CHANGE,KIND,NAMESPACE,NAME,FIELD,OLD,NEW\n"
                               "changed,Secret,shop,db-credentials,data.password,<redacted>,<redacted>\n"
                               "changed,Secret,shop,db-credentials,data.token,,<redacted>\n")
    assert main(["diff", SCENARIO, "--from", "10s", "--to", "20s"]) == 0
    assert capsys.readouterr().out == "No changes from 10s to 20s.\n"


@pytest.mark.parametrize("args, message", [
    (["--from", "soon"], "kdsl diff: error: --from=`soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or "
                         "`1m30s`"),
    (["--to=-1m"], "kdsl diff: error: --to=`-1m` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`"),
    (["--until", "1m", "--to", "2m"], "kdsl diff: error: --to='2m' is after the end of the run (1m), which stopped "
                                      "with work pending; simulate until 2m or later to see it"),
    (["--kind", "deplo"], "kdsl diff: error: --kind='deplo' is not a kind kdsl stores; did you mean Deployment? "
                          "kinds: ClusterRole, ClusterRoleBinding, ConfigMap, ControllerRevision, CronJob, DaemonSet, "
                          "Deployment, EndpointSlice, … (34 in all)"),
    (["-n", "shp"], "kdsl diff: error: no namespace shp in this run; did you mean shop? namespaces: default, shop"),
])
def test_bad_input_is_one_line_and_exit_1(capsys, args, message):
    assert main(["diff", SCENARIO, *args]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == message and out == ""


def test_a_file_with_errors_is_reported_as_check_reports_it(tmp_path, capsys):
    bad = tmp_path / "bad.kdsl"
    bad.write_text("node n1\npod web image=nginx:1.25 cpu=lots\n")
    assert main(["diff", str(bad), "--from", "0s"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:2:") and "Traceback" not in err
