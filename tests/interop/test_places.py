"""A refusal or warning about an imported object is located in its manifest (the field the message names), not
in the kdsl text kdsl writes for it."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.model.scenario import ScenarioError

SERVICE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    nodePort: PORT
"""


def test_a_nodeport_out_of_range_is_refused_at_its_yaml_field(tmp_path):
    path = tmp_path / "svc.yaml"
    path.write_text(SERVICE.replace("PORT", "80"))
    with pytest.raises(ScenarioError) as info:
        kdsl.from_manifests(str(path))
    (error,) = info.value.errors
    assert (error.file, error.line, error.column, error.width) == (str(path), 16, 15, 2)
    assert error.line_text == "    nodePort: 80"
    assert error.message == ('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is '
                             "not in the valid range. The range of valid ports is 30000-32767")
    assert f"{path}:16:15: error:" in str(info.value)


def test_the_same_nodeport_twice_points_at_the_second_documents_field():
    second = SERVICE.split("---\n")[1].replace("name: web", "name: api").replace("PORT", "30080")
    text = SERVICE.replace("PORT", "30080") + "---\n" + second
    with pytest.raises(ScenarioError) as info:
        kdsl.from_manifests(text=text)
    (error,) = info.value.errors
    assert (error.file, error.line, error.column) == ("<manifests>", 28, 15)
    assert error.message.startswith('Service "api" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                                    "provided port is already allocated")


def test_a_warning_about_an_imported_object_names_its_document():
    scenario = kdsl.from_manifests(text=SERVICE.replace("PORT", "30080"))
    (warning,) = [w for w in scenario.warnings if "matches no pod template" in w.message]
    assert (warning.file, warning.line, warning.column) == ("<manifests>", 6, 1)
    assert warning.line_text == "apiVersion: v1"


def test_manifests_checked_as_a_release_are_simulated_and_refused_as_that_release():
    text = SERVICE.replace("PORT", "30080").replace("  type: NodePort", "  clusterIP: 10.0.0.10\n  type: NodePort")
    words = []
    for version, cluster in (("1.33", ""), ("1.34", ""), ("1.34", None)):
        with pytest.raises(ScenarioError) as info:
            kdsl.from_manifests(text=text, kube_version=version, cluster=cluster)
        words.append(info.value.errors[0].message)
    # field.Error prints the []string as Go's %#v before 1.34, as JSON from 1.34 (the cluster is of that release)
    assert 'spec.clusterIPs: Invalid value: []string{"10.0.0.10"}: failed to allocate IP' in words[0]
    assert all('spec.clusterIPs: Invalid value: ["10.0.0.10"]: failed to allocate IP' in w for w in words[1:])
    assert kdsl.from_manifests(text=SERVICE.replace("PORT", "30080"), kube_version="1.34").cluster.kube_version == "1.34"
    declared = "cluster mine version=1.32 {\n  nodes w count=1 cpu=2 memory=4Gi\n}\n"
    assert kdsl.from_manifests(text=SERVICE.replace("PORT", "30080"), kube_version="1.34",
                               cluster=declared).cluster.kube_version == "1.32"
