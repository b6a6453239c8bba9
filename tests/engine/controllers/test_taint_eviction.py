"""The taint manager's pod watch: the writes its filter drops are exactly those its handler would do nothing with."""

from __future__ import annotations

from types import SimpleNamespace

import attrs

from kdsl.engine.controllers.taint_eviction import TaintEvictionController
from kdsl.engine.objects import ApiObject, Meta, PodStatus
from kdsl.engine.store import Store
from kdsl.model.nodes import Taint
from kdsl.model.pods import PodTemplate, Toleration
from kdsl.model.workloads import Pod


def pod(name: str) -> ApiObject:
    spec = Pod(name=name, namespace="shop", template=PodTemplate())
    return ApiObject(kind="Pod", meta=Meta(name=name, namespace="shop"), spec=spec, status=PodStatus())


def template(obj: ApiObject, **changes) -> ApiObject:
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template, **changes)))


class Heard(TaintEvictionController):
    """Notes the resourceVersion of every pod write its watch hears."""

    def __init__(self, sim) -> None:
        self.heard: list[int] = []
        super().__init__(sim)

    def on_pod(self, op, old, new) -> None:
        self.heard.append(self.sim.store.resource_version)
        super().on_pod(op, old, new)


def test_a_status_or_metadata_write_of_a_bound_pod_is_not_heard_and_a_tolerations_change_is():
    store = Store()
    manager = Heard(SimpleNamespace(store=store))
    planned = []
    manager._later = lambda fn, *args: planned.append((fn.__name__, args[0][2], store.resource_version))
    manager.tainted["n1"] = (Taint(key="dedicated", value=None, effect="NoExecute"),)
    p = store.put(pod("web"), 0)  # unbound: no node's
    p = store.put(template(p, node_name="n1"), 1)  # the binding onto the tainted node: heard
    status = store.put(p, 2, status=PodStatus(phase="Running"))  # a status write: not heard
    labelled = store.put(attrs.evolve(status, meta=attrs.evolve(status.meta, labels=(("a", "b"),))), 3)
    tolerated = store.put(template(labelled, tolerations=(Toleration(key="dedicated", operator="Exists"),)), 4)
    manager.work[tolerated.key] = None
    store.delete("Pod", "shop", "web", 5)  # a pod with planned work: heard
    assert manager.heard == [2, 5, 6]
    assert planned == [("handle_pod", "web", 2), ("handle_pod", "web", 5), ("handle_pod", "web", 6)]
    # the two writes dropped are ones the handler, asked anyway, does nothing with
    TaintEvictionController.on_pod(manager, "MODIFIED", p, status)
    TaintEvictionController.on_pod(manager, "MODIFIED", status, labelled)
    assert len(planned) == 3
