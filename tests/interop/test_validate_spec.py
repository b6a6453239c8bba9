"""Spec rules the model would lose (negative counts, unknown enumerations, a Service's ports, a claim's access
modes, config keys), refused by the import in the API server's words, as the v1.34.4 recordings say them."""

from __future__ import annotations

import pytest

from kdsl.core.errors import KdslError
from kdsl.interop import import_manifests

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %s
  selector: {matchLabels: {app: web}}
  strategy: %s
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: nginx}]
"""
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  %s\n  selector: {app: web}\n  ports: %s\n"


def refusal(text: str) -> str:
    with pytest.raises(KdslError) as err:
        import_manifests(text=text, name="d.yaml")
    return str(err.value)


@pytest.mark.parametrize("text, message", [
    (DEPLOYMENT % (-1, "{}"), 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater '
                              "than or equal to 0"),
    (DEPLOYMENT % (1, "{type: Sideways}"), 'Deployment.apps "web" is invalid: spec.strategy: Unsupported value: '
                                           '{"Type":"Sideways","RollingUpdate":null}: supported values: "Recreate", '
                                           '"RollingUpdate"'),
    (SERVICE % ("type: Public", "[{port: 80}]"), 'Service "web" is invalid: spec.type: Unsupported value: "Public": '
                                                 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
                                                 '"NodePort"'),
    (SERVICE % ("type: ClusterIP", "[{port: 80}, {port: 81}]"),
     'Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]'),
    (SERVICE % ("type: ClusterIP", "[{name: a, port: 80, nodePort: 30080}]"),
     "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {'..': x}\n",
     'ConfigMap "web" is invalid: data[..]: Invalid value: "..": must not be \'..\''),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  restartPolicy: Sometimes\n"
     "  tolerations: [{key: k, operator: Maybe}]\n  containers: [{name: app, image: nginx}]\n",
     'Pod "web" is invalid: [spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
     '"OnFailure", "Never", spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", '
     '"Exists"]'),
    ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web}\nroleRef: {apiGroup: "
     "rbac.authorization.k8s.io, kind: Group, name: web}\nsubjects: [{kind: User, name: alice}]\n",
     'RoleBinding.rbac.authorization.k8s.io "web" is invalid: roleRef.kind: Unsupported value: "Group": supported '
     'values: "Role", "ClusterRole"'),
    ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: web}\nroleRef: {apiGroup: "
     "rbac.authorization.k8s.io, kind: Role, name: web}\n",
     'ClusterRoleBinding.rbac.authorization.k8s.io "web" is invalid: roleRef.kind: Unsupported value: "Role": '
     'supported values: "ClusterRole"'),
    ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: web}\nspec: {accessModes: [ReadWriteOnce]}\n",
     'PersistentVolumeClaim "web" is invalid: spec.resources[storage]: Required value'),
])
def test_a_rule_the_model_cannot_hold_is_refused_in_the_api_servers_words(text, message):
    assert message in refusal(text)


def test_valid_specs_pass():
    assert import_manifests(text=DEPLOYMENT % (0, "{type: Recreate}"), name="d.yaml").objects
    assert import_manifests(text=SERVICE % ("type: NodePort", "[{name: a, port: 80, nodePort: 30080}, {name: b, "
                                                             "port: 81}]"), name="s.yaml").objects


def test_a_missing_selector_is_required_but_for_a_daemonset_and_matches_no_template():
    # ValidateDeploymentSpec/ValidateStatefulSetSpec: Required; ValidateDaemonSetSpec: only the mismatch (a nil
    # selector is labels.Nothing())
    text = ("apiVersion: apps/v1\nkind: KIND\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}"
            "\n    spec:\n      containers: [{name: app, image: nginx}]\n")
    mismatch = ('spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template '
                "`labels`")
    for kind, head in (("Deployment", "[spec.selector: Required value, "), ("DaemonSet", "")):
        with pytest.raises(KdslError) as caught:
            import_manifests(text=text.replace("KIND", kind), kube_version="1.34")
        message = caught.value.diagnostics[0].message
        assert message == f'{kind}.apps "web" is invalid: {head}{mismatch}{"]" if head else ""}'
