"""The grammar's LALR tables: built once, kept in the user's cache folder, rebuilt when that copy is unusable."""

from __future__ import annotations

import os

import lark
import pytest

from kdsl.lang import grammar


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    grammar.lark_parser.cache_clear()
    yield tmp_path / "kdsl"
    grammar.lark_parser.cache_clear()


def _table(parser: lark.Lark) -> dict:
    table = parser.parser.parser._parse_table
    return {state: {t: (str(a), b if isinstance(b, int) else (str(b.origin.name), tuple(map(str, b.expansion))))
                    for t, (a, b) in acts.items()} for state, acts in table.states.items()}


def test_the_kept_tables_are_the_built_ones(cache):
    built = grammar.lark_parser()
    [kept] = cache.iterdir()
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    grammar.lark_parser.cache_clear()
    loaded = grammar.lark_parser()
    assert loaded is not built
    assert _table(loaded) == _table(built)
    assert [(t.name, t.pattern.to_regexp()) for t in loaded.terminals] == \
        [(t.name, t.pattern.to_regexp()) for t in built.terminals]
    assert kept.name.startswith("grammar-")


def test_a_cut_short_copy_is_rebuilt_and_replaced(cache):
    grammar.lark_parser()
    [kept] = cache.iterdir()
    kept.write_bytes(kept.read_bytes()[:1000])
    grammar.lark_parser.cache_clear()
    assert grammar.lark_parser().terminals
    assert kept.stat().st_size > 1000


def test_a_folder_others_may_write_is_not_trusted(cache):
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    assert grammar._cached("x") is None
    assert grammar.lark_parser().terminals
    assert list(cache.iterdir()) == []
