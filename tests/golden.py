"""Golden files: compare output with tests/golden/…; KDSL_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KDSL_UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("KDSL_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"golden file {path} was missing and has been written; check it and re-run")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"output differs from {path} (KDSL_UPDATE_GOLDEN=1 rewrites it)"


def to_json(data, indent: str = "") -> str:
    """JSON with one key a line, but short lists of plain values kept on one line."""
    if isinstance(data, dict):
        if not data:
            return "{}"
        inner = indent + "  "
        items = [f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in data.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(data, list):
        flat = json.dumps(data, ensure_ascii=False)
        if len(flat) <= 100 and not any(isinstance(x, dict) for x in data):
            return flat
        inner = indent + "  "
        return "[\n" + ",\n".join(inner + to_json(x, inner) for x in data) + "\n" + indent + "]"
    return json.dumps(data, ensure_ascii=False)
