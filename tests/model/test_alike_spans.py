"""An alike entry's object walked for its spans by their identities (alike_objects.spans_in, places_by_id) finds what
diff(obj, obj) finds by their values: the same paths, each at one of diff's places and the same span there."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslSyntaxError, Span
from kdsl.lang import parse_document
from kdsl.lang.syntax import Stmt
from kdsl.model.build.alike_objects import (
    NotAlike,
    at_path,
    diff,
    places_by_id,
    places_of,
    spans_in,
)
from kdsl.model.build.context import Ctx
from kdsl.model.build.workloads import build_workload
from tests.model.test_alike import BLOCKS, HEADS, ROOT


def _walked(stmt: Stmt, obj):
    """(diff's spans by value, spans_in's by identity); None where one refuses the object."""
    by_value: dict = {}
    by_id: dict = {}
    places_of(stmt, (), by_value)
    places_by_id(stmt, (), by_id)
    out = []
    for walk in (lambda o: diff(obj, obj, (), by_value, {}, o), lambda o: spans_in(obj, (), by_id, o)):
        found: dict = {}
        try:
            walk(found)
        except NotAlike:
            found = None
        out.append(found)
    return out


def _assert_alike(stmt: Stmt, obj) -> None:
    plain, fast = _walked(stmt, obj)
    assert (plain is None) == (fast is None)
    if plain is not None:
        assert list(plain) == list(fast)
        for path, (_, at) in fast.items():
            assert set(at) <= set(plain[path][1])
            assert at_path(stmt, at[0])._key() == at_path(stmt, plain[path][1][0])._key()


def _workloads(text: str):
    try:
        doc = parse_document(text, "spans.kdsl")
    except KdslSyntaxError:  # (a few of test_alike's blocks do not parse: not this test's subject)
        return
    for s in doc.stmts:
        for t in (s.block or ()) if s.kind == "namespace" else (s,):
            if t.kind == "workload":
                ctx = Ctx({doc.name: doc.source})
                yield t, build_workload(ctx, t, "bench")


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["pod", "deployment", "statefulset", "daemonset", "replicaset", "job", "cronjob"]),
       head=HEADS, block=BLOCKS)
def test_spans_found_by_identity_are_diffs(kind, head, block):
    text = f"namespace bench {{\n  {kind} p1 {head}" + (" { " + "; ".join(block) + " }" if block else "") + "\n}\n"
    for stmt, obj in _workloads(text):
        _assert_alike(stmt, obj)


def test_spans_of_the_repository_s_workloads():
    walked = 0
    for path in sorted(p for p in ROOT.glob("**/*.kdsl") if ".venv" not in p.parts):
        try:
            found = list(_workloads(path.read_text(encoding="utf-8")))
        except Exception:  # noqa: BLE001, S112 - a file this test cannot read alone (includes, errors): not its subject
            continue
        for stmt, obj in found:
            _assert_alike(stmt, obj)
            walked += 1
    assert walked > 20


@attrs.frozen
class _Held:
    span: Span
    _hidden: Span | None = None  # a field evolve cannot set (as `_`-named): a span there stops an entry
    late: Span | None = attrs.field(default=None, init=False)


def test_a_span_where_evolve_cannot_set_it_is_refused_both_ways():
    stmt = parse_document("pod p image=x\n", "spans.kdsl").stmts[0]
    s = stmt.span
    assert _walked(stmt, _Held(s)) == [{("span",): ("span", ((3,),))}] * 2
    assert _walked(stmt, _Held(s, s)) == [None, None]
    assert _walked(stmt, (s, 1, "x", _Held(s))) == [{(0,): ("span", ((3,),)), (3, "span"): ("span", ((3,),))}] * 2
    assert _walked(stmt, (object(),)) == [None, None]  # a type diff does not know
