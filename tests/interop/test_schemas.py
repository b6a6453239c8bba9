"""fieldValidation for unknown fields (kdsl/interop/schemas.py): Strict, kubectl's and kdsl's default,
refuses them; Warn, the API server's default for a request that names none, drops each with a located warning;
Ignore drops them silently (tests/oracle unknown-field/Deployment, container-unknown-field/Pod; issue 16)."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.errors import KdslError
from kdsl.interop import import_manifests

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replica: 2
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: nginx, portz: [80]}]
"""


def test_strict_refuses_each_unknown_field_at_its_key():
    with pytest.raises(KdslError) as err:
        import_manifests(text=DEPLOYMENT, name="d.yaml")
    assert 'd.yaml:5:3: error: Deployment in version "v1" cannot be handled as a Deployment: strict decoding ' \
           'error: unknown field "spec.replica"' in str(err.value)


def test_warn_drops_each_unknown_field_with_a_warning_at_its_key():
    imported = import_manifests(text=DEPLOYMENT, name="d.yaml", field_validation="Warn")
    assert [(w.severity, w.line, w.column, w.message) for w in imported.warnings] == [
        ("warning", 5, 3, 'unknown field "spec.replica"'),
        ("warning", 11, 46, 'unknown field "spec.template.spec.containers[0].portz"')]
    assert "replica:" not in imported.text and "portz" not in imported.text
    scenario = kdsl.from_manifests(text=DEPLOYMENT, field_validation="Warn")
    assert next(o for o in scenario.objects if o.kind == "Deployment").replicas == 1


def test_ignore_drops_them_silently_and_an_unknown_mode_is_refused():
    assert not import_manifests(text=DEPLOYMENT, field_validation="Ignore").warnings
    with pytest.raises(ValueError, match="one of Strict, Warn, Ignore"):
        import_manifests(text=DEPLOYMENT, field_validation="warn")
    # a kdsl usage error (no traceback in a notebook or the CLI), with the likely value
    with pytest.raises(KdslError, match=r"did you mean 'Warn'\?"):
        import_manifests(text=DEPLOYMENT, field_validation="warn")
