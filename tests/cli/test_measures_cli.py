"""`kdsl test` prints the measures after the expectations, `kdsl run` after the events; they never fail a test."""

from __future__ import annotations

from pathlib import Path

from kdsl.cli import main
from tests.golden import check_golden

BASE = (Path(__file__).resolve().parents[1] / "engine" / "measures.kdsl").read_text(encoding="utf-8")
MEASURES = """\
expect deployment shop/web available=3 by 10s
expect always deployment shop/web available=3
measure floor = min deployment shop/web available from 30s
measure recovered = when deployment shop/web available=3 from 2m
measure never = when deployment shop/web available>3
measure mean-endpoints = mean service shop/web endpoints
measure at-5m = at 5m pods shop count
measure capacity = max pvcs shop count
"""


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "lose.kdsl"
    path.write_text(text)
    return path.name  # the tests run in tmp_path: the golden names the file as given


def test_test_prints_the_measures_after_the_expectations(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["test", _write(tmp_path, BASE + MEASURES)]) == 1  # the `always` fails; no measure could
    out = capsys.readouterr().out
    check_golden("cli/measures-test.txt", out)
    assert out.index("✗ expect always") < out.index("measures:") < out.index("lose.kdsl: 1 passed, 1 failed")


def test_measures_never_fail_a_test(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["test", _write(tmp_path, BASE + "measure never = when deployment shop/web available>3\n")]) == 0
    assert "  never  <none>  when deployment shop/web available>3\n" in capsys.readouterr().out


def test_run_prints_the_measures_last(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", _write(tmp_path, BASE + MEASURES)]) == 0
    out = capsys.readouterr().out
    tail = out[out.index("\nmeasures:\n") + 1:]
    assert tail == capsys_block(tmp_path)


def capsys_block(tmp_path) -> str:
    """The block of `kdsl test`'s golden: the same lines in both commands."""
    text = (Path(__file__).resolve().parents[1] / "golden" / "cli" / "measures-test.txt").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = lines.index("measures:\n")
    return "".join(lines[start:-1])


def test_nothing_is_printed_without_measures(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main(["test", _write(tmp_path, BASE)])
    assert "measures" not in capsys.readouterr().out
