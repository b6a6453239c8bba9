"""Reading a statement's head attribute by attribute, collecting every error with its place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import yaml

from kdsl.core import yamls
from kdsl.core.errors import Diagnostic, plain_list, suggest
from kdsl.core.errors import Span
from kdsl.core.secrets import mask
from kdsl.lang.syntax import Attr, Expr, Source, Stmt, Word
from kdsl.core.values import BadValue
from kdsl.model.names import label_key, label_value

_MISSING = object()


class Ctx:
    """The state of one build: the sources (for the line under a caret) and the findings."""

    def __init__(self, sources: dict[str | None, Source] | None = None):
        self.sources: dict[str | None, Source] = dict(sources or {})
        self.diagnostics: list[Diagnostic] = []
        # The span of each statement that declares an object → the span of its name, so a bad name
        # is shown with the caret under the name rather than under the statement's keyword.
        self.name_spans: dict[Span, Span] = {}
        self.secret_values: list[Span] = []  # where Secret values are written: masked in quoted lines
        self.alike: dict = {}  # alike.py's built statements, by their text without the name
        # id(object) -> (the object, its alike.Entry): objects alike but for their name, for the checks
        self.alike_of: dict[int, tuple] = {}
        self.made: dict = {}  # id(a statement made by a replay template) → (it, the template): Document.made
        self.templated: dict = {}  # what alike entries keep of a replay template (alike_compare.templated, places_made)

    def mask_secret_values(self) -> None:
        """A Secret's value never reaches a terminal: in the line a diagnostic quotes, it becomes `*`s
        (as many as its characters, so the caret stays under what it points at)."""
        spans: dict[tuple, list[tuple[int, int]]] = {}
        for sp in self.secret_values:
            for line in range(sp.line, sp.end_line + 1):
                start = sp.column if line == sp.line else 1
                end = sp.end_column if line == sp.end_line else 1 << 30
                spans.setdefault((sp.file, line), []).append((start, end))
        for i, d in enumerate(self.diagnostics):
            cuts = spans.get((d.file, d.line))
            if cuts and d.line_text is not None:
                self.diagnostics[i] = attrs.evolve(d, line_text=mask(d.line_text, cuts))

    def _emit(self, severity: str, where, message: str, suggestion: str | None, expected: Iterable[str]) -> None:
        span = where if isinstance(where, Span) or where is None else getattr(where, "span", None)
        source = self.sources.get(span.file) if span is not None else None
        line = source.line(span.line) if source is not None else None
        self.diagnostics.append(Diagnostic.at(severity, message, span, line, expected=expected,
                                              suggestion=suggestion))

    def error(self, where, message: str, *, suggestion: str | None = None, expected: Iterable[str] = ()) -> None:
        self._emit("error", where, message, suggestion, expected)

    def warn(self, where, message: str, *, suggestion: str | None = None) -> None:
        self._emit("warning", where, message, suggestion, ())

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def convert(self, word: Word, conv: Callable[[str], Any], what: str, default: Any = None) -> Any:
        """Apply a value converter; a bad value becomes an error at the value, not a traceback."""
        try:
            return conv(word.text)
        except BadValue as exc:
            self.error(word, f"{what}: {exc}", suggestion=getattr(exc, "suggestion", None))
            return default

    def yaml_patch(self, stmt: Stmt, what: str) -> str | None:
        """A `yaml` statement's text, which an export merges into the manifest: so it must be a YAML mapping
        (or empty); anything else is an error here rather than a patch an export could not apply."""
        text = stmt.args[0].text
        try:
            data = yamls.safe_load(text)
        except yaml.YAMLError as exc:
            self.error(stmt, f"the yaml block of {what} is not YAML: {str(exc).splitlines()[0]}")
            return None
        if data is not None and not isinstance(data, dict):
            secret = stmt.args[0].span in self.secret_values  # a Secret's block: its text is never quoted
            value = "" if secret else f" ({str(data)[:40]!r})"
            kind = "a list" if isinstance(data, list) else f"a single value{value}"
            self.error(stmt, f"the yaml block of {what} is {kind}; it is merged into the manifest, so it must be a "
                             "YAML mapping (`field: value` lines)")
            return None
        return text

    def name_span(self, span: Span | None) -> Span | None:
        """Where the name of the object declared by the statement at `span` is written."""
        return self.name_spans.get(span, span) if span is not None else None

    def labels(self, head: Head, what: str, field: str = "metadata.labels") -> tuple[tuple[str, str], ...]:
        """Every `key=value` of a head as labels, each key and value checked where it is written."""
        attrs_ = list(head.attrs.values())
        pairs = head.pairs()
        for a in attrs_:
            for msg in label_key(a.key.text):
                self.error(a.key, f'{what}: {field}: Invalid value: "{a.key.text}": {msg}')
            for msg in label_value(a.text):
                self.error(a.values[0] if len(a.values) == 1 else a,
                           f'{what}: {field}: Invalid value: "{a.text}": {msg}')
        return pairs


class Head:
    """The parts of a statement's head after its keyword: positional words, attributes, flags.

    Each `take`/`flag`/`word` consumes a part; `done` reports whatever the statement does not
    know, with the nearest known attribute as a suggestion, so nothing written is dropped.
    """

    def __init__(self, ctx: Ctx, stmt: Stmt, what: str, parts: Iterable | None = None):
        self.ctx, self.stmt, self.what = ctx, stmt, what
        self.words: list[Word] = []
        self.attrs: dict[str, Attr] = {}
        self.exprs: list[Expr] = []
        self.known: set[str] = set()
        self.known_flags: set[str] = set()
        attrs_ = self.attrs
        for p in stmt.head if parts is None else parts:  # keywords and punctuation are none of these
            t = type(p)
            if t is Attr:
                if p.key.text in attrs_:
                    ctx.error(p, f"`{p.key.text}` is given twice in {what}")
                else:
                    attrs_[p.key.text] = p
            elif t is Word:
                self.words.append(p)
            elif t is Expr:
                self.exprs.append(p)

    # ---- positional words ---------------------------------------------------------------------
    def name(self) -> Word | None:
        """The statement's NAME (its first positional word), remembered for messages about it."""
        w = self.word("a name")
        if w is not None and self.stmt.span is not None:
            self.ctx.name_spans.setdefault(self.stmt.span, w.span)
        return w

    def word(self, what: str | None = None) -> Word | None:
        """The next positional word; a missing one is an error when `what` names it."""
        if self.words:
            return self.words.pop(0)
        if what:
            self.ctx.error(self.stmt, f"{self.what} needs {what}")
        return None

    def flag(self, *names: str) -> str | None:
        """Consume a bare word that is one of `names` (wherever it stands); return which."""
        self.known_flags.update(names)
        for i, w in enumerate(self.words):
            if w.text in names and not w.quoted:
                del self.words[i]
                return w.text
        return None

    # ---- attributes -----------------------------------------------------------------------------
    def attr(self, key: str, *aliases: str) -> Attr | None:
        self.known.add(key)
        a = self.attrs.pop(key, None)
        if a is None:
            for k in aliases:
                if k in self.attrs:
                    a = self.attrs.pop(k)
                    break
            else:
                return None
        if a.op != "=":
            self.ctx.error(a, f"`{a.key.text}` takes `=`, not `{a.op}`, in {self.what}")
        return a

    def take(self, key: str, conv: Callable[[str], Any] = str, default: Any = None, *aliases: str,
             required: bool = False) -> Any:
        """The converted value of `key=value`, or `default`."""
        a = self.attr(key, *aliases)
        if a is None:
            if required:
                typo = next((k for k in self.attrs if suggest(k, [key]) == key), None)
                if typo is not None:  # `replica=3` where `replicas=` is required: one error, at the typo
                    self.ctx.error(self.attrs.pop(typo).key, f"unknown attribute `{typo}` for {self.what}",
                                   suggestion=f"`{key}=`")
                else:
                    self.ctx.error(self.stmt, f"{self.what} needs `{key}=`")
            return default
        if len(a.values) != 1:
            self.ctx.error(a, f"`{key}` takes one value in {self.what}")
        word = a.values[0]
        try:  # as ctx.convert, with the message's words put together only for an error
            return conv(word.text)
        except BadValue as exc:
            self.ctx.error(word, f"`{key}` of {self.what}: {exc}", suggestion=getattr(exc, "suggestion", None))
            return default

    def take_list(self, key: str, conv: Callable[[str], Any] = str, default: tuple = (), *aliases: str) -> tuple:
        a = self.attr(key, *aliases)
        if a is None:
            return default
        return tuple(self.ctx.convert(v, conv, f"`{key}` of {self.what}") for v in a.values)

    def choice(self, key: str, choices: dict[str, str], default: str | None = None, *aliases: str) -> str | None:
        """`key=Value` where Value is one of a fixed set (matched without regard to case)."""
        a = self.attr(key, *aliases)
        if a is None:
            return default
        return self.ctx_choice(a.value, choices, f"`{key}` of {self.what}", default)

    def ctx_choice(self, word: Word, choices: dict[str, str], what: str, default: str | None = None) -> str | None:
        return pick(self.ctx, word, choices, what, default)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """Every remaining `k=v` as a pair, in order (labels, node selectors, quota, data)."""
        out = []
        for key, a in list(self.attrs.items()):
            if a.op != "=":
                self.ctx.error(a, f"`{key}{a.op}...` is not allowed in {self.what}; use `{key}=value`")
            out.append((key, a.text))
            del self.attrs[key]
        return tuple(out)

    def done(self) -> None:
        """Report every part nobody consumed."""
        for key, a in self.attrs.items():
            hit = suggest(key, self.known)
            known = sorted(self.known)
            self.ctx.error(a.key, f"unknown attribute `{key}` for {self.what}",
                           suggestion=f"`{hit}=`" if hit else None,
                           expected=[plain_list([f"`{k}=`" for k in known])] if known and not hit else ())
        for w in self.words:
            hit = suggest(w.text, self.known_flags | self.known)
            sug = None
            if hit in self.known_flags:
                sug = f"`{hit}`"
            elif hit:
                sug = f"`{hit}={w.text}`" if hit != w.text else f"`{hit}=...`"
            self.ctx.error(w, f"unexpected `{w.text}` in {self.what}", suggestion=sug)
        for e in self.exprs:
            self.ctx.error(e, f"a selector expression is not allowed in {self.what}")
        self.attrs, self.words, self.exprs = {}, [], []


def pick(ctx: Ctx, word: Word, choices: dict[str, str], what: str, default: str | None = None) -> str | None:
    """One of a fixed set of values, matched without regard to case, with a suggestion."""
    # A short form (`tls`) or the value Kubernetes spells (`kubernetes.io/tls`), in any case.
    low = {**{v.lower(): v for v in choices.values()}, **{k.lower(): v for k, v in choices.items()}}
    hit = low.get(word.text.lower())
    if hit is not None:
        return hit
    near = suggest(word.text.lower(), low)  # suggested as Kubernetes spells it: `NoSchedule`, not `noschedule`
    names = sorted(set(choices.values()))
    ctx.error(word, f"{what}: `{word.text}` is not one of {plain_list(names)}",
              suggestion=f"`{low[near]}`" if near else None)
    return default


def tail_word(where, text: str) -> Word:
    """`text` as a word placed at the end of what `where` spans: the `NoSchedul` of `key=v:NoSchedul`."""
    span = where if isinstance(where, Span) or where is None else getattr(where, "span", None)
    if span is not None and span.line == span.end_line and 0 < len(text) <= span.end_column - span.column:
        span = Span(span.file, span.line, span.end_column - len(text), span.line, span.end_column)
    return Word(text, span=span)


def split_ref(ctx: Ctx, word: Word, namespace: str | None, what: str) -> tuple[str, str]:
    """`ns/name` or `name` (in the enclosing namespace, else `default`)."""
    text = word.text
    if "/" in text:
        ns, name = text.split("/", 1)
        if not ns:
            ctx.error(word, f"`{text}` has nothing before `/`; write NAMESPACE/NAME, or NAME alone")
            return namespace or "default", name
        if namespace is not None and ns != namespace:
            ctx.error(word, f"{what} {text} is written inside namespace {namespace}; "
                            f"write `{name}` or move it out of the namespace block")
        return ns, name
    return namespace or "default", text


def named(ctx: Ctx, stmt: Stmt, kind: str, namespace: str | None = None, *,
          cluster_scoped: bool = False) -> tuple[Head, str | None, str] | None:
    """A statement's head with its NAME read (`ns/name` unless cluster-scoped), or None when it has
    none (already reported); the head's `what` then names the object in messages."""
    head = Head(ctx, stmt, kind)
    w = head.name()
    if w is None:
        return None
    if cluster_scoped:
        head.what = f"{kind} {w.text}"
        return head, None, w.text
    ns, name = split_ref(ctx, w, namespace, kind)
    head.what = f"{kind} {ns}/{name}"
    return head, ns, name
