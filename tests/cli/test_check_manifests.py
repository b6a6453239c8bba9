"""`kdsl check` reads manifests (.yaml/.json) as `kdsl run` imports them: refusals located, warnings, usage errors."""

from __future__ import annotations

from kdsl.cli import main

GOOD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  nodeName: ghost
  containers: [{name: app, image: nginx}]
"""
BAD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: nginx, ports: [{containerPort: 70000}]}]
"""


def test_a_manifest_is_checked_as_run_imports_it(tmp_path, capsys):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    assert main(["check", str(tmp_path / "good.yaml")]) == 0
    out, err = capsys.readouterr()
    assert "good.yaml: ok — <Scenario 'default': 3 Node, 1 Pod, 1 StorageClass>" in out
    assert 'good.yaml:5:13: warning: pod default/p: spec.nodeName names node "ghost"' in err


def test_a_refused_manifest_is_a_located_error(tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    assert main(["check", str(tmp_path / "bad.yaml")]) == 1
    err = capsys.readouterr().err
    assert ('bad.yaml:5:51: error: Pod "p" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: '
            "70000: must be between 1 and 65535, inclusive") in err
    assert "Traceback" not in err


def test_check_takes_runs_manifest_options(tmp_path, capsys):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    assert main(["check", str(tmp_path / "good.yaml"), "--kube-version", "1.9"]) == 1
    assert "kdsl check: --kube-version 1.9: kdsl reads manifests for Kubernetes" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "good.yaml"), "--cluster", str(tmp_path / "missing.kdsl")]) == 2
    assert "kdsl check: error: --cluster" in capsys.readouterr().err
