"""Includes are confined: relative to the including file, inside the scenario's folder (or one allowed),
regular files of bounded size; a refusal is located at the path and never shows the other file's content."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import kdsl
from kdsl.model.build import includes

SECRET = "root:x:0:0:root:/root:/bin/bash"


def _errors(main, **kw) -> list[tuple[int, int, str]]:
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.load(main, **kw)
    assert SECRET not in str(info.value) and "root:x" not in str(info.value)
    return [(d.line, d.column, d.message) for d in info.value.errors]


@pytest.fixture
def tree(tmp_path):
    """tmp/outside/passwd (a file kdsl must not show) and tmp/scenario/ holding the scenario."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "scenario" / "parts").mkdir(parents=True)
    return tmp_path


def _main(tree, text: str):
    main = tree / "scenario" / "main.kdsl"
    main.write_text(text, encoding="utf-8")
    return main


def test_include_of_an_absolute_path_is_refused_without_reading_it(tree):
    main = _main(tree, f'include "{tree / "outside" / "passwd"}"\n')
    assert _errors(main) == [(1, 9, f'cannot include "{tree / "outside" / "passwd"}": an include path is relative '
                                    "to the including file, not absolute")]


def test_include_of_dot_dot_etc_passwd_is_refused_and_never_shows_its_first_line(tree):
    main = _main(tree, 'include "../outside/passwd"\n')
    ((line, column, message),) = _errors(main)
    assert (line, column) == (1, 9)
    assert message.startswith(f'cannot include "../outside/passwd": it is outside the scenario\'s folder '
                              f"{tree / 'scenario'}; includes stay inside it (allow another folder with "
                              "--allow-include DIR")


def test_include_through_a_symlink_that_leaves_the_folder_is_refused(tree):
    (tree / "scenario" / "link.kdsl").symlink_to(tree / "outside" / "passwd")
    ((_, _, message),) = _errors(_main(tree, 'include "link.kdsl"\n'))
    assert "it is outside the scenario's folder" in message


def test_include_from_a_nested_file_cannot_climb_out_either(tree):
    (tree / "scenario" / "parts" / "a.kdsl").write_text('include "../../outside/passwd"\n', encoding="utf-8")
    main = _main(tree, 'include "parts/a.kdsl"\n')
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.load(main)
    (d,) = info.value.errors
    assert d.file.endswith("a.kdsl") and "outside the scenario's folder" in d.message and SECRET not in str(info.value)


def test_include_allowed_by_allow_include_is_read(tree):
    (tree / "outside" / "ns.kdsl").write_text("namespace shared\n", encoding="utf-8")
    main = _main(tree, 'include "../outside/ns.kdsl"\n')
    assert "shared" in kdsl.load(main, allow_include=[tree / "outside"]).namespaces


def test_include_symlink_loop_is_a_located_error_not_runtimeerror(tree):
    loop = tree / "scenario" / "loop.kdsl"
    loop.symlink_to(loop)
    assert _errors(_main(tree, 'include "loop.kdsl"\n')) == [
        (1, 9, 'cannot include "loop.kdsl": its symbolic links form a loop')]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_include_of_a_fifo_is_refused_without_blocking(tree):
    os.mkfifo(tree / "scenario" / "fifo")
    main = _main(tree, 'include "fifo"\n')
    # in a subprocess under an alarm: before the fix, opening the FIFO waited for a writer forever
    code = ("import signal, kdsl, sys\nsignal.alarm(60)\n"
            f"try:\n    kdsl.load({str(main)!r})\nexcept kdsl.KdslSyntaxError as e:\n    print(e.errors[0].message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == 'cannot include "fifo": it is not a regular file; an include reads a regular file'


def test_include_of_dev_zero_is_refused_before_any_read(tree):
    (tree / "scenario" / "zero").symlink_to("/dev/zero")
    main = _main(tree, 'include "zero"\n')
    assert _errors(main, allow_include=["/dev"]) == [
        (1, 9, 'cannot include "zero": it is not a regular file; an include reads a regular file')]


def test_include_of_a_folder_is_refused(tree):
    assert _errors(_main(tree, 'include "parts"\n')) == [
        (1, 9, 'cannot include "parts": it is a folder; an include reads a regular file')]


def test_include_larger_than_the_cap_is_refused_unread(tree, monkeypatch):
    monkeypatch.setattr(includes, "MAX_INCLUDE_BYTES", 100)
    (tree / "scenario" / "big.kdsl").write_text("# " + "x" * 200 + "\n", encoding="utf-8")
    assert _errors(_main(tree, 'include "big.kdsl"\n')) == [
        (1, 9, 'cannot include "big.kdsl": it is larger than 100 bytes, the most an included file may be')]


def test_includes_nested_deeper_than_the_limit_are_refused(tree):
    depth = includes.MAX_INCLUDE_DEPTH + 2
    for i in range(depth):
        (tree / "scenario" / f"f{i}.kdsl").write_text(f'include "f{i + 1}.kdsl"\n', encoding="utf-8")
    (tree / "scenario" / f"f{depth}.kdsl").write_text("namespace deep\n", encoding="utf-8")
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.load(tree / "scenario" / "f0.kdsl")
    (d,) = info.value.errors
    assert d.message == f'cannot include "f{includes.MAX_INCLUDE_DEPTH + 1}.kdsl": includes nest deeper than ' \
                        f"{includes.MAX_INCLUDE_DEPTH} files"


def test_include_an_unreadable_file_error_does_not_quote_its_first_line(tree):
    target = tree / "scenario" / "secret.kdsl"
    target.write_text(SECRET + "\n", encoding="utf-8")
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as a user who reads any file")
        assert _errors(_main(tree, 'include "secret.kdsl"\n')) == [
            (1, 9, 'cannot include "secret.kdsl": Permission denied')]
    finally:
        target.chmod(0o600)


def test_cli_allow_include_lets_check_read_another_folder(tree, capsys):
    from kdsl.cli import main as cli

    (tree / "outside" / "ns.kdsl").write_text("namespace shared\n", encoding="utf-8")
    main = _main(tree, 'include "../outside/ns.kdsl"\n')
    assert cli(["check", str(main)]) == 1
    assert "outside the scenario's folder" in capsys.readouterr().err
    assert cli(["check", "--allow-include", str(tree / "outside"), str(main)]) == 0
