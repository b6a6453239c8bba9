"""kdsl's evolve makes what attrs.evolve makes; ByIdentity derives once per shared record (issue 15)."""

from __future__ import annotations

import attrs
import pytest

from kdsl.core.evolve import ByIdentity, copier, evolve
from kdsl.engine.objects import ApiObject, Condition, Meta, PodStatus


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
