"""The scheduler's framework as pure functions: snapshot, filters, scores, host choice, preemption, explain."""

from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.snapshot import NodeInfo, Snapshot

__all__ = ["NodeInfo", "PodInfo", "Snapshot"]
