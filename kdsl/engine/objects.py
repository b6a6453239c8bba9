"""API objects as the store holds them: metadata, the model's spec, a kind's status; the View the API server reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from kdsl.core.evolve import copier

if TYPE_CHECKING:
    from kdsl.model.base import Object
    from kdsl.model.scenario import Scenario

Pairs = tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True, weakref_slot=False)
class OwnerRef:
    """An ownerReference: controllers set controller=True and blockOwnerDeletion=True."""

    kind: str
    name: str
    uid: str
    controller: bool = True
    block_owner_deletion: bool = True


@attrs.frozen(kw_only=True, weakref_slot=False)
class Meta:
    """ObjectMeta: identity, labels, ownership and the deletion state, with integer-ms times."""

    name: str
    namespace: str | None = None
    uid: str = ""
    labels: Pairs = ()
    annotations: Pairs = ()
    owners: tuple[OwnerRef, ...] = ()
    creation_ms: int = 0
    deletion_ms: int | None = None  # deletionTimestamp
    deletion_grace_ms: int | None = None  # deletionGracePeriodSeconds, in ms
    finalizers: tuple[str, ...] = ()
    generation: int = 1

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    def label_dict(self) -> dict[str, str]:
        return dict(self.labels)


# No __weakref__ slot: Store.put fills a writable twin of this layout and then makes it an ApiObject (store.py),
# which CPython refuses for a class with one; nothing weakly refers to an object, and each is 8 bytes smaller.
@attrs.frozen(kw_only=True, repr=False, weakref_slot=False)
class ApiObject:
    """One object in the store: `spec` is the model object (a Pod, a Deployment, a Node, ...);
    `status` is the kind's status (PodStatus, NodeStatus, ...) or None. `resource_version` is
    metadata.resourceVersion, kept here rather than in Meta: every write stamps a new one, and a write that
    leaves the metadata as it was (most are status writes) then shares its Meta instead of copying it."""

    kind: str
    meta: Meta
    spec: Any
    status: Any = None
    resource_version: int = 0

    def __repr__(self) -> str:
        # The resourceVersion is shown in the metadata, where Kubernetes keeps it and where kdsl's runs printed it.
        # Meta's repr ends with its generation, an int: the last ", generation=" is that field's.
        meta = repr(self.meta)
        at = meta.rfind(", generation=")
        if at < 0:  # not a Meta
            return (f"ApiObject(kind={self.kind!r}, meta={meta}, spec={self.spec!r}, status={self.status!r}, "
                    f"resource_version={self.resource_version!r})")
        return (f"ApiObject(kind={self.kind!r}, meta={meta[:at]}, resource_version={self.resource_version!r}"
                f"{meta[at:]}, spec={self.spec!r}, status={self.status!r})")

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.kind, self.meta.namespace, self.meta.name)

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def namespace(self) -> str | None:
        return self.meta.namespace

    @property
    def terminating(self) -> bool:
        return self.meta.deletion_ms is not None


def seeded(obj) -> bool:
    """Whether a declared object goes to the API server: a kind Kubernetes serves but kdsl does not
    model is skipped, unless a controller acts on it."""
    return not getattr(obj, "served", False) or getattr(obj, "simulated", False)


def requested(obj, uid: str = "", now_ms: int = 0, meta: Meta | None = None) -> ApiObject:
    """A model object as a create request carries it to the API server (a pod with an empty status); `meta`:
    its request_meta, made already."""
    meta = request_meta(obj, uid, now_ms) if meta is None else meta
    return ApiObject(kind=obj.kind, meta=meta, spec=obj, status=PodStatus() if obj.kind == "Pod" else None)


def request_meta(obj, uid: str, now_ms: int) -> Meta:
    """The metadata of model object `obj`'s create request."""
    # Meta(...) of these fields, the others its defaults: copied from a Meta of the defaults by the compiled copier
    # (slot by slot), half the cost of the keyword __init__ on the path of each pod the scenario declares
    return _request_meta(_DEFAULT_META, {"name": obj.name, "namespace": getattr(obj, "namespace", None), "uid": uid,
                                         "labels": obj.labels, "annotations": obj.annotations, "creation_ms": now_ms})


_DEFAULT_META = Meta(name="")
_request_meta = copier(Meta, "name", "namespace", "uid", "labels", "annotations", "creation_ms")


def applied(current: ApiObject, obj) -> ApiObject:
    """kubectl apply of a model object over the one that stands: its labels, annotations and spec
    replace the stored ones; identity and status stay."""
    meta = attrs.evolve(current.meta, labels=obj.labels, annotations=obj.annotations,
                        generation=current.meta.generation + 1)
    return attrs.evolve(current, meta=meta, spec=obj)


# ---- the store as the API server reads it -------------------------------------------------------


class View(Protocol):
    """The store as the API server sees it (kdsl.engine.store.Store fits): objects by kind name
    (`Pod`, `Namespace`), namespace (None for cluster-scoped kinds) and name; `list` sorted by
    namespace and name, every namespace when `namespace` is None."""

    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None: ...

    def list(self, kind: str, namespace: str | None = None) -> Sequence[ApiObject]: ...


def wrap(obj: Object, **meta) -> ApiObject:
    """A model object as the store keeps it, its metadata copied from the model (extra Meta fields
    as keywords: `creation_ms=`, `deletion_ms=`, `finalizers=` ...)."""
    fields = dict(name=obj.name, namespace=getattr(obj, "namespace", None) if obj.namespaced else None,
                  labels=obj.labels, annotations=obj.annotations)
    fields.update(meta)
    return ApiObject(kind=obj.kind, meta=Meta(**fields), spec=obj)


Key = tuple[str, str | None, str]  # (kind, namespace, name), as the store keys objects


class MemoryView:
    """A View over a fixed set of objects: for tests, `kdsl` expectations and notebooks."""

    def __init__(self, objects: Iterable[ApiObject | Object] = ()):
        self._objects: dict[Key, ApiObject] = {}
        for o in objects:
            self.add(o)

    @classmethod
    def from_state(cls, state: Mapping[Key, ApiObject]) -> MemoryView:
        """A view of the store as it stood at some moment (`Store.state_at(t)`, `Simulation.state(t)`),
        so that RBAC questions can be asked of the past."""
        return cls(state.values())

    @classmethod
    def of_scenario(cls, scenario: Scenario) -> MemoryView:
        """A view of what a scenario declares, before anything runs (enough for its RBAC objects)."""
        return cls(scenario.objects)

    def add(self, obj: ApiObject | Object) -> ApiObject:
        """Add or replace an object (a model object is wrapped first)."""
        api = obj if isinstance(obj, ApiObject) else wrap(obj)
        self._objects[api.key] = api
        return api

    def remove(self, kind: str, namespace: str | None, name: str) -> None:
        self._objects.pop((kind, namespace, name), None)

    def get(self, kind: str, namespace: str | None, name: str) -> ApiObject | None:
        return self._objects.get((kind, namespace, name))

    def list(self, kind: str, namespace: str | None = None) -> list[ApiObject]:
        keys = sorted((k for k in self._objects if k[0] == kind and (namespace is None or k[1] == namespace)),
                      key=lambda k: (k[1] or "", k[2]))
        return [self._objects[k] for k in keys]

# ---- pod status ---------------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Waiting:
    reason: str  # ContainerCreating, PodInitializing, ErrImagePull, ImagePullBackOff, CrashLoopBackOff, ...
    message: str = ""


@attrs.frozen(weakref_slot=False)
class Running:
    started_ms: int


@attrs.frozen(weakref_slot=False)
class Terminated:
    exit_code: int
    reason: str  # Completed, Error, OOMKilled
    started_ms: int | None = None
    finished_ms: int | None = None
    message: str = ""


ContainerState = Waiting | Running | Terminated


@attrs.frozen(kw_only=True, weakref_slot=False)
class ContainerStatus:
    name: str
    image: str
    state: ContainerState
    last_state: Terminated | None = None  # lastState.terminated: the previous run
    ready: bool = False
    started: bool = False
    restart_count: int = 0


@attrs.frozen(kw_only=True, weakref_slot=False)
class Condition:
    type: str  # PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready, DisruptionTarget
    status: str  # "True" | "False" | "Unknown"
    reason: str = ""
    message: str = ""
    last_transition_ms: int = 0


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodStatus:
    phase: str = "Pending"  # Pending | Running | Succeeded | Failed (kdsl shows Unknown on lost nodes)
    conditions: tuple[Condition, ...] = ()
    init_container_statuses: tuple[ContainerStatus, ...] = ()
    container_statuses: tuple[ContainerStatus, ...] = ()
    pod_ip: str | None = None
    host_ip: str | None = None
    start_ms: int | None = None
    reason: str | None = None  # e.g. Evicted, NodeLost
    message: str | None = None
    nominated_node: str | None = None

    def condition(self, type_: str) -> Condition | None:
        for c in self.conditions:  # a loop, not next(genexpr): asked some 16 times a pod by the controllers
            if c.type == type_:
                return c
        return None


# ---- node status --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeStatus:
    """Capacity and allocatable (cpu millicores, memory bytes, pods) and the node's conditions."""

    cpu: int
    memory: int
    pods: int
    conditions: tuple[Condition, ...] = ()
    images: tuple[str, ...] = ()
    pod_cidr: str | None = None
    last_heartbeat_ms: int = 0

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


def set_condition(conditions: tuple[Condition, ...], new: Condition) -> tuple[Condition, ...]:
    """Replace a condition of the same type; the transition time moves only when the status does."""
    out, found = [], False
    for c in conditions:
        if c.type == new.type:
            found = True
            if c.status == new.status:
                new = attrs.evolve(new, last_transition_ms=c.last_transition_ms)
            out.append(new)
        else:
            out.append(c)
    if not found:
        out.append(new)
    return tuple(out)
