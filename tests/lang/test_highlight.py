"""The Pygments lexer: found through its entry point, keywords from the grammar, no Error tokens."""

from pathlib import Path

import pygments.lexers
import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from kdsl.lang import parse_document
from kdsl.lang.grammar import keyword_terminals
from kdsl.lang.highlight import KdslLexer, keywords

SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.kdsl"))

SHOP = '''\
# the shop
deployment web replicas=3 {
  container nginx image=nginx:1.25 {   # one container
    env GREETING="hello \\"world\\""
    requests cpu=250m memory=10Gi
  }
  yaml """
  spec: {paused: false}
  """
}
at 1m30s: scale shop/web replicas=25%
'''


def tokens(text: str) -> list[tuple]:
    return [(t, v) for t, v in KdslLexer().get_tokens(text) if v.strip()]


def kinds(text: str, value: str) -> set:
    return {t for t, v in tokens(text) if v == value}


def test_found_by_name_and_by_filename():
    assert type(pygments.lexers.get_lexer_by_name("kdsl")) is KdslLexer
    assert type(pygments.lexers.get_lexer_for_filename("shop.kdsl")) is KdslLexer


def test_keywords_come_from_the_grammar():
    literals = {v for v in keyword_terminals().values() if v[:1].isalpha()}
    assert set(keywords()) == literals
    assert {"deployment", "container", "node-selector", "anti-affinity", "expect"} <= literals


@pytest.mark.parametrize("word", keywords())
def test_every_keyword_is_highlighted(word):
    assert tokens(word) == [(Keyword, word)]


def test_sample_token_kinds():
    assert kinds(SHOP, "deployment") == {Keyword}
    assert kinds(SHOP, "container") == {Keyword}
    assert kinds(SHOP, "# the shop") == {Comment.Single}
    assert kinds(SHOP, "# one container") == {Comment.Single}
    assert kinds(SHOP, "hello ") == {String.Double}
    assert kinds(SHOP, '\\"') == {String.Escape}
    assert kinds(SHOP, '"""') == {String.Double}
    assert kinds(SHOP, "replicas") == {Name.Attribute}
    assert kinds(SHOP, "=") == {Operator}
    assert kinds(SHOP, ":") == {Operator}
    for amount in ("3", "250m", "10Gi", "1m30s", "25%"):
        assert kinds(SHOP, amount) == {Number}, amount
    assert kinds(SHOP, "nginx:1.25") == {Name}
    assert kinds(SHOP, "shop/web") == {Name}


def test_operators_and_attribute_forms():
    text = 'service web ports 80->8080\nexpect events shop count>=1 message~"x" tier!=db\n'
    assert kinds(text, "->") == {Operator}
    assert {t for t, v in tokens(text) if v in (">=", "~", "!=")} == {Operator}
    assert {t for t, v in tokens(text) if v in ("count", "message", "tier")} == {Name.Attribute}
    assert kinds('configmap c { KEY = "v" }\n', "KEY") == {Name.Attribute}


def test_a_keyword_inside_a_longer_word_is_a_name():
    assert kinds("pod pod-a image=busybox\n", "pod-a") == {Name}
    assert kinds("pod nodes2 image=busybox\n", "nodes2") == {Name}


def test_the_samples_are_whole_statements():
    assert len(SAMPLES) >= 8
    for path in SAMPLES:
        assert parse_document(path.read_text(), str(path)).stmts, path.name


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_highlight_without_errors(path):
    text = path.read_text()
    toks = list(KdslLexer().get_tokens(text))
    assert [v for t, v in toks if t in Error] == []
    assert "".join(v for _, v in toks) == text
    assert any(t in Keyword for t, _ in toks)
