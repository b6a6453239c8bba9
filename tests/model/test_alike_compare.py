"""An entry's comparison of a statement with its first (alike_objects.compare) says the same compiled either way: by
each node's equality off the holes' paths, or node by node once the entry was met INLINE_AFTER times; and the
statements made with it build as each on its own, whichever way it was compiled."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.core.errors import KdslError
from kdsl.lang import parse_document
from kdsl.model.build import alike, alike_objects, alike_words
from tests.model import test_alike, test_alike_words

TEXTS = st.one_of(
    st.builds(test_alike_words._text, st.sampled_from(["deployment", "pod", "job"]), st.sampled_from(["", " replicas=3"]),
              test_alike_words.EXTRAS, st.sampled_from(["port http 8080", 'env A="1"\nmount v at /x']),
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
        slots = (alike._service_slots if a.kind == "service" else alike_words._slots)(a)
        if slots is None:
            continue
        trie = alike_words._trie(slots)
        quick, inline = alike_objects._same(a, trie, False), alike_objects._same(a, trie, True)
        for b in stmts:
            assert quick(b) == inline(b) == alike_words._alike(a, b, trie)


@pytest.mark.parametrize("test", [test_alike.test_alike_statements_build_as_each_on_its_own,
                                  test_alike_words.test_statements_alike_but_for_words_build_as_each_on_its_own,
                                  test_alike.test_services_alike_but_for_words_build_as_each_on_its_own])
def test_statements_made_with_the_inline_comparison_build_as_each_on_its_own(test, monkeypatch):
    monkeypatch.setattr(alike_objects, "INLINE_AFTER", 1)  # from an entry's first use
    test()
