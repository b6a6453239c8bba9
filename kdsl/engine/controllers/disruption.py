"""The disruption controller: each PodDisruptionBudget's status from its pods' health and their controllers' scale."""

from __future__ import annotations

import functools

import attrs

from kdsl.core import yamls
from kdsl.engine import clock, expect
from kdsl.engine.controllers.base import Controller, Key
from kdsl.engine.controllers.deployment_util import scaled
from kdsl.engine.objects import ApiObject, Condition, set_condition
from kdsl.engine.podview import is_ready
from kdsl.core.values import Percent, digits
from kdsl.model.base import Selector

CONDITION = "DisruptionAllowed"
# Kinds whose spec.replicas is a pod's expected count (the controller's finders); a pod of a ReplicaSet
# that a Deployment controls counts the Deployment's replicas, once for all its ReplicaSets.
SCALED = ("ReplicaSet", "StatefulSet", "ReplicationController")


@attrs.frozen(slots=True, kw_only=True)
class PDBStatus:
    """policy/v1 PodDisruptionBudgetStatus (disruptedPods is not kept: an eviction marks its pod deleted at once)."""

    observed_generation: int = 0
    disruptions_allowed: int = 0
    current_healthy: int = 0
    desired_healthy: int = 0
    expected_pods: int = 0
    conditions: tuple[Condition, ...] = ()


@attrs.frozen(slots=True)
class Budget:
    """What the controller reads of a PDB's spec: `selector` None selects nothing (a null selector)."""

    selector: Selector | None
    min_available: int | Percent | None = None
    max_unavailable: int | Percent | None = None
    error: str | None = None  # an IntOrString that does not read, as intstr reports it


class SyncFailed(Exception):
    """getExpectedScale's error: the PDB's status becomes the fail-safe (no disruptions allowed)."""


@functools.lru_cache(maxsize=1024)
def budget(text: str) -> Budget:
    """The spec of a stored PDB manifest (parsed once per distinct text)."""
    doc = yamls.safe_load(text) or {}
    spec = doc.get("spec") if isinstance(doc, dict) else None
    spec = spec if isinstance(spec, dict) else {}
    sel = spec.get("selector")
    values, error = {}, None
    for field in ("minAvailable", "maxUnavailable"):
        v = spec.get(field)
        if isinstance(v, str) and v.endswith("%") and digits(v[:-1]):
            values[field] = Percent(int(v[:-1]))
        elif isinstance(v, int) and not isinstance(v, bool):
            values[field] = v
        elif v is not None:
            error = f"invalid value for IntOrString: invalid value of type {type(v).__name__}"
            if isinstance(v, str):
                error = f'invalid value "{v}": must be an integer or percentage (e.g. "5%")'
    return Budget(None if sel is None else Selector.from_manifest(sel) or Selector(), values.get("minAvailable"),
                  values.get("maxUnavailable"), error)


def go_selector(text: str) -> str:
    """The PDB's selector as the UnmanagedPods event prints it (%v of a *metav1.LabelSelector)."""
    doc = yamls.safe_load(text) or {}
    sel = (doc.get("spec") or {}).get("selector")
    if not isinstance(sel, dict):
        return "nil"
    labels = "".join(f"{k}: {v}," for k, v in sorted((sel.get("matchLabels") or {}).items()))
    exprs = "".join(f"&LabelSelectorRequirement{{Key:{e.get('key')},Operator:{e.get('operator')},"
                    f"Values:[{' '.join(map(str, e.get('values') or []))}],}},"
                    for e in sel.get("matchExpressions") or [] if isinstance(e, dict))
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")


class DisruptionController(Controller):
    """PDBs are indexed by namespace with their selectors, so a pod change is matched only against its
    own namespace's PDBs (usually none). Kubernetes enqueues one of several PDBs a pod matches, chosen
    arbitrarily; kdsl enqueues each of them. Like Kubernetes, it is woken by pods and PDBs only: a
    workload scaled without its pods changing is seen at the next pod change."""

    name = "disruption-controller"
    kinds = ("PodDisruptionBudget",)
    # After the kubelets at each moment: a burst of pod changes in one moment is one sync per PDB.
    priority = clock.PRIORITY_KUBELET + 6

    def setup(self) -> None:
        self._selectors: dict[str, dict[str, Selector | None]] = {}  # namespace -> PDB name -> selector
        self.store.watch("PodDisruptionBudget", self.on_pdb)
        # on_pod reads the PDBs of the pod's namespace (on_pdb keeps one entry for each stored PDB): a namespace
        # without one has nothing to wake, and its pods' writes are not heard
        self.store.watch("Pod", self.on_pod, beside="PodDisruptionBudget")

    def on_pdb(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        pdb = new or old
        by_name = self._selectors.setdefault(pdb.namespace, {})
        if new is None:
            by_name.pop(pdb.name, None)
        else:
            by_name[pdb.name] = budget(new.spec.yaml).selector
        self.enqueue(pdb.key)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        pod = new or old
        pdbs = self._selectors.get(pod.namespace)
        if not pdbs:
            return  # the common case: no PDB in this namespace
        labels = [o.meta.label_dict() for o in (old, new) if o is not None]
        for name, sel in sorted(pdbs.items()):
            if sel is not None and any(sel.matches(lb) for lb in labels):
                self.enqueue(("PodDisruptionBudget", pod.namespace, name))

    def reconcile(self, key: Key) -> None:
        pdb = self.store.get(*key)
        if pdb is None or pdb.meta.deletion_ms is not None:
            return  # deleted: nothing to report on
        spec = budget(pdb.spec.yaml)
        pods = [] if spec.selector is None else [
            p for p in self.store.list("Pod", pdb.namespace) if spec.selector.matches(p.meta.label_dict())]
        if not pods:
            self.client.event("Normal", "NoPods", pdb, "No matching pods found")
        old = pdb.status or PDBStatus()
        try:
            expected, desired, unmanaged = self._expected(pdb, spec, pods)
        except SyncFailed as err:
            self.client.event("Warning", "CalculateExpectedPodCountFailed", pdb,
                              f"Failed to calculate the number of expected pods: {err}")
            # failSafe: no disruption is allowed while the count cannot be computed.
            cond = Condition(type=CONDITION, status="False", reason="SyncFailed", message=str(err),
                             last_transition_ms=self.sim.now)
            new = attrs.evolve(old, disruptions_allowed=0, conditions=set_condition(old.conditions, cond))
            if new != pdb.status:
                self.client.update_status(attrs.evolve(pdb, status=new))
            return  # Kubernetes retries the key with backoff; nothing changes here until a pod or the PDB does
        if unmanaged:
            self.client.event("Warning", "UnmanagedPods", pdb,
                              f"Pods selected by this PodDisruptionBudget (selector: {go_selector(pdb.spec.yaml)}) "
                              "were found to be unmanaged. As a result, the status of the PDB cannot be calculated "
                              "correctly, which may result in undefined behavior. To account for these pods please "
                              "set \".spec.minAvailable\" field of the PDB to an integer value.")
        healthy = sum(1 for p in pods if p.meta.deletion_ms is None and is_ready(p))
        # expectedPods 0 allows nothing, so a PDB whose first pods are just appearing is safe.
        allowed = max(0, healthy - desired) if expected > 0 else 0
        sufficient = allowed > 0
        cond = Condition(type=CONDITION, status="True" if sufficient else "False",
                         reason="SufficientPods" if sufficient else "InsufficientPods", last_transition_ms=self.sim.now)
        new = PDBStatus(observed_generation=pdb.meta.generation, disruptions_allowed=allowed, current_healthy=healthy,
                        desired_healthy=desired, expected_pods=expected,
                        conditions=set_condition(old.conditions, cond))
        if new == pdb.status:
            return  # up to date: Kubernetes skips the write
        self.client.update_status(attrs.evolve(pdb, status=new))
        return  # written; the next pod or PDB change syncs it again

    def _expected(self, pdb: ApiObject, spec: Budget, pods: list[ApiObject]) -> tuple[int, int, list[str]]:
        """getExpectedPodCount: (expectedPods, desiredHealthy, unmanaged pod names)."""
        if spec.error is not None:
            raise SyncFailed(spec.error)
        if spec.max_unavailable is not None:
            expected, unmanaged = self._scale(pods)
            unavailable = scaled(spec.max_unavailable, expected, round_up=True)
            return expected, max(0, expected - unavailable), unmanaged
        if isinstance(spec.min_available, int):
            return len(pods), spec.min_available, []
        if isinstance(spec.min_available, Percent):
            expected, unmanaged = self._scale(pods)
            return expected, scaled(spec.min_available, expected, round_up=True), unmanaged
        return 0, 0, []

    def _scale(self, pods: list[ApiObject]) -> tuple[int, list[str]]:
        """getExpectedScale: the sum of the replicas of the pods' controllers, each counted once."""
        scales: dict[str, int] = {}
        unmanaged: list[str] = []
        for pod in pods:
            ref = next((r for r in pod.meta.owners if r.controller), None)
            if ref is None:
                unmanaged.append(pod.name)  # counted as nothing; an event says so
                continue
            if ref.uid in scales:
                continue
            found = self._controller(ref, pod.namespace)
            if found is None:
                raise SyncFailed(f'found no controllers for pod "{pod.name}"')
            scales[found.meta.uid] = found.spec.replicas
        return sum(scales.values()), unmanaged

    def _controller(self, ref, namespace: str) -> ApiObject | None:
        """The finders: the workload whose scale a pod of `ref` counts (its Deployment for a ReplicaSet
        it controls), None for a kind without one or a controller that is gone or was replaced."""
        if ref.kind not in SCALED:
            return None
        obj = self.store.get(ref.kind, namespace, ref.name)
        if obj is None or obj.meta.uid != ref.uid:
            return None
        dep = next((r for r in obj.meta.owners if r.controller and r.kind == "Deployment"), None)
        if ref.kind != "ReplicaSet" or dep is None:
            return obj
        d = self.store.get("Deployment", namespace, dep.name)
        return d if d is not None and d.meta.uid == dep.uid else None


def pdb_values(obj: ApiObject, checker, t: int) -> dict:
    """`expect pdb NS/NAME ...`: allowed (status.disruptionsAllowed), healthy (currentHealthy), desired
    (desiredHealthy); a budget the controller has not synced yet reads 0 for each, as its empty status does."""
    status = obj.status or PDBStatus()
    return {"allowed": status.disruptions_allowed, "healthy": status.current_healthy,
            "desired": status.desired_healthy}


expect.register("pdb", "PodDisruptionBudget", pdb_values)
