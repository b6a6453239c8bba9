"""Values as Kubernetes reads them: quantities, durations, percentages, booleans, exact integers."""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction

import attrs

# apimachinery pkg/api/resource/suffix.go: binary and decimal suffixes. `k` is lower case only.
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": Fraction(1),
            "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
            "P": Fraction(10**15), "E": Fraction(10**18)}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$", re.ASCII)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", re.ASCII)
_DURATION_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
# apimachinery pkg/api/resource/quantity.go: "no quantity may represent a number greater than 2^63-1 in
# magnitude"; the scheduler and the kubelet hold Value() and MilliValue() in an int64.
INT64_MAX = 2**63 - 1
# Most counts of the API are Go int32 fields (k8s.io/api apps/v1 and batch/v1 types.go: `Replicas *int32`,
# `Completions *int32`, `Parallelism *int32`, ...); a larger number does not decode there.
INT32_MAX = 2**31 - 1


class BadValue(ValueError):
    """A value that does not read as its attribute requires; the message says what would."""


@attrs.frozen(slots=True)
class Percent:
    """A percentage kept as written (`25%`): Kubernetes rounds it against a count later."""

    value: int

    def __str__(self) -> str:
        return f"{self.value}%"

    def of(self, total: int, *, round_up: bool) -> int:
        """The count this percentage means out of `total`, rounded as the caller's rule says."""
        exact = Fraction(self.value * total, 100)
        return math.ceil(exact) if round_up else math.floor(exact)


def quantity(text: str) -> Fraction:
    """A Kubernetes quantity as an exact number: `500m` → 1/2, `1Gi` → 1073741824."""
    m = _QUANTITY.match(text)
    if not m:
        hint = ""
        if re.match(r"^[\d.]+K$", text):
            hint = " (the decimal kilo suffix is a lower-case `k`; `Ki` is 1024)"
        elif re.match(r"^[\d.]+[A-Za-z]+$", text):
            hint = " (suffixes: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)"
        raise BadValue(f"`{text}` is not a quantity{hint}")
    number, suffix, exponent = m.groups()
    if len(number) > 40:  # Python will not read a number of 4300+ digits; none is near this size
        raise BadValue(f"`{text[:20]}...` is too large a quantity")
    value = Fraction(number)
    if exponent is not None:
        if len(exponent.lstrip("+-")) > 3:  # 1e99999999 would take minutes to compute; no quantity is that large
            raise BadValue(f"`{text}` is out of range")
        value *= Fraction(10) ** int(exponent)
    else:
        value *= _BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix or ""]
    if abs(value) > INT64_MAX:
        raise BadValue(f"`{text}` is out of range: a quantity is at most 2^63-1 ({INT64_MAX}) in magnitude")
    return value


@functools.lru_cache(maxsize=4096)
def millicores(text: str) -> int:
    """CPU in millicores, rounded up to a whole millicore as Kubernetes' MilliValue does."""
    milli = math.ceil(quantity(text) * 1000)
    if abs(milli) > INT64_MAX:  # MilliValue is an int64: at most 9223372036854775 whole cores
        raise BadValue(f"`{text}` is out of range: in millicores a quantity is at most 2^63-1 "
                       f"(at most {INT64_MAX // 1000} cores)")
    return milli


@functools.lru_cache(maxsize=4096)
def byte_count(text: str) -> int:
    """Memory or storage in bytes, rounded up to a whole byte as Kubernetes' Value does."""
    return math.ceil(quantity(text))


@functools.lru_cache(maxsize=4096)
def duration_ms(text: str) -> int:
    """A duration in integer milliseconds: `500ms`, `5s`, `2m`, `1h`, `1m30s`, `1.5s`."""
    pos, total = 0, Fraction(0)
    for m in _DURATION_PART.finditer(text):
        if m.start() != pos:
            break
        if len(m.group(1)) > 40:  # Python will not read a number of 4300+ digits; no duration is near this long
            raise BadValue(f"`{text[:20]}...` is too long a duration")
        total += Fraction(m.group(1)) * _DURATION_MS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        hint = f" (write `{text}s` for seconds)" if re.fullmatch(r"\d+", text) else ""
        raise BadValue(f"`{text}` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`{hint}")
    if total.denominator != 1:
        raise BadValue(f"`{text}` is not a whole number of milliseconds")
    return int(total)


def format_duration(ms: int) -> str:
    """The shortest kdsl spelling of a duration: 90000 → `1m30s`, 500 → `500ms`."""
    if ms == 0:
        return "0s"
    out, rest = [], ms
    for unit in ("h", "m", "s"):
        size = _DURATION_MS[unit]
        if rest >= size:
            out.append(f"{rest // size}{unit}")
            rest %= size
    if rest:
        out.append(f"{rest}ms")
    return "".join(out)


def format_millicores(m: int) -> str:
    return str(m // 1000) if m % 1000 == 0 else f"{m}m"


def format_bytes(n: int) -> str:
    for suffix, size in sorted(_BINARY.items(), key=lambda kv: -kv[1]):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    for suffix in ("E", "P", "T", "G", "M", "k"):
        size = int(_DECIMAL[suffix])
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


@functools.lru_cache(maxsize=4096)  # a scenario repeats its replicas, ports and counts
def integer(text: str, *, minimum: int | None = 0, maximum: int | None = INT32_MAX) -> int:
    """A whole number, with a message that says what was wrong; an int32 unless `maximum` says otherwise."""
    if not _INTEGER.fullmatch(text):
        raise BadValue(f"`{text}` is not a whole number")
    if len(text) > 40:  # beyond any field's range, and Python will not read an int of 4300+ digits
        raise BadValue(f"`{text[:20]}...` is too large a number")
    value = int(text)
    if minimum is not None and value < minimum:
        raise BadValue(f"{value} is less than {minimum}")
    if maximum is None:  # the caller holds its own, smaller bound with its own message
        return value
    if value > maximum:
        kind = {INT32_MAX: " (the field is an int32)", INT64_MAX: " (the field is an int64)"}.get(maximum, "")
        raise BadValue(f"{value} is more than {maximum}{kind}")
    if value < -maximum - 1:  # a signed field's least value, when no minimum is set
        raise BadValue(f"{value} is less than {-maximum - 1}")
    return value


def int_or_percent(text: str) -> int | Percent:
    """`2` or `25%`, as maxSurge, maxUnavailable and partition-like fields take them."""
    if text.endswith("%"):
        return Percent(integer(text[:-1]))
    return integer(text)


_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


def boolean(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise BadValue(f"`{text}` is not true or false")


def digits(text: str) -> bool:
    """Only ASCII digits, as Go's strconv reads a number: str.isdigit() also takes `²` (which int() refuses) and
    `٨` (which int() reads as 8, where Kubernetes refuses it)."""
    return text.isascii() and text.isdigit()
