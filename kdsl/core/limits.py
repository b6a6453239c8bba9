"""What bounds kdsl's cost: the longest run, the most events, the largest file read, and the bulk phases' collector pause."""

from __future__ import annotations

import contextlib
import errno
import gc
from pathlib import Path

# A scenario plays minutes to weeks of a cluster; a year is far past any question kdsl answers, and far
# short of what integer milliseconds can hold. `run` and --until beyond it are refused before the run.
MAX_RUN_MS = 366 * 24 * 3_600_000

# A run's events and its writes to the API server, each counted as one: a sync can write 500 pods in one event.
# 20,000 pods from 200 Deployments reach Ready in 129,243 (benchmarks/scale.py's shape), so Kubernetes' largest
# supported cluster, 150,000 pods, in about 1,000,000: ten times that is room for any scenario at Kubernetes'
# limits, and a bound on what a crash loop over a long `run` can cost. A count, not bytes, so the same input stops
# at the same event on every machine.
MAX_EVENTS = 10_000_000


def run_too_long(ms: int) -> str | None:
    """Why a run of `ms` is refused, or None."""
    if ms <= MAX_RUN_MS:
        return None
    return f"longer than kdsl simulates: at most {MAX_RUN_MS // 3_600_000}h (366 days)"

# The most kdsl reads from one scenario or manifest file, or takes as one text: a 150,000-pod scenario written pod
# by pod is about 6 MiB. Past it a file is refused before it is read whole, whatever it is (a log, /dev/zero).
MAX_FILE_BYTES = 16 * 1024 * 1024

TOO_LARGE = f"it is larger than {MAX_FILE_BYTES:,} bytes, the most kdsl reads as one scenario or manifest file"


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


@contextlib.contextmanager
def bulk():
    """Pause the cyclic collector while a parse or a run builds millions of small frozen objects that
    live as long as the result and form no cycles, then move what survived into the permanent
    generation (`gc.freeze`) so no later collection walks it again. Without this, each collection
    re-walks the growing result, and the first full collection afterwards walks every object the run
    made (6 s after 150,000 pods). The young generations are collected on entry, so only cyclic garbage
    made inside the block could be kept; `gc.unfreeze()` hands everything back to the collector."""
    enabled = gc.isenabled()
    gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
