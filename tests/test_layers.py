"""The layers' contracts (pyproject.toml, [tool.importlinter]) hold, and they catch an arrow back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """`lint-imports` on the contracts of pyproject.toml, for the kdsl that `pythonpath` (or the checkout) holds."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath)) if pythonpath else None
    return subprocess.run([str(LINT), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_lint_imports_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with `line` added at the end of `module` (a path inside kdsl/)."""
    shutil.copytree(ROOT / "kdsl", tmp_path / "kdsl", ignore=shutil.ignore_patterns("__pycache__", "labextension"))
    path = tmp_path / "kdsl" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{line}\n", encoding="utf-8")
    return tmp_path


def test_a_lazy_import_of_the_views_in_the_engine_breaks_the_layers(tmp_path):
    # Inside a function, as engine/view_methods.py once imported them: import-linter sees it all the same.
    copy = _copy_with(tmp_path, "engine/clock.py", "def _tables():\n    from kdsl.views import tables  # noqa")
    result = lint(tmp_path, copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kdsl.engine is not allowed to import kdsl.views" in result.stdout
    assert "kdsl.engine.clock -> kdsl.views.tables" in result.stdout


def test_importing_the_face_from_inside_breaks_a_contract(tmp_path):
    copy = _copy_with(tmp_path, "notebook/voila.py", "import kdsl  # noqa")
    result = lint(tmp_path, copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kdsl.notebook.voila is not allowed to import kdsl:" in result.stdout
