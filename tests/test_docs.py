"""The docs stay true: every ```kdsl block parses and survives `kdsl fmt`, every keyword is documented,
the CLI transcripts in docs/cli.md are what the CLI prints, and docs/api.md's doctests are collected."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
import sys
from pathlib import Path

import pytest

import kdsl
from kdsl import cli
from kdsl.lang.fmt import format_document
from kdsl.lang.grammar import keyword_terminals
from kdsl.lang.parser import parse_document

DOCS = Path(__file__).resolve().parents[1] / "docs"
LANGUAGE = DOCS / "language.md"
CLI = DOCS / "cli.md"
API = DOCS / "api.md"

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def fenced(path: Path, lang: str) -> list[tuple[int, str]]:
    """(line, text) of every fenced block of a language in a Markdown file."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in _FENCE.finditer(text) if m.group(1) == lang]


KDSL_BLOCKS = [(f"{p.name}:{line}", body) for p in sorted(DOCS.glob("*.md")) for line, body in fenced(p, "kdsl")]


def test_docs_have_kdsl_examples():
    assert len([b for b in KDSL_BLOCKS if b[0].startswith("language.md")]) >= 30


@pytest.mark.parametrize("where,text", KDSL_BLOCKS, ids=[w for w, _ in KDSL_BLOCKS])
def test_kdsl_block_parses(where, text):
    kdsl.parse(text, where.split(":")[0])  # raises KdslSyntaxError or ScenarioError with every message


@pytest.mark.parametrize("where,text", KDSL_BLOCKS, ids=[w for w, _ in KDSL_BLOCKS])
def test_kdsl_block_survives_fmt(where, text):
    formatted = format_document(parse_document(text))
    assert kdsl.parse(formatted) == kdsl.parse(text)
    assert format_document(parse_document(formatted)) == formatted


def _keywords() -> list[str]:
    return sorted(v for v in keyword_terminals().values() if v[:1].isalpha())


@pytest.mark.parametrize("word", _keywords())
def test_every_keyword_is_documented(word):
    text = LANGUAGE.read_text(encoding="utf-8")
    assert f"`{word}`" in text, f"keyword `{word}` is not in docs/language.md"


def test_every_keyword_appears_in_an_example():
    examples = " ".join(body for _, body in KDSL_BLOCKS)
    missing = [w for w in _keywords() if not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", examples)]
    assert not missing, f"no ```kdsl example uses {missing}"


# ---- docs/cli.md: `$ kdsl ...` transcripts, run in-process against the files the page shows ----------

_FILE_MARK = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)^```", re.S | re.M)


def _cli_files() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _FILE_MARK.finditer(CLI.read_text(encoding="utf-8"))}


def _transcripts() -> list[tuple[str, str, str]]:
    """(where, command line, expected output) of each `$ kdsl` command in a ```console block."""
    out = []
    for line, body in fenced(CLI, "console"):
        for i, chunk in enumerate(re.split(r"^(?=\$ )", body, flags=re.M)):
            if chunk.startswith("$ kdsl"):
                command, _, output = chunk.partition("\n")
                out.append((f"cli.md:{line + 1 + body[:body.index(chunk)].count(chr(10))}", command[2:], output))
    return out


TRANSCRIPTS = _transcripts()


def _run(argv: list[str], stdin: str | None) -> tuple[str, int]:
    buf = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                status = cli.main(argv)
            except SystemExit as exc:  # argparse: --version, --help and usage errors
                status = exc.code or 0
    finally:
        sys.stdin = old_stdin
    return buf.getvalue(), status


def test_cli_page_has_transcripts():
    assert len(TRANSCRIPTS) >= 8
    assert {"check", "fmt"} <= {shlex.split(c)[1] for _, c, _ in TRANSCRIPTS if len(shlex.split(c)) > 1}


@pytest.mark.parametrize("where,command,expected", TRANSCRIPTS, ids=[w for w, _, _ in TRANSCRIPTS])
def test_cli_transcript(where, command, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    for name, text in _cli_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    expected_status = None  # a transcript shows the status only with `; echo "exit $?"`
    if command.endswith('; echo "exit $?"'):
        command = command[:-len('; echo "exit $?"')]
        expected, _, last = expected.rstrip("\n").rpartition("\n")
        expected = expected + "\n" if expected else ""
        expected_status = int(last.removeprefix("exit "))
    words = shlex.split(command)
    stdin = None
    if "<" in words:
        i = words.index("<")
        stdin = (tmp_path / words[i + 1]).read_text(encoding="utf-8")
        words = words[:i] + words[i + 2:]
    output, status = _run(words[1:], stdin)
    assert output == expected
    if expected_status is not None:
        assert status == expected_status


# ---- docs/api.md: its examples are doctests, and pytest really collects them ---------------------------


def test_api_doctests_are_found():
    """`--doctest-glob=*.md` reads the whole file: `>>>` lines in ```pycon blocks become examples."""
    examples = doctest.DocTestParser().get_examples(API.read_text(encoding="utf-8"))
    assert len(examples) >= 15
    for ex in examples:
        # a closing fence right after an output line would be read as part of the expected output
        assert "```" not in ex.want, f"docs/api.md line {ex.lineno + 1}: leave a blank line before the closing fence"


def test_docs_doctest_glob_is_configured():
    pyproject = (DOCS.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"docs"' in pyproject and "--doctest-glob=*.md" in pyproject
