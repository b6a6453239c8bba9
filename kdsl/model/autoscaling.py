"""Load and autoscaling: a workload's load, HorizontalPodAutoscalers (autoscaling/v2) with upstream's defaults."""

from __future__ import annotations

from typing import ClassVar

import attrs

from kdsl.core import values as v
from kdsl.core.errors import Span
from kdsl.model.base import NamespacedObject, span_field

# pkg/apis/autoscaling/v2/defaults.go: the rules the API server fills in for a behavior field left out.
SCALE_UP_LIMIT_PERCENT = 100
SCALE_UP_LIMIT_MINIMUM_PODS = 4
SCALE_UP_PERIOD_SECONDS = 15
SCALE_UP_STABILIZATION_SECONDS = 0
SCALE_DOWN_PERIOD_SECONDS = 15
SCALE_DOWN_STABILIZATION_SECONDS = 300
SCALE_DOWN_LIMIT_PERCENT = 100
DEFAULT_CPU_UTILIZATION = 80  # pkg/apis/autoscaling/types.go DefaultCPUUtilization: a spec with no metrics
# The kinds an HPA's scaleTargetRef may name in kdsl: those with a /scale subresource.
SCALE_TARGETS = {"deployment": "Deployment", "statefulset": "StatefulSet", "replicaset": "ReplicaSet",
                 "replicationcontroller": "ReplicationController"}
TARGET_API = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "ReplicaSet": "apps/v1", "ReplicationController": "v1"}


@attrs.frozen(kw_only=True, weakref_slot=False)
class Load:
    """`load KIND NS/NAME cpu= memory=`: extra use (millicores, bytes) shared evenly by the workload's Ready pods."""

    kind: str  # Deployment | StatefulSet | ...
    namespace: str
    name: str
    cpu: int = 0
    memory: int = 0
    span: Span | None = span_field()

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


# A load is said in Kubernetes as this annotation on the workload's own metadata (kdsl export writes it, an import reads
# it back, kdsl/interop/uses.py): the object the API server stores keeps it, as any annotation.
LOAD_ANNOTATION = "kdsl.dev/load"


def resource_text(items) -> str:
    """(resource, amount) pairs as `cpu=50m,memory=200Mi` (millicores, bytes)."""
    return ",".join(f"{k}={v.format_millicores(x) if k == 'cpu' else v.format_bytes(x)}" for k, x in items)


def load_text(load: Load) -> str:
    """`cpu=2,memory=512Mi`: the parts the load gives (a `load` says at least one; 0 is written as `cpu=0`)."""
    items = [(k, x) for k, x in (("cpu", load.cpu), ("memory", load.memory)) if x]
    return resource_text(items or [("cpu", 0)])


def with_load_annotations(objects: list, loads) -> list:
    """The objects, each workload a declared `load` names annotated with its last one (as the simulation takes it)."""
    last = {(ld.kind, ld.namespace, ld.name): ld for ld in loads}
    if not last:
        return objects
    out = []
    for o in objects:
        ld = last.get((o.kind, getattr(o, "namespace", None), o.name))
        if ld is not None and hasattr(o, "annotations"):
            kept = tuple((k, x) for k, x in o.annotations if k != LOAD_ANNOTATION)
            o = attrs.evolve(o, annotations=kept + ((LOAD_ANNOTATION, load_text(ld)),))
        out.append(o)
    return out


@attrs.frozen(kw_only=True, weakref_slot=False)
class ScalingPolicy:
    """HPAScalingPolicy: `type` Pods or Percent, `value` > 0, over `period_seconds` (1..1800)."""

    type: str
    value: int
    period_seconds: int
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class ScalingRules:
    """HPAScalingRules: the stabilization window, how policies combine (Max | Min | Disabled), the policies."""

    stabilization_window_seconds: int
    select_policy: str = "Max"
    policies: tuple[ScalingPolicy, ...] = ()
    span: Span | None = span_field()

    @classmethod
    def scale_up(cls, window: int | None = None, select: str | None = None,
                 policies: tuple[ScalingPolicy, ...] | None = None, span: Span | None = None) -> ScalingRules:
        """GenerateHPAScaleUpRules: what is not given is upstream's default."""
        window = SCALE_UP_STABILIZATION_SECONDS if window is None else window
        return cls(span=span, stabilization_window_seconds=window,
                   select_policy=select or "Max",
                   policies=policies if policies is not None else (
                       ScalingPolicy(type="Pods", value=SCALE_UP_LIMIT_MINIMUM_PODS,
                                     period_seconds=SCALE_UP_PERIOD_SECONDS),
                       ScalingPolicy(type="Percent", value=SCALE_UP_LIMIT_PERCENT,
                                     period_seconds=SCALE_UP_PERIOD_SECONDS)))

    @classmethod
    def scale_down(cls, window: int | None = None, select: str | None = None,
                   policies: tuple[ScalingPolicy, ...] | None = None, span: Span | None = None) -> ScalingRules:
        """GenerateHPAScaleDownRules: what is not given is upstream's default."""
        window = SCALE_DOWN_STABILIZATION_SECONDS if window is None else window
        return cls(span=span, stabilization_window_seconds=window,
                   select_policy=select or "Max",
                   policies=policies if policies is not None else (
                       ScalingPolicy(type="Percent", value=SCALE_DOWN_LIMIT_PERCENT,
                                     period_seconds=SCALE_DOWN_PERIOD_SECONDS),))


@attrs.frozen(kw_only=True, weakref_slot=False)
class HPABehavior:
    """HorizontalPodAutoscalerBehavior: the rules of scaling up and down."""

    scale_up: ScalingRules = attrs.field(factory=ScalingRules.scale_up)
    scale_down: ScalingRules = attrs.field(factory=ScalingRules.scale_down)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ResourceMetric:
    """A `type: Resource` metric: `average_utilization` (% of requests) or `average_value` (millicores or bytes)."""

    resource: str  # cpu | memory
    target_type: str  # Utilization | AverageValue
    average_utilization: int | None = None
    average_value: int | None = None
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class HorizontalPodAutoscaler(NamespacedObject):
    """An autoscaling/v2 HorizontalPodAutoscaler with the API server's defaults filled (`build`)."""

    kind: ClassVar[str] = "HorizontalPodAutoscaler"
    api_version: ClassVar[str] = "autoscaling/v2"
    plural: ClassVar[str] = "horizontalpodautoscalers"
    target_kind: str
    target_name: str
    min_replicas: int = 1
    max_replicas: int
    metrics: tuple[ResourceMetric, ...] = ()
    behavior: HPABehavior = HPABehavior()
    # Whether the text gave a behavior block: the API server stores none otherwise (the controller then uses
    # the same defaults), so an export writes `behavior` only when it was given.
    behavior_given: bool = False

    @classmethod
    def build(cls, *, min_replicas: int | None = None, metrics: tuple[ResourceMetric, ...] = (),
              behavior: HPABehavior | None = None, **fields) -> HorizontalPodAutoscaler:
        """pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscaler: minReplicas 1; no metrics
        means cpu at 80% utilization; the behavior's missing rules are upstream's defaults."""
        if not metrics:
            metrics = (ResourceMetric(resource="cpu", target_type="Utilization",
                                      average_utilization=DEFAULT_CPU_UTILIZATION),)
        return cls(min_replicas=1 if min_replicas is None else min_replicas, metrics=metrics,
                   behavior=behavior or HPABehavior(), behavior_given=behavior is not None, **fields)

    @property
    def target_api_version(self) -> str:
        return TARGET_API.get(self.target_kind, "apps/v1")
