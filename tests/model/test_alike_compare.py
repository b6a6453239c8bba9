"""An entry's comparison of a statement with its first (alike_objects.compare, compiled once a shape of statement and
handed each entry's constants) says what the nodes' equality says, for entries of one shape made in any order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.lang import parse_document
from kdsl.model.build import alike, alike_compare, alike_objects, alike_words
from tests.model import test_alike, test_alike_words

TEXTS = st.one_of(
    st.builds(test_alike_words._text, st.sampled_from(["deployment", "pod", "job"]),
              st.sampled_from(["", " replicas=3"]), test_alike_words.EXTRAS,
              st.sampled_from(["port http 8080", 'env A="1"\nmount v at /x']),
              test_alike_words.STMTS),
    st.builds(test_alike._service_text, st.sampled_from(test_alike.SERVICE_HEADS), test_alike.SERVICE_LINES))


def _stmts(text: str):
    try:
        doc = parse_document(text, "alike.kdsl")
    except KdslError:
        return []
    out = []
    for s in doc.stmts:
        out += list(s.block or ()) if s.kind == "namespace" else [s]
    return out


@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
def test_both_ways_of_comparing_agree_with_node_equality(text):
    stmts = _stmts(text)
    for a in stmts:
        slots = (alike._service_slots if a.kind == "service" else alike_objects.word_slots)(a)
        if slots is None:
            continue
        same = alike_compare.compare(a, alike_words._trie(slots))
        for b in stmts:
            assert same(b) == alike_words._alike(a, b, alike_words._trie(slots))


def test_entries_of_one_shape_share_their_code_and_keep_their_constants():
    pods = "".join(f"  pod p{i} image=img:{i % 3} cpu={i % 2 + 1} {{ labels app=a{i % 3} }}\n" for i in range(12))
    doc = parse_document("namespace n {\n" + pods + "}\n", "x.kdsl")
    stmts = list(doc.stmts[0].block)
    alike_compare._SHAPES.clear()
    sames = [alike_compare.compare(a, {1: {1: True}}) for a in stmts[:6]]
    assert len(alike_compare._SHAPES) == 1
    assert [[j for j, b in enumerate(stmts) if same(b)] for same in sames] == [
        [j for j in range(12) if j % 6 == i] for i in range(6)]
