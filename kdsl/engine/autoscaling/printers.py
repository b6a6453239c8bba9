"""The HPA's TARGETS column as kubectl prints it (formatHPAMetrics) and resource.Quantity's canonical text."""

from __future__ import annotations

from collections.abc import Sequence

from kdsl.engine.autoscaling.horizontal import MetricSpec, MetricStatus

# Upstream: kubernetes/kubernetes v1.34 pkg/printers/internalversion/printers.go (formatHPAMetrics) and
# staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (String, CanonicalizeBytes).

_DECIMAL = ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""))
_BINARY = ((60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki"))


def quantity_string(milli: int, binary: bool = False) -> str:
    """A quantity of `milli` thousandths in its canonical form: BinarySI when asked and whole (1Gi, 1536Mi),
    else DecimalSI with the largest exact suffix (500m, 2, 1500k)."""
    if milli == 0:
        return "0"
    sign, milli = ("-", -milli) if milli < 0 else ("", milli)
    if binary and milli % 1000 == 0:
        whole = milli // 1000
        for shift, suffix in _BINARY:
            if whole % (1 << shift) == 0:
                return f"{sign}{whole >> shift}{suffix}"
        return f"{sign}{whole}"
    if milli % 1000:
        return f"{sign}{milli}m"
    whole = milli // 1000
    for exp, suffix in _DECIMAL:
        if whole % 10**exp == 0:
            return f"{sign}{whole // 10**exp}{suffix}"
    return f"{sign}{whole}"  # pragma: no cover - exp 0 always divides


def _milli(resource: str, value: int) -> int:
    # kdsl keeps cpu in millicores and memory in bytes; a Quantity counts thousandths of its unit
    return value if resource == "cpu" else value * 1000


def format_hpa_metrics(specs: Sequence[MetricSpec], statuses: Sequence[MetricStatus | None],
                       binary_targets: bool | None = None) -> str:
    """formatHPAMetrics for Resource metrics: `cpu: 85%/70%`, `memory: 209715200/1Gi`, `<unknown>/70%`;
    two metrics at most, then `+ N more...`. Current values are printed as the controller stores them
    (NewMilliQuantity, DecimalSI); a memory target in BinarySI as a manifest's `1Gi` parses."""
    if not specs:
        return "<none>"
    shown: list[str] = []
    more = False
    count = 0
    for i, spec in enumerate(specs):
        status = statuses[i] if i < len(statuses) else None
        name = spec.resource
        if spec.average_value is not None:
            current = "<unknown>"
            if status is not None and status.average_value is not None:
                current = quantity_string(_milli(name, status.average_value))
            binary = (name == "memory") if binary_targets is None else binary_targets
            shown.append(f"{name}: {current}/{quantity_string(_milli(name, spec.average_value), binary)}")
        else:
            current = "<unknown>"
            if status is not None and status.average_utilization is not None:
                current = f"{status.average_utilization}%"
            target = f"{spec.average_utilization}%" if spec.average_utilization is not None else "<auto>"
            shown.append(f"{name}: {current}/{target}")
        if len(shown) > 2:
            shown = shown[:2]
            more = True
            break
        count += 1
    text = ", ".join(shown)
    return f"{text} + {len(specs) - count} more..." if more else text
