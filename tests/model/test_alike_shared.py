"""What alike entries of one shape share (alike_objects.nested, spans_at: made once for their paths) is what each
would make on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.lang import parse_document
from kdsl.model.build import alike_objects
from kdsl.model.build.alike_objects import MISSING, found, nest, nested, places_by_id, spans_at

_PATHS = st.lists(st.lists(st.sampled_from(["template", "containers", 0, 1, "name", "span", "labels"]), min_size=1,
                           max_size=4).map(tuple), min_size=1, max_size=6, unique=True).map(tuple)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PATHS, min_size=1, max_size=4))
def test_a_shared_nest_is_each_ones_nest(sets):
    for paths in sets:  # several sets one after another: each gets its own plan, not another's
        if all(not any(p[:len(q)] == q for q in paths if q != p) for p in paths):  # (no leaf under another)
            assert nested(paths) == nest(list(enumerate(paths)), 0)
            assert nested(paths) is nested(paths)


_LINES = st.lists(st.tuples(st.sampled_from(["pod", "deployment"]), st.sampled_from(["a", "web-1", "p7"]),
                            st.sampled_from(["image=x", "image=y cpu=1", "image=z { labels app=a }", ""])),
                  min_size=1, max_size=6)


@settings(max_examples=100, deadline=None)
@given(_LINES)
def test_shared_spans_at_reads_each_statements_own_spans(lines):
    text = "namespace n {\n" + "".join(f"  {k} {n} {h}\n" for k, n, h in lines) + "}\n"
    stmts = parse_document(text, "shared.kdsl").stmts[0].block
    for stmt in stmts:
        places: dict = {}
        places_by_id(stmt, (), places)
        pairs = tuple((tuple(at), tuple(at)) for at in list(places.values())[:3])
        own = alike_objects._spans_at(pairs)
        for other in stmts:  # another statement's spans where it has the same places, as a fresh function reads them
            try:
                want = own(other, found, MISSING)
            except (IndexError, TypeError):
                continue
            assert spans_at(pairs)(other, found, MISSING) == want
            assert want is None or all(a is b for x, y in zip(spans_at(pairs)(other, found, MISSING), want)
                                       for a, b in zip(x, y))


def test_a_thousand_keys_of_one_shape_share_their_plan_and_spans():
    pods = "".join(f"  pod p{i} image=img:{i % 50} {{ labels app=a{i % 1000} }}\n" for i in range(2000))
    alike_objects._NESTS.clear()
    alike_objects._CODE.clear()
    import kdsl
    kdsl.parse("namespace n {\n" + pods + "}\n")
    # one plan, and one maker's code (which reads the noted names' spans too: compiled with `noted`)
    makers = [source for source in alike_objects._CODE if source.startswith("def make(s, t, found, MISSING, note):")]
    assert len(alike_objects._NESTS) == 1 and len(makers) == 1
