"""Paths the command line is given and cannot use are usage errors (exit 2) that say which and why, never
a traceback: a --cluster file that is not UTF-8 or missing, an -o whose folder is missing or is a file."""

from __future__ import annotations

import pytest

from kdsl.cli import main

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: web, image: nginx}]
"""
SCENE = "node n1 cpu=4 memory=8Gi\npod web image=nginx\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "x.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "s.kdsl").write_text(SCENE, encoding="utf-8")
    (tmp_path / "latin1.kdsl").write_bytes(b"node n1 # caf\xe9\n")
    return tmp_path


def _run(argv, capsys) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip()


def test_run_yaml_with_a_cluster_file_that_is_not_utf8_is_a_usage_error(files, capsys):
    code, err = _run(["run", files / "x.yaml", "--cluster", files / "latin1.kdsl"], capsys)
    assert (code, err) == (2, f"kdsl run: error: --cluster {files / 'latin1.kdsl'}: cannot read: it is not UTF-8 "
                              "text (byte 0xe9 at offset 13)")


def test_run_yaml_with_a_missing_cluster_file_is_a_usage_error(files, capsys):
    code, err = _run(["run", files / "x.yaml", "--cluster", files / "nope.kdsl"], capsys)
    assert (code, err) == (2, f"kdsl run: error: --cluster {files / 'nope.kdsl'}: cannot read: No such file or "
                              "directory")


def test_import_o_into_a_missing_folder_is_a_usage_error(files, capsys):
    code, err = _run(["import", files / "x.yaml", "-o", files / "missing" / "x"], capsys)
    assert (code, err) == (2, f"kdsl import: error: cannot write -o {files / 'missing' / 'x'}: No such file or "
                              "directory")


def test_export_o_into_a_missing_folder_is_a_usage_error(files, capsys):
    code, err = _run(["export", files / "s.kdsl", "-o", files / "missing" / "x.yaml"], capsys)
    assert (code, err) == (2, f"kdsl export: error: cannot write -o {files / 'missing' / 'x.yaml'}: No such file "
                              "or directory")


def test_export_o_under_a_file_is_a_usage_error_not_notadirectoryerror(files, capsys):
    code, err = _run(["export", files / "s.kdsl", "-o", files / "s.kdsl" / "sub"], capsys)
    assert (code, err) == (2, f"kdsl export: error: cannot write -o {files / 's.kdsl' / 'sub'}: Not a directory")


def test_export_o_folder_that_is_a_file_is_a_usage_error(files, capsys):
    (files / "out").write_text("", encoding="utf-8")
    code, err = _run(["export", files / "s.kdsl", "-o", files / "out"], capsys)
    assert (code, err) == (2, f"kdsl export: error: cannot write -o {files / 'out'}: File exists")
