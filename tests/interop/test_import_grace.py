"""A negative terminationGracePeriodSeconds is read as the API server stores it (1 s), not a TypeError."""

from __future__ import annotations

import kdsl
from kdsl.interop import import_manifests
from kdsl.interop.reader import read_text
from kdsl.interop.read_pods import template

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: -1
  containers: [{name: a, image: nginx}]
"""


def test_yaml_termination_grace_period_seconds_minus_1_imports_as_one_second():
    (doc,) = read_text(POD, "p.yaml")
    assert template(doc.data["metadata"], doc.data["spec"]).grace_ms == 1000
    text = import_manifests(text=POD, name="p.yaml").text
    assert "pod web" in text
    kdsl.parse(text)  # what import writes reads back
