"""Fixtures for the notebook tests: the lab scenario, simulated once."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl

LAB = Path(__file__).with_name("lab.kdsl")
SECRET = "hunter2-not-shown"


@pytest.fixture(scope="session")
def lab_sim():
    return kdsl.simulate(kdsl.load(LAB))
