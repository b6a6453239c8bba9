"""The pod template: containers and what their process does, probes, env, volumes, tolerations, affinity, spread, with K8s defaults."""

from __future__ import annotations

import attrs

from kdsl.core.errors import Span
from kdsl.model.base import Pairs, Requirement, Selector, span_field
from kdsl.model.names import unreadable

DEFAULT_GRACE_MS = 30_000  # core/v1 DefaultTerminationGracePeriodSeconds


@attrs.frozen(kw_only=True, weakref_slot=False)
class Behaviour:
    """Times are milliseconds after the container starts; None means it never happens.

    Without any of these lines a container starts at once, stays up and passes every probe.
    """

    start_ms: int = 0  # the process needs this long before it can serve (probes fail until then)
    ready_after_ms: int | None = None  # readiness passes only from this time after start
    exit_code: int | None = None
    exit_after_ms: int | None = None  # exits with exit_code (0 Completed, else Error)
    hang_after_ms: int | None = None  # stays up, but liveness fails from then on
    unready_after_ms: int | None = None  # readiness fails from then on
    oom_after_ms: int | None = None  # killed by the kernel, reason OOMKilled, exit 137
    pull_fails: bool = False  # ErrImagePull, then ImagePullBackOff
    pull_ms: int | None = None  # how long pulling the image takes (None: the engine's default)
    # `shutdown 20s`: how long the process takes to exit after SIGTERM (0: at once). Added later than the rest,
    # so it joins the repr (hashed into pod-template-hash) and the model dump only when set: see below.
    shutdown_ms: int = attrs.field(default=0, repr=False, metadata={"omit_default": True})

    @property
    def is_default(self) -> bool:
        return self == Behaviour()


_behaviour_repr = Behaviour.__repr__


def _repr_with_shutdown(self: Behaviour) -> str:
    """Every template without `shutdown` keeps the repr, so the pod-template-hash, it had before the field."""
    text = _behaviour_repr(self)
    return f"{text[:-1]}, shutdown_ms={self.shutdown_ms!r})" if self.shutdown_ms else text


Behaviour.__repr__ = _repr_with_shutdown  # type: ignore[method-assign]


@attrs.frozen(kw_only=True, weakref_slot=False)
class Port:
    number: int
    name: str | None = None
    protocol: str = "TCP"
    host_port: int | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class EnvVar:
    """`value` for a literal; otherwise the key of a ConfigMap or Secret (`source_kind`)."""

    name: str
    value: str | None = None
    source_kind: str | None = None  # "configmap" | "secret"
    source_name: str | None = None
    source_key: str | None = None
    optional: bool = False
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class EnvFrom:
    source_kind: str  # "configmap" | "secret"
    source_name: str
    prefix: str = ""
    optional: bool = False
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class Mount:
    volume: str
    path: str
    read_only: bool = False
    sub_path: str | None = None
    span: Span | None = span_field()


# A container has at most one probe of each kind, in separate Kubernetes fields: they are kept in this order
# (the one an import reads them in), whatever order the scenario writes them in.
PROBE_ORDER = ("readiness", "liveness", "startup")


@attrs.frozen(kw_only=True, weakref_slot=False)
class Probe:
    """A probe with core/v1 defaults: period 10s, timeout 1s, success 1, failure 3, delay 0."""

    kind: str  # readiness | liveness | startup
    handler: str  # http | tcp | exec | grpc
    path: str | None = None
    port: int | str | None = None
    command: tuple[str, ...] = ()
    scheme: str = "HTTP"
    initial_delay_ms: int = 0
    period_ms: int = 10_000
    timeout_ms: int = 1_000
    success_threshold: int = 1
    failure_threshold: int = 3
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class Resources:
    """Requests or limits: cpu in millicores, memory and ephemeral storage in bytes."""

    cpu: int | None = None
    memory: int | None = None
    ephemeral_storage: int | None = None

    def items(self) -> tuple[tuple[str, int], ...]:
        return tuple((k, v) for k, v in (("cpu", self.cpu), ("memory", self.memory),
                                          ("ephemeral-storage", self.ephemeral_storage)) if v is not None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Container:
    name: str
    image: str
    image_pull_policy: str = "IfNotPresent"
    ports: tuple[Port, ...] = ()
    requests: Resources = Resources()
    limits: Resources = Resources()
    # What the container uses, steadily (`uses cpu= memory=`); none by default. Use above the limit is allowed
    # (the API server has no say in it): that is how a container comes to be OOMKilled. Use is not part of a
    # pod's spec, so it stays out of the repr the controllers hash into pod-template-hash.
    uses: Resources = attrs.field(default=Resources(), repr=False)
    env: tuple[EnvVar, ...] = ()
    env_from: tuple[EnvFrom, ...] = ()
    mounts: tuple[Mount, ...] = ()
    probes: tuple[Probe, ...] = ()
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    restart_policy: str | None = None  # "Always" makes an init container a sidecar
    behaviour: Behaviour = Behaviour()
    yaml: str | None = None
    span: Span | None = span_field()

    @classmethod
    def build(cls, *, name: str, image: str, pull_policy: str | None = None, requests: Resources = Resources(),
              limits: Resources = Resources(), **fields) -> Container:
        """Kubernetes' defaults: pull policy Always for `:latest` or untagged images, else
        IfNotPresent; requests default to the limits when only limits are given."""
        if pull_policy is None:
            pull_policy = "Always" if _tag(image) in (None, "latest") else "IfNotPresent"
        requests = Resources(cpu=requests.cpu if requests.cpu is not None else limits.cpu,
                             memory=requests.memory if requests.memory is not None else limits.memory,
                             ephemeral_storage=requests.ephemeral_storage if requests.ephemeral_storage is not None
                             else limits.ephemeral_storage)
        return cls(name=name, image=image, image_pull_policy=pull_policy, requests=requests, limits=limits, **fields)

    def probe(self, kind: str) -> Probe | None:
        return next((p for p in self.probes if p.kind == kind), None)


def _tag(image: str) -> str | None:
    if "@" in image:
        return "digest"
    if unreadable(image):
        return ""  # parsers.ParseImageName fails on it, and SetDefaults_Container reads no tag: IfNotPresent
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Volume:
    name: str
    source: str  # configmap | secret | pvc | emptydir | hostpath
    ref: str | None = None  # the ConfigMap, Secret or claim name, or the host path
    optional: bool = False
    read_only: bool = False
    span: Span | None = span_field()


@attrs.frozen(kw_only=True, weakref_slot=False)
class Toleration:
    """`key[=value]:Effect [for=300s]`; no key with Exists tolerates every taint."""

    key: str | None = None
    operator: str = "Equal"  # Equal | Exists
    value: str | None = None
    effect: str | None = None  # None: every effect
    toleration_ms: int | None = None  # tolerationSeconds, in ms (NoExecute only; None: forever)

    def tolerates(self, key: str, value: str | None, effect: str) -> bool:
        if self.effect is not None and self.effect != effect:
            return False
        if self.key is None:
            return self.operator == "Exists"
        if self.key != key:
            return False
        return self.operator == "Exists" or (self.value or "") == (value or "")


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodAffinityTerm:
    selector: Selector
    topology_key: str
    namespaces: tuple[str, ...] = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class WeightedTerm:
    """A preferred term: node requirements or a pod affinity term, with a weight 1–100."""

    weight: int
    requirements: tuple[Requirement, ...] = ()
    pod_term: PodAffinityTerm | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Affinity:
    node_required: tuple[tuple[Requirement, ...], ...] = ()  # OR of terms, each an AND
    node_preferred: tuple[WeightedTerm, ...] = ()
    pod_required: tuple[PodAffinityTerm, ...] = ()
    pod_preferred: tuple[WeightedTerm, ...] = ()
    anti_required: tuple[PodAffinityTerm, ...] = ()
    anti_preferred: tuple[WeightedTerm, ...] = ()

    @property
    def empty(self) -> bool:
        return self == Affinity()


@attrs.frozen(kw_only=True, weakref_slot=False)
class SpreadConstraint:
    topology_key: str
    max_skew: int = 1
    when_unsatisfiable: str = "DoNotSchedule"
    selector: Selector | None = None  # None: the pod's own labels


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodTemplate:
    """A pod's spec and template metadata, with Kubernetes' defaults applied."""

    labels: Pairs = ()
    annotations: Pairs = ()
    containers: tuple[Container, ...] = ()
    init_containers: tuple[Container, ...] = ()
    restart_policy: str = "Always"
    node_selector: Pairs = ()
    node_name: str | None = None
    tolerations: tuple[Toleration, ...] = ()
    volumes: tuple[Volume, ...] = ()
    priority: int | None = None
    service_account: str | None = None  # None: the ServiceAccount admission plugin sets "default"
    grace_ms: int = DEFAULT_GRACE_MS
    affinity: Affinity = Affinity()
    spread: tuple[SpreadConstraint, ...] = ()
    hostname: str | None = None  # a StatefulSet sets both, so the pod is <hostname>.<subdomain>.<ns>.svc
    subdomain: str | None = None
    # spec.schedulingGates: the scheduler waits until none is left. Left out of the repr while empty (see
    # __repr__), so the templates that have none keep their pod-template-hash.
    scheduling_gates: tuple[str, ...] = attrs.field(default=(), repr=False)
    # spec.priorityClassName, which the Priority admission plugin turns into `priority` (kdsl text has no word
    # for it: a `yaml` block's priorityClassName sets it). Out of the repr while None, as the gates.
    priority_class: str | None = attrs.field(default=None, repr=False)
    # spec.preemptionPolicy, which the Priority admission plugin copies from the class (None: PreemptLowerPriority)
    preemption_policy: str | None = attrs.field(default=None, repr=False)

    def container(self, name: str) -> Container | None:
        return next((c for c in self.containers + self.init_containers if c.name == name), None)


_template_repr = PodTemplate.__repr__


def _repr_with_gates(self: PodTemplate) -> str:
    """The repr is what the controllers hash into pod-template-hash and revision names; a field added
    later joins it only when set, so the names of every template without it stay as they were."""
    text = _template_repr(self)
    if self.scheduling_gates:
        text = f"{text[:-1]}, scheduling_gates={self.scheduling_gates!r})"
    if self.priority_class:
        text = f"{text[:-1]}, priority_class={self.priority_class!r})"
    return f"{text[:-1]}, preemption_policy={self.preemption_policy!r})" if self.preemption_policy else text


PodTemplate.__repr__ = _repr_with_gates  # type: ignore[method-assign]
