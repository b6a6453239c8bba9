"""Validation (422): names by kind, labels, annotations, containers, and what an update may not change."""

from __future__ import annotations

import attrs
import pytest

from kdsl.engine.apiserver import validation, wrap
from kdsl.engine.apiserver.errors import ApiError
from kdsl.model.access import ClusterRole, RoleBinding, Subject
from kdsl.model import names
from kdsl.model.config import ConfigMap
from kdsl.model.pods import Port, Toleration
from tests.engine.apiserver.helpers import Cluster, container, message, pod


def errors(obj) -> list[str]:
    return [str(e) for e in validation.validate_create(wrap(obj))]


def test_rbac_objects_use_path_segment_names():
    assert errors(ClusterRole(name="system:controller:x")) == []
    assert errors(ClusterRole(name="a/b")) == ['metadata.name: Invalid value: "a/b": may not contain \'/\'']
    assert errors(ClusterRole(name="..")) == ['metadata.name: Invalid value: "..": may not be \'..\'']


def test_a_name_is_required():
    assert errors(ConfigMap(name="", namespace="dev")) == [
        "metadata.name: Required value: name or generateName is required"]


def test_annotation_keys_and_size():
    bad = ConfigMap(name="c", namespace="dev", annotations=(("bad key", "x"),))
    assert errors(bad)[0].startswith('metadata.annotations: Invalid value: "bad key": name part must consist')
    huge = ConfigMap(name="c", namespace="dev", annotations=(("k", "x" * 262_144),))
    assert errors(huge) == ["metadata.annotations: Too long: must have at most 262144 bytes"]


def test_containers():
    web = pod("web", "dev", container("App"), container("app", image=""), container("app"),
              container("x", ports=(Port(number=80, name="HTTP"),)))
    assert errors(web) == [
        'spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case '
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "spec.containers[1].image: Required value",
        'spec.containers[2].name: Duplicate value: "app"',
        'spec.containers[3].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters '
        "(a-z, 0-9), and hyphens (-)",
        'spec.containers[3].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)']


def test_requests_may_not_exceed_limits():
    c = Cluster("namespace dev {\n  limits default cpu=500m\n}")
    assert message(c.create(pod("web", "dev", container(cpu=1000)))) == (
        'Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "1": must be less than or '
        "equal to cpu limit of 500m")


def test_workload_templates_are_validated_at_their_path():
    c = Cluster("namespace dev\nstatefulset dev/db image=postgres:16")
    sts = c.scenario.get("statefulset", "dev/db")
    broken = attrs.evolve(sts, name="db2", template=attrs.evolve(sts.template, containers=(container(image=""),)))
    assert message(c.create(broken)) == (
        'StatefulSet.apps "db2" is invalid: spec.template.spec.containers[0].image: Required value')


# ---- updates ------------------------------------------------------------------------------------

@pytest.fixture
def stored():
    c = Cluster("namespace dev")
    return c, c.apply(pod("web", node_name="n1"))


def edit(obj, **template):
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template, **template)))


def test_a_pod_update_may_change_images_and_add_tolerations(stored):
    c, web = stored
    newer = edit(web, containers=(attrs.evolve(web.spec.template.containers[0], image="nginx:1.26"),),
                 tolerations=web.spec.template.tolerations + (Toleration(key="gpu", operator="Exists"),))
    assert not hasattr(c.ask("update", "Pod", object=newer), "code")
    relabelled = attrs.evolve(web, meta=attrs.evolve(web.meta, labels=(("tier", "front"),)))
    assert not hasattr(c.ask("update", "Pod", object=relabelled), "code")


@pytest.mark.parametrize("change", [dict(node_name="n2"), dict(priority=5), dict(restart_policy="Never")])
def test_a_pod_update_may_not_change_the_rest(stored, change):
    c, web = stored
    assert message(c.ask("update", "Pod", object=edit(web, **change))) == (
        'Pod "web" is invalid: spec: Forbidden: ' + validation.POD_UPDATE)


def test_an_update_built_from_the_declared_pod_keeps_what_the_server_set(stored):
    c, web = stored
    declared = pod("web", "dev", container(image="nginx:1.26"))
    result = c.ask("update", "Pod", object=wrap(declared))
    template = result.object.spec.template
    assert (template.node_name, template.service_account, template.priority) == ("n1", "default", 0)
    assert template.containers[0].image == "nginx:1.26"


def test_a_pod_update_may_not_add_a_container():
    c = Cluster("namespace dev")
    web = c.apply(pod("web", node_name="n1"))
    more = edit(web, containers=web.spec.template.containers + (container("side"),))
    assert message(c.ask("update", "Pod", object=more)) == (
        'Pod "web" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers')


def test_removing_a_toleration_is_forbidden_but_the_default_ones_come_back():
    c = Cluster("namespace dev")
    web = c.apply(pod("web", node_name="n1", tolerations=[Toleration(key="gpu", operator="Exists")]))
    assert message(c.ask("update", "Pod", object=edit(web, tolerations=()))).startswith(
        'Pod "web" is invalid: spec: Forbidden: pod updates may not change fields')
    # DefaultTolerationSeconds runs on updates too, so dropping only its tolerations changes nothing.
    own = edit(web, tolerations=web.spec.template.tolerations[:1])
    assert c.ask("update", "Pod", object=own).object.spec.template == web.spec.template


def test_statefulset_updates():
    c = Cluster("namespace dev\nstatefulset dev/db image=postgres:16 replicas=1")
    db = wrap(c.scenario.get("statefulset", "dev/db"))
    assert not hasattr(c.ask("update", "StatefulSet", object=attrs.evolve(db, spec=attrs.evolve(db.spec, replicas=3))),
                       "code")
    renamed = attrs.evolve(db, spec=attrs.evolve(db.spec, service_name="other"))
    assert message(c.ask("update", "StatefulSet", object=renamed)) == (
        'StatefulSet.apps "db" is invalid: spec: Forbidden: ' + validation.STS_UPDATE)


def _role_ref_changed(version: str) -> str:
    c = Cluster(f"cluster lab version={version}\nuser u\nnamespace dev {{\n  rolebinding b clusterrole=view to user:u\n}}")
    b: RoleBinding = c.scenario.get("rolebinding", "dev/b")
    changed = attrs.evolve(b, role_name="edit", subjects=(Subject("User", "u"),))
    return message(c.ask("update", "RoleBinding", object=wrap(changed)))


def test_role_ref_is_immutable():
    assert _role_ref_changed("1.33") == (
        'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: '
        'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef')


def test_messages_follow_the_cluster_version():
    # v1.34 prints a composite bad value as JSON (1.33: Go's %#v); from 1.35 a label's length is in bytes.
    assert _role_ref_changed("1.34") == (
        'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: '
        '{"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"edit"}: cannot change roleRef')
    long = ConfigMap(name="c", namespace="dev", labels=(("k" * 64, "v" * 64),))
    said = {m: [e.render(m) for e in validation.validate_create(wrap(long), m)] for m in (33, 34, 35)}
    assert said[33] == said[34] == [
        f'metadata.labels: Invalid value: "{"k" * 64}": name part must be no more than 63 characters',
        f'metadata.labels: Invalid value: "{"v" * 64}": must be no more than 63 characters']
    assert [m.replace("bytes", "characters") for m in said[35]] == said[34] != said[35]
    assert validation.validate_create(wrap(ConfigMap(name="c" * 254, namespace="dev")), 37)[0].render(37).endswith(
        "must be no more than 253 characters")  # a name is a DNS subdomain: apimachinery's own check, every release


# ---- scheduling gates ---------------------------------------------------------------------------

def test_scheduling_gate_names_are_qualified_names_and_unique():
    gated = pod("web", scheduling_gates=("example.com/quota", "bad name", "example.com/quota"))
    assert errors(gated) == [
        'spec.schedulingGates[1]: Invalid value: "bad name": ' + names.MSG_QUALIFIED,
        'spec.schedulingGates[2]: Duplicate value: "example.com/quota"']


def test_a_gated_pod_may_not_be_created_with_a_node():
    assert errors(pod("web", node_name="n1", scheduling_gates=("g",))) == [
        "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]


def test_a_pod_created_with_gates_reads_scheduling_gated():
    c = Cluster("namespace dev")
    created = c.apply(pod("web", scheduling_gates=("g1", "g2")))
    [cond] = created.status.conditions
    assert (cond.type, cond.status, cond.reason, cond.message) == (
        "PodScheduled", "False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates")
    assert c.apply(pod("free")).status is None  # nothing to say until the scheduler has looked at it


def test_gates_may_be_removed_from_a_pod_but_never_added():
    c = Cluster("namespace dev")
    web = c.apply(pod("web", scheduling_gates=("g1", "g2")))
    fewer = c.ask("update", "Pod", object=edit(web, scheduling_gates=("g2",)))
    assert fewer.object.spec.template.scheduling_gates == ("g2",)
    assert c.ask("update", "Pod", object=edit(web, scheduling_gates=())).object.spec.template.scheduling_gates == ()
    assert message(c.ask("update", "Pod", object=edit(web, scheduling_gates=("g1", "g3", "g2", "g4")))) == (
        'Pod "web" is invalid: [spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new '
        "scheduling gate 'g3', spec.schedulingGates[3].name: Forbidden: only deletion is allowed, but found new "
        "scheduling gate 'g4']")


def test_a_job_name_is_a_label_value_of_its_pods_and_a_cronjob_name_leaves_room_for_the_minute():
    # ValidateJob checks the template labels the strategy adds (job-name=<name>); ValidateCronJobCreate caps at 52
    c = Cluster("namespace dev\njob dev/pi image=perl\ncronjob dev/tick schedule=\"* * * * *\" image=busybox")
    job, cron = c.scenario.get("job", "dev/pi"), c.scenario.get("cronjob", "dev/tick")
    name = "j" * 64
    assert message(c.create(attrs.evolve(job, name=name))) == (
        f'Job.batch "{name}" is invalid: spec.template.labels: Invalid value: "{name}": must be no more than 63 '
        "characters")
    assert not isinstance(c.create(attrs.evolve(job, name="j" * 63)), ApiError)
    assert message(c.create(attrs.evolve(cron, name="c" * 53))) == (
        f'CronJob.batch "{"c" * 53}" is invalid: metadata.name: Invalid value: "{"c" * 53}": must be no more than 52 '
        "characters")
    assert not isinstance(c.create(attrs.evolve(cron, name="c" * 52)), ApiError)
