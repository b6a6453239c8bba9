"""Probe results computed only where they can change: when a run is started, ready, or killed by a probe."""

from __future__ import annotations

import attrs

from kdsl.model.pods import Behaviour, Container, Probe

# prober worker: the result a probe holds for a new container before its first threshold is met
INITIAL = {"readiness": "Failure", "liveness": "Success", "startup": "Unknown"}
KIND_TITLE = {"readiness": "Readiness", "liveness": "Liveness", "startup": "Startup"}


def outcome(b: Behaviour, kind: str, rel_ms: int) -> str | None:
    """What a probe of `kind` sees `rel_ms` after the container started: None (success) or the cause of
    failure: `timeout` (the process hangs: nothing answers, for every probe), `refused` (not serving
    yet), `unready` (readiness only: before `ready after` or from `unready after`)."""
    if b.hang_after_ms is not None and rel_ms >= b.hang_after_ms:
        return "timeout"
    if rel_ms < b.start_ms:
        return "refused"
    if kind == "readiness":
        if b.ready_after_ms is not None and rel_ms < b.ready_after_ms:
            return "unready"
        if b.unready_after_ms is not None and rel_ms >= b.unready_after_ms:
            return "unready"
    return None


def change_points(b: Behaviour, kind: str) -> tuple[int, ...]:
    """The times after start where `outcome` may change; it is constant between them."""
    points = {0, b.start_ms, b.hang_after_ms}
    if kind == "readiness":
        points |= {b.ready_after_ms, b.unready_after_ms}
    return tuple(sorted(p for p in points if p is not None and p >= 0))


@attrs.frozen
class Change:
    """The stored result of a probe changes (a threshold of consecutive results was met)."""

    time_ms: int
    result: str  # Success | Failure
    cause: str | None = None  # for Failure: refused | unready | timeout


@attrs.frozen
class Unhealthy:
    """The first failing probe of a run of failures (the kubelet's `Unhealthy` event)."""

    time_ms: int
    cause: str


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def results(probe: Probe, b: Behaviour, start_ms: int, gate_ms: int | None = None
            ) -> tuple[tuple[Change, ...], tuple[Unhealthy, ...]]:
    """Every change of one probe's stored result over a container run that started at `start_ms`.

    The prober ticks at start_ms + k·period (k ≥ 0), skips ticks less than initialDelay after the start
    and (liveness, readiness) ticks before `gate_ms`, the moment the startup probe said started. A result
    is known at its tick, or `timeoutSeconds` later when the probe timed out. Instead of visiting every
    tick, the ticks are taken a stretch of constant outcome at a time: each run of equal results
    changes the stored result at most once, at its threshold-th tick. Liveness stops at its first
    Failure (the kill), startup at its first change (started, or the kill).
    """
    period = probe.period_ms
    gate = start_ms if gate_ms is None else gate_ms
    first_k = max(_ceil(probe.initial_delay_ms, period), _ceil(max(gate - start_ms, 0), period))
    points = change_points(b, probe.kind)
    # stretches of ticks [k_a, k_b] (k_b None: for ever) with one outcome each
    stretches: list[tuple[int, int | None, str | None]] = []
    for i, p in enumerate(points):
        k_a = max(first_k, _ceil(p, period))
        k_b = _ceil(points[i + 1], period) - 1 if i + 1 < len(points) else None
        if k_b is None or k_a <= k_b:
            stretches.append((k_a, k_b, outcome(b, probe.kind, k_a * period)))
    # runs: consecutive stretches that all succeed or all fail
    runs: list[list[tuple[int, int | None, str | None]]] = []
    for s in stretches:
        if runs and (runs[-1][0][2] is None) == (s[2] is None):
            runs[-1].append(s)
        else:
            runs.append([s])

    def at(k: int, cause: str | None) -> int:
        return start_ms + k * period + (probe.timeout_ms if cause == "timeout" else 0)

    state, changes, unhealthy = INITIAL[probe.kind], [], []
    for run in runs:
        failing = run[0][2] is not None
        if failing:
            unhealthy.append(Unhealthy(at(run[0][0], run[0][2]), run[0][2]))
        need = probe.failure_threshold if failing else probe.success_threshold
        k_hit = run[0][0] + need - 1
        hit = next((s for s in run if s[1] is None or k_hit <= s[1]), None)
        if hit is None:
            continue  # the run ends before the threshold: the stored result stays
        result = "Failure" if failing else "Success"
        if result != state:
            changes.append(Change(at(k_hit, hit[2]), result, hit[2]))
            state = result
            if probe.kind == "startup" or (probe.kind == "liveness" and failing):
                break
    return tuple(changes), tuple(unhealthy)


@attrs.frozen
class ProbePlan:
    """What the probes do to one run of a container, in absolute ms."""

    started_ms: int | None  # `started` becomes true (None: the startup probe kills it first)
    ready: tuple[tuple[int, bool], ...]  # `ready` flips, in order; it starts false
    kill: tuple[int, str, str] | None  # (time, probe kind, cause) of a liveness or startup failure
    unhealthy: tuple[tuple[int, str, str], ...]  # (time, probe kind, cause), in time order


def plan_probes(container: Container, start_ms: int) -> ProbePlan:
    """Startup gates the others: `started` at its first success (at once without a startup probe);
    liveness and readiness run from then. Ready = started and readiness Success (or no readiness probe)."""
    b, unhealthy = container.behaviour, []
    startup = container.probe("startup")
    started = start_ms
    if startup is not None:
        changes, unh = results(startup, b, start_ms)
        unhealthy += [(u.time_ms, "startup", u.cause) for u in unh if u.time_ms <= changes[0].time_ms]
        if changes[0].result == "Failure":
            return ProbePlan(None, (), (changes[0].time_ms, "startup", changes[0].cause), tuple(unhealthy))
        started = changes[0].time_ms
    kill = None
    liveness = container.probe("liveness")
    if liveness is not None:
        changes, unh = results(liveness, b, start_ms, started)
        unhealthy += [(u.time_ms, "liveness", u.cause) for u in unh]
        if changes:
            kill = (changes[0].time_ms, "liveness", changes[0].cause)
    readiness = container.probe("readiness")
    if readiness is None:
        ready: tuple[tuple[int, bool], ...] = ((started, True),)
    else:
        changes, unh = results(readiness, b, start_ms, started)
        unhealthy += [(u.time_ms, "readiness", u.cause) for u in unh]
        ready = tuple((c.time_ms, c.result == "Success") for c in changes)
    if kill is not None:
        ready = tuple(r for r in ready if r[0] < kill[0])
        unhealthy = [u for u in unhealthy if u[0] <= kill[0]]
    return ProbePlan(started, ready, kill, tuple(sorted(unhealthy)))


def _port(container: Container, probe: Probe) -> str:
    if isinstance(probe.port, str):
        named = next((p.number for p in container.ports if p.name == probe.port), None)
        return str(named) if named is not None else probe.port
    if probe.port is None and container.ports:
        return str(container.ports[0].number)
    return str(probe.port)


def failure_output(container: Container, probe: Probe, cause: str, pod_ip: str | None) -> str:
    """The prober's output for a failed probe, as the `Unhealthy` event quotes it (shapes of Go's
    net/http, net and the exec and gRPC probers; the simulated process decides only the cause)."""
    ip = pod_ip or "<pod-ip>"
    host = f"{ip}:{_port(container, probe)}"
    if probe.handler == "http":
        url = f'{probe.scheme.lower()}://{host}{probe.path or "/"}'
        if cause == "unready":
            return "HTTP probe failed with statuscode: 503"
        if cause == "timeout":
            return f'Get "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
        return f'Get "{url}": dial tcp {host}: connect: connection refused'
    if probe.handler == "tcp":
        return f"dial tcp {host}: i/o timeout" if cause == "timeout" else f"dial tcp {host}: connect: connection refused"
    if probe.handler == "grpc":
        if cause == "timeout":
            return f'timeout: failed to connect service "{host}" within {probe.timeout_ms // 1000}s'
        return 'service unhealthy (responded with "NOT_SERVING")'
    command = " ".join(probe.command)
    if cause == "timeout":
        return f'command "{command}" timed out'
    return f'command "{command}" exited with 1'


def unhealthy_message(container: Container, kind: str, cause: str, pod_ip: str | None) -> str:
    probe = container.probe(kind)
    return f"{KIND_TITLE[kind]} probe failed: {failure_output(container, probe, cause, pod_ip)}"
