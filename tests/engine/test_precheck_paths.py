"""The precheck on every way in (load, from_manifests, the CLI, YAML) and on the shared corpus; `import kdsl` stays light."""

from __future__ import annotations

from pathlib import Path

import pytest

import kdsl
from tests.unchecked import unchecked

CORPUS = Path(__file__).parents[1] / "corpus"


def test_no_corpus_manifest_the_model_accepts_is_refused_by_the_precheck():
    # Checked when the precheck came (issue 11): no file of tests/corpus (the shared corpus, EXPECTED.yaml)
    # states a NodePort, a ClusterIP or an update the API server would refuse, so none is refused now.
    from kdsl.interop import DEFAULT_CLUSTER, import_manifests
    from kdsl.engine.precheck import precheck

    refused, read = {}, 0
    for path in sorted(CORPUS.rglob("*.yaml")):
        if path.name == "EXPECTED.yaml":
            continue
        try:
            imported = import_manifests([str(path)])
            scenario = unchecked(("" if imported.nodes else DEFAULT_CLUSTER) + imported.text, "<imported>")
        except kdsl.KdslError:
            continue  # refused before (by the import or the model): not this check's
        read += 1
        found = [d.message for d in precheck(scenario)]
        if found:
            refused[path.name] = found
    assert read > 40 and refused == {}


SERVICE_YAML = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 80}]
"""
NODE_PORT_80 = ('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the '
                "valid range. The range of valid ports is 30000-32767")


def test_every_way_in_gets_the_precheck(tmp_path, capsys):
    from kdsl.cli import main

    kdsl_file, yaml_file = tmp_path / "s.kdsl", tmp_path / "s.yaml"
    kdsl_file.write_text("service web nodeport selects app=web ports 80->8080:80\n")
    yaml_file.write_text(SERVICE_YAML)
    for load in (lambda: kdsl.load(kdsl_file), lambda: kdsl.from_manifests(yaml_file)):
        with pytest.raises(kdsl.ScenarioError) as err:
            load()
        assert [d.message for d in err.value.errors] == [NODE_PORT_80]
    for argv in (["check", str(kdsl_file)], ["run", str(kdsl_file)], ["test", str(kdsl_file)], ["run", str(yaml_file)]):
        assert main(argv) == 1
        assert f"error: {NODE_PORT_80}" in capsys.readouterr().err


def test_import_kdsl_does_not_load_the_api_server():
    import subprocess
    import sys

    code = "import sys, kdsl; print(sorted(m for m in sys.modules if m.startswith('kdsl.engine.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "kdsl.engine.precheck" not in out and "kdsl.engine.apiserver" not in out
