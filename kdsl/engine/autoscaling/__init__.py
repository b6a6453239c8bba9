"""The HorizontalPodAutoscaler's decisions as pure functions over plain values (pkg/controller/podautoscaler)."""
