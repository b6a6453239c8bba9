"""A sweep plays the scenario it is given: params it was read with stay, unless the sweep's own params say otherwise."""

from __future__ import annotations

import kdsl
from kdsl.sweeps import grid_of

TEXT = """param nodes = 3
param fail_at = 3m
cluster shop { nodes worker count=$nodes cpu=2 memory=4Gi }
at $fail_at: fail node worker-1
run 4m
"""


def test_the_params_a_scenario_was_read_with_are_the_sweeps_columns():
    scenario = kdsl.parse(TEXT, params={"nodes": 4, "fail_at": "90s"})
    assert grid_of(scenario) == {"nodes": (4,), "fail_at": ("90s",)}
    assert grid_of(scenario, {"nodes": [5, 6]}) == {"fail_at": ("90s",), "nodes": (5, 6)}


def test_defaults_are_no_columns():
    assert grid_of(kdsl.parse(TEXT)) == {}
    assert grid_of(kdsl.parse(TEXT), {"fail_at": "1m"}) == {"fail_at": ("1m",)}
