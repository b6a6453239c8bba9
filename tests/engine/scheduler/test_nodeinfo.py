"""NodeInfo: a node's scheduling facts from its model, its API object and status."""

from kdsl.engine.objects import ApiObject, Meta, NodeStatus
from kdsl.engine.scheduler import NodeInfo
from kdsl.engine.scheduler.nodeinfo import UNSCHEDULABLE_TAINT
from tests.engine.scheduler.helpers import GI, Taint, node


def test_node_info_of_an_api_object_uses_status_allocatable_and_adds_the_cordon_taint():
    spec = node("n1", cpu=8000, unschedulable=True, images=("nginx",))
    obj = ApiObject(kind="Node", meta=Meta(name="n1", labels=(("zone", "a"),)), spec=spec,
                    status=NodeStatus(cpu=7000, memory=GI, pods=50))
    info = NodeInfo.of(obj)
    assert (info.cpu, info.memory, info.pods) == (7000, GI, 50)
    assert info.labels["zone"] == "a" and info.labels["kubernetes.io/hostname"] == "n1"
    assert info.taints == (UNSCHEDULABLE_TAINT,)
    assert info.images == ("nginx:latest",)
    # a taint the lifecycle controller already put there is not doubled
    spec2 = node("n2", unschedulable=True, taints=(Taint("node.kubernetes.io/unschedulable", None, "NoSchedule"),))
    assert len(NodeInfo.of(spec2).taints) == 1
