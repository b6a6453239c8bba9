"""The LALR driver's shortcuts (word runs, shared separators, remembered keyword fits) change no token, span or message."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kdsl.core.errors import KdslSyntaxError
from kdsl.lang.parser import _get_machine, parse_document
from kdsl.lang.syntax import Attr, Kw, Word

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import parse as bench  # noqa: E402  (the benchmark's generator: a realistic large scenario)

TRICKY = ('a-b->c x:y key:=v a::b "x"=y k!=v k>=1 k<=2 k~"re" a,b p=1,2,"3" w-- -> : ;; # c\n'
          'name=a:b lbl=x-y image=r.io/a/b:1.2@sha256:ab ports 80->http:30080 !k k in (a,b) """t"""\n')


def corpus() -> list[str]:
    files = sorted(p for p in ROOT.rglob("*.kdsl") if ".venv" not in p.parts)
    return [p.read_text(encoding="utf-8") for p in files] + [bench.generate(3000), TRICKY]


# WORD, STRING and TRIPLE as the grammar wrote them before they became possessive runs: one loop turn a character.
# (Lark writes the grammar's `\n` as a newline character, hence the plain strings with `\n` below.)
_C = r'[^\s=;{}#"(),<>!~:\-]'
_D = r'(?:-(?!>)|:(?=[^\s;{}#,()]))'
_SIMPLE = {
    f"(?:{_C}|{_D}){_C}*+(?:{_D}{_C}*+)*+": r'(?:[^\s=;{}#"(),<>!~:\-]|-(?!>)|:(?=[^\s;{}#,()]))+',
    '"[^"\\\\\n]*+(?:\\\\.[^"\\\\\n]*+)*+"': '"(?:[^"\\\\\n]|\\\\.)*"',
    r'"""[^"\\]*+(?:(?:\\.|"(?!""))[^"\\]*+)*+"""': r'"""(?:[^"\\]|\\.|"(?!""))*"""',
}


def test_the_possessive_runs_lex_as_the_simple_patterns_did():
    machine = _get_machine()
    simple = machine.master.pattern
    for new, old in _SIMPLE.items():
        assert new in simple, new
        simple = simple.replace(new, old)
    plain = re.compile(simple)
    for text in corpus():
        pos = 0
        while pos < len(text):
            fast, slow = machine.master.match(text, pos), plain.match(text, pos)
            assert (fast and (fast.lastgroup, fast.span())) == (slow and (slow.lastgroup, slow.span()))
            if fast is None:
                break
            pos = fast.end() if fast.end() > pos else pos + 1


def test_spans_of_a_statement_and_its_parts():
    doc = parse_document('deployment web {\n  container app image=nginx {\n    requests cpu=250m memory=1Gi  # two\n'
                         '  }\n}\n', "f.kdsl")
    req = doc.stmts[0].block[0].block[0]
    kw, cpu, mem = req.head
    assert kw == Kw("requests") and type(cpu) is Attr
    assert (kw.span.line, kw.span.column, kw.span.end_column) == (3, 5, 13)
    assert (cpu.key.span.column, cpu.key.span.end_column, cpu.value.span.column, cpu.value.span.end_column) \
        == (14, 17, 18, 22)
    assert (cpu.span.column, cpu.span.end_column, mem.span.column, mem.span.end_column) == (14, 22, 23, 33)
    assert cpu.value == Word("250m") and cpu.key.span.file == "f.kdsl"
    assert (req.span.line, req.span.column, req.span.end_line, req.span.end_column) == (3, 5, 3, 33)
    assert doc.stmts[0].end_line == 5 and doc.stmts[0].block[0].end_line == 4
    assert [(c.text, c.line, c.column) for c in doc.comments] == [("# two", 3, 35)]


# Messages as the driver gave them before separators shared one token (checked against that version).
@pytest.mark.parametrize("text, message", [
    ("namespace a\nnamespace\n", "f.kdsl:2:10: error: unexpected end of line"),
    ("pod p image=x; ;\nnamespace ;\n", "f.kdsl:2:11: error: unexpected end of line"),
    ("namespace a # hi\nnamespace # c\n", "f.kdsl:2:11: error: unexpected end of line"),
    ("namespace a {\n  labels a=b\n", "f.kdsl:1:13: error: the block opened at line 1, column 13 is not closed"),
    ("pod p image=x\n}\n", "f.kdsl:2:1: error: unexpected `}`"),
    ("namespace a { quota ; }\nat 1s: ;\n", "f.kdsl:2:8: error: unexpected end of line"),
    ("namespace a \\\n  b\nnamespace\n", "f.kdsl:3:10: error: unexpected end of line"),
])
def test_a_separator_in_a_message_has_its_place(text, message):
    with pytest.raises(KdslSyntaxError) as exc:
        parse_document(text, "f.kdsl")
    assert str(exc.value).startswith(message)


def test_a_keyword_where_only_a_word_fits_is_a_word_every_time():
    # `pods` follows a selector in a network policy, so LALR may reduce on it where it cannot follow; the
    # answer is remembered by the states the reductions read, and must not leak between the two places.
    text = "cluster c {\n  nodes n count=1 cpu=1 memory=1Gi pods=3\n}\n" * 3
    doc = parse_document(text)
    assert [s.kind for s in doc.stmts] == ["cluster"] * 3
    assert all(any(type(p) is Attr and p.key.text == "pods" for p in s.block[0].head) for s in doc.stmts)
