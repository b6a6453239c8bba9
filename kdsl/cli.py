"""The `kdsl` command: check and format scenarios (run, test, graph, table, export, import follow)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import kdsl
from kdsl.lang.errors import KdslError
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:  # reported like a file that cannot be read, not as a traceback
        raise OSError(f"it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None


def _each(paths: list[str], parse, failed: list[str]):
    """(path, name, text, parsed) for each file that reads and parses; the others are reported on
    stderr, with their located messages, and listed in `failed`."""
    for path in paths:
        name = path if path != "-" else "<stdin>"
        try:
            text = _read(path)
            parsed = parse(text, name)
        except OSError as exc:
            print(f"{path}: error: cannot read: {exc.strerror or exc}", file=sys.stderr)
            failed.append(path)
            continue
        except KdslError as exc:
            print(exc.format(), file=sys.stderr)
            n = len(exc.errors)
            print(f"{name}: {n} error{'s' if n != 1 else ''}", file=sys.stderr)
            failed.append(path)
            continue
        yield path, name, text, parsed


def cmd_check(args) -> int:
    """Parse and check each file; errors and warnings go to stderr, a summary to stdout."""
    failed: list[str] = []
    for _, name, _, scenario in _each(args.files, kdsl.parse, failed):
        for w in scenario.warnings:
            print(w.format(), file=sys.stderr)
        if not args.quiet:
            print(f"{name}: ok — {scenario.describe(warnings=False) if args.verbose else repr(scenario)}")
    return 1 if failed else 0


def cmd_fmt(args) -> int:
    """Print the canonical form; --check reports files that differ, --write rewrites them."""
    failed: list[str] = []
    status = 0
    for path, _, text, doc in _each(args.files, parse_document, failed):
        out = format_document(doc)
        if args.check:
            if out != text:
                print(f"{path}: would reformat", file=sys.stderr)
                status = 1
        elif args.write and path != "-":
            if out != text:
                Path(path).write_text(out, encoding="utf-8")
                print(f"{path}: reformatted", file=sys.stderr)
        else:
            sys.stdout.write(out)
    return 1 if failed else status


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kdsl", description="Kubernetes cluster scenarios: check, format and simulate.")
    p.add_argument("--version", action="version", version=f"kdsl {kdsl.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="parse and check scenario files",
                       description="Parse and check .kdsl files. Exit 0 when clean (warnings allowed), 1 on errors.")
    c.add_argument("files", nargs="+", metavar="FILE", help="scenario files (- for standard input)")
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing for files without errors")
    c.add_argument("-v", "--verbose", action="store_true", help="list what each file declares")
    c.set_defaults(func=cmd_check)
    f = sub.add_parser("fmt", help="print scenario files in canonical form",
                       description="Print the canonical form of .kdsl files (comments are kept).")
    f.add_argument("files", nargs="+", metavar="FILE", help="scenario files (- for standard input)")
    g = f.add_mutually_exclusive_group()
    g.add_argument("--check", action="store_true", help="exit 1 if any file is not in canonical form")
    g.add_argument("--write", action="store_true", help="rewrite files in place")
    f.set_defaults(func=cmd_fmt)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except BrokenPipeError:  # pragma: no cover - `kdsl fmt x | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
