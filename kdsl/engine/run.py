"""Text or a file to a checked Scenario (the last few kept), and a Scenario played: kdsl.parse, load and simulate."""

# They live in the engine, the lowest layer that knows every step (the parser, the model's builder and checks,
# the API server's checks, the simulation loop), so that the notebook, interop and sweeps use them without
# importing the public face, which imports those layers. The engine's parts load on the first call, not here.

from __future__ import annotations

import hashlib
import numbers
import os
from collections import OrderedDict
from pathlib import Path

from kdsl.core import limits
from kdsl.core.limits import MAX_EVENTS, MAX_FILE_BYTES, TOO_LARGE, bulk, run_too_long
from kdsl.core.errors import Diagnostic, KdslSyntaxError, UsageError
from kdsl.core.values import format_duration
from kdsl.lang.parser import parse_document
from kdsl.model.build import build
from kdsl.model.scenario import Scenario


def parse(text: str, filename: str | None = None, params: dict | None = None, *, allow_include=(),
          files: dict | None = None) -> Scenario:
    """Parse kdsl text into a Scenario.

    `params` overrides the defaults of the scenario's `param`s: `{"replicas": 5, "fail_at": "90s"}` (an int
    or float is a number, a bool true/false, a str the value as kdsl writes it; see docs/sweeps.md).
    `include`s read only inside the folder of `filename` (the working directory without one), or inside a
    folder of `allow_include` (paths); see docs/security.md. `files` (path → text) stands in for the disk: an
    exported cluster's includes, read back by `kdsl.from_manifests`.

    The last few scenarios parsed are kept: the same text, included files and params return the same
    Scenario without parsing again.

    Raises KdslSyntaxError for text that does not follow the grammar and ScenarioError for text
    whose meaning is wrong, or that the API server would refuse whatever the run (kdsl/engine/precheck.py);
    both carry every located diagnostic. Warnings land on `Scenario.warnings`.
    """
    if not isinstance(text, str):
        hint = ("; to read a file use kdsl.load(path)" if isinstance(text, Path)
                else "; decode it first (text.decode())" if isinstance(text, bytes) else "")
        raise UsageError(f"kdsl.parse() takes kdsl text (a str), not {type(text).__name__}{hint}")
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes, so the bound of a file holds for a text
        raise KdslSyntaxError([Diagnostic("error", f"not read: {TOO_LARGE}", filename)])
    from kdsl.engine.precheck import precheck  # the API server's checks load on the first parse, not on import
    from kdsl.model.build.params import overrides_of

    overrides = overrides_of(params)
    folders = _folders(allow_include)
    key = (*_cache_key(text, filename, overrides), tuple(str(f) for f in folders))
    # a Scenario is frozen: the same text, includes, params and folders may share one (not texts in `files`,
    # which the cache cannot see change)
    scenario = _cached(key) if files is None else None
    if scenario is None:
        with bulk():
            scenario = build(parse_document(text, filename), later=precheck, params=overrides,
                             allow_include=folders, files=files)
        if files is None:
            _keep(key, scenario)
    return scenario


def simulate(scenario: Scenario, until: int | None = None, seed: int = 0, *, max_events: int = MAX_EVENTS):
    """Play a scenario on the simulated control plane and return the Simulation.

    `until` (ms, or a duration such as `"5m"`) bounds the run; without it the scenario's `run` applies, else the run stops when
    nothing is pending after the last timeline action. The same scenario and seed give the same run.
    A run that passes `max_events` events stops with EventBudgetExceeded (its `simulation` is the run so far).
    """
    from kdsl.engine.arguments import duration
    from kdsl.engine.simulation import Simulation  # the engine loads only when something is simulated

    if not isinstance(scenario, Scenario):
        hint = f"; to simulate a file: kdsl.simulate(kdsl.load({str(scenario)!r}))" if isinstance(scenario, (str, Path)) else ""
        raise UsageError(f"kdsl.simulate() takes a Scenario (from kdsl.load or kdsl.parse), not "
                         f"{type(scenario).__name__}{hint}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise UsageError(f"seed={seed!r} is not a seed; give an integer (the same seed gives the same run)")
    if isinstance(max_events, bool) or not isinstance(max_events, numbers.Integral) or max_events < 1:
        raise UsageError(f"max_events={max_events!r} is not a number of events; give a positive integer")
    until = None if until is None else duration(until, "until")
    why = run_too_long(until) if until is not None else None
    if why:
        raise UsageError(f"until={format_duration(until)} is {why}")
    return Simulation(scenario, seed=int(seed)).run(until, max_events=int(max_events))


def _folders(allow_include) -> tuple[Path, ...]:
    if isinstance(allow_include, (str, Path)):
        allow_include = (allow_include,)
    try:
        return tuple(Path(a) for a in allow_include)
    except TypeError:
        raise UsageError(f"allow_include={allow_include!r} is not a list of folders") from None


def load(path: str | Path, params: dict | None = None, *, allow_include=()) -> Scenario:
    """Read and parse a .kdsl file; `include` paths are relative to it; `params` and `allow_include` as
    for kdsl.parse."""
    if not isinstance(path, (str, Path)):
        raise UsageError(f"kdsl.load() takes the path of a .kdsl file, not {type(path).__name__}")
    if isinstance(path, str) and "\n" in path:
        raise UsageError("kdsl.load() reads a .kdsl file, and this is kdsl text, not a path: use kdsl.parse(text)")
    p = Path(path)
    try:
        text = limits.read_text(p)
    except OSError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: {exc.strerror or exc}", str(p),
                                          suggestion=_nearby(p))]) from None
    except UnicodeDecodeError as exc:
        raise KdslSyntaxError([Diagnostic("error", f"cannot read {p}: it is not UTF-8 text "
                                                   f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
                                          str(p))]) from None
    return parse(text, str(p), params, allow_include=allow_include)


def _nearby(path: Path) -> str | None:
    """The .kdsl file next to a missing one whose name is closest (`shp.kdsl` -> `shop.kdsl`)."""
    import difflib

    try:
        names = sorted(f.name for f in path.parent.glob("*.kdsl"))
    except OSError:
        return None
    hit = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return str(path.with_name(hit[0])) if hit else None


# ---- the last few scenarios parsed: a notebook or a sweep that parses the same text again skips the work ----

CACHE_SIZE = 8  # a notebook's few scenarios, a sweep's one
# A Scenario costs memory in proportion to its text: beyond this many characters in all, the oldest go even
# before there are CACHE_SIZE (the newest always stays), so a 150,000-pod scenario does not outlive its use much.
CACHE_CHARS = 32_000_000
_cache: OrderedDict = OrderedDict()  # key → (Scenario, ((include path, its text's digest), ...), characters)


def _cache_key(text: str, filename: str | None, overrides: dict) -> tuple:
    """What a parse depends on besides the included files: the text, its name (messages and includes are
    relative to it), the working directory (includes of a nameless text, and how file names are shown) and the
    params given. The text is kept as its digest: a large scenario's text need not be held twice."""
    params = tuple(sorted((name, repr(word)) for name, word in overrides.items()))
    return _digest(text), filename, os.getcwd(), params


def _cached(k: tuple):
    """The cached Scenario if every file it included still reads as it did, else None (and it is dropped)."""
    entry = _cache.get(k)
    if entry is None:
        return None
    scenario, includes, _ = entry
    for path, digest in includes:
        try:
            same = _digest(Path(path).read_text(encoding="utf-8")) == digest
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            del _cache[k]
            return None
    _cache.move_to_end(k)
    return scenario


def _keep(k: tuple, scenario) -> None:
    """Keeps a successful parse, with the text of every file it included (the first source is the text itself)."""
    includes = tuple((os.path.abspath(s.name), _digest(s.text)) for s in scenario.source_files[1:])
    _cache[k] = (scenario, includes, sum(len(s.text) for s in scenario.source_files))
    _cache.move_to_end(k)
    while len(_cache) > CACHE_SIZE or (len(_cache) > 1 and sum(e[2] for e in _cache.values()) > CACHE_CHARS):
        _cache.popitem(last=False)


def clear_cache() -> None:
    """Forgets every cached parse (a benchmark that times parsing itself calls this)."""
    _cache.clear()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()
