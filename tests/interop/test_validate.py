"""Imports are validated: each document read is checked against the strict OpenAPI schema of the chosen
Kubernetes version and refused in the API server's words, at its line and column in the YAML file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import kdsl
from kdsl.cli import main
from kdsl.interop import import_manifests
from kdsl.interop.reader import read_paths, read_text
from kdsl.interop.validate import check
from kdsl.core.errors import KdslError, UsageError

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*.yaml") if p.name != "EXPECTED.yaml")

# The Kubernetes website's pod-with-node-affinity example as one stored version has it: the required term
# written as a list. The API server cannot decode it (NodeAffinity's field is one NodeSelector).
AFFINITY_LIST = """\
apiVersion: v1
kind: Pod
metadata:
  name: with-node-affinity
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - nodeSelectorTerms:
        - matchExpressions:
          - key: topology.kubernetes.io/zone
            operator: In
            values: [antarctica-east1, antarctica-west1]
  containers:
  - name: with-node-affinity
    image: registry.k8s.io/pause:3.8
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 250m}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
  - {name: http}
"""
DECODE = 'Deployment in version "v1" cannot be handled as a Deployment: '

CASES = [
    # (what, manifest, the message, line, column)
    ("a required node affinity written as a list", AFFINITY_LIST,
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field '
     "NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type "
     "v1.NodeSelector", 9, 7),
    ("an unknown field", DEPLOYMENT.replace("        ports:", "        portz: [80]\n        ports:"),
     DECODE + 'strict decoding error: unknown field "spec.template.spec.containers[0].portz"', 16, 9),
    ("an unknown top-level field", DEPLOYMENT + "extra: 1\n", DECODE + 'strict decoding error: unknown field "extra"',
     20, 1),
    ("a string for an int32", DEPLOYMENT.replace("replicas: 3", "replicas: three"),
     DECODE + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", 6, 13),
    ("a fraction for an int32", DEPLOYMENT.replace("replicas: 3", "replicas: 1.5"),
     DECODE + "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
     6, 13),
    ("a number for a label value", DEPLOYMENT.replace("labels: {app: web}", "labels: {app: web, version: 1.0}"),
     DECODE + "json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.labels of "
              "type string", 11, 35),
    ("a bool for an env value (as kubectl users meet it)",
     DEPLOYMENT.replace("        ports:", "        env:\n        - {name: DEBUG, value: true}\n        ports:"),
     DECODE + "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of "
              "type string", 17, 32),
    ("a quoted port number", DEPLOYMENT.replace("containerPort: 80", 'containerPort: "80"'),
     DECODE + "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports"
              ".containerPort of type int32", 17, 26),
    ("a mapping for the containers list", DEPLOYMENT.replace("      - name: web\n", "        web:\n          name: web\n"),
     DECODE + "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type "
              "[]v1.Container", 14, 9),
    ("a quantity that is not one", DEPLOYMENT.replace("cpu: 250m", "cpu: lots"),
     DECODE + "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", 19, 27),
    # validation's words (apierrors.NewInvalid), not the schema's `required`: a missing selector is nil, which selects
    # nothing (ValidateDeploymentSpec); a missing name is "" (validateContainers)
    ("a missing selector", DEPLOYMENT.replace("  selector:\n    matchLabels: {app: web}\n", ""),
     'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid '
     'value: map[string]string{"app":"web"}: `selector` does not match template `labels`]', 5, 1),
    ("a container without a name", DEPLOYMENT.replace("      - name: web\n        image", "      - image"),
     'Deployment.apps "web" is invalid: spec.template.spec.containers[0].name: Required value', 14, 9),
    ("a Service port without its number", SERVICE,
     'Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, '
     'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]', 6, 5),
    ("both rolling update bounds 0", DEPLOYMENT.replace("  selector:", "  strategy: {rollingUpdate: {maxSurge: 0, "
                                                        "maxUnavailable: 0}}\n  selector:"),
     'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: '
     'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0', 7, 43),
]


@pytest.mark.parametrize("what, text, message, line, column", CASES, ids=[c[0] for c in CASES])
def test_a_document_the_api_server_refuses_is_refused_in_its_words_and_place(what, text, message, line, column):
    with pytest.raises(KdslError) as caught:
        import_manifests(text=text, name="app.yaml")
    [d] = caught.value.diagnostics
    assert (d.severity, d.message, d.file, d.line, d.column) == ("error", message, "app.yaml", line, column)
    assert d.line_text == text.splitlines()[line - 1]


def test_every_unknown_field_is_named_each_at_its_key():
    text = DEPLOYMENT.replace("  replicas: 3", "  replicas: 3\n  replica: 3").replace("        image", "        imgae")
    refused = check(read_text(text, "app.yaml"))
    assert [(d.line, d.column, d.message.split(": ", 1)[1]) for d in refused] == [
        (7, 3, 'strict decoding error: unknown field "spec.replica"'),
        (16, 9, 'strict decoding error: unknown field "spec.template.spec.containers[0].imgae"')]
    assert refused[0].format().endswith("\n      replica: 3\n      ^~~~~~~")  # the caret under `replica`


def test_the_affinity_list_pod_is_refused_as_kdsl_run_and_from_manifests_read_it(tmp_path, capsys):
    path = tmp_path / "pod-with-node-affinity.yaml"
    path.write_text(AFFINITY_LIST, encoding="utf-8")
    with pytest.raises(KdslError, match="cannot unmarshal array into Go struct field NodeAffinity"):
        kdsl.from_manifests(path)
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:9:7: error: Pod in version \"v1\" cannot be handled as a Pod: json: cannot "
                          "unmarshal array into Go struct field NodeAffinity.")
    assert "      - nodeSelectorTerms:\n          ^\n" in err and "Traceback" not in err


def test_kdsl_import_refuses_with_exit_1_and_takes_kube_version(tmp_path, capsys):
    gated = tmp_path / "gated.yaml"
    gated.write_text((CORPUS / "website/pods/pod-with-scheduling-gates.yaml").read_text(), encoding="utf-8")
    assert main(["import", str(gated)]) == 0  # schedulingGates: a Pod field since Kubernetes 1.26
    capsys.readouterr()
    assert main(["import", "--kube-version", "1.25", str(gated)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f'{gated}:9:5: error: Pod in version "v1" cannot be handled as a Pod: strict decoding '
                          'error: unknown field "spec.schedulingGates"')
    assert main(["import", "--kube-version", "1.24", str(gated)]) == 1
    assert capsys.readouterr().err == ("kdsl import: --kube-version 1.24: kdsl reads manifests for Kubernetes 1.25 "
                                       "to 1.37 (give it as 1.3x)\n")
    with pytest.raises(UsageError, match="Kubernetes 2.0: kdsl reads and writes manifests for Kubernetes 1.25"):
        import_manifests([gated], kube_version="2.0")


def test_items_of_a_list_and_json_files_are_placed_too(tmp_path):
    items = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n" \
            "  data: {k: v}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  date: {k: v}\n"
    [d] = check(read_text(items, "list.yaml"))
    assert (d.line, d.column, d.message) == (11, 3, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                                                    'strict decoding error: unknown field "date"')
    path = tmp_path / "cm.json"
    path.write_text('{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "a"},\n "data": {"k": 1}}\n')
    [d] = check(read_paths([path]))
    assert (d.line, d.column) == (3, 16)
    assert d.message.endswith("json: cannot unmarshal number into Go struct field ConfigMap.data of type string")


def test_a_kind_with_no_schema_is_not_validated_but_kept_with_its_warning():
    crd = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1, 2]}\n"
    imported = import_manifests(text=crd)
    assert "Widget example.com/v1 is not a built-in Kubernetes kind" in imported.warnings[0].message


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_every_corpus_file_passes_the_api_server_of_the_default_version(path):
    # No corpus file accepted before is refused now at the default version (1.33): each is what its upstream
    # project applies to real clusters. (`--kube-version 1.25` refuses one, pod-with-scheduling-gates.yaml,
    # whose field came in 1.26: the test above.)
    assert check(read_paths([path])) == []


def test_the_corpus_at_1_25_refuses_only_the_field_that_came_later():
    refused = check(read_paths(FILES), "1.25")
    assert [(Path(d.file).name, d.message.rsplit(": ", 1)[1]) for d in refused] == [
        ("pod-with-scheduling-gates.yaml", 'unknown field "spec.schedulingGates"')]


def test_a_big_manifest_is_checked_with_the_schema_loaded_once():
    doc = textwrap.indent(DEPLOYMENT, "")
    text = "".join(f"---\n{doc.replace('name: web', f'name: web-{i}', 1)}" for i in range(500))
    docs = read_text(text, "big.yaml")
    assert len(docs) == 500 and check(docs) == []


def test_a_yaml_date_is_a_string_as_the_api_servers_yaml_reader_reads_it():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {since: 2024-01-01}\n" \
           "data: {day: 2024-01-02}\n"
    assert check(read_text(text, "c.yaml")) == []
    [d] = check(read_text(text.replace("day: 2024-01-02", "day: 2024-01-02, n: 3"), "c.yaml"))
    assert d.message.endswith("json: cannot unmarshal number into Go struct field ConfigMap.data of type string")


def test_kdsl_run_takes_kube_version_for_manifests(tmp_path, capsys):
    gated = tmp_path / "gated.yaml"
    gated.write_text((CORPUS / "website/pods/pod-with-scheduling-gates.yaml").read_text(), encoding="utf-8")
    assert main(["run", str(gated)]) == 0
    capsys.readouterr()
    assert main(["run", "--kube-version", "1.25", str(gated)]) == 1
    assert capsys.readouterr().err.startswith(f'{gated}:9:5: error: Pod in version "v1" cannot be handled as a Pod: '
                                              'strict decoding error: unknown field "spec.schedulingGates"')
    assert main(["run", "--kube-version", "1.99", str(gated)]) == 1
    assert capsys.readouterr().err == ("kdsl run: --kube-version 1.99: kdsl reads manifests for Kubernetes 1.25 to "
                                       "1.37 (give it as 1.3x)\n")


@pytest.mark.parametrize(("field", "value", "go_type", "line"), [
    ("  replicas: 3", "2147483648", "DeploymentSpec.spec.replicas of type int32", 6),
    ("  replicas: 3", "-2147483649", "DeploymentSpec.spec.replicas of type int32", 6),
    ("  replicas: 3", "9223372036854775808", "DeploymentSpec.spec.replicas of type int32", 6)])
def test_yaml_replicas_2147483648_is_refused_as_the_decoder_refuses_an_int32_overflow(field, value, go_type, line):
    text = DEPLOYMENT.replace(field, f"  replicas: {value}")
    with pytest.raises(KdslError) as caught:
        import_manifests(text=text, name="app.yaml")
    [d] = caught.value.diagnostics
    assert d.message == (f'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
                         f"number {value} into Go struct field {go_type}")
    assert (d.line, d.column) == (line, 13)


def test_the_schema_validator_loads_only_when_a_manifest_is_validated():
    # jsonschema imports rfc3987_syntax where JupyterLab installs it: 38 Lark grammars, about 3 s at every start
    import subprocess
    import sys

    code = "import sys, kdsl, kdsl.cli, kdsl.interop; print(sorted(m for m in ('jsonschema', 'kubernetes_validate') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
