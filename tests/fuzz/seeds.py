"""The seed corpora: every scenario and manifest the project ships, and every input the fuzzer ever broke kdsl with."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "k8s"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
_BLOCK = re.compile(r"```kdsl\n(.*?)```", re.S)


def kdsl_seeds() -> list[str]:
    """The examples, the scenario tests, the tutorials' stories' files and every ```kdsl block of docs/, in name
    order (the same list on every machine, so a seed number names the same input)."""
    texts = [p.read_text(encoding="utf-8") for d in ("examples", "tests/scenarios")
             for p in sorted((ROOT / d).glob("*.kdsl"))]
    for doc in sorted((ROOT / "docs").glob("*.md")):
        texts += _BLOCK.findall(doc.read_text(encoding="utf-8"))
    return [t for t in texts if t.strip()]


def manifest_seeds() -> list[str]:
    """The corpus's manifests (when ../shared is beside the project) and the docs' YAML examples."""
    texts = []
    if CORPUS.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.yaml")) if p.name != "EXPECTED.yaml"]
    for doc in sorted((ROOT / "docs").glob("*.md")):
        texts += [b for b in re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
                  if "apiVersion:" in b and "kind:" in b]
    return texts


def regressions() -> list[Path]:
    """Every input kept from a failure: NAME.kdsl (a scenario, checked and simulated), NAME.yaml (manifests)."""
    return sorted(p for p in REGRESSIONS.iterdir() if p.suffix in (".kdsl", ".yaml"))
