"""How the topology draws pods: a pod's box (its status, kubectl's READY when it runs unready) and a group's label."""

from __future__ import annotations

from kdsl.engine import podview
from kdsl.engine.kubelet.status_text import pod_columns
from kdsl.views.drawing import NOT_READY, PHASE_COLOURS, POD_COLOURS


def pod_box(pod, nodes) -> tuple[str, str]:
    """The label (name over status) and fill of one pod's box. A Running pod that is not Ready also says kubectl's
    READY (`Running, 0/1 ready`): its lighter fill alone is no cue to a colour-blind eye or in greyscale."""
    state = _state(pod, nodes)
    ready = f", {_ready_column(pod)} ready" if state == NOT_READY else ""
    return f"{pod.name}\n{podview.status(pod, nodes)}{ready}", POD_COLOURS.get(state, "white")


def _state(pod, nodes) -> str:
    """The pod's phase as kdsl shows it, or NOT_READY for a Running pod that is not Ready (kubectl's READY 0/1)."""
    ph = podview.phase(pod, nodes)
    return NOT_READY if ph == "Running" and not podview.ready(pod, nodes) else ph


def _ready_column(pod) -> str:
    """kubectl's READY (`0/1`): the pod's ready containers of all of them."""
    return pod_columns(pod.spec.template, pod.status, deleting=pod.terminating)[1]


def phases(pods, nodes) -> dict[str, int]:
    """The pods counted by phase, NOT_READY apart: what the group's stripes show."""
    counts: dict[str, int] = {}
    for p in pods:
        state = _state(p, nodes)
        counts[state] = counts.get(state, 0) + 1
    return counts


def group_label(ctl: tuple[str, str] | None, pods, states: dict[str, int]) -> str:
    """`web-7d4f9-… ×37` over `34 Running (2 not ready), 3 Pending`: the pods' common name, their count by phase
    (most first), how many of the Running ones are not Ready."""
    counts = {k: n for k, n in states.items() if k != NOT_READY}
    if NOT_READY in states:
        counts["Running"] = counts.get("Running", 0) + states[NOT_READY]
    order = sorted(counts, key=lambda k: (-counts[k], list(PHASE_COLOURS).index(k)))
    unready = f" ({states[NOT_READY]} not ready)" if NOT_READY in states else ""
    detail = ", ".join(f"{counts[k]} {k}" + (unready if k == "Running" else "") for k in order)
    ending = sum(1 for p in pods if p.terminating)
    if ending:
        detail += f" ({ending} Terminating)"
    # Kubernetes names a controller's pods after it: `<name>-<suffix>` (a ReplicaSet, DaemonSet or Job) or
    # `<name>-<ordinal>` (a StatefulSet).
    head = f"{ctl[1]}-… ×{len(pods)}" if ctl else f"pods without a controller ×{len(pods)}"
    return f"{head}\n{detail}"
