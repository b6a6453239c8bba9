"""Manifests that YAML's or JSON's reader refuses, or that nest past MAX_DEPTH, are located errors of
`kdsl import` and `kdsl run x.yaml`, never a ReaderError or a RecursionError."""

from __future__ import annotations

import pytest

from kdsl.cli import main
from kdsl.core.errors import KdslError
from kdsl.interop.reader import MAX_DEPTH, read_text

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
JSON_HEAD = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": '


def _error(text: str, name: str):
    with pytest.raises(KdslError) as info:
        read_text(text, name)
    (d,) = info.value.diagnostics
    return d


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b"])
def test_yaml_nul_or_control_character_is_a_located_error_not_readererror(char):
    d = _error(HEAD + f"data: {{k: v{char}}}\n", "a.yaml")
    assert (d.file, d.line, d.column) == ("a.yaml", 4, 12)
    assert d.message == f"not valid YAML: character #x{ord(char):04x} is not allowed (YAML takes printable " \
                        "characters only)"


def test_yaml_deeply_nested_is_refused_not_recursionerror():
    d = _error(HEAD + "data: " + "[" * 5000 + "]" * 5000 + "\n", "a.yaml")
    assert d.message == f"not read: it nests deeper than {MAX_DEPTH} levels"


def test_yaml_nesting_just_past_the_limit_is_placed_at_the_node():
    d = _error(HEAD + "data: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "a.yaml")
    assert (d.line, d.column, d.message) == (4, 6 + MAX_DEPTH, f"not read: it nests deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize("depth", [150, 50_000])
def test_json_deeply_nested_is_refused_not_recursionerror(depth):
    d = _error(JSON_HEAD + "[" * depth + "]" * depth + "}\n", "a.json")
    assert d.message == f"not read: it nests deeper than {MAX_DEPTH} levels" and d.file == "a.json"


def test_kdsl_import_of_a_control_character_exits_1_with_the_place(tmp_path, capsys):
    path = tmp_path / "a.yaml"
    path.write_text(HEAD.replace("name: a", "name: a\x01"), encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3:19: error: not valid YAML: character #x0001" in err and "Traceback" not in err


def test_yaml_alias_bomb_is_refused_before_expansion_at_import():
    from tests.core.test_yamls import BOMB

    d = _error(HEAD + "data:\n" + "".join("  " + line + "\n" for line in BOMB.splitlines()), "a.yaml")
    assert d.message == "not valid YAML: document contains excessive aliasing"


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {x, y}"])
def test_binary_and_set_tags_are_refused_on_import_at_their_place(tag):
    d = _error(HEAD + f"data:\n  k: {tag}\n", "a.yaml")
    assert (d.line, d.column) == (5, 6)
    assert d.message.startswith(f"not valid YAML: the tag {tag.split()[0]} is not allowed")


def test_manifest_text_given_as_a_path_is_a_usage_error_not_oserror():
    # kdsl.from_manifests(open(f).read()): the text where a path goes (found in a notebook: an OSError traceback)
    import kdsl
    from kdsl.core.errors import UsageError

    with pytest.raises(UsageError, match=r"give it as text=\.\.\."):
        kdsl.from_manifests(HEAD + "data: {k: v}\n")


def test_a_path_too_long_for_the_file_system_is_a_located_error():
    import kdsl

    with pytest.raises(KdslError) as info:
        kdsl.from_manifests("a" * 5000 + ".yaml")
    (d,) = info.value.diagnostics
    assert d.message.startswith("cannot read manifests: ") and d.file == "a" * 5000 + ".yaml"
