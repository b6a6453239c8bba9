"""`kdsl export --kube-version 1.3x`: the manifests pass kubernetes-validate strict for every version kdsl writes for."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate as kv
import pytest

import kdsl
from kdsl.cli import main
from kdsl.interop import to_manifests

ROOT = Path(__file__).resolve().parents[2]
# The API versions kdsl writes are served by every release from 1.25 on; the corpus asks for >= 1.30.
VERSIONS = [f"1.{minor}" for minor in range(25, 38)]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_examples_export_valid_manifests_for_each_version(version):
    for path in sorted((ROOT / "examples").glob("*.kdsl")):
        scenario = kdsl.load(path)
        for m in to_manifests(scenario):
            kv.validate(m, version, strict=True)


@pytest.mark.parametrize("bad", ["1.24", "1.99", "v1.30", "latest"])
def test_a_version_kdsl_does_not_write_for_is_a_clear_error(bad, tmp_path, capsys):
    src = ROOT / "examples/pods.kdsl"
    assert main(["export", str(src), "-o", str(tmp_path / "out.yaml"), "--kube-version", bad]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"kdsl export: --kube-version {bad}: kdsl writes manifests for Kubernetes 1.25 to 1.37 "
                           "(give it as 1.3x)")
    assert not (tmp_path / "out.yaml").exists()
