"""`kdsl run` and `kdsl test` open with what the API server refused during the run (quota, RBAC, admission)."""

from __future__ import annotations

from pathlib import Path

from kdsl.cli import main
from tests.golden import check_golden

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Refusals that depend on the run, so `kdsl check` leaves them to it: a quota the ReplicaSet controller
# meets again and again, and a user without RBAC.
SCENARIO = """\
cluster c { node n1 cpu=4 memory=8Gi }
user dev token=t1
namespace shop {
  quota pods=1
}
deployment shop/web replicas=2 image=nginx:1.25
at 30s as dev: create pod shop/x image=nginx:1.25
expect pods shop count=1
"""


def block(out: str) -> str:
    """The refused block: from `refused:` to the first line that is not indented."""
    lines = out.splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("refused:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return "".join(lines[start:end])


def test_run_prints_the_refused_block_after_its_header(tmp_path, capsys):
    path = tmp_path / "refused.kdsl"
    path.write_text(SCENARIO)
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("# ") and lines[1] == "refused: 18 requests"
    check_golden("cli/refused-run.txt", block(out))


def test_run_at_a_moment_shows_only_what_was_refused_by_then(tmp_path, capsys):
    path = tmp_path / "refused.kdsl"
    path.write_text(SCENARIO)
    assert main(["run", str(path), "--at", "20s"]) == 0
    text = block(capsys.readouterr().out)
    assert text.startswith("refused: 12 requests\n") and " dev " not in text


def test_test_opens_with_the_same_block(tmp_path, capsys):
    path = tmp_path / "refused.kdsl"
    path.write_text(SCENARIO)
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("refused: 18 requests\n")
    assert block(out) == (Path(__file__).parents[1] / "golden" / "cli" / "refused-run.txt").read_text()
    assert out.splitlines()[3].startswith("✓ expect pods shop count=1")


def test_nothing_refused_prints_no_block(capsys):
    assert main(["run", str(EXAMPLES / "pods.kdsl")]) == 0
    assert main(["test", str(EXAMPLES / "pods.kdsl")]) == 0
    assert "refused" not in capsys.readouterr().out
