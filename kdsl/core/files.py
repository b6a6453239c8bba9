"""Reading a file the user named, bounded: never more than MAX_FILE_BYTES, whatever the path turns out to be."""

from __future__ import annotations

import errno
from pathlib import Path

from kdsl.core.limits import MAX_FILE_BYTES, TOO_LARGE


class FileTooLarge(OSError):
    """A file past MAX_FILE_BYTES; an OSError, so every reader reports it as a file it cannot read."""

    def __init__(self):
        super().__init__(errno.EFBIG, TOO_LARGE)


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` bytes of `path`: one byte more is read to tell a file at the limit from a larger one, so a
    device that never ends (/dev/zero) or a growing log costs `limit` bytes, not the machine's memory."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge()
    return data


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file as UTF-8 text (UnicodeDecodeError when it is not), bounded as read_bytes."""
    return read_bytes(path, limit).decode("utf-8")


def read_stream(stream, limit: int = MAX_FILE_BYTES) -> str:
    """A text stream (standard input) read to its end, bounded the same way."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge()
    return data
