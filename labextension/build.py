"""Builds the JupyterLab extension from source into kdsl/labextension and links it into this environment."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAME = "jupyterlab-kdsl"
OUTPUT = ROOT / "kdsl" / "labextension"
# Everything the built extension is made from: a change to any of them rebuilds it.
INPUTS = [HERE / "package.json", HERE / "package-lock.json", HERE / "tsconfig.json", HERE / "install.json",
          HERE / "gen_keywords.py", HERE / "build.py", ROOT / "grammar" / "kdsl.lark",
          ROOT / "kdsl" / "lang" / "highlight.py", *sorted((HERE / "style").iterdir()),
          # src/grammar.ts is left out: gen_keywords.py makes it from the grammar and highlight.py above.
          *sorted(p for p in (HERE / "src").glob("*.ts") if p.name != "grammar.ts")]
# The digest of INPUTS that OUTPUT was built from (the wheel build refuses a stale OUTPUT).
STAMP = HERE / ".build-stamp"
LOCK_STAMP = HERE / "node_modules" / ".kdsl-lock.sha256"
NODE_HELP = ("building the JupyterLab extension needs Node.js >= 18 and npm: install them "
             "(Debian: `apt-get install nodejs npm`) and run `make setup` again")


def digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        if path.is_file():
            sha.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def run(*args: str | Path, cwd: Path = HERE) -> None:
    print("labextension:", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, stdin=subprocess.DEVNULL)


def build() -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SystemExit(f"labextension: {NODE_HELP}")
    import gen_keywords  # noqa: PLC0415 (from HERE, on sys.path when run as a script)

    gen_keywords.main()
    lock = digest([HERE / "package-lock.json"])
    if not LOCK_STAMP.is_file() or LOCK_STAMP.read_text() != lock:
        run(npm, "ci", "--no-audit", "--no-fund")
        LOCK_STAMP.write_text(lock)
    shutil.rmtree(HERE / "lib", ignore_errors=True)
    (HERE / "tsconfig.tsbuildinfo").unlink(missing_ok=True)
    run("node", HERE / "node_modules" / "typescript" / "bin" / "tsc", "-p", HERE)
    import jupyterlab  # noqa: PLC0415 (the environment's JupyterLab decides what the extension shares)

    core = Path(jupyterlab.__file__).parent / "staging" / "package.json"
    shutil.rmtree(OUTPUT, ignore_errors=True)
    run(sys.executable, "-m", "jupyterlab.labextensions", "build", f"--core-package-file={core}", HERE)
    shutil.copy(HERE / "install.json", OUTPUT / "install.json")


def link() -> Path:
    """sys.prefix/share/jupyter/labextensions/jupyterlab-kdsl -> kdsl/labextension, as `labextension develop`."""
    dest = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / NAME
    if dest.is_symlink() and dest.resolve() == OUTPUT:
        return dest
    if dest.is_symlink() or dest.is_file():
        dest.unlink()
    elif dest.is_dir():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.symlink_to(os.path.relpath(OUTPUT, dest.parent), target_is_directory=True)
    print(f"labextension: linked {dest} -> {OUTPUT}")
    return dest


def stale() -> bool:
    """OUTPUT is missing, or was built from other inputs than the ones here now."""
    return not (OUTPUT / "package.json").is_file() or not STAMP.is_file() or STAMP.read_text() != digest(INPUTS)


def main(argv: list[str]) -> int:
    if "--force" in argv or stale():
        STAMP.unlink(missing_ok=True)
        build()
        STAMP.write_text(digest(INPUTS))
    else:
        print("labextension: up to date")
    link()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
