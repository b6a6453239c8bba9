"""The docs stay true: every ```kdsl block parses and survives `kdsl fmt`, every keyword is documented,
the CLI transcripts in docs/cli.md and docs/concepts.md are what the CLI prints, and docs/api.md's doctests are
collected."""

from __future__ import annotations

import ast
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
CONCEPTS = DOCS / "concepts.md"
TRANSCRIPT_PAGES = (CLI, CONCEPTS)  # pages whose ```console blocks are run again

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def fenced(path: Path, lang: str) -> list[tuple[int, str]]:
    """(line, text) of every fenced block of a language in a Markdown file."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(2)) for m in _FENCE.finditer(text) if m.group(1) == lang]


KDSL_BLOCKS = [(f"{p.name}:{line}", body) for p in sorted(DOCS.glob("*.md")) for line, body in fenced(p, "kdsl")]


def _docs_file(where: str) -> str:
    """The page's path, so that `include` in an example is relative to docs/ (docs/examples/...)."""
    return str(DOCS / where.split(":")[0])


def test_docs_have_kdsl_examples():
    assert len([b for b in KDSL_BLOCKS if b[0].startswith("language.md")]) >= 30


@pytest.mark.parametrize("where,text", KDSL_BLOCKS, ids=[w for w, _ in KDSL_BLOCKS])
def test_kdsl_block_parses(where, text):
    kdsl.parse(text, _docs_file(where))  # raises KdslSyntaxError or ScenarioError with every message


@pytest.mark.parametrize("where,text", KDSL_BLOCKS, ids=[w for w, _ in KDSL_BLOCKS])
def test_kdsl_block_survives_fmt(where, text):
    formatted = format_document(parse_document(text))
    assert kdsl.parse(formatted, _docs_file(where)) == kdsl.parse(text, _docs_file(where))
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


def _builder_words() -> list[tuple[str, str, str]]:
    """(word, "attribute"|"flag", where) for every `head.take("x", ...)`, `take_list`, `choice`, `attr`
    and `flag` call in the model builders: the key and its aliases (positions 0 and 3+), or the flags."""
    out: dict[tuple[str, str], str] = {}
    for path in sorted((DOCS.parent / "kdsl" / "model" / "build").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            if method not in ("take", "take_list", "choice", "attr", "flag"):
                continue
            for i, arg in enumerate(node.args):
                named = method in ("attr", "flag") or i == 0 or i >= 3
                if named and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    kind = "flag" if method == "flag" else "attribute"
                    out.setdefault((arg.value, kind), f"{path.name}:{node.lineno}")
    return [(word, kind, where) for (word, kind), where in sorted(out.items())]


BUILDER_WORDS = _builder_words()


def test_builders_are_read():
    assert len(BUILDER_WORDS) >= 80


@pytest.mark.parametrize("word,kind,where", BUILDER_WORDS, ids=[f"{k}:{w}" for w, k, _ in BUILDER_WORDS])
def test_every_attribute_and_flag_is_documented(word, kind, where):
    text = LANGUAGE.read_text(encoding="utf-8")
    w = re.escape(word)
    pattern = rf"`[^`\n]*(?<![\w.-]){w}=" if kind == "attribute" else rf"`[^`\n]*(?<![\w.-]){w}(?![\w.=-])[^`\n]*`"
    assert re.search(pattern, text), f"the {kind} `{word}` ({where}) is not in docs/language.md"


def _vocabulary() -> list[tuple[str, str]]:
    """The fixed vocabularies the builders accept: expectation attributes, quota resources, ..."""
    from kdsl.model.access import RESOURCE_ALIASES, VERBS
    from kdsl.model.build.expect import ATTRIBUTES, SINGULAR
    from kdsl.model.build.workloads import CONCURRENCY, POLICIES, RESTART, STRATEGIES
    from kdsl.model.config import SECRET_TYPES
    from kdsl.model.nodes import QUOTA_RESOURCES
    from kdsl.model.network import SERVICE_TYPES

    tables = {"expect attribute": {k for attrs in ATTRIBUTES.values() for k in attrs} | set(ATTRIBUTES),
              "expect target": set(SINGULAR), "quota": set(QUOTA_RESOURCES), "verb": set(VERBS),
              "resource alias": set(RESOURCE_ALIASES), "secret type": set(SECRET_TYPES),
              "service type": set(SERVICE_TYPES), "restart": set(RESTART.values()),
              "strategy": {"rolling", "recreate", "ondelete"} | set(STRATEGIES.values()),
              "policy": set(POLICIES.values()), "concurrency": set(CONCURRENCY.values())}
    return sorted((table, word) for table, words in tables.items() for word in words)


VOCABULARY = _vocabulary()


@pytest.mark.parametrize("table,word", VOCABULARY, ids=[f"{t}:{w}" for t, w in VOCABULARY])
def test_every_word_of_a_vocabulary_is_documented(table, word):
    text = LANGUAGE.read_text(encoding="utf-8")
    assert re.search(rf"`[^`\n]*(?<![\w.-]){re.escape(word)}(?![\w-])", text), f"{table} `{word}` is not documented"


# ---- docs/cli.md, docs/concepts.md: `$ kdsl ...` transcripts, run in-process against the files the page shows --

_FILE_MARK = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)^```", re.S | re.M)


def _page_files(page: Path) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _FILE_MARK.finditer(page.read_text(encoding="utf-8"))}


def _transcripts(page: Path) -> list[tuple[str, str, str]]:
    """(where, command line, expected output) of each `$ kdsl` command in a ```console block."""
    out = []
    for line, body in fenced(page, "console"):
        for i, chunk in enumerate(re.split(r"^(?=\$ )", body, flags=re.M)):
            if chunk.startswith("$ kdsl"):
                command, _, output = chunk.partition("\n")
                out.append((f"{page.name}:{line + 1 + body[:body.index(chunk)].count(chr(10))}", command[2:], output))
    return out


TRANSCRIPTS = [t for page in TRANSCRIPT_PAGES for t in _transcripts(page)]


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


def _elided(expected: str, output: str) -> bool:
    """Whether `output` is `expected` where each line `...` stands for any run of lines (a trimmed transcript)."""
    parts = re.split(r"^\.\.\.\n", expected, flags=re.M)
    pattern = "(?:.*\n)*?".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, output) is not None


def test_elided():
    assert _elided("a\n...\nd\n", "a\nb\nc\nd\n") and _elided("a\n...\nb\n", "a\nb\n")
    assert not _elided("a\n...\nd\n", "a\nb\n") and not _elided("a\n", "a\nb\n")


def test_cli_page_has_transcripts():
    assert len(TRANSCRIPTS) >= 8
    assert {"check", "fmt"} <= {shlex.split(c)[1] for _, c, _ in TRANSCRIPTS if len(shlex.split(c)) > 1}


def test_concepts_page_has_transcripts():
    """Each concept of docs/concepts.md shows what the simulation does with its example, re-run here."""
    assert len([w for w, _, _ in TRANSCRIPTS if w.startswith("concepts.md")]) >= 13


@pytest.mark.parametrize("where,command,expected", TRANSCRIPTS, ids=[w for w, _, _ in TRANSCRIPTS])
def test_cli_transcript(where, command, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    for name, text in _page_files(DOCS / where.split(":")[0]).items():
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
    if re.search(r"^\.\.\.$", expected, flags=re.M):
        assert _elided(expected, output), output
    else:
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
