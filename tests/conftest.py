"""Hypothesis profiles for the property tests; pick one with KDSL_HYPOTHESIS_PROFILE (docs/testing.md).

- default: a modest number of examples, so `uv run pytest` stays fast.
- ci: more examples, derandomized (the same examples every run), for CI.
- fuzz: 10,000 examples a test, for a long run of tests/test_fuzz.py (and test_roundtrip.py).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

settings.register_profile("default", max_examples=100, **_COMMON)
settings.register_profile("ci", max_examples=300, derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("fuzz", max_examples=10_000, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("KDSL_HYPOTHESIS_PROFILE", "default"))
