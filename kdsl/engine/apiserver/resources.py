"""The kinds the API server serves (plural, group, scope), resource names, and quantities as text."""

from __future__ import annotations

import attrs

import kdsl.model  # noqa: F401  (imports every model class, so the registry below sees them all)
from kdsl.core.values import format_bytes, format_millicores
from kdsl.model.access import RESOURCE_ALIASES, RESOURCE_GROUPS
from kdsl.model.base import Object
from kdsl.model.pods import Container, PodTemplate, Resources


@attrs.frozen
class ResourceInfo:
    """What RBAC and the error messages call a kind: `Deployment` is `deployments` in group `apps`."""

    kind: str
    plural: str
    group: str
    namespaced: bool


def _model_kinds() -> dict[str, ResourceInfo]:
    out: dict[str, ResourceInfo] = {}
    todo = [Object]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if isinstance(cls.kind, str) and cls.kind:  # a Manifest names its kind per object
            group = cls.api_version.rpartition("/")[0]
            out[cls.kind] = ResourceInfo(cls.kind, cls.plural, group, cls.namespaced)
    return out


# Kinds the engine stores that the model has no class for (controllers and kubelets write them).
_ENGINE_KINDS = (
    ResourceInfo("Event", "events", "", True),
    ResourceInfo("Endpoints", "endpoints", "", True),
    ResourceInfo("EndpointSlice", "endpointslices", "discovery.k8s.io", True),
    ResourceInfo("ControllerRevision", "controllerrevisions", "apps", True),
    ResourceInfo("Lease", "leases", "coordination.k8s.io", True),
    ResourceInfo("IngressClass", "ingressclasses", "networking.k8s.io", False),
    ResourceInfo("PriorityClass", "priorityclasses", "scheduling.k8s.io", False),
    ResourceInfo("PodDisruptionBudget", "poddisruptionbudgets", "policy", True),  # a Manifest (SIMULATED)
)

KINDS: dict[str, ResourceInfo] = dict(sorted({**_model_kinds(), **{i.kind: i for i in _ENGINE_KINDS}}.items()))
BY_PLURAL: dict[str, ResourceInfo] = {i.plural: i for i in KINDS.values()}


def resource_info(kind: str) -> ResourceInfo | None:
    """By kind (`Pod`), plural (`pods`) or kdsl short name (`deploy`)."""
    if kind in KINDS:
        return KINDS[kind]
    low = kind.lower()
    low = RESOURCE_ALIASES.get(low, low)
    return BY_PLURAL.get(low) or next((i for i in KINDS.values() if i.kind.lower() == low), None)


@attrs.frozen
class ResourceRef:
    """A resource as an RBAC question names it: `pods/log` is resource `pods`, subresource `log`."""

    resource: str
    group: str
    subresource: str | None = None


def parse_resource(text: str) -> ResourceRef:
    """`pods`, `deploy`, `pods/log`, `*`, or `widgets.example.com` for a resource kdsl does not know.
    An unknown word without a group is taken to be in the core group."""
    base, _, sub = text.partition("/")
    base = RESOURCE_ALIASES.get(base, base)
    if base in RESOURCE_GROUPS:
        return ResourceRef(base, RESOURCE_GROUPS[base], sub or None)
    if base in BY_PLURAL:
        return ResourceRef(base, BY_PLURAL[base].group, sub or None)
    if "." in base:
        name, _, group = base.partition(".")
        return ResourceRef(name, group, sub or None)
    return ResourceRef(base, "", sub or None)


# ---- quantities ---------------------------------------------------------------------------------

_CPU = ("cpu", "requests.cpu", "limits.cpu")
_BYTES = ("memory", "requests.memory", "limits.memory", "ephemeral-storage", "requests.ephemeral-storage",
          "limits.ephemeral-storage", "storage", "requests.storage")


def format_quantity(resource: str, value: int) -> str:
    """A quantity as resource.Quantity.String() would print it: cpu from millicores (`500m`, `2`),
    memory and storage from bytes (`1Gi`, `1536Mi`, `1G`), counts as integers (`pods=2`)."""
    if resource in _CPU:
        return format_millicores(value)
    if resource in _BYTES or resource.endswith("/requests.storage"):
        return format_bytes(value) if value else "0"
    return str(value)


# ---- container and pod resources ------------------------------------------------------------------

FIELDS = {"cpu": "cpu", "memory": "memory", "ephemeral-storage": "ephemeral_storage"}


def as_dict(res: Resources) -> dict[str, int]:
    return dict(res.items())


def as_resources(values: dict[str, int]) -> Resources:
    return Resources(**{FIELDS[k]: v for k, v in values.items() if k in FIELDS})


def _sidecar(c: Container) -> bool:
    return c.restart_policy == "Always"


def _aggregate(template: PodTemplate, which: str) -> dict[str, int]:
    """resourcehelper.PodRequests / PodLimits: the app containers and restartable init containers
    (sidecars) add up; each ordinary init container runs alone beside the sidecars started before it,
    so the pod needs the larger of the two."""
    total: dict[str, int] = {}
    for c in template.containers:
        for k, v in getattr(c, which).items():
            total[k] = total.get(k, 0) + v
    if not template.init_containers:
        return total
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for c in template.init_containers:
        own = dict(getattr(c, which).items())
        if _sidecar(c):
            for k, v in own.items():
                sidecars[k] = sidecars.get(k, 0) + v
            candidate = dict(sidecars)
        else:
            candidate = {k: own.get(k, 0) + sidecars.get(k, 0) for k in set(own) | set(sidecars)}
        for k, v in candidate.items():
            init_peak[k] = max(init_peak.get(k, 0), v)
    for k, v in sidecars.items():
        total[k] = total.get(k, 0) + v
    for k, v in init_peak.items():
        total[k] = max(total.get(k, 0), v)
    return total


def pod_requests(template: PodTemplate) -> dict[str, int]:
    return _aggregate(template, "requests")


def pod_limits(template: PodTemplate) -> dict[str, int]:
    return _aggregate(template, "limits")
