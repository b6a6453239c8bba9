"""The built wheel carries the grammar and the prebuilt JupyterLab extension, installs into a fresh venv, parses
from outside the repo, and JupyterLab there lists the extension as enabled."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# `uv run` names its own binary in $UV; otherwise take the one on PATH.
UV = os.environ.get("UV") or shutil.which("uv")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(UV is None, reason="needs `uv` on PATH to build and install the wheel"),
]

ROOT = Path(__file__).resolve().parents[1]
LABEXTENSION = "share/jupyter/labextensions/jupyterlab-kdsl"

# Run by the venv's python from a temporary directory: argv[1] is the venv.
CHILD = """
import importlib.resources, sys
from pathlib import Path
import kdsl
from kdsl.lang import parse_document
from kdsl.lang.grammar import grammar_text
venv = Path(sys.argv[1]).resolve()
packaged = Path(str(importlib.resources.files("kdsl") / "grammar" / "kdsl.lark")).resolve()
assert packaged.is_file() and packaged.is_relative_to(venv), packaged
assert "site-packages" in packaged.parts, packaged
assert packaged.parts[-3:] == ("kdsl", "grammar", "kdsl.lark"), packaged
assert Path(kdsl.__file__).resolve().is_relative_to(venv), kdsl.__file__
assert grammar_text() == packaged.read_text(encoding="utf-8")
print(parse_document("deployment web replicas=3 image=nginx:1.25\\n").stmts[0].kind)
"""


def run(*args, cwd=None, env=None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(UV, "build", "--wheel", "-o", out, ROOT, cwd=ROOT)
    (built,) = out.glob("kdsl-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("venv") / "venv"
    run(UV, "venv", "--python", sys.executable, where)
    run(UV, "pip", "install", "--python", where / "bin" / "python", wheel)
    return where


def test_wheel_ships_grammar_lexer_and_entry_points(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "kdsl/grammar/kdsl.lark" in names
        assert "kdsl/lang/highlight.py" in names
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(entry_points).decode()
    assert "[pygments.lexers]" in text and "kdsl.lang.highlight:KdslLexer" in text
    assert "[console_scripts]" in text and "kdsl.cli:main" in text


def test_installed_wheel_parses_with_its_packaged_grammar(venv, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    out = run(venv / "bin" / "python", "-I", "-c", CHILD, venv, cwd=tmp_path, env=env)
    assert out.splitlines() == ["workload"]


def test_console_script_is_installed(venv):
    script = venv / "bin" / "kdsl"
    assert script.is_file() and os.access(script, os.X_OK)


def test_wheel_ships_the_prebuilt_labextension(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    data = f"kdsl-0.1.0.data/data/{LABEXTENSION}"
    assert {f"{data}/package.json", f"{data}/install.json", f"{data}/static/style.js"} <= names
    assert any(re.fullmatch(rf"{re.escape(data)}/static/remoteEntry\.[0-9a-f]+\.js", n) for n in names)
    assert not [n for n in names if n.startswith("kdsl/labextension/")], "the build went in twice"


def test_installed_wheel_has_the_labextension_enabled(venv, tmp_path):
    # Jupyter's user and system folders are not the venv's: point the user one at an empty folder so only what
    # the wheel installed can answer.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("JUPYTER")}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([venv / "bin" / "jupyter", "labextension", "list"], cwd=tmp_path, env=env, text=True,
                          capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    assert done.returncode == 0, listing
    folder = str((venv / "share" / "jupyter" / "labextensions").resolve())
    section = listing.split(folder, 1)[1].split("\n\n", 1)[0] if folder in listing else ""
    assert re.search(r"^\s+jupyterlab-kdsl v0\.1\.0 enabled OK \(python, kdsl\)$", section, re.M), listing
    assert (venv / LABEXTENSION / "static" / "style.js").is_file()
