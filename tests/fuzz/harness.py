"""One fuzz input played under a 10 s CPU alarm and a 2 GiB cap, and a run of many across worker processes."""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import resource
import signal
import time
import traceback
from collections import Counter
from pathlib import Path

import attrs

from tests.fuzz import mutators, seeds

# A hang is 10 s of the worker's CPU (ITIMER_PROF), not of the wall clock: a niced run beside a busy machine flagged
# inputs that answer in 0.5 s. An input that blocks without computing (a FIFO) meets the wall alarm, 6 times longer.
TIMEOUT_S = 10
WALL_FACTOR = 6
MEMORY_BYTES = 2 * 1024**3
KINDS = ("kdsl", "yaml", "sim")
# A simulation is played to a small budget: the fuzzer asks whether any input breaks kdsl, not how a long run ends.
SIM_EVENTS = 5_000


# The budget counts a run's events and writes (a `scale` to 65,535 replicas in the timeline stops after some 2,500
# pods), but what a scenario declares is made before the run, outside it: a pool of 65,536 nodes is registered node
# by node. So only scenarios of up to 2,000 pods and nodes in all are played; larger ones are checked and formatted.
SIM_SIZE = 2_000


def size(scenario) -> int:
    """Nodes (pools counted, not expanded) plus every count of pods an object declares."""
    from kdsl.model.nodes import NodePool

    n = sum(spec.count if isinstance(spec, NodePool) else 1 for spec in scenario.node_specs)
    for obj in scenario.objects:
        for field in ("replicas", "completions", "parallelism", "max_replicas"):
            value = getattr(obj, field, None)
            n += value if isinstance(value, int) and not isinstance(value, bool) else 0
    return n


class _Alarm(BaseException):
    """Raised by the alarm; a BaseException, so no `except Exception` in kdsl can swallow it."""


@attrs.frozen
class Failure:
    kind: str
    index: int
    what: str  # crash | hang | memory
    message: str
    text: str = attrs.field(repr=False)

    @property
    def name(self) -> str:
        digest = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"{self.what}-{self.kind}-{digest}" + (".yaml" if self.kind == "yaml" else ".kdsl")


def play(kind: str, text: str) -> str:
    """'accepted' or 'refused' (kdsl's own error); any other exception propagates: that is a finding."""
    import kdsl
    from kdsl.core.errors import KdslError
    from kdsl.lang.fmt import format_document
    from kdsl.lang.parser import parse_document

    try:
        if kind == "yaml":
            kdsl.from_manifests(text=text)
            return "accepted"
        scenario = kdsl.parse(text, "fuzz.kdsl")
        format_document(parse_document(text, "fuzz.kdsl"))
        if kind == "sim" and size(scenario) <= SIM_SIZE:
            kdsl.simulate(scenario, max_events=SIM_EVENTS).check()
        return "accepted"
    except KdslError as exc:
        exc.format()
        return "refused"


def _warm() -> None:
    play("sim", "node n1\npod p image=nginx\n")
    play("yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n")
    for text in seeds.manifest_seeds():  # each kind's schema validator is built once (5 s), before any fork
        play("yaml", text)


_player = None  # the worker's play function (play, or a test's stand-in), set by _limit


def _limit(timeout: int, player) -> None:
    global TIMEOUT_S, _player
    TIMEOUT_S, _player = timeout, player
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, resource.getrlimit(resource.RLIMIT_AS)[1]))
    signal.signal(signal.SIGALRM, _ring)
    signal.signal(signal.SIGPROF, _ring)


def _ring(signum, frame):
    raise _Alarm()


def _one(job: tuple[str, int, str]) -> tuple[str, int, str, str | None, int]:
    """(kind, index, outcome, why it failed or None, the worker's peak RSS in KiB so far)."""
    return (*_outcome(job), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _outcome(job: tuple[str, int, str]) -> tuple[str, int, str, str | None]:
    kind, index, text = job
    signal.setitimer(signal.ITIMER_PROF, TIMEOUT_S)
    signal.alarm(TIMEOUT_S * WALL_FACTOR)
    try:
        return kind, index, (_player or play)(kind, text), None
    except _Alarm:
        return kind, index, "hang", f"no answer within {TIMEOUT_S} s of CPU ({TIMEOUT_S * WALL_FACTOR} s of wall time)"
    except MemoryError:
        return kind, index, "memory", f"over {MEMORY_BYTES // 1024**3} GiB"
    except RecursionError as exc:
        return kind, index, "crash", f"RecursionError: {exc}"
    except Exception:  # noqa: BLE001 - every other exception is what the fuzzer looks for
        return kind, index, "crash", traceback.format_exc(limit=-6)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.alarm(0)


def inputs(n: int, seed: int, share=(0.7, 0.25, 0.05)):
    """n inputs (kind, index, text), the same for the same n and seed on every machine."""
    rng = random.Random(seed)
    texts, yamls = seeds.kdsl_seeds(), seeds.manifest_seeds()
    counts = [round(n * s) for s in share]
    counts[0] += n - sum(counts)
    out = []
    for kind, count in zip(KINDS, counts):
        for i in range(count):
            if kind == "yaml" and yamls:
                out.append((kind, i, mutators.manifests(rng, rng.choice(yamls))))
            else:
                out.append((kind, i, mutators.kdsl_text(rng, rng.choice(texts))))
    return out


@attrs.frozen
class Report:
    inputs: int
    outcomes: Counter
    failures: tuple[Failure, ...]
    seconds: float
    max_rss_mb: int

    def text(self) -> str:
        by = ", ".join(f"{k} {v:,}" for k, v in sorted(self.outcomes.items()))
        return (f"{self.inputs:,} inputs in {self.seconds:.0f} s ({self.inputs / max(self.seconds, 1e-9):,.0f}/s): "
                f"{by}; largest worker {self.max_rss_mb:,} MB; {len(self.failures)} failures")


def run(n: int, seed: int = 0, jobs: int = 2, save: Path | None = None) -> Report:
    """Play n generated inputs on `jobs` worker processes, each under the alarm and the cap; failures saved to
    `save` (as regressions/ keeps them)."""
    return play_all(inputs(n, seed), jobs, save)


def replay(paths, jobs: int = 2, timeout: int = 60) -> Report:
    """Play kept inputs: NAME.yaml as manifests, NAME.kdsl as a scenario checked, formatted and simulated. The
    alarm is longer than a run's: a kept input must be answered, on a machine however loaded; what it guards
    against (a FIFO, /dev/zero, a crash loop without end) never answers at all."""
    work = [("yaml" if p.suffix == ".yaml" else "sim", i, p.read_text(encoding="utf-8")) for i, p in enumerate(paths)]
    return play_all(work, jobs, timeout=timeout)


def play_all(work: list[tuple[str, int, str]], jobs: int = 2, save: Path | None = None,
             timeout: int | None = None, player=None) -> Report:
    """Each input in a worker under the alarm and the cap; `player` (a module-level function) stands in for play."""
    t0 = time.perf_counter()
    outcomes: Counter = Counter()
    failures = []
    texts = {(k, i): t for k, i, t in work}
    # Workers fork from a fresh, warmed fork server, not from this process: a test run's process maps gigabytes
    # (Dask, pandas, every test's data), and a worker forked from it would start near its 2 GiB cap.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.fuzz.warm"])
    with ctx.Pool(jobs, initializer=_limit, initargs=(timeout or TIMEOUT_S, player), maxtasksperchild=2000) as pool:
        rss = 0  # the workers are the fork server's children, not ours: each reports its own peak
        for kind, index, outcome, message, peak in pool.imap_unordered(_one, work, chunksize=16):
            rss = max(rss, peak // 1024)
            outcomes[f"{kind} {outcome}"] += 1
            if message is not None:
                failures.append(Failure(kind, index, outcome, message, texts[(kind, index)]))
    failures.sort(key=lambda f: (f.kind, f.index))
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        for f in failures:
            (save / f.name).write_text(f.text, encoding="utf-8")
            (save / (f.name + ".txt")).write_text(f.message, encoding="utf-8")
    return Report(len(work), outcomes, tuple(failures), time.perf_counter() - t0, rss)
