"""What a simulated container's process does: start-up time, readiness, exit, crash, hang, OOM, pulls."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Behaviour:
    """Times are milliseconds after the container starts; None means it never happens.

    Without any of these lines a container starts at once, stays up and passes every probe.
    """

    start_ms: int = 0  # the process needs this long before it can serve (probes fail until then)
    ready_after_ms: int | None = None  # readiness passes only from this time after start
    exit_code: int | None = None
    exit_after_ms: int | None = None  # exits with exit_code (0 Completed, else Error)
    hang_after_ms: int | None = None  # stays up, but liveness fails from then on
    unready_after_ms: int | None = None  # readiness fails from then on
    oom_after_ms: int | None = None  # killed by the kernel, reason OOMKilled, exit 137
    pull_fails: bool = False  # ErrImagePull, then ImagePullBackOff
    pull_ms: int | None = None  # how long pulling the image takes (None: the engine's default)

    @property
    def is_default(self) -> bool:
        return self == Behaviour()
