"""kdsl's evolve makes what attrs.evolve makes; ByIdentity derives once per shared record (issue 15)."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kdsl
import kdsl.core.evolve as evolve_module
from kdsl.core.evolve import ByIdentity, copier, evolve, straight, twin
from kdsl.engine.events import Event
from kdsl.engine.kubelet.containers import Ctr
from kdsl.engine.kubelet.pod import PodRun
from kdsl.engine.objects import ApiObject, Condition, Meta, PodStatus
from kdsl.engine.scheduler.podinfo import PodInfo
from kdsl.engine.simulation import Simulation
from kdsl.model.pods import Container, PodTemplate


@attrs.frozen
class Checked:
    """Not a plain record: a converter runs in __init__, so a copy goes through it."""

    n: int = attrs.field(converter=int)
    label: str = ""


def test_a_copy_equals_what_attrs_makes_for_every_set_of_changed_names():
    meta = Meta(name="web", namespace="shop", labels=(("app", "web"),), generation=3)
    for changes in ({}, {"creation_ms": 7}, {"generation": 1, "deletion_ms": 5}, {"name": "api", "uid": "u"}):
        assert evolve(meta, **changes) == attrs.evolve(meta, **changes)
    status = PodStatus(phase="Running", conditions=(Condition(type="Ready", status="True"),))
    assert evolve(status, pod_ip="10.0.0.2") == attrs.evolve(status, pod_ip="10.0.0.2")
    assert evolve(Checked("3"), label="x") == Checked(3, "x") and evolve(Checked(1), n="5").n == 5


def test_an_unknown_name_is_refused_as_attrs_refuses_it():
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        evolve(Meta(name="web"), colour="red")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        evolve(Checked(1), colour="red")


def test_the_store_copier_takes_a_dict_of_changes():
    obj = ApiObject(kind="Pod", meta=Meta(name="web"), spec=None)
    copied = copier(ApiObject)(obj, {"status": PodStatus()})
    assert copied == attrs.evolve(obj, status=PodStatus()) and copied is not obj and obj.status is None


def test_a_copier_for_named_changes_takes_exactly_those():
    obj = ApiObject(kind="Pod", meta=Meta(name="web"), spec=None)
    copy = copier(ApiObject, "status", "spec")
    copied = copy(obj, {"status": PodStatus(), "spec": "s"})
    assert copied == attrs.evolve(obj, status=PodStatus(), spec="s") and obj.spec is None
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        copier(ApiObject, "colour")


def test_by_identity_derives_once_per_record_and_again_for_an_equal_other():
    calls = []

    def derive(record, suffix):
        calls.append(record)
        return record + (suffix,)

    memo = ByIdentity(derive)
    shared, equal = ("a", "b"), tuple(["a", "b"])
    first = memo(shared, "x")
    assert memo(shared, "x") is first and len(calls) == 1
    assert memo(shared, "y") == ("a", "b", "y") and len(calls) == 2  # other arguments, another result
    assert equal is not shared and memo(equal, "x") == first and len(calls) == 3  # by identity, not equality


def test_by_identity_is_bounded():
    memo = ByIdentity(lambda record: len(record), kept=4)
    records = [("r",) * i for i in range(10)]
    assert [memo(r) for r in records] == list(range(10))
    assert len(memo.made) <= 4


def _same_fields(got, want) -> bool:
    """Every field the same object (a slot-by-slot copy) or, where __init__ derived it anew, equal."""
    return type(got) is type(want) and all(
        getattr(got, a.name) is getattr(want, a.name) or getattr(got, a.name) == getattr(want, a.name)
        for a in attrs.fields(type(got)))


def test_every_copy_a_run_makes_equals_what_attrs_makes(monkeypatch):
    # Every copy evolve makes in runs of a few scenarios, checked against attrs.evolve: the modules' evolve
    # wrapped (after a first run has imported every module a run needs), its copiers left as they are.
    root = Path(__file__).resolve().parents[2]
    texts = [(root / name).read_text(encoding="utf-8") for name in (
        "examples/shop.kdsl", "tests/scenarios/test_pods.kdsl", "tests/scenarios/test_jobs.kdsl",
        "tests/scenarios/test_drain.kdsl")]
    Simulation(kdsl.parse(texts[0])).run()
    served = set()

    def checked(inst, **changes):
        got = evolve(inst, **changes)
        assert _same_fields(got, attrs.evolve(inst, **changes)), (type(inst), sorted(changes))
        served.add((type(inst).__name__, evolve_module.plain(type(inst))))
        return got

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("kdsl.") and getattr(module, "evolve", None) is evolve:
            monkeypatch.setattr(module, "evolve", checked)
    for text in texts:
        Simulation(kdsl.parse(text)).run()
    names = {n for n, _ in served}
    assert {"PodRun", "PodStatus", "Ctr", "ContainerStatus", "PodTemplate", "ApiObject", "Meta"} <= names
    # kdsl's records are plain (no converter, validator or post-init hook: filled slot by slot) but for
    # PodInfo, whose key __init__ derives from its name: a copy of it goes through __init__.
    assert all(plain for n, plain in served if n != "PodInfo")


def test_a_field_derived_in_init_is_derived_again_in_the_copy():
    template = PodTemplate(containers=(Container(name="c", image="x"),))
    info = PodInfo(name="a", namespace="shop", labels={}, template=template)
    copied = evolve(info, name="b", priority=5)
    assert copied.key == "shop/b" == attrs.evolve(info, name="b", priority=5).key and info.key == "shop/a"
    assert _same_fields(copied, attrs.evolve(info, name="b", priority=5))


def test_a_copy_stays_frozen_and_inst_may_be_a_field_name():
    @attrs.frozen
    class Named:
        inst: int = 0
        other: str = ""

    copied = evolve(Named(1, "x"), inst=2)
    assert copied == Named(2, "x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copied.inst = 3


@attrs.frozen(weakref_slot=False)
class Twinned:
    a: int = 0
    b: str = ""
    c: tuple = ()


@attrs.frozen
class Weak:
    """A `__weakref__` slot: CPython refuses its twin's `__class__`, so its copies are filled by its descriptors."""

    a: int = 0
    b: str = ""
    c: tuple = ()


@given(st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=3), st.sets(st.sampled_from("abc")))
def test_a_copy_filled_as_a_twin_is_the_record_its_descriptors_fill(a, b, c, names):
    """evolve.twin: a record without a `__weakref__` slot is filled as a plain class of its slots, then made that
    record; the same record as the descriptors' copy (Weak) and attrs.evolve's, frozen; so are straight's."""
    changes = {k: v for k, v in (("a", a), ("b", b), ("c", tuple(c))) if k in names}
    for cls in (Twinned, Weak):
        inst = cls(1, "x", (2,))
        got, plain = evolve(inst, **changes), attrs.evolve(inst, **changes)
        assert _same_fields(got, plain) and repr(got) == repr(plain) and hash(got) == hash(plain)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            got.a = 5
        made = straight(cls, "_made", "a, b", {"a": "a", "b": "b"}, "    set_c(n, (a,))\n    return n")(a, b)
        assert _same_fields(made, cls(a, b, (a,))) and repr(made) == repr(cls(a, b, (a,)))
    assert twin(Twinned) is not None and twin(Weak) is None
    assert all(twin(cls) is not None for cls in (ApiObject, Meta, PodStatus, Condition, PodRun, Ctr, Event))


@attrs.frozen(kw_only=True, weakref_slot=False)
class Based:
    name: str = ""
    tags: tuple = ()


@attrs.frozen(kw_only=True, weakref_slot=False)
class OnBase(Based):
    """A record on a base record (Pod on NamespacedObject): twinned by a class on the same base."""

    size: int = 0
    note: str | None = None


@attrs.frozen(kw_only=True)
class WeakOnBase(Based):
    """Adds a `__weakref__` slot to its base: no twin, copied through its descriptors."""

    size: int = 0
    note: str | None = None


@given(st.text(max_size=3), st.lists(st.integers(), max_size=3), st.integers(), st.none() | st.text(max_size=2),
       st.sets(st.sampled_from(["name", "tags", "size", "note"])))
def test_a_record_on_a_base_record_is_copied_through_its_twin_as_its_descriptors_copy_it(name, tags, size, note,
                                                                                         names):
    """twin(OnBase) sets the base's slots and its own by STORE_ATTR (object's setters, not the frozen ones); the
    copy is the record that the descriptors' path (WeakOnBase, with its own `__weakref__` slot: no twin) and
    attrs.evolve make, and stays frozen."""
    given_ = {"name": name, "tags": tuple(tags), "size": size, "note": note}
    changes = {k: v for k, v in given_.items() if k in names}
    for cls in (OnBase, WeakOnBase):
        inst = cls(name="x", tags=(1,), size=2, note="n")
        got, plain = evolve(inst, **changes), attrs.evolve(inst, **changes)
        assert _same_fields(got, plain) and repr(got) == repr(plain) and hash(got) == hash(plain)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            got.size = 5
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del got.name
        made = straight(cls, "_made", "name, size", {"name": "name", "size": "size"},
                        "    set_tags(n, ())\n    set_note(n, None)\n    return n")(name, size)
        assert _same_fields(made, cls(name=name, size=size)) and repr(made) == repr(cls(name=name, size=size))
    assert twin(OnBase).__bases__ == (Based,) and twin(OnBase).__setattr__ is object.__setattr__
    assert twin(WeakOnBase) is None and twin(Based) is not None
