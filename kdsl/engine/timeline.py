"""Timeline actions played at their moment: node faults and cordons, creates, applies, deletes."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver.request import Request
from kdsl.engine.nodes import UNSCHEDULABLE, play_op, with_taints
from kdsl.model.nodes import Taint
from kdsl.engine.apiserver.errors import qualified_kind
from kdsl.engine.apiserver.resources import resource_info
from kdsl.engine.drain import evict
from kdsl.engine.rollouts import ROLLBACKERS, kubectl_error, rollout
from kdsl.model.timeline import (AddNode, Apply, Create, Delete, Evict, NodeAction, NodeOp, Rollback, Rollout,
                                 Scale, SetImage, SetLoad)


class Timeline:
    """What each action of the scenario's timeline does to the running simulation."""

    def __init__(self, sim) -> None:
        self.sim = sim

    def _cordon(self, name: str, on: bool) -> bool:
        """True when the node changed: cordoning a cordoned node writes nothing (kubectl's `already cordoned`,
        UpdateIfRequired in kubectl/pkg/drain/cordon.go), so the kubelet has no NodeNotSchedulable to record."""
        sim = self.sim
        node = sim.store.get("Node", None, name)
        if node.spec.unschedulable == on:
            return False
        spec = attrs.evolve(node.spec, unschedulable=on)
        node = attrs.evolve(node, spec=spec)
        taint = Taint(UNSCHEDULABLE, None, "NoSchedule")
        node = with_taints(node, add=(taint,)) if on else with_taints(node, remove_keys=(UNSCHEDULABLE,))
        sim.write(node, source="timeline")
        sim.event("Normal", "NodeNotSchedulable" if on else "NodeSchedulable", node,
                  f"Node {name} status is now: {'NodeNotSchedulable' if on else 'NodeSchedulable'}", source="kubelet")
        return True

    def _target(self, action):
        """The object a `set image`, `scale` or `rollback` names; kubectl's GET of a missing one is
        refused with NotFound, which is logged like any refusal."""
        sim = self.sim
        obj = sim.store.get(action.kind, action.namespace, action.name)
        if obj is None:
            sim._call(Request(verb="get", kind=action.kind, namespace=action.namespace, name=action.name,
                              user=action.user, now_ms=sim.now), "timeline")
        return obj

    def _set_image(self, action: SetImage) -> None:
        """kubectl set image: each named container (`*`: every one) of the template gets its image."""
        obj = self._target(action)
        if obj is None:
            return
        template = obj.spec.template
        images = dict(action.images)
        names = {c.name for c in template.containers + template.init_containers}
        missing = sorted(n for n in images if n != "*" and n not in names)
        if missing:
            self.sim.event("Warning", "FailedSetImage", obj, f'error: unable to find container named "{missing[0]}"',
                           source="kubectl")
            return

        def swap(containers):
            return tuple(attrs.evolve(c, image=images.get(c.name, images.get("*", c.image))) for c in containers)
        template = attrs.evolve(template, containers=swap(template.containers),
                                init_containers=swap(template.init_containers))
        self.sim.submit("update", attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=template)),
                        source="timeline", user=action.user)

    def _scale(self, action: Scale) -> None:
        """kubectl scale: spec.replicas of any kind that has it."""
        obj = self._target(action)
        if obj is not None:
            self.sim.submit("update", attrs.evolve(obj, spec=attrs.evolve(obj.spec, replicas=action.replicas)),
                            source="timeline", user=action.user)

    def _rollback(self, action: Rollback) -> None:
        """kubectl rollout undo: the object, then the rollbacker of its kind (rollouts.py)."""
        obj = self._target(action)
        if obj is None:
            return
        rollbacker = ROLLBACKERS.get(action.kind)
        if rollbacker is not None:
            return rollbacker(self.sim, action, obj)
        # The language rolls back only these kinds, so only a Rollback built in Python reaches here: kubectl's
        # RollbackerFor refuses it (polymorphichelpers/rollback.go), logged like every refusal a run records.
        info = resource_info(action.kind)
        kubectl_error(self.sim, obj, "FailedRollback",
                      f'no rollbacker has been implemented for "{qualified_kind(info.kind, info.group)}"')

    def act(self, action) -> None:
        sim = self.sim
        if isinstance(action, NodeAction):
            if action.verb == "fail":
                sim.failed_nodes.add(action.node)
                sim.node_lifecycle.kubelet_stopped(action.node)
            elif action.verb == "notready":
                sim.failed_nodes.add(action.node)  # the runtime is down: no pod makes progress
                sim.node_lifecycle.kubelet_not_ready(action.node)
            elif action.verb == "recover":
                if action.node in sim.failed_nodes:
                    sim.failed_nodes.discard(action.node)
                    sim.node_lifecycle.kubelet_started(action.node)
                    sim.kubelets.resync(action.node)
            elif action.verb in ("cordon", "uncordon", "drain"):
                changed = self._cordon(action.node, action.verb != "uncordon")
                if action.verb == "drain":
                    sim.drainer.start(action.node, action.force, action.timeout_ms, action.user,
                                      already=not changed)
        elif isinstance(action, AddNode):
            sim.add_node(action.node)
        elif isinstance(action, NodeOp):
            play_op(sim, action)
        elif isinstance(action, Create):
            sim.create(action.object, source="timeline", user=action.user)
        elif isinstance(action, Apply):
            for obj in action.objects:
                sim.apply(obj, source="timeline", user=action.user)
        elif isinstance(action, SetImage):
            self._set_image(action)
        elif isinstance(action, Scale):
            self._scale(action)
        elif isinstance(action, Rollback):
            self._rollback(action)
        elif isinstance(action, Rollout):
            obj = self._target(action)
            if obj is not None:
                rollout(sim, action, obj)
        elif isinstance(action, Evict):
            evict(sim, action.namespace, action.name, source="timeline", user=action.user)
        elif isinstance(action, SetLoad):
            ld = action.load
            sim.usage.set_load(ld.kind, ld.namespace, ld.name, ld.cpu, ld.memory)
        elif isinstance(action, Delete):
            if action.name is not None:
                sim.delete(action.kind, action.namespace, action.name, source="timeline", user=action.user)
            else:
                for obj in sim.store.list(action.kind, action.namespace):
                    if action.selector.matches(obj.meta.label_dict()):
                        sim.delete(action.kind, action.namespace, obj.name, source="timeline", user=action.user)
