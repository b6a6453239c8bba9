"""The Deployment controller's rollouts: RollingUpdate, Recreate, proportional scaling, history cleanup."""

from __future__ import annotations

from kdsl.core.values import digits
from kdsl.engine.controllers.deployment_status import (TIMED_OUT, deployment_complete, spec_replicas, status_count,
                                                       sync_rollout_status)
from kdsl.engine.controllers.deployment_util import (DESIRED_REPLICAS, MAX_REPLICAS, DeploymentStatus, annotation,
                                                     max_surge, max_unavailable, new_condition, revision, scaled,
                                                     set_deployment_condition)
from kdsl.engine.objects import ApiObject


def _active(rss) -> list[ApiObject]:
    return [rs for rs in rss if rs is not None and rs.spec.replicas > 0]


def _by_creation(rss) -> list[ApiObject]:
    return sorted(rss, key=lambda rs: (rs.meta.creation_ms, rs.name))


def _annotated_int(rs: ApiObject, key: str) -> int | None:
    text = annotation(rs, key)
    return int(text) if text is not None and digits(text) else None


# ---- sizes ----------------------------------------------------------------------------------------


def new_rs_new_replicas(d: ApiObject, all_rss: list[ApiObject], new_rs: ApiObject) -> int:
    """NewRSNewReplicas: RollingUpdate grows the new ReplicaSet up to replicas + maxSurge pods in
    all (counted by spec.replicas), never past replicas; Recreate sets it to replicas at once."""
    spec = d.spec
    if spec.strategy.type != "RollingUpdate":
        return spec.replicas
    max_total = spec.replicas + scaled(spec.strategy.max_surge, spec.replicas, True)
    current = spec_replicas(all_rss)
    if current >= max_total:
        return new_rs.spec.replicas
    return new_rs.spec.replicas + min(max_total - current, spec.replicas - new_rs.spec.replicas)


def is_scaling_event(ctrl, d: ApiObject, rs_list: list[ApiObject]) -> bool:
    """isScalingEvent: an active ReplicaSet was sized for a different spec.replicas."""
    new_rs, old = ctrl.get_all(d, rs_list, create=False)
    for rs in _active(old + [new_rs]):
        desired = _annotated_int(rs, DESIRED_REPLICAS)
        if desired is not None and desired != d.spec.replicas:
            return True
    return False


def check_paused_conditions(ctrl, d: ApiObject) -> ApiObject:
    """checkPausedConditions: Progressing Unknown while paused, and again when resumed, so the
    time spent paused never counts against the progress deadline."""
    if d.spec.progress_deadline_ms is None:
        return d
    status = d.status or DeploymentStatus()
    cond = status.condition("Progressing")
    if cond is not None and cond.reason == TIMED_OUT:
        return d
    paused = cond is not None and cond.reason == "DeploymentPaused"
    if d.spec.paused and not paused:
        new = new_condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", ctrl.sim.now)
    elif not d.spec.paused and paused:
        new = new_condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", ctrl.sim.now)
    else:
        return d
    return ctrl.save(d, None, set_deployment_condition(status, new))


# ---- scaling (sync) -------------------------------------------------------------------------------


def sync_scale(ctrl, d: ApiObject, rs_list: list[ApiObject]) -> None:
    """sync: a scaling event or a paused Deployment — resize without rolling, clean up, report."""
    new_rs, old = ctrl.get_all(d, rs_list, create=False)
    scale(ctrl, d, new_rs, old)
    d = ctrl.store.get(*d.key) or d
    cleanup(ctrl, ctrl.fresh(old), d)
    ctrl.sync_status(d, new_rs, old)


def scale(ctrl, d: ApiObject, new_rs: ApiObject | None, old: list[ApiObject]) -> None:
    """scale: one active ReplicaSet takes the whole size; a saturated new one empties the old ones;
    otherwise (RollingUpdate) the difference is spread in proportion over the active ones."""
    spec = d.spec
    old = ctrl.fresh(old)
    new_rs = ctrl.fresh([new_rs])[0] if new_rs is not None else None
    target = find_active_or_latest(new_rs, old)
    if target is not None:
        if target.spec.replicas != spec.replicas:
            ctrl.scale_rs(target, spec.replicas, d)
        return
    if is_saturated(d, new_rs):
        for rs in _active(old):
            ctrl.scale_rs(rs, 0, d)
        return
    if spec.strategy.type != "RollingUpdate":
        return
    active = _active(old + [new_rs])
    allowed = spec.replicas + max_surge(spec) if spec.replicas > 0 else 0
    to_add = allowed - spec_replicas(active)
    if to_add != 0:
        # Larger first; among equals the newer grows first and the older shrinks first.
        active = sorted(_by_creation(active), key=lambda rs: -rs.spec.replicas) if to_add < 0 else \
            sorted(_by_creation(active)[::-1], key=lambda rs: -rs.spec.replicas)
    operation = "up" if to_add > 0 else "down"
    sizes, added = {}, 0
    for rs in active:
        if to_add != 0:
            share = proportion(rs, d, to_add, added)
            sizes[rs.name] = rs.spec.replicas + share
            added += share
        else:
            sizes[rs.name] = rs.spec.replicas
    for i, rs in enumerate(active):
        if i == 0 and to_add != 0:
            sizes[rs.name] = max(0, sizes[rs.name] + to_add - added)  # leftovers go to the largest
        ctrl.scale_rs(rs, sizes[rs.name], d, operation)


def proportion(rs: ApiObject, d: ApiObject, to_add: int, added: int) -> int:
    """GetReplicaSetProportion: the ReplicaSet's share of the change, by its fraction of the size
    the Deployment had (max-replicas annotation), never beyond what is left to add or remove."""
    if rs.spec.replicas == 0 or to_add == 0 or to_add == added:
        return 0
    spec = d.spec
    if spec.replicas == 0:
        fraction = -rs.spec.replicas
    else:
        max_now = spec.replicas + max_surge(spec)
        before = _annotated_int(rs, MAX_REPLICAS) or 0
        if before == 0:
            before = (d.status.replicas if d.status is not None else 0) or max_now
        fraction = _round_half_away(rs.spec.replicas * max_now, before) - rs.spec.replicas
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _round_half_away(num: int, den: int) -> int:
    """math.Round of num/den (halves away from zero), in integers."""
    q, r = divmod(abs(num), den)
    q += 1 if 2 * r >= den else 0
    return q if num >= 0 else -q


def find_active_or_latest(new_rs: ApiObject | None, old: list[ApiObject]) -> ApiObject | None:
    if new_rs is None and not old:
        return None
    newest_first = sorted(old, key=lambda rs: (rs.meta.creation_ms, rs.name), reverse=True)
    active = _active(newest_first + [new_rs])
    if len(active) == 1:
        return active[0]
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    return None


def is_saturated(d: ApiObject, rs: ApiObject | None) -> bool:
    if rs is None:
        return False
    desired = _annotated_int(rs, DESIRED_REPLICAS)
    available = rs.status.available_replicas if rs.status is not None else 0
    return desired is not None and rs.spec.replicas == d.spec.replicas == desired and available == d.spec.replicas


# ---- RollingUpdate ------------------------------------------------------------------------------


def rollout_rolling(ctrl, d: ApiObject, rs_list: list[ApiObject]) -> None:
    """rolloutRolling: scale the new ReplicaSet up if the surge allows; else scale old ones down
    if availability allows; clean up once complete; report progress."""
    new_rs, old = ctrl.get_all(d, rs_list, create=True)
    if reconcile_new(ctrl, d, old, new_rs) or reconcile_old(ctrl, d, old, new_rs):
        sync_rollout_status(ctrl, d, new_rs, old)
        return
    cleanup_if_complete(ctrl, sync_rollout_status(ctrl, d, new_rs, old), old)


def cleanup_if_complete(ctrl, d: ApiObject, old: list[ApiObject]) -> None:
    """A complete rollout cleans up its history (Kubernetes does it at the sync its status write
    wakes; kdsl right after that write)."""
    if d.status is not None and deployment_complete(d, d.status):
        cleanup(ctrl, ctrl.fresh(old), d)


def reconcile_new(ctrl, d: ApiObject, old: list[ApiObject], new_rs: ApiObject) -> bool:
    new_rs = ctrl.fresh([new_rs])[0]
    if new_rs.spec.replicas == d.spec.replicas:
        return False
    if new_rs.spec.replicas > d.spec.replicas:
        return ctrl.scale_rs(new_rs, d.spec.replicas, d)
    return ctrl.scale_rs(new_rs, new_rs_new_replicas(d, ctrl.fresh(old) + [new_rs], new_rs), d)


def reconcile_old(ctrl, d: ApiObject, old: list[ApiObject], new_rs: ApiObject) -> bool:
    """reconcileOldReplicaSets: at most allPods - minAvailable - (new ReplicaSet's unavailable pods)
    may go: first old pods that are not available anyway, then old ReplicaSets oldest first while
    more than minAvailable pods are available."""
    old = _active(ctrl.fresh(old))
    new_rs = ctrl.fresh([new_rs])[0]
    if spec_replicas(old) == 0:
        return False
    min_available = d.spec.replicas - max_unavailable(d.spec)
    new_unavailable = new_rs.spec.replicas - (new_rs.status.available_replicas if new_rs.status else 0)
    max_scaled_down = spec_replicas(old + [new_rs]) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    cleaned = 0
    for rs in _by_creation(old):  # cleanupUnhealthyReplicas
        if cleaned >= max_scaled_down:
            break
        available = rs.status.available_replicas if rs.status else 0
        if rs.spec.replicas == 0 or rs.spec.replicas == available:
            continue
        n = min(max_scaled_down - cleaned, rs.spec.replicas - available)
        ctrl.scale_rs(rs, rs.spec.replicas - n, d)
        cleaned += n
    old = ctrl.fresh(old)
    available = status_count(old + ctrl.fresh([new_rs]), "available_replicas")
    scaled_down = 0
    if available > min_available:  # scaleDownOldReplicaSetsForRollingUpdate
        budget = available - min_available
        for rs in _by_creation(old):
            if scaled_down >= budget:
                break
            if rs.spec.replicas == 0:
                continue
            n = min(rs.spec.replicas, budget - scaled_down)
            ctrl.scale_rs(rs, rs.spec.replicas - n, d)
            scaled_down += n
    return cleaned + scaled_down > 0


# ---- Recreate -----------------------------------------------------------------------------------


def rollout_recreate(ctrl, d: ApiObject, rs_list: list[ApiObject]) -> None:
    """rolloutRecreate: scale every old ReplicaSet to 0, wait until none of their pods is left
    (terminating ones included), and only then create the new ReplicaSet at full size."""
    new_rs, old = ctrl.get_all(d, rs_list, create=False)
    scaled_down = False
    for rs in _active(old):
        scaled_down = ctrl.scale_rs(rs, 0, d) or scaled_down
    if scaled_down or old_pods_running(ctrl, new_rs, ctrl.fresh(old)):
        sync_rollout_status(ctrl, d, new_rs, old)
        return
    if new_rs is None:
        new_rs, old = ctrl.get_all(d, ctrl.owned("ReplicaSet", d), create=True)
    ctrl.scale_rs(new_rs, d.spec.replicas, d)
    cleanup_if_complete(ctrl, sync_rollout_status(ctrl, d, new_rs, old), old)


def old_pods_running(ctrl, new_rs: ApiObject | None, old: list[ApiObject]) -> bool:
    if status_count(old, "replicas") > 0:
        return True
    for rs in old:
        for pod in ctrl.owned("Pod", rs):
            if pod.status.phase not in ("Succeeded", "Failed"):
                return True
    return False


# ---- history ------------------------------------------------------------------------------------


def cleanup(ctrl, old: list[ApiObject], d: ApiObject) -> None:
    """cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit go, lowest revision first,
    but only empty ones the ReplicaSet controller has seen at their current size."""
    alive = [rs for rs in old if rs.meta.deletion_ms is None]
    diff = len(alive) - d.spec.revision_history_limit
    if diff <= 0:
        return
    for rs in sorted(alive, key=lambda rs: (revision(rs), rs.meta.creation_ms, rs.name))[:diff]:
        status = rs.status
        if rs.spec.replicas != 0 or status is None or status.replicas != 0 \
                or rs.meta.generation > status.observed_generation:
            continue
        ctrl.client.delete("ReplicaSet", rs.namespace, rs.name)
