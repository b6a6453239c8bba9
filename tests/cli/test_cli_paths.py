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


@pytest.mark.parametrize("kind", ["../../evil/x", "a/b", "..", "Wid get"])
def test_export_o_dir_refuses_a_manifest_kind_that_would_write_outside_dir(files, capsys, kind):
    (files / "m.kdsl").write_text(f'node n1\nmanifest """\n  apiVersion: example.com/v1\n  kind: {kind}\n'
                                  '  metadata: {name: w, namespace: default}\n"""\n', encoding="utf-8")
    code, err = _run(["export", files / "m.kdsl", "-o", files / "out" / "d"], capsys)
    assert code == 1
    assert f"error: a manifest's kind \"{kind}\" cannot be served: may have mixed case, but should otherwise " \
           "match: a DNS-1035 label" in err
    assert not (files / "out").exists() and sorted(p.name for p in files.parent.iterdir() if p.name == "evil") == []


def test_export_o_dir_writes_a_custom_kind_inside_dir(files, capsys):
    (files / "m.kdsl").write_text('node n1\nmanifest """\n  apiVersion: example.com/v1\n  kind: Widget\n'
                                  '  metadata: {name: w, namespace: default}\n"""\n', encoding="utf-8")
    code, _ = _run(["export", files / "m.kdsl", "-o", files / "d"], capsys)
    assert code == 0
    assert [p.name for p in (files / "d").iterdir()] == ["001-widget-default-w.yaml"]


def test_export_refuses_an_alias_bomb_in_a_yaml_block_before_expanding_it(files, capsys):
    from tests.core.test_yamls import BOMB

    block = "".join("    " + line + "\n" for line in BOMB.splitlines())
    (files / "b.kdsl").write_text(f'node n1\nconfigmap c {{\n  k = "v"\n  yaml """\n  data:\n{block}  """\n}}\n',
                                  encoding="utf-8")
    code, err = _run(["export", files / "b.kdsl"], capsys)
    assert code == 1
    assert "the yaml block of configmap default/c is not YAML: document contains excessive aliasing" in err


def test_run_yaml_errors_of_the_cluster_file_are_located_in_it_not_in_imported(files, capsys):
    (files / "c.kdsl").write_text("cluster c {\n  node n1 cpu=oops\n}\n", encoding="utf-8")
    code, err = _run(["run", files / "x.yaml", "--cluster", files / "c.kdsl"], capsys)
    assert code == 1
    assert f"{files / 'c.kdsl'}:2:15: error: `cpu` of node n1: `oops` is not a quantity" in err
    assert "<imported>" not in err


def test_run_yaml_includes_of_the_cluster_file_resolve_beside_it_not_from_the_working_directory(files, capsys,
                                                                                                monkeypatch):
    sub = files / "clusters"
    sub.mkdir()
    (sub / "c.kdsl").write_text('cluster c {\n  node n1 cpu=4 memory=8Gi\n}\ninclude "more.kdsl"\n', encoding="utf-8")
    (sub / "more.kdsl").write_text("node n2 cpu=4 memory=8Gi\n", encoding="utf-8")
    monkeypatch.chdir(files)
    assert main(["run", "x.yaml", "--cluster", "clusters/c.kdsl"]) == 0
    out = capsys.readouterr().out
    assert "\nn1 " in out and "\nn2 " in out  # the included node is in the node table
