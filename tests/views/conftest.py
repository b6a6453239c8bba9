"""The views' fixed scenario, simulated once for the package."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl

LAB = Path(__file__).with_name("lab.kdsl")
SECRET = "do-not-show-me-4711"


@pytest.fixture(scope="package")
def sim():
    return kdsl.simulate(kdsl.load(LAB))
