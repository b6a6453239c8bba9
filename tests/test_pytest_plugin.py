"""The pytest plugin collects test_*.kdsl files; a failing expectation reports what was found and when."""

from __future__ import annotations

import subprocess
import sys


def test_a_failing_expectation_is_a_failing_test_with_its_finding(tmp_path):
    (tmp_path / "test_small.kdsl").write_text(
        "node n1 cpu=1\npod p image=nginx cpu=2\nexpect pod default/p phase=Running\nexpect pod default/p pending\n")
    (tmp_path / "other.kdsl").write_text("this is not collected\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed" in done.stdout
    assert "test_small.kdsl:3: expect pod default/p phase=Running" in done.stdout
    assert "found phase=Pending at 0s" in done.stdout


def test_a_scenario_with_errors_is_a_collection_error(tmp_path):
    (tmp_path / "test_bad.kdsl").write_text("deploymnet web\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and "unknown keyword `deploymnet`" in done.stdout
