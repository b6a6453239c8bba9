"""A refusal or warning about an imported object is located in its manifest (the field the message names), not
in the kdsl text kdsl writes for it."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.model.errors import ScenarioError

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
