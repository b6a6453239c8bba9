"""Loads the one kdsl grammar shipped inside the package and builds its LALR parser once, kept between processes."""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import os
import tempfile
from pathlib import Path

import lark

_OPTIONS = {"parser": "lalr", "lexer": "contextual", "keep_all_tokens": True, "maybe_placeholders": False}


def grammar_text() -> str:
    """The grammar from the installed package, or from the source tree in a checkout."""
    packaged = importlib.resources.files("kdsl") / "grammar" / "kdsl.lark"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / "kdsl.lark").read_text(encoding="utf-8")


@functools.cache
def keyword_terminals() -> dict[str, str]:
    """Terminal name → the keyword or punctuation it stands for (`DEPLOYMENT` → `deployment`)."""
    return {t.name: t.pattern.value for t in lark_parser().terminals if t.pattern.type == "str"}


@functools.cache
def lark_parser() -> lark.Lark:
    """The grammar's LALR tables (kdsl's own lexer and tree builder use them: kdsl.lang.lalr). Lark's analysis
    takes 0.6 s, which every command, kernel and sweep worker paid at its first parse; a process keeps its
    result in the user's cache folder (docs/security.md), named by the digest of the grammar, Lark's version and
    the options, so a changed grammar or Lark never meets an old one."""
    text = grammar_text()
    path = _cached(text)
    if path is not None:
        try:
            with open(path, "rb") as f:
                return lark.Lark.load(f)
        except Exception:  # noqa: BLE001 - missing, cut short or unreadable: any of these is rebuilt
            pass
    parser = lark.Lark(text, **_OPTIONS)
    if path is not None:
        _keep(parser, path)
    return parser


def _cached(text: str) -> Path | None:
    """Where the tables of this grammar are kept, in a folder only the user may write (None: nowhere to keep)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(home) / "kdsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o022:
            return None  # the tables are a pickle: only the user's own folder is trusted to hold them
    except (OSError, AttributeError):
        return None
    digest = hashlib.blake2b(f"{text}\0{lark.__version__}\0{sorted(_OPTIONS.items())}".encode(), digest_size=12)
    return folder / f"grammar-{digest.hexdigest()}.lark"


def _keep(parser: lark.Lark, path: Path) -> None:
    # written aside and renamed: processes that start together (a sweep's workers) never read half a file
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grammar-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            parser.save(f)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
