"""Where an `include` may read: paths inside the scenario's folder, regular files only, of bounded size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kdsl.lang.syntax import Document, Stmt

# A scenario's parts are a few kilobytes; a cap well under the top-level file's (MAX_FILE_BYTES) keeps an include
# of a log or a disk image from being read at all (docs/security.md#limits).
MAX_INCLUDE_BYTES = 1024 * 1024
# Files including files: deeper than any layout of shared parts, shallow enough to stop a generated chain.
MAX_INCLUDE_DEPTH = 32


class IncludeRefused(Exception):
    """An include kdsl will not read; the message says why without any of the other file's content."""


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _inside(path: Path, folders) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


class Loader:
    """Reads included files for one build. `root` is the folder of the top-level scenario (the working
    directory for text without a file name): every include resolves inside it, or inside a folder of
    `allow` (`--allow-include DIR`, `allow_include=`). Given `files` (a Scenario's recorded `includes`),
    includes are read from it instead of the disk, so a sweep's worker on another machine reads what was
    read here; the same path rules hold, checked on the names as written."""

    def __init__(self, files=None, root: Path | None = None, allow=()):
        self.chain: list[str] = []  # the files being read, outermost first (for cycles)
        self.read: dict = {}  # each file included so far → the include that read it
        self.parsed: dict = {}  # each file parsed ahead for its params → its Document, until include() takes it
        # (including file, include target) → (text, name): what each include read
        self.files = files
        self.opened: dict = {}
        self.root = Path(os.path.abspath(root if root is not None else Path.cwd()))
        self.allow = tuple(Path(os.path.abspath(a)) for a in allow)

    def path(self, stmt: Stmt, doc: Document) -> Path:
        """The file an include names, relative to the including file; IncludeRefused when it is absolute,
        leaves the allowed folders (by `..` or a symbolic link), or its links loop."""
        target = stmt.args[0].text
        if os.path.isabs(target) or target.startswith("~"):
            raise IncludeRefused("an include path is relative to the including file, not absolute")
        base = Path(doc.name).parent if doc.name else Path.cwd()
        written = Path(os.path.normpath(os.path.abspath(base / target)))
        if self.files is not None:
            return written  # recorded texts, read under these rules when recorded: no disk is touched
        folders = (self.root, *self.allow)
        if not _inside(written, folders):
            raise IncludeRefused(self._outside())
        try:
            real = written.resolve()  # Python 3.11 raises RuntimeError on a loop of links, later ones OSError
        except (RuntimeError, OSError):
            raise IncludeRefused("its symbolic links form a loop") from None
        real_folders = tuple(f.resolve() for f in folders)
        if not _inside(real, real_folders):
            raise IncludeRefused(self._outside())
        return real

    def _outside(self) -> str:
        allowed = "" if not self.allow else " or " + ", ".join(str(a) for a in self.allow)
        return (f"it is outside the scenario's folder {self.root}{allowed}; includes stay inside it "
                "(allow another folder with --allow-include DIR, or allow_include= in kdsl.load and kdsl.parse)")

    def open(self, stmt: Stmt, doc: Document, path: Path) -> tuple[str, str]:
        """The text and display name of the file an `include` names (OSError when it cannot be read,
        IncludeRefused when it is no regular file or too large, UnicodeDecodeError when not UTF-8)."""
        key = (doc.name or "", stmt.args[0].text)
        if self.files is not None:
            try:
                got = self.files[key]
            except KeyError:
                raise FileNotFoundError(2, "No such file or directory") from None
        else:
            got = (_read_regular(path), _display(path))
        self.opened[key] = got
        return got


def _read_regular(path: Path) -> str:
    """A regular file's text. O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses
    it (and a device such as /dev/zero) before any byte is read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise IncludeRefused(f"it is {kind}; an include reads a regular file")
        if st.st_size > MAX_INCLUDE_BYTES:
            raise IncludeRefused(f"it is larger than {MAX_INCLUDE_BYTES:,} bytes, the most an included file may be")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_INCLUDE_BYTES + 1)
        if len(data) > MAX_INCLUDE_BYTES:  # grew since fstat
            raise IncludeRefused(f"it is larger than {MAX_INCLUDE_BYTES:,} bytes, the most an included file may be")
    finally:
        os.close(fd)
    return data.decode("utf-8")
