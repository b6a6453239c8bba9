"""Scenario.get and Scenario.of_kind: a kind given by any of its names; a misspelt one is an error that says the
kind meant, never a silent None or an empty tuple."""

import pytest

import kdsl
from kdsl.core.errors import NotFoundError, UsageError
from kdsl.model import Deployment

SCENARIO = kdsl.parse("namespace shop { deployment web image=nginx:1.25\n  pvc data 1Gi }\npv archive 1Gi")


@pytest.mark.parametrize("kind", ["Deployment", "deployment", "DEPLOYMENT", "deployments", Deployment])
def test_a_kind_by_any_of_its_names(kind):
    assert [o.key for o in SCENARIO.of_kind(kind)] == ["shop/web"]


@pytest.mark.parametrize("kind,key,found", [
    ("deployment", "shop/web", "shop/web"), ("pvc", "shop/data", "shop/data"), ("pv", "archive", "archive"),
    ("persistentvolumeclaims", "shop/data", "shop/data"), ("namespace", "shop", "shop"),
])
def test_get_by_kind_and_key(kind, key, found):
    assert SCENARIO.get(kind, key).key == found


def test_a_kind_nothing_declares_is_empty_and_a_missing_object_is_none():
    assert SCENARIO.of_kind("StatefulSet") == ()
    assert SCENARIO.of_kind("NetworkPolicy") == ()  # a kind kdsl knows (the `networkpolicy` statement)
    assert SCENARIO.get("deployment", "web") is None  # default/web: the deployment is in shop


@pytest.mark.parametrize("call,message", [
    (lambda: SCENARIO.get("deploymnet", "shop/web"),
     "kind='deploymnet' is not a kind kdsl knows; did you mean Deployment? this scenario declares Deployment, "
     "Namespace, PersistentVolume, PersistentVolumeClaim"),
    (lambda: SCENARIO.of_kind("Deploy"),
     "kind='Deploy' is not a kind kdsl knows; did you mean Deployment? this scenario declares Deployment, "
     "Namespace, PersistentVolume, PersistentVolumeClaim"),
    (lambda: SCENARIO.of_kind("widgets"),
     "kind='widgets' is not a kind kdsl knows; this scenario declares Deployment, Namespace, PersistentVolume, "
     "PersistentVolumeClaim"),
])
def test_a_misspelt_kind_is_not_found_with_the_kind_meant(call, message):
    with pytest.raises(NotFoundError) as info:
        call()
    assert str(info.value) == message
    assert isinstance(info.value, KeyError)


def test_a_kind_that_is_not_a_name_is_a_usage_error():
    with pytest.raises(UsageError, match=r"kind=3 is not a kind; give a name such as \"Deployment\""):
        SCENARIO.of_kind(3)
    with pytest.raises(UsageError, match=r"key=None is not an object's key"):
        SCENARIO.get("deployment", None)
