"""A Secret read from YAML or JSON keeps its values hidden: its stringData and binary data (kept in its `yaml`
block) in repr, str and the model dump, and every value in a line an error about the manifest quotes."""

from __future__ import annotations

import base64

import pytest

import kdsl
from kdsl.cli import main
from kdsl.core.errors import KdslError
from kdsl.interop.reader import read_text
from kdsl.model.scenario import scenario_data

HIDDEN = "sd-7a7a7a-secret"
BINARY = base64.b64encode(b"\xff\xfe\x00secret").decode()
HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: m\n"
MANIFEST = HEAD + f"stringData:\n  sd: {HIDDEN}\ndata:\n  bin: {BINARY}\n  ok: {base64.b64encode(b'ok-v').decode()}\n"


def test_string_data_and_non_utf8_data_read_from_yaml_are_redacted_in_repr_str_and_dump(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST)
    scenario = kdsl.from_manifests(path)
    secret = scenario.get("Secret", "default/m")
    shown = repr(secret) + str(secret) + repr(scenario_data(scenario)) + scenario.describe()
    sim = kdsl.simulate(scenario)
    shown += repr(sim.store.get("Secret", "default", "m")) + repr(list(sim.store))
    assert HIDDEN not in shown and BINARY not in shown and "ok-v" not in shown
    # stringData is merged into data as decoding does (never stored): the block keeps only the binary value
    assert "yaml='{data: {bin: <redacted>}}'" in repr(secret)
    assert secret.reveal("sd") == HIDDEN and secret.reveal("ok") == "ok-v"  # asked for by name


@pytest.mark.parametrize(("text", "name", "line", "quoted"), [
    (HEAD + f"stringData: {{sd: {HIDDEN}, x: [1}}\n", "m.yaml", 5, "stringData: " + "*" * 29),
    (f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n{HEAD}stringData:\n  sd: {HIDDEN}: x\n", "m.yaml",
     10, "  sd: " + "*" * (len(HIDDEN) + 3)),
    ('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"},\n'
     f' "stringData": {{"a": "{HIDDEN}", "b": [}}}}\n', "m.json", 2, None),
])
def test_a_yaml_or_json_syntax_error_on_a_secret_line_masks_the_value(text, name, line, quoted):
    with pytest.raises(KdslError) as info:
        read_text(text, name)
    (d,) = info.value.diagnostics
    assert d.line == line and HIDDEN not in str(info.value) and "*" * len(HIDDEN) in d.line_text
    if quoted is not None:
        assert d.line_text == quoted


def test_a_yaml_syntax_error_in_a_configmap_still_quotes_its_line():
    with pytest.raises(KdslError) as info:
        read_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata: {{k: {HIDDEN}, x: [1}}\n", "c.yaml")
    assert HIDDEN in info.value.diagnostics[0].line_text


def test_a_shape_error_in_a_secret_manifest_masks_the_value_it_quotes(tmp_path, capsys):
    path = tmp_path / "m.yaml"
    path.write_text(HEAD + f"  labels: {{app: web}}\n  annotations: {{note: {HIDDEN}}}\nstringData:\n"
                           f"  sd: [{HIDDEN}]\n")
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error: Secret in version \"v1\" cannot be handled as a Secret" in err and HIDDEN not in err
    assert f"      sd: [{'*' * len(HIDDEN)}]\n" in err
    (doc,) = read_text(HEAD + f"  labels: {{app: web}}\n  annotations: {{note: {HIDDEN}}}\n", "m.yaml")
    assert doc.lines[3:] == ["  name: m", "  labels: {app: web}", "  annotations: {note: " + "*" * len(HIDDEN) + "}"]
