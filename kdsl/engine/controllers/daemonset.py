"""The DaemonSet controller: a pod on every eligible node, pinned by node affinity, updated a node at a time."""

from __future__ import annotations

import attrs

from kdsl.engine.controllers.base import Controller
from kdsl.engine.controllers.daemon_pods import DaemonPods
from kdsl.engine.controllers.daemon_status import daemon_status
from kdsl.engine.apiserver.strategy import template_generation
from kdsl.engine.controllers.daemon_util import TEMPLATE_GENERATION, should_run, target_node, with_tolerations
from kdsl.engine.controllers.sets import (REVISION_HASH, Backoff, History, available, next_available_ms, pod_changed,
                                         revision_of, status_only)
from kdsl.engine.objects import ApiObject
from kdsl.core.values import Percent
from kdsl.model.pods import Toleration

STATUS_SYNC_MS = 1_000  # readiness-only pod changes are gathered for up to a second (see on_pod)
FAILED_BACKOFF_MS, FAILED_BACKOFF_MAX_MS = 1_000, 900_000  # failedPodsBackoff: 1 s doubling to 15 min


class DaemonSetController(Controller):
    """pkg/controller/daemon: `manage` makes one pod per eligible node (and removes the extra and the
    misplaced ones), then `rollingUpdate` deletes old-revision pods, at most maxUnavailable nodes at a
    time; a node's new pod is created once its old one is gone. The default scheduler binds each pod."""

    name = "daemon-set-controller"
    kinds = ("DaemonSet",)

    def setup(self) -> None:
        self.store.watch("DaemonSet", self.on_own)
        self.store.watch("Pod", self.on_pod, owners=self.kinds)
        self.store.watch("Node", self.on_node)
        self.backoff = Backoff()
        self._failed: dict[tuple[str, str], tuple[int, int]] = {}  # (ds uid, node) -> (last kill, delay)
        # Each set's node verdicts, kept until a node or the set's template changes: (template, verdicts).
        self._verdicts: dict[str, tuple] = {}

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A daemon pod changed. What `manage` acts on (a pod added, removed, bound, being deleted, or
        finished) wakes the set at once; a readiness change only moves the status and the rollout, and
        waits up to STATUS_SYNC_MS so the many pods of a large set that turn Ready within a second
        are counted in one pass instead of one pass each (each pass reads every node)."""
        if not pod_changed(old, new):
            return
        pod = new or old
        urgent = (old is None or new is None or old.terminating != new.terminating
                  or old.spec.template.node_name != new.spec.template.node_name
                  or new.status.phase in ("Succeeded", "Failed"))
        for ref in pod.meta.owners:
            if ref.controller and ref.kind == "DaemonSet":
                self.enqueue(("DaemonSet", pod.namespace, ref.name), 0 if urgent else STATUS_SYNC_MS)

    def on_own(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if status_only(old, new):
            return  # the controller's own status write: nothing to act on
        self.enqueue((new or old).key)

    def on_node(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        """A node added or deleted, or whose labels or taints changed, may change where daemons run;
        heartbeats and condition changes do not (the taints carry what matters of them)."""
        if old is not None and new is not None and (old.meta.labels, old.spec.labels, old.spec.taints) == \
                (new.meta.labels, new.spec.labels, new.spec.taints):
            return
        self._verdicts.clear()
        for ds in self.store.list("DaemonSet"):
            self.enqueue(ds.key)

    def reconcile(self, key) -> None:
        ds = self.store.get(*key)
        if ds is None:
            return  # deleted: the garbage collector removes its pods by their ownerReferences
        history = History(self, ds)
        revision = history.sync(ds.spec.template)
        if revision is None:
            self.enqueue(key, self.backoff.failed(key))  # the API refused the revision: retry later
            return
        hash_ = revision.meta.label_dict()[REVISION_HASH]
        template = ds.spec.template
        tolerations = with_tolerations(template.tolerations)
        # Each node's (name, should run, should continue running): the same until a node or the template changes.
        cached = self._verdicts.get(ds.meta.uid)
        if cached is None or cached[0] is not template:
            verdicts = [(n.name, *should_run(template, tolerations, n)) for n in self.store.list("Node", by_name=True)]
            self._verdicts[ds.meta.uid] = cached = (template, verdicts)
        verdicts = cached[1]
        by_node = self._by_node(ds)
        ok = True
        if not ds.terminating:
            delete, create = self._manage(ds, verdicts, by_node)
            ok = self._sync_nodes(ds, delete, create, hash_, tolerations)
            by_node = self._by_node(ds) if delete or create else by_node
            outdated = any(revision_of(p) != hash_ for on in by_node.values() for p in on)
            if ok and ds.spec.strategy.type == "RollingUpdate" and outdated:
                delete = self._rolling_update(ds, verdicts, by_node, hash_)
                ok = self._sync_nodes(ds, delete, [], hash_, tolerations)
                by_node = self._by_node(ds) if delete else by_node
        if ok:
            self.backoff.forget(key)
        else:
            self.enqueue(key, self.backoff.failed(key))  # a create or delete was refused: retry later
        self._write_status(ds, verdicts, by_node, hash_)
        pods = [p for on in by_node.values() for p in on]
        history.truncate(lambda: {r.name for r in history.revisions if revision_of(r) in
                                  {hash_} | {revision_of(p) for p in pods}},
                         ds.spec.revision_history_limit)
        wait = next_available_ms(pods, ds.spec.min_ready_ms, self.sim.now)
        if wait is not None:
            self.enqueue(key, wait)  # a pod turns available once minReadySeconds have passed

    def _by_node(self, ds: ApiObject) -> dict[str, list[ApiObject]]:
        """getNodesToDaemonPods: the set's pods by target node, oldest first; a finished pod that is already
        being deleted is left to the kubelet or the pod GC."""
        out: dict[str, list[ApiObject]] = {}
        for pod in self.owned("Pod", ds):
            if pod.terminating and pod.status.phase in ("Succeeded", "Failed"):
                continue
            out.setdefault(target_node(pod) or "", []).append(pod)
        return out

    def _manage(self, ds: ApiObject, verdicts: list, by_node: dict) -> tuple[list[ApiObject], list[str]]:
        """podsShouldBeOnNode for every node: the pods to delete and the nodes that need one."""
        create: list[str] = []
        delete: list[ApiObject] = []
        for node, run, keep in verdicts:
            pods = by_node.get(node, [])
            if run and not pods:
                create.append(node)
            elif keep:
                running = []
                for pod in pods:
                    if pod.terminating:
                        continue
                    if pod.status.phase == "Failed":
                        if self._failed_in_backoff(ds, node):
                            continue
                        self.client.event("Warning", "FailedDaemonPod", ds, f"Found failed daemon pod "
                                          f"{pod.namespace}/{pod.name} on node {node}, will try to kill it")
                        delete.append(pod)
                    elif pod.status.phase == "Succeeded":
                        delete.append(pod)
                    else:
                        running.append(pod)
                delete += running[1:]  # more than one on a node: keep the oldest
            else:
                delete += [p for p in pods if not p.terminating]
        names = {v[0] for v in verdicts}
        # A pod made for a node that is gone and never scheduled goes; bound ones are the pod GC's.
        delete += [p for n, pods in sorted(by_node.items()) if n not in names for p in pods
                   if not p.spec.template.node_name and not p.terminating]
        return delete, create

    def _failed_in_backoff(self, ds: ApiObject, node: str) -> bool:
        """failedPodsBackoff: a node whose daemon pod keeps failing is retried after 1 s, 2 s, ... 15 min."""
        key, now = (ds.meta.uid, node), self.sim.now
        last = self._failed.get(key)
        if last is not None and now - last[0] < last[1]:
            self.enqueue(ds.key, last[0] + last[1] - now)  # come back when the back-off ends
            return True
        expired = last is None or now - last[0] > 2 * FAILED_BACKOFF_MAX_MS
        delay = FAILED_BACKOFF_MS if expired else min(last[1] * 2, FAILED_BACKOFF_MAX_MS)
        self._failed[key] = (now, delay)
        return False

    def _sync_nodes(self, ds: ApiObject, delete: list[ApiObject], create: list[str], hash_: str,
                    tolerations: tuple[Toleration, ...]) -> bool:
        """syncNodes: deletions, then one pod for each node that needs one ("Created pod: ..."), stopping at
        the first refusal as the slow-start batches do."""
        for pod in delete:
            before = len(self.sim.rejections)
            self.client.delete("Pod", pod.namespace, pod.name)
            if len(self.sim.rejections) > before:
                self.client.event("Warning", "FailedDelete", ds, f"Error deleting: {self.sim.rejections[-1].message}")
                return False
            self.client.event("Normal", "SuccessfulDelete", ds, f"Deleted pod: {pod.name}")
        template = ds.spec.template
        labels = dict(template.labels)
        # CreatePodTemplate: pod-template-generation is the set's templateGeneration (util.GetTemplateGeneration)
        generation = template_generation(ds) or ds.meta.generation
        labels.update({REVISION_HASH: hash_, TEMPLATE_GENERATION: str(generation)})
        pods = DaemonPods(self, ds, tuple(labels.items()), tolerations)  # alike but for their name, uid and node
        for node in create:
            name = pods.create(node)
            if name is None:
                self.client.event("Warning", "FailedCreate", ds, f"Error creating: {self.sim.rejections[-1].message}")
                return False
            self.client.event("Normal", "SuccessfulCreate", ds, f"Created pod: {name}")
        return True

    def _rolling_update(self, ds: ApiObject, verdicts: list, by_node: dict, hash_: str) -> list[ApiObject]:
        """rollingUpdate with maxSurge 0: the old pods to delete. One that is not available is replaced at
        once; available ones only while fewer than maxUnavailable nodes are unavailable, nodes in name order."""
        spec, now = ds.spec, self.sim.now
        desired = sum(run for _, run, _ in verdicts)
        max_unavailable = spec.strategy.max_unavailable
        if isinstance(max_unavailable, Percent):
            max_unavailable = max_unavailable.of(desired, round_up=True)
        if desired > 0 and not max_unavailable:
            max_unavailable = 1  # maxSurge and maxUnavailable both 0 resolve to 1
        unavailable, replace, candidates = 0, [], []
        for _, pods in sorted(by_node.items()):
            pods = [p for p in pods if not p.terminating]  # findUpdatedPodsOnNode skips them
            new = [p for p in pods if revision_of(p) == hash_]
            old = [p for p in pods if revision_of(p) != hash_]
            if len(new) > 1 or len(old) > 1 or bool(new) == bool(old):
                unavailable += 1  # being replaced, or doubled up: `manage` sorts it out
            elif new:
                unavailable += not available(new[0], spec.min_ready_ms, now)
            elif not available(old[0], spec.min_ready_ms, now):
                replace.append(old[0])
            elif unavailable < max_unavailable:
                candidates.append(old[0])
        room = max(0, max_unavailable - unavailable)
        return replace + candidates[:room]

    def _write_status(self, ds: ApiObject, verdicts: list, by_node: dict, hash_: str) -> None:
        status = daemon_status(ds, verdicts, by_node, hash_, self.sim.now)
        if status != ds.status:
            self.client.update_status(attrs.evolve(ds, status=status))
