"""Fixtures for the notebook tests: the lab scenario simulated once; the views' stand-in (standin.py)
while kdsl.views is not on main yet — it does nothing once the views exist."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl

from tests.notebook import standin

LAB = Path(__file__).with_name("lab.kdsl")
SECRET = "hunter2-not-shown"


@pytest.fixture(scope="package", autouse=True)
def _views_stand_in():
    standin.install()
    yield
    standin.uninstall()


@pytest.fixture(scope="session")
def lab_sim():
    return kdsl.simulate(kdsl.load(LAB))
