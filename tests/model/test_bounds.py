"""Numbers at the API server's own limits: what `kdsl check` passed used to crash or swamp `kdsl run`.

Limits and their upstream sources: docs/security.md#limits."""

from __future__ import annotations

import sys

import pytest

import kdsl
from kdsl.core import values as v
from kdsl.engine.simulation import Simulation
from kdsl.model import names

NODE = "cluster c { node n1 cpu=4 memory=8Gi }\n"


def errors(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    assert {d.file for d in info.value.errors} == {"t.kdsl"}
    return [(d.line, d.column, d.message) for d in info.value.errors]


def test_node_capacity_at_or_past_2_63_is_a_located_error_not_an_overflow_in_the_scheduler():
    assert errors("cluster c { node n1 cpu=99999999999999999999 memory=8Ei }\n") == [
        (1, 25, "`cpu` of node n1: `99999999999999999999` is out of range: a quantity is at most 2^63-1 "
                "(9223372036854775807) in magnitude"),
        (1, 53, "`memory` of node n1: `8Ei` is out of range: a quantity is at most 2^63-1 (9223372036854775807) "
                "in magnitude")]


def test_node_cpu_whose_millicores_pass_2_63_is_a_located_error():
    ((line, column, message),) = errors("cluster c { node n1 cpu=9223372036854776 }\n")
    assert (line, column) == (1, 25)
    assert message.endswith("in millicores a quantity is at most 2^63-1 (at most 9223372036854775 cores)")


def test_node_capacity_just_within_2_63_runs():
    scenario = kdsl.parse("cluster c { node n1 cpu=9223372036854775 memory=8388607Ti pods=9223372036854775807 }\n"
                          "pod web image=nginx cpu=1 memory=1Gi\n")
    sim = Simulation(scenario).run(until=30_000)
    assert sim.store.get("Pod", "default", "web").status.phase == "Running"


def test_replicas_2147483648_is_refused_as_kubernetes_int32():
    assert errors(NODE + "deployment web image=nginx replicas=2147483648\n") == [
        (2, 37, "`replicas` of deployment default/web: 2147483648 is more than 2147483647 (the field is an int32)")]


def test_scale_replicas_9223372036854775808_is_refused_as_kubernetes_int32():
    text = NODE + "deployment web image=nginx replicas=1\nat 10s: scale deployment web replicas=9223372036854775808\n"
    assert errors(text) == [
        (3, 39, "`replicas` of scale: 9223372036854775808 is more than 2147483647 (the field is an int32)")]


@pytest.mark.parametrize(("code", "message"), [
    ("99999999999999999999", "exit code: 99999999999999999999 is more than 255 (a process exits with a status of 0-255)"),
    ("256", "exit code: 256 is more than 255 (a process exits with a status of 0-255)")])
def test_exit_99999999999999999999_and_exit_256_are_refused_exit_codes_are_0_to_255(code, message):
    text = NODE + f"pod p {{\n  container c image=busybox {{\n    exit {code} after 5s\n  }}\n}}\n"
    assert errors(text) == [(4, 10, message)]


def test_exit_255_is_an_exit_code():
    kdsl.parse(NODE + "pod p {\n  container c image=busybox {\n    exit 255 after 5s\n  }\n}\n")


@pytest.mark.parametrize(("image", "shown", "detail"), [
    (r"nginx\nx", r"nginx\nx", "invalid reference format: an image name has no spaces or control characters"),
    (r"nginx\tx", r"nginx\tx", "invalid reference format: an image name has no spaces or control characters"),
    (" nginx", " nginx", "must not have leading or trailing whitespace")])
def test_image_names_with_newlines_or_whitespace_are_refused(image, shown, detail):
    assert errors(NODE + f'pod p image="{image}"\n') == [
        (2, 1, f'Pod "p" is invalid: spec.containers[0].image: Invalid value: "{shown}": {detail}')]


def test_a_template_image_with_leading_whitespace_is_stored_and_its_pods_refused():
    # validateContainersOnlyForPod checks pods, not templates (pkg/apis/core/validation/validation.go): the
    # Deployment is accepted, each pod its ReplicaSet creates is refused (FailedCreate), as Kubernetes does.
    sim = Simulation(kdsl.parse(NODE + 'deployment web image=" nginx"\n')).run(2_000)
    assert not sim.store.list("Pod")
    refused = [e for e in sim.events().itertuples() if e.REASON == "FailedCreate" and e.OBJECT.startswith("replicaset/")]
    assert refused and refused[0].MESSAGE.endswith(
        'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace')
    rs = sim.store.list("ReplicaSet")[0]
    assert rs.spec.template.containers[0].image_pull_policy == "IfNotPresent"  # ParseImageName fails: no tag


def test_values_integer_bounds_are_int32_unless_the_field_says_int64():
    assert v.integer("2147483647") == v.INT32_MAX
    assert v.integer("-2147483648", minimum=None) == -(2**31)
    with pytest.raises(v.BadValue, match="less than -2147483648"):
        v.integer("-2147483649", minimum=None)
    assert v.integer("9223372036854775807", maximum=v.INT64_MAX) == v.INT64_MAX
    with pytest.raises(v.BadValue, match=r"\(the field is an int64\)"):
        v.integer("9223372036854775808", maximum=v.INT64_MAX)


def test_grace_minus_1s_is_a_located_error_not_a_typeerror_in_the_checks():
    assert errors(NODE + "pod a image=nginx {\n  grace -1s\n}\n") == [
        (3, 9, "grace period: `-1s` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`")]


def test_set_image_with_a_newline_is_refused_at_the_image():
    text = NODE + 'deployment web image=nginx\nat 5s: set image deployment web web="x\\ny"\n'
    assert errors(text) == [(3, 37, 'image of container web: Invalid value: "x\\ny": invalid reference format: '
                                    "an image name has no spaces or control characters")]


def test_set_image_with_surrounding_whitespace_updates_a_workload_and_refuses_a_pod():
    # validateContainersOnlyForPod holds a pod's images, not a template's: the Deployment takes the new image and
    # each pod of its new ReplicaSet is refused, where a bare pod's update is refused (at the image, before a run).
    text = NODE + 'deployment web image=nginx\nat 5s: set image deployment web web=" nginx:1.27"\n'
    sim = Simulation(kdsl.parse(text)).run(10_000)
    assert sim.store.get("Deployment", "default", "web").spec.template.containers[0].image == " nginx:1.27"
    refused = [e for e in sim.events().itertuples() if e.REASON == "FailedCreate"]
    assert refused and refused[0].MESSAGE.endswith(
        'spec.containers[0].image: Invalid value: " nginx:1.27": must not have leading or trailing whitespace')
    text = NODE + 'pod web image=nginx\nat 5s: set image pod web web=" nginx:1.27"\n'
    assert errors(text) == [(3, 30, 'image of container web: Invalid value: " nginx:1.27": must not have leading '
                                    'or trailing whitespace')]


@pytest.mark.parametrize(("attr", "message"), [
    ("serviceCIDR=.", "`serviceCIDR` of cluster: '.' does not appear to be an IPv4 or IPv6 network; write a CIDR "
                      "such as 10.96.0.0/12"),
    ("podCIDR=10.0.0.0/30", "`podCIDR` of cluster: 10.0.0.0/30 cannot hold a node's /24 of pod addresses; give an "
                            "IPv4 range of /24 or wider, such as 10.244.0.0/16")])
def test_service_cidr_dot_and_pod_cidr_slash_30_are_located_errors_not_valueerror(attr, message):
    assert errors(f"cluster c {attr} {{ node n1 }}\n") == [(1, 11 + attr.index("=") + 1, message)]


@pytest.mark.parametrize("version", ["banana", "1", "2.0", "1.x", "1.3٨"])
def test_a_cluster_version_is_1_dot_a_minor_or_a_located_error(version):
    with pytest.raises(kdsl.ScenarioError, match=f"`{version}` is not a Kubernetes version; write it as 1.33"):
        kdsl.parse(f"cluster c version={version} {{\n  node n1\n}}\n")


def test_a_1_34_cluster_schedules_with_1_34_words():
    s = kdsl.parse("cluster c version=1.34 {\n  node n1 cpu=1 { taint a=b:NoSchedule }\n}\npod p image=nginx:1.25\n")
    sim = Simulation(s).run(until=5_000)
    pod = sim.store.get("Pod", "default", "p")
    assert [c.message for c in pod.status.conditions if c.type == "PodScheduled"] == [
        "0/1 nodes are available: 1 node(s) had untolerated taint(s). no new claims to deallocate, preemption: "
        "0/1 nodes are available: 1 Preemption is not helpful for scheduling."]


def test_unreadable_is_a_space_or_a_control_character_as_the_per_character_rule_says():
    # names.unreadable decides in one pass what `any(c.isspace() or not c.isprintable() for c in s)` decided
    per_char = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace() or not chr(i).isprintable()}
    for i in range(sys.maxunicode + 1):
        assert names.unreadable(f"nginx{chr(i)}1") == (chr(i) in per_char), hex(i)
