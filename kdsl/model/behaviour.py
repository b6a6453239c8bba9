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
    # `shutdown 20s`: how long the process takes to exit after SIGTERM (0: at once). Added later than the rest,
    # so it joins the repr (hashed into pod-template-hash) and the model dump only when set: see below.
    shutdown_ms: int = attrs.field(default=0, repr=False, metadata={"omit_default": True})

    @property
    def is_default(self) -> bool:
        return self == Behaviour()


_behaviour_repr = Behaviour.__repr__


def _repr_with_shutdown(self: Behaviour) -> str:
    """Every template without `shutdown` keeps the repr, so the pod-template-hash, it had before the field."""
    text = _behaviour_repr(self)
    return f"{text[:-1]}, shutdown_ms={self.shutdown_ms!r})" if self.shutdown_ms else text


Behaviour.__repr__ = _repr_with_shutdown  # type: ignore[method-assign]
