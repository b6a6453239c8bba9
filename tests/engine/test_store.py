"""The store: versions, watch notifications, indexes and the state at a past moment."""

from __future__ import annotations

import pickle
import random
import sys
from collections import defaultdict

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kdsl
from kdsl.engine import sim_requests
from kdsl.engine.objects import ApiObject, Meta, OwnerRef, PodStatus
from kdsl.engine.simulation import Simulation
from kdsl.engine.store import KEEP, Store
from tests.engine.test_golden_runs import SCENARIOS


def obj(name: str, ns: str | None = "default", kind: str = "Pod", spec=None) -> ApiObject:
    return ApiObject(kind=kind, meta=Meta(name=name, namespace=ns), spec=spec)


def test_every_write_bumps_the_resource_version_and_is_recorded():
    s = Store()
    a = s.put(obj("a"), now=0)
    b = s.put(obj("b"), now=5)
    a2 = s.put(attrs.evolve(a, spec="changed"), now=10)
    assert (a.resource_version, b.resource_version, a2.resource_version) == (1, 2, 3)
    assert [(c.time_ms, c.op, c.key[2]) for c in s.history] == [(0, "ADDED", "a"), (5, "ADDED", "b"),
                                                                (10, "MODIFIED", "a")]
    assert s.delete("Pod", "default", "b", now=12).name == "b"
    assert s.get("Pod", "default", "b") is None
    assert s.history[-1].op == "DELETED" and s.resource_version == 4


def test_a_write_stamps_its_version_on_the_object_and_keeps_the_metadata_it_was_given():
    s = Store()
    a = s.put(obj("a"), now=0)
    a2 = s.put(a, now=1, status="Running")
    a3 = s.put(attrs.evolve(a2, meta=attrs.evolve(a2.meta, labels=(("app", "web"),))), now=2)
    assert (a.resource_version, a2.resource_version, a3.resource_version) == (1, 2, 3)
    assert a2.meta is a.meta and a2.status == "Running" and a3.meta.labels == (("app", "web"),)
    # printed, the version stands in the metadata, where Kubernetes keeps it
    assert "finalizers=(), resource_version=2, generation=1), spec=None, status='Running')" in repr(a2)


_VALUE = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.tuples(st.integers()))


@given(st.lists(st.tuples(st.sampled_from(("Pod", "Node")), st.sampled_from(("a", "b")), _VALUE, _VALUE,
                          st.one_of(st.just(KEEP), _VALUE), st.one_of(st.just(KEEP), _VALUE)), min_size=1, max_size=6))
def test_a_write_stamps_the_record_attrs_evolve_makes(writes):
    """put fills its copy as a writable twin (store._Stamp) and makes it an ApiObject: the plain path's record."""
    s = Store()
    for kind, name, spec, status, new_spec, new_status in writes:
        sent = ApiObject(kind=kind, meta=Meta(name=name, namespace="ns"), spec=spec, status=status)
        changes = {k: v for k, v in (("spec", new_spec), ("status", new_status)) if v is not KEEP}
        plain = attrs.evolve(sent, resource_version=s.resource_version + 1, **changes)
        got = s.put(sent, 0, new_status, new_spec)
        assert type(got) is ApiObject and got == plain and repr(got) == repr(plain) and hash(got) == hash(plain)
        assert all(getattr(got, f) is getattr(plain, f) for f in ("kind", "meta", "spec", "status"))
        assert got.resource_version == s.resource_version and sys.getsizeof(got) == sys.getsizeof(plain)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            got.status = "changed"
        assert pickle.loads(pickle.dumps(got)) == got and s.get(kind, "ns", name) is got is s.history[-1].obj


def test_watchers_of_a_kind_hear_every_write_in_order():
    s, heard = Store(), []
    s.watch("Pod", lambda op, old, new: heard.append((op, old and old.spec, new and new.spec)))
    s.watch("Node", lambda *a: heard.append("node"))
    p = s.put(obj("a", spec=1), now=0)
    s.put(attrs.evolve(p, spec=2), now=1)
    s.delete("Pod", "default", "a", now=2)
    assert heard == [("ADDED", None, 1), ("MODIFIED", 1, 2), ("DELETED", 2, None)]


def test_an_owner_filtered_watcher_hears_only_objects_its_kinds_control_before_or_after_the_write():
    from kdsl.engine.objects import OwnerRef

    s, heard, everything = Store(), [], []
    s.watch("Pod", lambda op, old, new: everything.append((op, (new or old).name)))
    s.watch("Pod", lambda op, old, new: heard.append((op, (new or old).name)), owners=("ReplicaSet",))
    rs = (OwnerRef(kind="ReplicaSet", name="web", uid="u1"),)
    s.put(obj("bare"), now=0)
    owned = s.put(attrs.evolve(obj("owned"), meta=attrs.evolve(obj("owned").meta, owners=rs)), now=0)
    s.put(attrs.evolve(owned, meta=attrs.evolve(owned.meta, owners=())), now=1)  # orphaned: heard once more
    s.put(obj("job-pod"), now=2)
    assert heard == [("ADDED", "owned"), ("MODIFIED", "owned")]
    assert [name for _, name in everything] == ["bare", "owned", "owned", "job-pod"]


def test_lists_by_kind_and_namespace_in_creation_order_or_by_name():
    s = Store()
    for name, ns in (("b", "x"), ("a", "y"), ("c", "x")):
        s.put(obj(name, ns), now=0)
    s.put(obj("n1", None, kind="Node"), now=0)
    assert [o.name for o in s.list("Pod")] == ["b", "a", "c"]
    assert [o.name for o in s.list("Pod", by_name=True)] == ["b", "c", "a"]  # namespace x before y
    assert [o.name for o in s.list("Pod", "x")] == ["b", "c"]
    assert s.count("Pod", "y") == 1 and s.count("Node") == 1


def test_state_at_rebuilds_any_past_moment():
    s = Store()
    p = s.put(obj("a", spec="v1"), now=100)
    s.put(attrs.evolve(p, spec="v2"), now=200)
    s.put(obj("b"), now=150)
    s.delete("Pod", "default", "b", now=300)
    assert s.state_at(50) == {}
    assert {k[2]: o.spec for k, o in s.state_at(150).items()} == {"a": "v1", "b": None}
    assert {k[2]: o.spec for k, o in s.state_at(250).items()} == {"a": "v2", "b": None}
    assert list(s.state_at(300)) == [("Pod", "default", "a")]
    assert s.moments() == [100, 150, 200, 300]


def test_the_last_write_of_a_moment_wins_when_rebuilding():
    s = Store()
    p = s.put(obj("a", spec=1), now=10)
    s.put(attrs.evolve(p, spec=2), now=10)
    assert s.at(("Pod", "default", "a"), 10).spec == 2


def test_kind_at_lists_one_kind_and_namespace_at_a_moment():
    s = Store()
    s.put(obj("a", "x"), now=10)
    s.put(obj("b", "x"), now=20)
    s.put(obj("c", "y"), now=20)
    s.delete("Pod", "x", "a", now=30)
    assert [o.name for o in s.kind_at("Pod", "x", 20)] == ["a", "b"]
    assert [o.name for o in s.kind_at("Pod", "x", 30)] == ["b"]
    assert s.kind_at("Pod", "z", 30) == []


def test_the_store_indexes_the_objects_no_controller_owns_by_kind_and_namespace():
    from kdsl.engine.objects import OwnerRef
    store = Store()
    rs = OwnerRef(kind="ReplicaSet", name="web", uid="u1")
    def pod(name, owners=()):
        made = obj(name, "shop")
        return attrs.evolve(made, meta=attrs.evolve(made.meta, owners=owners))
    store.put(pod("b"), 0)
    store.put(pod("a"), 0)
    store.put(pod("c", owners=(rs,)), 0)
    store.put(pod("d", owners=(attrs.evolve(rs, controller=False),)), 0)  # a reference, not a controller
    assert store.unowned("Pod", "shop") == ["a", "b", "d"]
    adopted = store.get("Pod", "shop", "a")
    store.put(attrs.evolve(adopted, meta=attrs.evolve(adopted.meta, owners=(rs,))), 1)  # ClaimPods' patch
    released = store.get("Pod", "shop", "c")
    store.put(attrs.evolve(released, meta=attrs.evolve(released.meta, owners=())), 1)  # orphaned by the GC
    store.delete("Pod", "shop", "b", 2)
    assert store.unowned("Pod", "shop") == ["c", "d"] and store.unowned("Pod", "other") == []


# ---- the pools hold a key's slot: an update touches none (Store.put), equal to pools written at every write ----
class Plain:
    """The store's reads kept the plain way, from its history: pools of objects, each written at every write."""

    def __init__(self) -> None:
        self.objects, self.controller, self.applied = {}, {}, 0
        self.kinds, self.spaces, self.owners = defaultdict(dict), defaultdict(dict), defaultdict(dict)

    def apply(self, change) -> None:
        key, obj = change.key, change.obj
        self.applied += 1
        was = self.controller.pop(key, None)
        if obj is None:
            del self.objects[key], self.kinds[key[0]][key], self.spaces[key[:2]][key]
            if was is not None:
                del self.owners[(key[0], was)][key]
            return
        self.objects[key] = self.kinds[key[0]][key] = self.spaces[key[:2]][key] = obj
        uid = next((o.uid for o in obj.meta.owners if o.controller), None)
        if was is not None and was != uid:
            del self.owners[(key[0], was)][key]
        if uid is not None:
            self.owners[(key[0], uid)][key], self.controller[key] = obj, uid

    def check(self, store: Store, key=None) -> None:
        """The store reads what the plain pools hold, by identity and in order: those of `key`'s kind, or all."""
        def same(got, want):
            assert [id(o) for o in got] == [id(o) for o in want]

        for kind, pool in self.kinds.items():
            if key is None or kind == key[0]:
                same(store.list(kind), pool.values())
                assert store.count(kind) == len(pool)
        for (kind, ns), pool in self.spaces.items():
            if key is None or (kind, ns) == key[:2]:
                same(store.list(kind, ns), pool.values())
                same(store.list(kind, ns, by_name=True), [pool[k] for k in sorted(pool, key=lambda k: k[2])])
                assert store.count(kind, ns) == len(pool)
        for (kind, uid), pool in self.owners.items():
            if key is None or kind == key[0]:
                same(store.owned_by(kind, uid), pool.values())
        for k in [key] if key is not None else store._slots:
            assert store.get(*k) is self.objects.get(k)
        for kind, ns in [key[:2]] if key is not None else self.spaces:  # ClaimPods' orphans, and a kept owners' entry
            assert store.unowned(kind, ns) == sorted(k[2] for k, o in self.objects.items() if k[:2] == (kind, ns)
                                                     and not any(r.controller for r in o.meta.owners))
        for k in [key] if key is not None and key in self.objects else self.objects:
            owners = self.objects[k].meta.owners
            if owners:
                kinds = tuple(sorted({r.kind for r in owners if r.controller}))
                assert store._slots[k][3] == (owners, self.controller.get(k), kinds)
        if key is None:
            same(store, [self.objects[k] for k in sorted(self.objects, key=lambda k: (k[0], k[1] or "", k[2]))])


def checked(store: Store, plain: Plain) -> None:
    """Every write of `store` applied to `plain`, then the pools it touched compared."""
    put, delete = store.put, store.delete

    def put_checked(*a, **k):
        new = put(*a, **k)
        plain.apply(store.history[-1])
        plain.check(store, new.key)
        return new

    def delete_checked(kind, namespace, name, now):
        old, n = delete(kind, namespace, name, now), len(store.history)
        if old is not None:
            plain.apply(store.history[n - 1])
        plain.check(store, (kind, namespace, name))
        return old

    store.put, store.delete = put_checked, delete_checked


def test_the_pools_read_what_pools_written_at_every_write_would_over_random_writes():
    rng, store, plain = random.Random(24), Store(), Plain()
    checked(store, plain)
    # one owners tuple for both kinds, a batch's tuple shared by its pods: a creation's answer is kept for the last
    owners = [(), *(((OwnerRef(kind="ReplicaSet", name=n, uid="u" + n),) for n in "ab")),
              (OwnerRef(kind="ReplicaSet", name="c", uid="uc", controller=False),),
              (OwnerRef(kind="Job", name="d", uid="ud"), OwnerRef(kind="DaemonSet", name="e", uid="ue"))]
    for now in range(1500):  # the kind and namespace as equal strings, not always the same ones
        kind, ns = rng.choice(("Pod", "ConfigMap", "".join("Pod"))), rng.choice(("x", "y"))
        name = rng.choice("abcdefgh")
        current, roll = store.get(kind, ns, name), rng.random()
        if current is None:
            made = obj(name, ns, kind)
            store.put(attrs.evolve(made, meta=attrs.evolve(made.meta, owners=rng.choice(owners))), now)
        elif roll < 0.15:
            store.delete(kind, ns, name, now)
        elif roll < 0.3:  # the owners replaced: adopted, released or moved
            store.put(attrs.evolve(current, meta=attrs.evolve(current.meta, owners=rng.choice(owners))), now)
        elif roll < 0.4:  # an equal owners tuple, not the same one
            store.put(attrs.evolve(current, meta=attrs.evolve(current.meta, owners=tuple(current.meta.owners))), now)
        else:  # a status or spec write keeping the Meta, the store's most common write
            store.put(current, now, status=now) if roll < 0.8 else store.put(current, now, spec=now)
    plain.check(store)
    assert len(plain.objects) > 10 and sum(c.op == "DELETED" for c in store.history) > 100


@pytest.mark.parametrize("text", [t for _, t in SCENARIOS], ids=[n for n, _ in SCENARIOS])
def test_every_scenarios_store_reads_what_pools_written_at_every_write_would(text, monkeypatch):
    plains, made = {}, Store.__init__

    def init(self):
        made(self)
        checked(self, plains.setdefault(id(self), Plain()))

    monkeypatch.setattr(Store, "__init__", init)
    sim = Simulation(kdsl.parse(text)).run()
    plain = plains[id(sim.store)]
    plain.check(sim.store)
    assert plain.applied == len(sim.store.history) > 0  # every write was checked


_MADE = [(n, t) for n, t in SCENARIOS if "replicas=" in t or "job " in t]


@pytest.mark.parametrize("text", [t for _, t in _MADE], ids=[n for n, _ in _MADE])
def test_pods_created_without_a_status_share_one_and_write_what_a_new_one_would(text, monkeypatch):
    """Requests.write_created stores sim_requests.NO_STATUS where the plain path made a PodStatus() a pod."""
    made = []

    def plain(self, obj, source):
        if obj.kind == "Pod" and obj.status is None:
            made.append(PodStatus())
        return self.store.put(obj, self.queue.now, made[-1] if obj.kind == "Pod" and obj.status is None else KEEP)

    def run():
        sim = Simulation(kdsl.parse(text)).run()
        return sim, [(c.time_ms, c.resource_version, c.key, c.op, c.obj) for c in sim.store.history], sim.log.text()

    sim, history, log = run()
    shared = sum(c.op == "ADDED" and c.obj.status is sim_requests.NO_STATUS for c in sim.store.history)
    monkeypatch.setattr(sim_requests.Requests, "write_created", plain)
    _, plain_history, plain_log = run()
    assert history == plain_history and log == plain_log and shared == len(made)
