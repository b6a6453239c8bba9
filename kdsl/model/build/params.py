"""Params: `param NAME = VALUE`, each `$NAME` replaced by its value's word at its own place, and overrides."""

from __future__ import annotations

import argparse
import math
import numbers
import re
from collections.abc import Mapping

import attrs

from kdsl.core.errors import Diagnostic, Span, UsageError, suggest
from kdsl.lang.parser import unescape
from kdsl.lang.syntax import Attr, Expr, Path, PortMap, Stmt, Values, Word
from kdsl.model.scenario import Param

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# The grammar's WORD (less a backslash, which would continue a line): a value that reads back as one bare word.
_WORD = re.compile(r"(?:[^\s=;{}#\"(),<>!~:\-\\]|-(?!>)|:(?=[^\s;{}#,()\\]))+")


def pair(text: str) -> tuple[str, str]:
    """`-p NAME=VALUE` (the CLI) and `--param NAME=VALUE` (the %%kdsl magic) read one way: an argparse type."""
    name, eq, value = text.partition("=")
    if not eq or not NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (a param's name, `=`, its value as kdsl "
                                         "writes it: -p replicas=5, -p fail_at=90s)")
    return name, value


def override_word(name: str, value) -> Word:
    """The word an override stands for, as if written in the file: an int or a float is a number, a bool
    `true`/`false`, a str a bare word when it reads as one (`5`, `90s`, `500m`, `25%`, `nginx:1.27`), a kdsl
    string when it is written as one (`"a b"`), else a string of its text (`a b`)."""
    if isinstance(value, bool):
        return Word("true" if value else "false")
    if isinstance(value, numbers.Integral):
        return Word(str(int(value)))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"param {name}={value!r} is not a value a scenario can hold")
        return Word(repr(value))
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1].replace('\\"', ""):
            return Word(unescape(value[1:-1]), True)
        return Word(value) if _WORD.fullmatch(value) and not _USE.fullmatch(value) else Word(value, True)
    raise UsageError(f"param {name}={value!r}: give an int, a float, a bool or a str (as written in kdsl: "
                     f"\"3\", \"90s\", \"500m\"), not {type(value).__name__}")


def overrides_of(params: Mapping | None) -> dict[str, Word]:
    """`params={...}` checked and converted; a name that can be no param is a UsageError."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise UsageError(f"params= takes a mapping of param names to values, not {type(params).__name__}")
    out = {}
    for name, value in params.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise UsageError(f"{name!r} is not a param name (letters, digits and `_`, not starting with a digit)")
        out[name] = override_word(name, value)
    return out


@attrs.frozen(slots=True, weakref_slot=False)
class _Use:
    span: Span
    name: str
    value: Word
    overridden: bool


class Params:
    """The params of one build: declared in any file the scenario reads, used anywhere."""

    def __init__(self, ctx, overrides: Mapping[str, Word]):
        self.ctx, self.overrides = ctx, dict(overrides)
        self.declared: dict[str, tuple[Word, Word]] = {}  # name → (its name word, its value word)
        self.used: set[str] = set()
        self.uses: list[_Use] = []
        self.unknown: set[Span] = set()  # `$NAME` with no param: the one error said there
        self.written: dict[str, list[Span]] = {}  # name → where each of its declarations writes a value

    def declare(self, stmt: Stmt) -> None:
        attr = stmt.head[1]
        key, values = attr.key, attr.values
        if key.quoted or not NAME.fullmatch(key.text):
            self.ctx.error(key, f"`{key.text}` is not a param name: letters, digits and `_`, not starting with a digit")
            return
        if len(values) > 1:
            self.ctx.error(values[1], f"param `{key.text}` holds one value, not a list (quote it to keep it as text)")
            return
        if not values[0].quoted and _USE.fullmatch(values[0].text):
            self.ctx.error(values[0], f"a param's value cannot be another param's `{values[0].text}`: write the value")
            return
        self.written.setdefault(key.text, []).append(values[0].span)
        first = self.declared.get(key.text)
        if first is not None:
            self.ctx.error(key, f"param `{key.text}` is declared twice; first at {first[0].span}")
            return
        self.declared[key.text] = (key, values[0])

    def substitute(self, stmt: Stmt) -> Stmt:
        """The statement with each `$NAME` replaced by the word its param stands for, at the `$NAME`'s place."""
        if stmt.kind == "param":
            return stmt
        head = tuple(self._part(p) for p in stmt.head)
        block = None if stmt.block is None else tuple(self.substitute(s) for s in stmt.block)
        return Stmt(stmt.kind, head, block, stmt.span, stmt.end_line)

    def _part(self, p):
        t = type(p)
        if t is Word:
            return self._word(p)
        if t is Attr:
            return Attr(p.key, p.op, tuple(self._word(v) for v in p.values), p.span)
        if t is Values:
            return Values(self._word(v) for v in p)
        if t is Expr:
            return Expr(p.key, p.op, tuple(self._word(v) for v in p.values), p.span)
        if t is PortMap:
            return PortMap(self._word(p.port), p.target and self._word(p.target), p.span)
        if t is Path:
            return Path(self._word(p.path), p.exact, p.span)
        return p

    def _word(self, w: Word) -> Word:
        if w.quoted or w.text[:1] != "$":
            return w
        m = _USE.fullmatch(w.text)
        if m is None:
            return w
        name = m.group(1)
        if name not in self.declared:
            hit = suggest(name, self.declared)
            self.ctx.error(w, f"`{w.text}` names no param; declare it with `param {name} = VALUE`",
                           suggestion=f"`${hit}`" if hit else None)
            self.unknown.add(w.span)
            return w
        self.used.add(name)
        value = self.overrides.get(name) or self.declared[name][1]
        self.uses.append(_Use(w.span, name, value, name in self.overrides))
        return Word(value.text, value.quoted, value.triple, w.span)

    def finish(self, file: str | None) -> None:
        """Overrides of undeclared params (errors) and params nothing uses (warnings)."""
        for name in sorted(set(self.overrides) - set(self.declared)):
            hit = suggest(name, self.declared)
            declared = ", ".join(sorted(self.declared)) or "none"
            self.ctx.diagnostics.append(Diagnostic(
                "error", f"cannot set param `{name}`: the scenario declares no param `{name}` (its params: {declared})",
                file, suggestion=f"`{hit}`" if hit else None))
        for name, (key, _) in self.declared.items():
            if name not in self.used:
                self.ctx.warn(key, f"param `{name}` is never used (no `${name}` in the scenario)")

    def params(self) -> tuple[Param, ...]:
        out = []
        for name, (key, value) in self.declared.items():
            given = self.overrides.get(name)
            out.append(Param(name, value.text, (given or value).text, given is not None, key.span))
        return tuple(out)

    def explain(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Each error at a `$NAME` says which param and value it read; a second error at a `$NAME` with no
        param (the value `$x` read literally) goes, as the first says it all."""
        if not self.uses and not self.unknown:
            return diagnostics
        secret = set(self.ctx.secret_values)
        hidden = {u.name for u in self.uses if u.span in secret}
        # A Secret's value written as a param's default is masked on the `param` line too, as at the Secret.
        self.ctx.secret_values += [span for n in sorted(hidden) for span in self.written[n]]
        at: dict[tuple, list[_Use]] = {}
        for u in self.uses:
            at.setdefault((u.span.file, u.span.line), []).append(u)
        out = []
        for d in diagnostics:
            if d.severity == "error" and d.line is not None:
                if "names no param" not in d.message and any(
                        (d.file, d.line, d.column) == (s.file, s.line, s.column) for s in self.unknown):
                    continue
                hits = [u for u in at.get((d.file, d.line), ())
                        if d.column <= u.span.column < d.column + max(d.width, 1)]
                if hits:
                    notes = "; ".join(_note(u, self.declared[u.name][1].span, u.name in hidden) for u in hits)
                    d = attrs.evolve(d, message=f"{d.message} ({notes})")
            out.append(d)
        return out


def _note(use: _Use, default_at: Span, secret: bool) -> str:
    from kdsl.lang.fmt import word

    origin = "given from outside (-p, params=)" if use.overridden else f"the default at {default_at}"
    value = "a Secret's value (not shown)" if secret else word(use.value)
    return f"`${use.name}` is {value}, {origin}"
