"""The model's records have no `__weakref__` slot: evolve fills their copies as twins, the same records (issue 15)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import sys
from pathlib import Path

import attrs
import pytest

import kdsl
import kdsl.core.evolve as evolve_module
import kdsl.model
from kdsl.engine.apiserver import resources
from kdsl.model import scenario


def _records() -> list[type]:
    mods = [importlib.import_module(m.name) for m in pkgutil.walk_packages(kdsl.model.__path__, "kdsl.model.")]
    return sorted({c for m in mods for c in vars(m).values() if inspect.isclass(c) and attrs.has(c)
                   and c.__module__.startswith("kdsl.model")}, key=lambda c: (c.__module__, c.__qualname__))


def test_every_model_record_has_a_twin_and_the_kind_walks_see_none():
    """Nothing weakly refers to a model record (kdsl's WeakKeyDictionaries are keyed by stores and simulations); a
    twin is a subclass of its record's base, so the walks of Object's subclasses must not take one for a kind."""
    kinds, served = scenario._kinds(), resources._model_kinds()
    records = _records()
    assert len(records) >= 90
    for cls in records:
        assert not any("__weakref__" in getattr(c, "__slots__", ()) for c in cls.__mro__), cls
        assert evolve_module.twin(cls) is not None, cls
    assert scenario._kinds() == kinds and resources._model_kinds() == served


def _bare(pods: int) -> str:
    return "cluster { nodes pool count=4 cpu=4 memory=8Gi }\nnamespace shop {\n" + "".join(
        f"  pod p{i} image=web:{i % 3} cpu=100m memory=64Mi {{ labels app=a{i % 5} tier=t }}\n"
        for i in range(pods)) + "}\n"


def _descriptors_only(monkeypatch) -> int:
    """Copies filled through the descriptors from here on (twin() answers None): evolve's memos emptied, and the
    copiers that modules compiled at import (scheduling's `_TEMPLATE`, ...) compiled anew in their place."""
    made = {make: key for key, make in evolve_module._MAKERS.items()}
    monkeypatch.setattr(evolve_module, "_MAKERS", {})
    monkeypatch.setattr(evolve_module, "_BY_CLASS", {})
    monkeypatch.setattr(evolve_module, "twin", lambda cls: None)
    swapped = 0
    for module in [m for name, m in sorted(sys.modules.items()) if name.startswith("kdsl.")]:
        for name, value in sorted(vars(module).items()):
            if inspect.isfunction(value) and value in made:
                cls, *names = made[value]
                monkeypatch.setattr(module, name, evolve_module.copier(cls, *(n for n in names if n)))
                swapped += 1
    return swapped


EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.kdsl"))


@pytest.mark.parametrize("texts", [[(_bare(1200), "bare.kdsl")], [(f.read_text(), f.name) for f in EXAMPLES]],
                         ids=["bare", "examples"])
def test_a_parse_through_twins_is_the_parse_through_descriptors(texts, monkeypatch):
    """The parse's alike copies (Pod, PodTemplate, Container) filled as twins make the scenario that the
    descriptors' copies make (twin() answering None): every object, span and shared record, as pickled."""
    twinned = [pickle.dumps(kdsl.parse(t, n)) for t, n in texts]
    _descriptors_only(monkeypatch)
    plain = [pickle.dumps(kdsl.parse(t, n)) for t, n in texts]
    assert twinned == plain


def test_a_run_that_copies_model_records_through_twins_is_the_run_through_descriptors(monkeypatch):
    """The engine copies the model's records too (a ReplicaSet's pod template at each pod, a bound pod's template):
    a Deployment scenario and bare pods run to the same event log, writes and final store either way."""
    from tests.engine.test_golden_runs import run_text

    text = (Path(__file__).parents[2] / "tests/scenarios/test_deployments.kdsl").read_text()
    texts = [text, _bare(300)]
    twinned = [run_text(kdsl.parse(t)) for t in texts]
    assert _descriptors_only(monkeypatch) >= 8  # scheduling's, sim_requests', prepared's, the kubelet's, ...
    assert [run_text(kdsl.parse(t)) for t in texts] == twinned
