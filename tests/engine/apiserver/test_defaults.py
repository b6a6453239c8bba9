"""What the registry strategies write into an object's metadata: the generation by kind, the namespace name label,
a DaemonSet's template generation."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.apiserver.defaults import NAME_LABEL
from kdsl.engine.apiserver.strategy import TEMPLATE_GENERATION
from kdsl.engine.objects import wrap
from tests.engine.apiserver.helpers import Cluster, pod

TEXT = """
namespace dev {
  labels team=web
  configmap cfg {
    LOG = "info"
  }
  deployment web replicas=2 image=nginx:1.25
  daemonset agent image=agent:1
  service web selects app=web ports 80
}
"""


def objects() -> dict:
    return {f"{o.kind}": o for o in kdsl.parse(TEXT).objects}


def test_only_kinds_whose_strategy_counts_have_a_generation():
    c = Cluster()
    made = [c.apply(o) for o in objects().values()]
    assert {o.kind: o.meta.generation for o in made} == {"Namespace": 0, "ConfigMap": 0, "Deployment": 1,
                                                         "DaemonSet": 1, "Service": 0}
    assert c.apply(pod("p")).meta.generation == 1  # pods count since v1.33 (updatePodGeneration)


def test_a_spec_change_counts_a_label_change_does_not():
    c = Cluster()
    c.apply(objects()["Namespace"])
    stored = c.apply(objects()["DaemonSet"])
    relabelled = attrs.evolve(stored, spec=attrs.evolve(stored.spec, labels=(("tier", "x"),)),
                              meta=attrs.evolve(stored.meta, labels=(("tier", "x"),)))
    same = c.ask("update", "DaemonSet", object=relabelled).object
    assert same.meta.generation == 1 and dict(same.meta.annotations)[TEMPLATE_GENERATION] == "1"
    c.view.add(same)
    template = attrs.evolve(same.spec.template, annotations=(("rev", "2"),))
    bumped = c.ask("update", "DaemonSet", object=attrs.evolve(same, spec=attrs.evolve(same.spec,
                                                                                       template=template))).object
    assert bumped.meta.generation == 2 and dict(bumped.meta.annotations)[TEMPLATE_GENERATION] == "2"


def test_a_configmap_keeps_generation_zero_through_updates_and_deletion():
    c = Cluster()
    c.apply(objects()["Namespace"])
    stored = c.apply(objects()["ConfigMap"])
    changed = attrs.evolve(stored, spec=attrs.evolve(stored.spec, data=(("LOG", "debug"),)))
    updated = c.ask("update", "ConfigMap", object=changed).object
    assert (stored.meta.generation, updated.meta.generation) == (0, 0)


def test_a_namespace_is_labelled_with_its_name():
    c = Cluster()
    ns = c.apply(objects()["Namespace"])
    assert dict(ns.meta.labels) == {"team": "web", NAME_LABEL: "dev"}
    forged = attrs.evolve(ns, meta=attrs.evolve(ns.meta, labels=((NAME_LABEL, "other"),)))
    assert dict(c.ask("update", "Namespace", object=forged).object.meta.labels) == {NAME_LABEL: "dev"}


def test_deleting_moves_the_generation_only_where_there_is_one():
    c = Cluster()
    ns = c.apply(wrap(kdsl.parse("namespace gone").objects[0]))
    c.view.add(ns)
    deleted = c.ask("delete", "Namespace", name="gone").object
    assert ns.meta.generation == 0 and deleted.meta.generation == 0 and deleted.meta.deletion_ms is not None
