"""The scheduler's framework as pure functions: snapshot, filters, scores, host choice, preemption, explain."""

from kdsl.engine.scheduler.explain import Explanation, explain
from kdsl.engine.scheduler.filters import Verdict, VolumeBinding
from kdsl.engine.scheduler.framework import Result, num_feasible_nodes_to_find, schedule, select_host
from kdsl.engine.scheduler.messages import FitError, fit_error_message
from kdsl.engine.scheduler.nodeinfo import NodeInfo
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.scheduler.preemption import Preemption, preempt
from kdsl.engine.scheduler.snapshot import Snapshot

__all__ = ["Explanation", "FitError", "NodeInfo", "PodInfo", "Preemption", "Result", "Snapshot", "Verdict",
           "VolumeBinding", "explain", "fit_error_message", "num_feasible_nodes_to_find", "preempt", "schedule",
           "select_host"]
