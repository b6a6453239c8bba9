"""Field-by-field comparison of two normalised results: every differing path, named."""

from __future__ import annotations

MISSING = "<missing>"


def differences(recorded, kdsl, path: str = "") -> list[tuple[str, object, object]]:
    """(path, recorded value, kdsl's value) for every leaf that differs, in path order."""
    if isinstance(recorded, dict) and isinstance(kdsl, dict):
        out = []
        for k in sorted(set(recorded) | set(kdsl), key=str):
            p = f"{path}.{k}" if path else str(k)
            out += differences(recorded.get(k, MISSING), kdsl.get(k, MISSING), p)
        return out
    if isinstance(recorded, list) and isinstance(kdsl, list):
        out = []
        for i in range(max(len(recorded), len(kdsl))):
            a = recorded[i] if i < len(recorded) else MISSING
            b = kdsl[i] if i < len(kdsl) else MISSING
            out += differences(a, b, f"{path}[{i}]")
        return out
    return [] if recorded == kdsl else [(path, recorded, kdsl)]


def report(diffs: list[tuple[str, object, object]], limit: int = 12) -> str:
    """The differences as lines: `path: Kubernetes says X, kdsl says Y`."""
    lines = [f"{p}: Kubernetes {_short(a)}, kdsl {_short(b)}" for p, a, b in diffs[:limit]]
    if len(diffs) > limit:
        lines.append(f"... and {len(diffs) - limit} more")
    return "\n".join(lines)


def _short(value, width: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."
