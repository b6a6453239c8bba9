"""The sweeps' tests share one in-process Dask cluster (inproc.py)."""

from tests.sweeps.inproc import inproc  # noqa: F401 - a fixture
