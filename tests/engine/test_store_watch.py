"""A watch hears the writes of the shapes it asks for, in write order; the history makes its Changes when read."""

from __future__ import annotations

import bisect
from collections import Counter

import attrs
import pytest

import kdsl
from kdsl.engine import kubelets, scheduling
from kdsl.engine.kubelets import KubeletComponent
from kdsl.engine.objects import ApiObject, Meta, OwnerRef, PodStatus
from kdsl.engine.scheduling import SchedulerComponent
from kdsl.engine.store import KEEP, Store
from kdsl.engine.store_watch import (Change, Write, bound_or_deleted, deletions, not_added, owners_or_deletion,
                                     shape_of, the_binding, write_of)
from kdsl.model.pods import PodTemplate
from kdsl.model.workloads import Pod
from tests.engine.test_golden_runs import SCENARIOS, run_text
from tests.golden import GOLDEN


def pod(name: str, node: str | None = None, owners: tuple = ()) -> ApiObject:
    spec = Pod(name=name, namespace="shop", template=PodTemplate(node_name=node))
    return ApiObject(kind="Pod", meta=Meta(name=name, namespace="shop", owners=owners), spec=spec, status=PodStatus())


def bind(obj: ApiObject, node: str) -> ApiObject:
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template, node_name=node)))


def test_a_shaped_watch_hears_only_what_it_asks_for_and_every_watch_hears_in_the_order_it_began():
    s, heard, shapes = Store(), [], []
    s.watch("Pod", lambda op, old, new: heard.append(("all", op)))
    s.watch("Pod", lambda op, old, new: heard.append(("node", op)), writes=bound_or_deleted)
    s.watch("Pod", lambda op, old, new: heard.append(("bind", op)), writes=the_binding)
    s.watch("Pod", lambda op, old, new: heard.append(("gone", op)), writes=deletions)
    s.watch("Pod", lambda op, old, new: heard.append(("later", op)), writes=not_added)
    s.watch("Pod", lambda op, old, new: shapes.append(op), writes=lambda w: shapes.append(w) or False)
    created = s.put(pod("web"), 0)
    bound = s.put(bind(created, "n1"), 1)
    s.put(bound, 2, status=PodStatus(phase="Running"))
    s.delete("Pod", "shop", "web", 3)
    assert heard == [("all", "ADDED"),
                     ("all", "MODIFIED"), ("node", "MODIFIED"), ("bind", "MODIFIED"), ("later", "MODIFIED"),
                     ("all", "MODIFIED"), ("node", "MODIFIED"), ("later", "MODIFIED"),
                     ("all", "DELETED"), ("node", "DELETED"), ("gone", "DELETED"), ("later", "DELETED")]
    # the filter is asked once a shape: the second status write of the same shape is not asked again
    s.put(s.put(pod("api", node="n1"), 4), 5, status=PodStatus(phase="Running"))
    s.put(s.get("Pod", "shop", "api"), 6, status=PodStatus(phase="Succeeded"))
    assert [(w.op, w.bound) for w in shapes] == [("ADDED", (False, False)), ("MODIFIED", (False, True)),
                                                 ("MODIFIED", (True, True)), ("DELETED", (True, False)),
                                                 ("ADDED", (False, True))]


def test_the_garbage_collectors_filter_hears_owners_moving_and_deletions_not_status_writes():
    s, heard = Store(), []
    s.watch("Pod", lambda op, old, new: heard.append((op, new and len(new.meta.owners))), writes=owners_or_deletion)
    rs = (OwnerRef(kind="ReplicaSet", name="web", uid="u1"),)
    s.delete("Pod", "shop", s.put(pod("alone"), 0).meta.name, 0)  # created with no owner: heard only gone
    p = s.put(pod("web", owners=rs), 0)
    p = s.put(p, 1, status=PodStatus(phase="Running"))  # a status write: nothing the graph reads
    p = s.put(attrs.evolve(p, meta=attrs.evolve(p.meta, owners=())), 2)  # orphaned
    s.put(attrs.evolve(p, meta=attrs.evolve(p.meta, deletion_ms=3)), 3)  # terminating
    assert heard == [("DELETED", None), ("ADDED", 1), ("MODIFIED", 0), ("MODIFIED", 0)]


def test_a_write_that_moves_the_owners_has_the_shape_of_its_controllers_before_and_after():
    s, shapes = Store(), []
    s.watch("Pod", lambda *a: None, writes=lambda w: shapes.append(w) or True)
    rs = (OwnerRef(kind="ReplicaSet", name="web", uid="u1"),)
    job = (OwnerRef(kind="Job", name="batch", uid="u2"),)
    p = s.put(pod("web", owners=rs), 0)
    s.put(attrs.evolve(p, meta=attrs.evolve(p.meta, owners=job)), 1)
    assert shapes == [Write(("ReplicaSet",), "ADDED", False, namespace="shop", owned=True),
                      Write(("Job", "ReplicaSet"), "MODIFIED", True, spec_kept=True, namespace="shop", owned=True)]
    assert s.owned_by("Pod", "u2") and not s.owned_by("Pod", "u1")


def _write(kind, controllers, op, old, new, moved, ns, writer) -> Write:
    """Write's fields read off the write one by one, as its comments define them (the shape's plain path)."""
    pod = kind == "Pod"
    kept = old is not None and new is not None and new.meta is old.meta
    terminating = new is not None and new.meta.deletion_ms is not None
    return Write(controllers, op, moved, terminating,
                 (pod and old is not None and old.spec.template.node_name is not None,
                  pod and new is not None and new.spec.template.node_name is not None),
                 pod and old is not None and new is not None and new.spec is old.spec, ns, pod and kept,
                 new is not None and len(new.meta.owners) > 0, writer if kept and not terminating else None)


def deleted(obj: ApiObject, at: int | None) -> ApiObject:
    return attrs.evolve(obj, meta=attrs.evolve(obj.meta, deletion_ms=at))


def test_a_writes_shape_is_its_write_read_field_by_field():
    rs = (OwnerRef(kind="ReplicaSet", name="web", uid="u1"),)
    shapes = {}
    for kind in ("Pod", "Service"):
        olds = [None] + [deleted(attrs.evolve(pod("web", node, owners), kind=kind), deleting)
                         for node in (None, "n1") for owners in ((), rs) for deleting in (None, 3)]
        for old in olds:
            news = [None] if old is not None else []
            for base in [old] if old is not None else olds[1:]:
                meta, spec = base.meta, base.spec
                for m in (meta, deleted(base, 5).meta, attrs.evolve(meta, owners=rs if not meta.owners else ())):
                    for sp in (spec, attrs.evolve(spec, template=PodTemplate(node_name="n2")), bind(base, "n1").spec):
                        news.append(attrs.evolve(base, meta=m, spec=sp, status=PodStatus(phase="Running")))
            for new in news:
                op = "ADDED" if old is None else "DELETED" if new is None else "MODIFIED"
                for writer in (None, "kubelet"):
                    for moved, ns in ((False, "shop"), (True, None)):
                        args = (kind, ("ReplicaSet",), op, old, new, moved, ns, writer)
                        shape = shape_of(*args)
                        assert write_of(shape, op, moved) == _write(*args), args
                        shapes.setdefault(shape, (kind, _write(*args)))
    assert len(set(shapes.values())) == len(shapes) > 40  # a shape a kind's Write: none kept for another's


def test_a_watch_begun_by_a_watcher_hears_the_write_it_began_in_if_its_filter_takes_it():
    s, heard = Store(), []

    def first(op, old, new):
        if op == "ADDED":
            s.watch("Pod", lambda op, old, new: heard.append(("bind", op)), writes=the_binding)
            s.watch("Pod", lambda op, old, new: heard.append(("any", op)))

    s.watch("Pod", first)
    s.put(bind(s.put(pod("web"), 0), "n1"), 1)
    assert heard == [("any", "ADDED"), ("bind", "MODIFIED"), ("any", "MODIFIED")]


def test_the_history_is_every_write_as_changes_read_by_index_slice_and_bisect():
    s = Store()
    a = s.put(pod("a"), 10)
    s.put(pod("b"), 20)
    s.put(a, 30, status=PodStatus(phase="Running"))
    s.delete("Pod", "shop", "b", 40)
    h = s.history
    assert len(h) == 4 and h[-1] == Change(40, 4, ("Pod", "shop", "b"), "DELETED", None)
    assert [c.op for c in h[1:3]] == ["ADDED", "MODIFIED"] and h[2].obj.status.phase == "Running"
    assert bisect.bisect_left(h, 30, key=lambda c: c.time_ms) == 2
    assert h[0] is h[0] and list(h) == [h[0], h[1], h[2], h[3]]
    s.put(pod("c"), 50)  # read once, the history still grows with the store
    assert len(h) == 5 and h[4].key[2] == "c" and [c.time_ms for c in h] == [10, 20, 30, 40, 50]


def test_a_watch_beside_a_kind_hears_only_the_namespaces_that_hold_one_from_its_first_to_its_last():
    s, heard = Store(), []
    s.watch("Pod", lambda op, old, new: heard.append((new or old).meta.namespace + "/" + op), beside="Quota")
    quota = ApiObject(kind="Quota", meta=Meta(name="q", namespace="shop"), spec=None)
    p = s.put(pod("web"), 0)  # no quota in shop yet: not heard
    s.put(quota, 1)
    s.put(p, 2, status=PodStatus(phase="Running"))
    s.put(attrs.evolve(pod("web"), meta=Meta(name="web", namespace="elsewhere")), 3)  # a namespace without one
    s.put(attrs.evolve(quota, meta=Meta(name="q2", namespace="shop")), 4)
    s.delete("Quota", "shop", "q", 5)  # one is left
    s.put(s.get("Pod", "shop", "web"), 6, status=PodStatus(phase="Failed"))
    s.delete("Quota", "shop", "q2", 7)  # the last: heard no more
    s.delete("Pod", "shop", "web", 8)
    assert heard == ["shop/MODIFIED", "shop/MODIFIED"]


def labeled(name: str, labels: tuple, ns: str = "shop") -> ApiObject:
    return ApiObject(kind="Pod", meta=Meta(name=name, namespace=ns, labels=labels),
                     spec=Pod(name=name, namespace=ns, template=PodTemplate()), status=PodStatus())


def test_a_label_selecting_watch_hears_the_objects_it_selects_before_or_after_asked_once_a_labels_tuple():
    s, heard, asked, wanted = Store(), [], [], {("app", "web")}
    select = lambda ns, labels: asked.append((ns, labels)) or bool(wanted & set(labels))  # noqa: E731
    s.watch("Pod", lambda op, old, new: heard.append(("all", op, (new or old).meta.name)))
    s.watch("Pod", lambda op, old, new: heard.append(("web", op, (new or old).meta.name)), labels=select)
    s.watch("Pod", lambda op, old, new: heard.append(("last", op, (new or old).meta.name)))
    web, api = (("app", "web"),), (("app", "api"),)
    w = s.put(labeled("w", web), 0)
    a = s.put(labeled("a", api), 1)
    s.put(w, 2, status=PodStatus(phase="Running"))  # the same labels tuple: not asked again
    a = s.put(a, 3, status=PodStatus(phase="Running"))
    assert asked == [("shop", web), ("shop", api)]
    assert heard == [("all", "ADDED", "w"), ("web", "ADDED", "w"), ("last", "ADDED", "w"),
                     ("all", "ADDED", "a"), ("last", "ADDED", "a"),
                     ("all", "MODIFIED", "w"), ("web", "MODIFIED", "w"), ("last", "MODIFIED", "w"),
                     ("all", "MODIFIED", "a"), ("last", "MODIFIED", "a")]
    heard.clear()
    # an update that replaces the labels is heard whatever they are (the watcher compares the two) ...
    a = s.put(attrs.evolve(a, meta=attrs.evolve(a.meta, labels=(("app", "api"), ("tier", "x")))), 4)
    # ... and a kept answer stands until reselect (a selector changed), then it is asked again
    a = s.put(a, 5, status=PodStatus(phase="Failed"))
    wanted.add(("tier", "x"))
    a = s.put(a, 6, status=PodStatus(phase="Unknown"))
    s.reselect()
    s.put(a, 7, status=PodStatus(phase="Succeeded"))
    s.delete("Pod", "shop", "a", 8)
    s.delete("Pod", "shop", "w", 9)
    assert [h for h in heard if h[0] == "web"] == [("web", "MODIFIED", "a"), ("web", "MODIFIED", "a"),
                                                   ("web", "DELETED", "a"), ("web", "DELETED", "w")]
    assert [h[1] for h in heard if h[0] == "all"] == ["MODIFIED"] * 4 + ["DELETED"] * 2
    # the other namespace's pods of the same labels tuple are asked of in their namespace
    s.put(labeled("w", web, ns="elsewhere"), 10)
    assert asked[-1] == ("elsewhere", web)


@pytest.mark.parametrize("text", [t for _, t in SCENARIOS], ids=[n for n, _ in SCENARIOS])
def test_every_run_is_the_same_when_every_watch_hears_every_write_of_its_kind(text, request, monkeypatch):
    """The filters (`writes`, `labels`, `beside`) leave out only writes their watchers would do nothing with: with
    none, every scenario runs to its golden event log, writes and final store (tests/engine/test_golden_runs.py)."""
    plain = Store.watch
    monkeypatch.setattr(Store, "watch", lambda self, kind, fn, owners=None, **_: plain(self, kind, fn, owners))
    name = request.node.callspec.id.replace("/", "--")
    assert run_text(kdsl.parse(text)) == (GOLDEN / f"engine/runs/{name}.txt").read_text(encoding="utf-8")


def test_a_writers_watch_does_not_hear_its_own_status_writes_of_an_object_that_stands():
    s, heard = Store(), []
    s.watch("Pod", lambda op, old, new: heard.append(("mine", op, new and new.status.phase)), writer="kubelet")
    s.watch("Pod", lambda op, old, new: heard.append(("all", op, new and new.status.phase)))
    p = s.put(pod("web", node="n1"), 0, writer="kubelet")  # a creation: heard
    p = s.put(p, 1, status=PodStatus(phase="Pending"), writer="kubelet")  # its own status write: not heard
    p = s.put(p, 2, status=PodStatus(phase="Running"), writer="scheduler")  # another's: heard
    p = s.put(p, 3, status=PodStatus(phase="Running"))  # no writer named: heard
    p = s.put(attrs.evolve(p, meta=attrs.evolve(p.meta, labels=(("a", "b"),))), 4, writer="kubelet")  # metadata
    p = s.put(attrs.evolve(p, meta=attrs.evolve(p.meta, deletion_ms=5)), 5)
    s.put(p, 6, status=PodStatus(phase="Succeeded"), writer="kubelet")  # being deleted: heard
    s.delete("Pod", "shop", "web", 7)
    mine = [(op, phase) for who, op, phase in heard if who == "mine"]
    assert mine == [("ADDED", "Pending"), ("MODIFIED", "Running"), ("MODIFIED", "Running"), ("MODIFIED", "Running"),
                    ("MODIFIED", "Running"), ("MODIFIED", "Succeeded"), ("DELETED", None)]
    assert len([h for h in heard if h[0] == "all"]) == 8


def _kubelet_state(k) -> tuple:
    return (dict(k.runs), dict(k.generation), dict(k.node_of), {key: list(v) for key, v in k.waiting.items()},
            {n: set(v) for n, v in k.unhosted.items()})


def _scheduler_state(s) -> tuple:
    return (dict(s.pending), set(s.unschedulable), s.snapshot, dict(s.snapshot.where), s._pass_queued, s._arrivals,
            {n: set(v) for n, v in s.unplaced.items()})


OWN = [(KubeletComponent, kubelets.SOURCE, _kubelet_state), (SchedulerComponent, scheduling.SOURCE, _scheduler_state)]


@pytest.mark.parametrize("text", [t for _, t in SCENARIOS], ids=[n for n, _ in SCENARIOS])
def test_a_writer_would_do_nothing_with_its_own_updates_it_no_longer_hears(text, request, monkeypatch):
    """With their `writer` filters removed, the kubelet hears its own status writes and the scheduler its own
    bindings again: each changes nothing of the component's (the kubelet's runs, plans and waiting pods; the
    scheduler's queue and snapshot), writes nothing, records no event and plans nothing; the run is its golden one."""
    plain_watch, plain_put = Store.watch, Store.put
    writers, checked, expected = [], [], []  # writers: the writer of each write under way, the innermost last
    monkeypatch.setattr(Store, "watch", lambda self, kind, fn, owners=None, writer=None, **kw:
                        plain_watch(self, kind, fn, owners, **kw))

    def own(writer, old, new) -> bool:  # Write.writer's rule: an update keeping the Meta of a pod not being deleted
        return writer is not None and old is not None and new is not None and new.meta is old.meta \
            and new.meta.deletion_ms is None

    def put(self, obj, now, status=KEEP, spec=KEEP, writer=None):
        writers.append(writer)
        old = self.get(obj.kind, obj.meta.namespace, obj.meta.name)
        try:
            new = plain_put(self, obj, now, status, spec, writer)
        finally:
            writers.pop()
        if new.kind == "Pod" and own(writer, old, new):
            expected.append((writer, new.key))
        return new

    def checking(cls, source, state):
        plain_on_pod = cls.on_pod

        def on_pod(self, op, old, new):
            if not (writers and writers[-1] == source and own(source, old, new)):
                return plain_on_pod(self, op, old, new)
            sim = self.sim
            before = (state(self), sim.store.resource_version, len(sim.log.events), sim.queue._seq)
            plain_on_pod(self, op, old, new)
            after = (state(self), sim.store.resource_version, len(sim.log.events), sim.queue._seq)
            assert after == before, f"{cls.__name__} acted on its own write of {new.key}"
            checked.append((source, new.key))
        return on_pod

    monkeypatch.setattr(Store, "put", put)
    for cls, source, state in OWN:
        monkeypatch.setattr(cls, "on_pod", checking(cls, source, state))
    name = request.node.callspec.id.replace("/", "--")
    assert run_text(kdsl.parse(text)) == (GOLDEN / f"engine/runs/{name}.txt").read_text(encoding="utf-8")
    assert Counter(checked) == Counter(expected)  # every write a filter spares its writer was heard, and checked
