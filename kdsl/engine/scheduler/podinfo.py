"""What the scheduler reads from one pod: requests, host ports, images, affinity terms, priority."""

from __future__ import annotations

from typing import Any

import attrs

from kdsl.core.evolve import straight
from kdsl.engine.objects import ApiObject
from kdsl.model.base import Selector
from kdsl.model.pods import Container, PodAffinityTerm, PodTemplate
from kdsl.model.workloads import Pod

# schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what a container without a request
# counts as when the scheduler *scores* (never when it filters).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 2**20

# Owners whose pods get the system-default soft spreading (PodTopologySpread's defaulting).
SPREAD_OWNERS = frozenset({"ReplicaSet", "ReplicationController", "StatefulSet"})
# Labels the controllers give each pod of a StatefulSet individually: left out of the default
# spreading selector, which stands for the owner's selector and must match the sibling pods.
PER_POD_LABELS = frozenset({"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
                            "controller-revision-hash"})

Vec = tuple[int, int, int]  # cpu millicores, memory bytes, ephemeral-storage bytes
DEFAULT_POLICY = "PreemptLowerPriority"


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _max(a: Vec, b: Vec) -> Vec:
    return (max(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]))


def _container_request(c: Container, non_zero: bool) -> Vec:
    r = c.requests
    cpu = r.cpu if r.cpu is not None else (DEFAULT_MILLI_CPU if non_zero else 0)
    memory = r.memory if r.memory is not None else (DEFAULT_MEMORY if non_zero else 0)
    return (cpu, memory, r.ephemeral_storage or 0)


def pod_requests(tpl: PodTemplate, non_zero: bool = False) -> Vec:
    """resourcehelper.PodRequests: the app containers' sum plus running sidecars, or the largest init
    step if that is bigger. `non_zero` applies the scoring defaults to missing cpu/memory requests."""
    total: Vec = (0, 0, 0)
    for c in tpl.containers:
        total = _add(total, _container_request(c, non_zero))
    sidecars: Vec = (0, 0, 0)
    init_peak: Vec = (0, 0, 0)
    for c in tpl.init_containers:
        r = _container_request(c, non_zero)
        if c.restart_policy == "Always":
            # A sidecar keeps running, so every later init container runs beside all earlier sidecars.
            sidecars = _add(sidecars, r)
            step = sidecars
        else:
            step = _add(r, sidecars)
        init_peak = _max(init_peak, step)
    return _max(_add(total, sidecars), init_peak)


def normalized_image(name: str) -> str:
    """ImageLocality's normalizedImageName: an untagged image means `:latest`."""
    return name if name.rfind(":") > name.rfind("/") else name + ":latest"


@attrs.frozen(eq=False)
class Term:
    """A pod (anti-)affinity term with its namespaces resolved (empty means the owner's own)."""

    selector: Selector
    topology_key: str
    namespaces: frozenset[str]
    weight: int = 1

    def matches(self, pod: PodInfo) -> bool:
        return pod.namespace in self.namespaces and self.selector.matches(pod.labels)


def _term(t: PodAffinityTerm, namespace: str, weight: int = 1) -> Term:
    return Term(t.selector, t.topology_key, frozenset(t.namespaces or (namespace,)), weight)


@attrs.frozen(eq=False)
class PodInfo:
    """A pod as one scheduling cycle sees it; build it with `PodInfo.of`."""

    name: str
    namespace: str
    labels: dict[str, str]
    template: PodTemplate
    priority: int = 0
    start_ms: int | None = None
    terminating: bool = False
    nominated_node: str | None = None
    preemption_policy: str = DEFAULT_POLICY
    spread_selector: Selector | None = None  # system-default spreading; None: not defaulted
    requests: Vec = (0, 0, 0)
    non_zero: tuple[int, int] = (0, 0)
    host_ports: tuple[tuple[str, int], ...] = ()
    images: tuple[str, ...] = ()
    affinity: tuple[Term, ...] = ()
    anti_affinity: tuple[Term, ...] = ()
    preferred: tuple[Term, ...] = ()
    anti_preferred: tuple[Term, ...] = ()
    # "namespace/name", kept rather than formatted: the indexes look pods up by it in every cycle.
    key: str = attrs.field(init=False, default=attrs.Factory(lambda s: f"{s.namespace}/{s.name}", takes_self=True))
    # any pod (anti-)affinity term: kept rather than worked out, as the cycle and the snapshot ask it of every pod
    has_affinity: bool = attrs.field(init=False, default=attrs.Factory(
        lambda s: bool(s.affinity or s.anti_affinity or s.preferred or s.anti_preferred), takes_self=True))

    def __repr__(self) -> str:
        return f"PodInfo({self.key!r}, priority={self.priority})"

    @classmethod
    def of(cls, pod: Any, *, priority: int | None = None, spread_selector: Selector | None | str = "owner",
           preemption_policy: str = DEFAULT_POLICY, start_ms: int | None = None) -> PodInfo:
        """From an ApiObject whose spec is a model Pod, a model Pod, or a PodInfo (returned as is).

        `spread_selector` is the selector of the system-default spreading: pass the union of the
        selecting Services' and owner's selectors when known; the default "owner" uses the pod's own
        labels (less per-pod ones) for pods a ReplicaSet, ReplicationController or StatefulSet owns.
        """
        if isinstance(pod, PodInfo):
            return pod
        owned = False  # a controlling ReplicaSet, ReplicationController or StatefulSet: default spreading
        terminating, nominated = False, None
        if isinstance(pod, ApiObject):
            meta, model, status = pod.meta, pod.spec, pod.status
            last = _LAST[0]
            if (last is not None and last[0] is model.template and last[1] is meta.labels and last[2] is meta.owners
                    and (meta.namespace or "default") == last[3].namespace and priority is None
                    and spread_selector == "owner" and preemption_policy == DEFAULT_POLICY):
                return _sibling(last[3], meta, status, start_ms)
            name, namespace, labels = meta.name, meta.namespace or "default", dict(meta.labels)
            for o in meta.owners:
                if o.controller and o.kind in SPREAD_OWNERS:
                    owned = True
                    break
            terminating = meta.deletion_ms is not None
            if status is not None:
                nominated = getattr(status, "nominated_node", None)
                if start_ms is None:
                    start_ms = getattr(status, "start_ms", None)
        elif isinstance(pod, Pod):
            model = pod
            name, namespace = pod.name, pod.namespace
            labels = dict(pod.labels or pod.template.labels)
        else:
            raise TypeError(f"not a pod: {pod!r}")
        tpl: PodTemplate = model.template
        defaults = priority is None and spread_selector == "owner" and preemption_policy == DEFAULT_POLICY
        if spread_selector == "owner":
            spread_selector = None
            if owned:
                spread_selector = _owner_selector(labels)
        priority = priority if priority is not None else (tpl.priority or 0)
        preemption_policy = tpl.preemption_policy or preemption_policy
        aff = tpl.affinity
        if aff.pod_required or aff.anti_required or aff.pod_preferred or aff.anti_preferred:
            info = cls.build(name=name, namespace=namespace, labels=labels, template=tpl, priority=priority,
                             start_ms=start_ms, terminating=terminating, nominated_node=nominated,
                             preemption_policy=preemption_policy, spread_selector=spread_selector)
        else:  # most pods: build's PodInfo made straight-line, without its keywords' parsing
            info = _fresh(name, namespace, labels, tpl, priority, start_ms, terminating, nominated, preemption_policy,
                          spread_selector, _container_facts(tpl))
        if defaults and isinstance(pod, ApiObject):
            _LAST[0] = (tpl, pod.meta.labels, pod.meta.owners, info)
        return info

    @classmethod
    def build(cls, *, name: str, template: PodTemplate, namespace: str = "default",
              labels: dict[str, str] | None = None, **fields) -> PodInfo:
        """Derive the scheduling facts once, so that every filter and score reads plain tuples."""
        aff = template.affinity
        real, nz, ports, images = _container_facts(template)
        # most pods have no pod affinity: their four term tuples stay the empty defaults
        if aff.pod_required or aff.anti_required or aff.pod_preferred or aff.anti_preferred:
            fields.update(
                affinity=tuple(_term(t, namespace) for t in aff.pod_required),
                anti_affinity=tuple(_term(t, namespace) for t in aff.anti_required),
                preferred=tuple(_term(w.pod_term, namespace, w.weight) for w in aff.pod_preferred if w.pod_term),
                anti_preferred=tuple(_term(w.pod_term, namespace, w.weight) for w in aff.anti_preferred
                                     if w.pod_term))
        return cls(name=name, namespace=namespace, labels=dict(template.labels) if labels is None else labels,
                   template=template, requests=real, non_zero=nz, host_ports=ports, images=images, **fields)


# The pods of one controller share their containers and labels; what the scheduler derives from them is
# kept for the last few, checked by identity (a pod whose containers differ is derived afresh). The facts
# of a few thousand templates, all dropped once there are more (dropping the oldest one by one costs a walk
# past the deleted ones at the dict's front): pods of a thousand templates are scheduled in turn when a user
# declares them so (sim_requests._alike gives equal ones one template).
_FACTS: dict[tuple[int, int], tuple] = {}
# The same facts by what they read of the containers: pods declared one by one differ in their containers'
# names (and env, probes...), which no fact depends on, so pods alike in the rest share them.
_SHAPES: dict[tuple, tuple] = {}
_SELECTORS: dict[tuple, Selector] = {}
KEPT = 512
FACTS_KEPT = 1 << 12


def _container_facts(tpl: PodTemplate) -> tuple[Vec, tuple[int, int], tuple[tuple[str, int], ...], tuple[str, ...]]:
    """Real requests, non-zero (cpu, memory), host ports and normalized images of a template's containers."""
    containers, inits = tpl.containers, tpl.init_containers
    found = _FACTS.get((id(containers), id(inits)))
    if found is not None and found[0] is containers and found[1] is inits:
        return found[2]
    if not inits and len(containers) == 1:  # most pods: the tuple below without its generator
        c = containers[0]
        shape = (0, (c.requests, c.image, c.ports, c.restart_policy))
    else:
        shape = (len(inits), *((c.requests, c.image, c.ports, c.restart_policy) for c in (*inits, *containers)))
    facts = _SHAPES.get(shape)
    if facts is None:
        nz = pod_requests(tpl, non_zero=True)
        facts = (pod_requests(tpl), (nz[0], nz[1]),
                 tuple(sorted({(p.protocol, p.host_port) for c in containers for p in c.ports if p.host_port})),
                 # ImageLocality reads init containers and app containers, one image each (sumImageScores)
                 tuple(normalized_image(c.image) for c in (*inits, *containers)))
        if len(_SHAPES) >= FACTS_KEPT:
            _SHAPES.clear()
        _SHAPES[shape] = facts
    if len(_FACTS) >= FACTS_KEPT:
        _FACTS.clear()
    _FACTS[(id(containers), id(inits))] = (containers, inits, facts)
    return facts


# The last pod (an ApiObject) of_ derived with the default arguments: (its template, labels, owners, PodInfo). A
# ReplicaSet's pods share these three objects, and every fact of a PodInfo but its name, key, start time, deletion
# and nomination comes from them and the namespace; the next pod of that namespace that shares them is a copy of that
# PodInfo with its own five (_sibling), without deriving the rest again (pods without labels or owners share the
# empty tuples, and alike pods their template, across namespaces: the namespace is compared).
_LAST: list[tuple | None] = [None]
_PER_POD = ("name", "key", "start_ms", "terminating", "nominated_node")
# The body of _sibling after its shared slots: the pod's own five, read as `of` reads them.
_OWN = """    name = meta.name
    set_name(n, name)
    set_key(n, f"{i.namespace}/{name}")
    if status is not None:
        set_nominated_node(n, getattr(status, "nominated_node", None))
        if start_ms is None:
            start_ms = getattr(status, "start_ms", None)
    else:
        set_nominated_node(n, None)
    set_start_ms(n, start_ms)
    set_terminating(n, meta.deletion_ms is not None)
    return n"""


# PodInfo.of of a pod whose template, labels and owners are `i`'s (the objects): `i` with the pod's own name, start
# time, deletion and nomination, read as `of` reads them (the caller compared the namespace).
_sibling = straight(PodInfo, "_sibling", "i, meta, status, start_ms",
                    {a.name: f"i.{a.name}" for a in attrs.fields(PodInfo) if a.name not in _PER_POD}, _OWN)
# PodInfo.build(name=, namespace=, ...) of a template without pod (anti-)affinity terms, given its container facts
# (_container_facts): build's keywords and __init__'s (19, two defaults made by a call) cost more than the rest of a
# PodInfo that a bare pod, whose template is its own, has made.
_FRESH = ("name", "namespace", "labels", "template", "priority", "start_ms", "terminating", "nominated_node",
          "preemption_policy", "spread_selector")
_fresh = straight(PodInfo, "_fresh", ", ".join((*_FRESH, "facts")), {
    **{f: f for f in _FRESH}, "requests": "facts[0]", "non_zero": "facts[1]", "host_ports": "facts[2]",
    "images": "facts[3]", "affinity": "()", "anti_affinity": "()", "preferred": "()", "anti_preferred": "()",
    "key": 'f"{namespace}/{name}"', "has_affinity": "False"})


def _owner_selector(labels: dict[str, str]) -> Selector:
    """The default spreading selector: the pod's labels less the per-pod ones, sorted."""
    key = tuple(labels.items())
    found = _SELECTORS.get(key)
    if found is None:
        if len(_SELECTORS) >= KEPT:
            _SELECTORS.clear()
        found = _SELECTORS[key] = Selector.of(tuple((k, v) for k, v in sorted(labels.items())
                                                    if k not in PER_POD_LABELS))
    return found
