"""A manifest's own metadata is checked as the API server checks it on create (kdsl/interop/validate_meta.py):
a workload keeps its metadata in the `yaml` block, which the simulation's API server never saw, so an invalid
label on a Deployment used to be accepted (found by tests/oracle, issue 16)."""

from __future__ import annotations

import textwrap

import pytest

from kdsl.core.errors import KdslError
from kdsl.interop import import_manifests

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{{labels}}}
  annotations: {{{annotations}}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: app, image: nginx}}]
"""
LABEL_KEY = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
             "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


def refusal(text: str) -> str:
    with pytest.raises(KdslError) as err:
        import_manifests(text=text, name="d.yaml")
    return str(err.value)


def test_a_workloads_own_bad_label_is_refused_in_the_api_servers_words_at_its_place():
    text = refusal(DEPLOYMENT.format(name="web", labels="-app: web", annotations=""))
    assert text.startswith("d.yaml:5:3: error: ")
    assert f'Deployment.apps "web" is invalid: metadata.labels: Invalid value: "-app": {LABEL_KEY}' in text


@pytest.mark.parametrize("name, labels, annotations, message", [
    ("Web", "", "", 'Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 '
                    "subdomain must consist of"),
    ("-web", "", "", 'Deployment.apps "-web" is invalid: metadata.name: Invalid value: "-web"'),
    ("web", "app: web app", "", 'metadata.labels: Invalid value: "web app": a valid label must be an empty string'),
    ("web", "", "bad key: x", 'metadata.annotations: Invalid value: "bad key": name part must consist of'),
])
def test_names_labels_and_annotations_are_the_api_servers(name, labels, annotations, message):
    assert message in refusal(DEPLOYMENT.format(name=name, labels=labels, annotations=annotations))


def test_an_rbac_name_is_a_path_segment_and_a_good_manifest_passes():
    role = textwrap.dedent("""\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: "system:reader/x", namespace: dev}
        rules: []
        """)
    assert ('Role.rbac.authorization.k8s.io "system:reader/x" is invalid: metadata.name: Invalid value: '
            '"system:reader/x": may not contain \'/\'') in refusal(role)
    assert import_manifests(text=role.replace("/x", ""), name="r.yaml").objects
    assert import_manifests(text=DEPLOYMENT.format(name="web", labels="tier: front", annotations="a/b: c"),
                            name="d.yaml").objects


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: app, image: nginx, ports: [{name: %s, containerPort: 80}]}
  - {name: %s, image: nginx}
"""


@pytest.mark.parametrize("port, second, message", [
    # IsValidPortName wants a lower-case letter too, so "HTTP" fails twice (the v1.34.4 recording, issue 16)
    ("HTTP", "side", 'Pod "web" is invalid: [spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain '
                     "only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.containers[0].ports[0].name: "
                     'Invalid value: "HTTP": must contain at least one letter (a-z)]'),
    ("http", "app", 'Pod "web" is invalid: spec.containers[1].name: Duplicate value: "app"'),
    ("http", "Side_1", 'Pod "web" is invalid: spec.containers[1].name: Invalid value: "Side_1": a lowercase RFC 1123 '
                       "label must consist of"),
])
def test_the_names_of_a_pod_spec_are_the_api_servers_even_those_kept_in_a_yaml_block(port, second, message):
    assert message in refusal(POD % (port, second))


def test_a_templates_names_are_named_by_their_path_and_all_errors_are_given_at_once():
    text = refusal(DEPLOYMENT.format(name="web", labels="", annotations="").replace(
        "{name: app, image: nginx}", "{name: App, image: nginx}, {name: App, image: nginx}"))
    assert ('Deployment.apps "web" is invalid: [spec.template.spec.containers[0].name: Invalid value: "App"' in text
            and 'spec.template.spec.containers[1].name: Duplicate value: "App"]' in text)


def test_a_pod_without_containers_is_invalid_not_an_unknown_kind():
    text = refusal("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\n")
    assert 'Pod "web" is invalid: spec.containers: Required value' in text


def test_a_mount_of_an_undeclared_volume_is_the_api_servers_not_found():
    # ValidateVolumeMounts (pkg/apis/core/validation): kdsl text keeps its own located error for the same mistake
    mounts = "{name: app, image: nginx, volumeMounts: [{name: data, mountPath: /d}, {name: conf, mountPath: /c}]}"
    declared = "volumes: [{name: conf, emptyDir: {}}]\n      containers:"
    text = refusal(DEPLOYMENT.format(name="web", labels="", annotations="").replace(
        "{name: app, image: nginx}", mounts).replace("containers:", declared))
    assert ('Deployment.apps "web" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: '
            'Not found: "data"') in text
    assert "volumeMounts[1]" not in text


def test_a_statefulsets_claim_templates_are_volumes_its_containers_may_mount():
    sts = textwrap.dedent("""\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          selector: {matchLabels: {app: db}}
          serviceName: db
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: postgres, volumeMounts: [{name: data, mountPath: /d}]}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """)
    assert import_manifests(text=sts, name="s.yaml").objects
    other = sts.replace("- metadata: {name: data}", "- metadata: {name: other}")
    assert 'volumeMounts[0].name: Not found: "data"' in refusal(other)


ENV_POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: web}}
spec:
  containers:
  - name: app
    image: nginx
    ports: [{{containerPort: {port}}}]
    env: [{{name: "{env}", value: x}}]
"""


@pytest.mark.parametrize(("port", "env", "version", "message"), [
    (70000, "A", "1.34", 'Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: '
                         "must be between 1 and 65535, inclusive"),
    (80, "1=BAD", "1.34", 'Pod "web" is invalid: spec.containers[0].env[0].name: Invalid value: "1=BAD": a valid '
                          "environment variable name must consist only of printable ASCII characters other than '='"),
    (80, "1BAD", "1.31", 'Pod "web" is invalid: spec.containers[0].env[0].name: Invalid value: "1BAD": a valid '
                         "environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
                         "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
                         "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")])
def test_a_port_number_and_an_env_name_are_refused_in_the_api_servers_words(port, env, version, message):
    # validateContainerPorts, ValidateEnv (IsRelaxedEnvVarName from 1.32): they were kdsl's own words, or a syntax
    # error of the generated kdsl text (tests/oracle port-out-of-range/Pod, env-name-invalid/Pod)
    with pytest.raises(KdslError) as err:
        import_manifests(text=ENV_POD.format(port=port, env=env), name="p.yaml", kube_version=version)
    assert f"error: {message}" in str(err.value)


def test_a_relaxed_env_name_imports_from_1_32():
    assert "env 1BAD=" in import_manifests(text=ENV_POD.format(port=80, env="1BAD"), kube_version="1.34").text


JOB = """\
apiVersion: batch/v1
kind: {kind}
metadata: {{name: {name}}}
spec:
{spec}
"""
JOB_SPEC = "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: app, image: busybox}]"
CRON_SPEC = ("  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n" + textwrap.indent(JOB_SPEC, "    "))


def test_a_job_name_is_its_pods_label_and_a_cronjob_name_leaves_room_for_the_minute():
    # pkg/apis/batch/validation/validation.go: ValidateJob after the strategy's job-name labels; ValidateCronJobCreate
    assert 'Job.batch "-web" is invalid: [metadata.name: Invalid value: "-web": a lowercase RFC 1123 subdomain' in \
        refusal(JOB.format(kind="Job", name="-web", spec=JOB_SPEC))
    long = "w" * 64
    assert (f'spec.template.labels: Invalid value: "{long}": must be no more than 63 characters'
            in refusal(JOB.format(kind="Job", name=long, spec=JOB_SPEC)))
    import_manifests(text=JOB.format(kind="Job", name="w" * 63, spec=JOB_SPEC))
    assert (f'CronJob.batch "{"w" * 53}" is invalid: metadata.name: Invalid value: "{"w" * 53}": must be no more '
            "than 52 characters") in refusal(JOB.format(kind="CronJob", name="w" * 53, spec=CRON_SPEC))
    import_manifests(text=JOB.format(kind="CronJob", name="w" * 52, spec=CRON_SPEC))
