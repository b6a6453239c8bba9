"""The cluster autoscaler of kubernetes/autoscaler: node groups grown for unschedulable pods, shrunk when idle."""

from kdsl.engine.autoscaler.loop import ClusterAutoscaler, autoscaled

__all__ = ["ClusterAutoscaler", "autoscaled"]
