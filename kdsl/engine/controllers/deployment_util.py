"""What the Deployment and ReplicaSet controllers share: statuses, fenceposts, hashes, annotations, orphan adoption."""

from __future__ import annotations

import math

import attrs

from kdsl.engine.apiserver.defaults import ALPHABET
from kdsl.engine.objects import ApiObject, Condition
from kdsl.engine.podview import ready_since
from kdsl.core.values import Percent, digits
from kdsl.model.base import Selector
from kdsl.model.pods import PodTemplate

HASH_LABEL = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# Annotations the controller keeps for itself: never copied between a Deployment and its ReplicaSets.
SKIPPED_ANNOTATIONS = (LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
                       "deprecated.deployment.rollback.to")
MAX_REV_HISTORY_CHARS = 2000  # the controller's maxRevHistoryLengthInChars
BACKOFF_BASE_MS, BACKOFF_MAX_MS = 5, 1_000_000  # the work queue's per-item exponential rate limiter


def backoff_ms(failures: int) -> int:
    """How long a key waits after its n-th failure in a row: 5 ms, 10 ms, ... up to 1000 s."""
    return min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS)


@attrs.frozen(kw_only=True, slots=True)
class ReplicaSetStatus:
    """ReplicaSetStatus (also a ReplicationController's): counts of active pods, and the
    ReplicaFailure condition when pods could not be created or deleted."""

    replicas: int = 0
    fully_labeled_replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    observed_generation: int = 0
    conditions: tuple[Condition, ...] = ()

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@attrs.frozen(kw_only=True, slots=True)
class DeploymentCondition:
    """A Deployment condition keeps lastUpdateTime as well: the progress deadline counts from it."""

    type: str  # Available | Progressing | ReplicaFailure
    status: str
    reason: str = ""
    message: str = ""
    last_update_ms: int = 0
    last_transition_ms: int = 0


@attrs.frozen(kw_only=True, slots=True)
class DeploymentStatus:
    observed_generation: int = 0
    replicas: int = 0
    updated_replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    unavailable_replicas: int = 0
    conditions: tuple[DeploymentCondition, ...] = ()
    collision_count: int | None = None

    def condition(self, type_: str) -> DeploymentCondition | None:
        return next((c for c in self.conditions if c.type == type_), None)


def set_deployment_condition(status: DeploymentStatus, new: DeploymentCondition) -> DeploymentStatus:
    """SetDeploymentCondition: the same status and reason is no change; a new one keeps the
    transition time when only the reason moves, and goes to the end of the list."""
    current = status.condition(new.type)
    if current is not None and current.status == new.status and current.reason == new.reason:
        return status
    if current is not None and current.status == new.status:
        new = attrs.evolve(new, last_transition_ms=current.last_transition_ms)
    rest = tuple(c for c in status.conditions if c.type != new.type)
    return attrs.evolve(status, conditions=rest + (new,))


def remove_deployment_condition(status: DeploymentStatus, type_: str) -> DeploymentStatus:
    return attrs.evolve(status, conditions=tuple(c for c in status.conditions if c.type != type_))


def new_condition(type_: str, status: str, reason: str, message: str, now: int) -> DeploymentCondition:
    return DeploymentCondition(type=type_, status=status, reason=reason, message=message, last_update_ms=now,
                               last_transition_ms=now)


# ---- fenceposts ---------------------------------------------------------------------------------


def scaled(value: int | Percent | None, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, Percent):
        return value.of(total, round_up=round_up)
    return int(value)


def resolve_fenceposts(spec) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailability down, and both 0 means 1 unavailable."""
    strategy = spec.strategy
    surge = scaled(strategy.max_surge, spec.replicas, True)
    unavailable = scaled(strategy.max_unavailable, spec.replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(spec) -> int:
    if spec.strategy.type != "RollingUpdate":
        return 0
    return resolve_fenceposts(spec)[0]


def max_unavailable(spec) -> int:
    if spec.strategy.type != "RollingUpdate" or spec.replicas == 0:
        return 0
    return min(resolve_fenceposts(spec)[1], spec.replicas)


# ---- the pod-template hash ----------------------------------------------------------------------


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each character mapped into the alphabet without vowels."""
    return "".join(ALPHABET[ord(ch) % len(ALPHABET)] for ch in text)


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def compute_hash(template: PodTemplate, collision_count: int | None) -> str:
    """controller.ComputeHash: FNV-32a of the template (kdsl hashes the model's repr, which lists
    every field in a fixed order, where Kubernetes hashes a printout of the Go struct), then the
    collision count's four bytes, printed as a decimal and encoded."""
    data = repr(template).encode()
    if collision_count is not None:
        data += int(collision_count & 0xFFFFFFFF).to_bytes(8, "little")
    return safe_encode(str(fnv32a(data)))


def without_hash(template: PodTemplate) -> PodTemplate:
    if not any(k == HASH_LABEL for k, _ in template.labels):
        return template
    return attrs.evolve(template, labels=tuple((k, v) for k, v in template.labels if k != HASH_LABEL))


def equal_ignore_hash(a: PodTemplate, b: PodTemplate) -> bool:
    return a == b or without_hash(a) == without_hash(b)


def with_label(pairs: tuple, key: str, value: str) -> tuple:
    return tuple((k, v) for k, v in pairs if k != key) + ((key, value),)


def selector_with_label(selector: Selector, key: str, value: str) -> Selector:
    return Selector(with_label(selector.match_labels, key, value), selector.expressions)


# ---- annotations --------------------------------------------------------------------------------


def annotation(obj: ApiObject, key: str) -> str | None:
    return next((v for k, v in obj.meta.annotations if k == key), None)


def revision(obj: ApiObject) -> int:
    """Revision(): 0 when the annotation is missing or not a number."""
    text = annotation(obj, REVISION)
    return int(text) if text is not None and digits(text) else 0


def set_annotations(pairs: tuple, updates: dict[str, str]) -> tuple:
    out = dict(pairs)
    out.update(updates)
    return tuple(out.items())


def new_rs_annotations(deployment: ApiObject, rs_annotations: tuple, new_revision: int, exists: bool) -> tuple:
    """SetNewReplicaSetAnnotations: the Deployment's own annotations copied over, the revision raised
    to `new_revision` (a raised revision that existed is a rollback: the old number joins
    revision-history), and on creation the desired and max replicas."""
    ann = dict(rs_annotations)
    for k, v in deployment.meta.annotations:
        if k not in SKIPPED_ANNOTATIONS:
            ann[k] = v
    old_text = ann.get(REVISION)
    if old_text is not None and not digits(old_text):
        return tuple(ann.items())
    old = int(old_text) if old_text else 0
    if old < new_revision:
        ann[REVISION] = str(new_revision)
        if old_text is not None:
            history = ann.get(REVISION_HISTORY, "")
            parts = history.split(",") if history else []
            total = len(history) + len(old_text) + 1
            while parts and total > MAX_REV_HISTORY_CHARS:
                total -= len(parts.pop(0)) + 1
            if total <= MAX_REV_HISTORY_CHARS:
                ann[REVISION_HISTORY] = ",".join(parts + [old_text])
    if not exists:
        spec = deployment.spec
        ann[DESIRED_REPLICAS] = str(spec.replicas)
        ann[MAX_REPLICAS] = str(spec.replicas + max_surge(spec))
    return tuple(ann.items())


# ---- pods ---------------------------------------------------------------------------------------


def is_active(pod: ApiObject) -> bool:
    """FilterActivePods: not finished and not being deleted — a terminating pod is not a replica."""
    return pod.meta.deletion_ms is None and pod.status.phase not in ("Succeeded", "Failed")


def is_available(pod: ApiObject, min_ready_ms: int, now: int) -> bool:
    """IsPodAvailable: Ready, and for minReadySeconds strictly before now."""
    since = ready_since(pod)
    if since is None:
        return False
    return min_ready_ms == 0 or since + min_ready_ms < now


def log2_rank(duration_ms: int) -> int:
    """The log2 bucket of a duration in nanoseconds, as logarithmicRankDiff compares them."""
    return int(math.log2(duration_ms * 1_000_000)) if duration_ms > 0 else -1


def adopt_orphans(ctrl, owner: ApiObject) -> None:
    """pkg/controller/controller_ref_manager.go ClaimPods, as syncReplicaSet calls it on the active pods of the
    namespace: an orphan (no controller ownerReference) whose labels the selector matches is adopted by a patch
    adding the owner's controller reference, unless the owner is being deleted (canAdopt) — no event is recorded.
    kdsl claims when a sync finds too few pods, not at every sync: an orphan that appears beside a full ReplicaSet
    stays an orphan (Kubernetes adopts it and deletes one). The orphans come from the store's index of objects
    without a controller, so a sync does not read the namespace's other pods."""
    if owner.meta.deletion_ms is not None or owner.spec.selector.empty:
        return
    ref = None
    for name in ctrl.store.unowned("Pod", owner.namespace):
        pod = ctrl.store.get("Pod", owner.namespace, name)
        if pod is None or not is_active(pod) or any(o.controller for o in pod.meta.owners) \
                or not owner.spec.selector.matches(pod.meta.label_dict()):
            continue
        ref = ref or ctrl.owner_ref(owner)
        ctrl.client.patch(attrs.evolve(pod, meta=attrs.evolve(pod.meta, owners=pod.meta.owners + (ref,))))
