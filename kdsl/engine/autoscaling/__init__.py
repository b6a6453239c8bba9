"""The HorizontalPodAutoscaler's decisions as pure functions over plain values, ported from pkg/controller/podautoscaler."""
