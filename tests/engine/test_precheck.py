"""`kdsl check` reports what the API server refuses whatever the run, with its message, at the statement."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.errors import SimulationError
from kdsl.engine.simulation import Simulation
from tests.unchecked import unchecked

NODES = "cluster c { node n1 cpu=4 memory=8Gi }\n"
POD_UPDATE = ("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
              "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
              "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
              "previously negative)")
HUGE = "x" * 1_048_577

# (id, text after NODES, [(line, column, message)]) — lines count from the first line after NODES.
CASES = [
    ("nodeport-out-of-range", "service web nodeport selects app=web ports 80->8080:80\n",
     [(1, 1, 'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the '
             "valid range. The range of valid ports is 30000-32767")]),
    ("nodeport-above-range", "service web nodeport selects app=web ports 80->8080,443->8443:32768\n",
     [(1, 1, 'Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 32768: provided port is not in the '
             "valid range. The range of valid ports is 30000-32767")]),
    ("nodeport-twice", "service a nodeport selects app=a ports 80->8080:30080\n"
                       "service b loadbalancer selects app=b ports 80->8080:30080\n",
     [(2, 1, 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already '
             "allocated")]),
    ("nodeport-twice-in-the-timeline", "service a nodeport selects app=a ports 80->8080:30080\n"
                                       "at 1m: create service b nodeport selects app=b ports 80->8080:30080\n",
     [(2, 15, 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already '
              "allocated")]),
    ("nodeport-freed-by-a-delete", "service a nodeport selects app=a ports 80->8080:30080\n"
                                   "at 1m: delete service default/a\n"
                                   "at 2m: create service b nodeport selects app=b ports 80->8080:30080\n", []),
    ("nodeport-freed-by-a-namespace-delete", "namespace shop { service a nodeport selects app=a ports 80->8080:30080 }\n"
                                             "at 1m: delete namespace shop\n"
                                             "at 2m: create service b nodeport selects app=b ports 80->8080:30080\n", []),
    ("nodeport-not-freed-before-the-delete", "service a nodeport selects app=a ports 80->8080:30080\n"
                                             "at 1m: create service b nodeport selects app=b ports 80->8080:30080\n"
                                             "at 2m: delete service default/a\n",
     [(2, 15, 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already '
              "allocated")]),
    ("nodeport-kept-by-an-apply", "service a nodeport selects app=a ports 80->8080:30080\n"
                                  "at 1m: apply { service a nodeport selects app=a ports 80->8080:30080 { labels x=y } }\n",
     []),
    ("cluster-ip-out-of-range", "service dns clusterIP=10.0.0.10 selects app=dns ports 53/UDP\n",
     [(1, 1, 'Service "dns" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.10"}: failed to allocate '
             "IP 10.0.0.10: the provided network does not match the current range")]),
    ("cluster-ip-twice", "service a clusterIP=10.96.0.10 selects app=a ports 80\n"
                         "service b clusterIP=10.96.0.10 selects app=b ports 80\n",
     [(2, 1, 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate '
             "IP 10.96.0.10: provided IP is already allocated")]),
    ("cluster-ip-of-kubernetes", "service api clusterIP=10.96.0.1 selects app=api ports 443\n",
     [(1, 1, 'Service "api" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate '
             "IP 10.96.0.1: provided IP is already allocated")]),
    ("cluster-ip-not-an-ip", "service api clusterIP=10.96.0.300 selects app=api ports 443\n",
     [(1, 1, 'Service "api" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP '
             "address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]),
    ("pod-update", "pod p image=nginx:1.25\nat 1m: apply { pod p image=nginx:1.25 cpu=1 }\n",
     [(2, 16, f'Pod "p" is invalid: {POD_UPDATE}')]),
    ("pod-image-update", "pod p image=nginx:1.25\nat 1m: apply { pod p image=nginx:1.26 }\n", []),
    ("pod-gate-added", "pod p image=nginx:1.25\nat 1m: apply { pod p image=nginx:1.25 { gate example.com/late } }\n",
     [(2, 16, 'Pod "p" is invalid: spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found '
              "new scheduling gate 'example.com/late'")]),
    ("pod-gate-removed", "pod p image=nginx:1.25 { gate example.com/a }\nat 1m: apply { pod p image=nginx:1.25 }\n",
     []),
    ("pod-recreated-after-a-delete", "pod p image=nginx:1.25\nat 1m: delete pod default/p\n"
                                     "at 2m: apply { pod p image=nginx:1.25 cpu=1 }\n", []),
    ("deployment-selector", "deployment web image=nginx:1.25\n"
                            "at 1m: apply { deployment web image=nginx:1.25 { labels app=web tier=front } }\n",
     [(2, 16, 'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:'
              'map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
              "field is immutable")]),
    ("daemonset-selector", "daemonset agent image=fluentd:1\n"
                           "at 1m: apply { daemonset agent image=fluentd:1 { labels app=log } }\n",
     [(2, 16, 'DaemonSet.apps "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:'
              'map[string]string{"app":"log"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
              "field is immutable")]),
    ("deployment-image", "deployment web image=nginx:1.25\nat 1m: apply { deployment web image=nginx:1.26 }\n", []),
    ("statefulset-spec", "statefulset db image=postgres:16 service=db\n"
                         "at 1m: apply { statefulset db image=postgres:16 service=db2 }\n",
     [(2, 16, 'StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
              "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
              "'minReadySeconds' are forbidden")]),
    ("rolebinding-role-ref", "rolebinding devs clusterrole=view to user:alice\n"
                             "at 1m: apply { rolebinding devs clusterrole=edit to user:alice }\n",
     [(2, 16, 'RoleBinding.rbac.authorization.k8s.io "devs" is invalid: roleRef: Invalid value: '
              'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: '
              "cannot change roleRef")]),
    ("secret-immutable-data", 'secret s immutable { p = "v1" }\nat 1m: apply { secret s immutable { p = "v2" } }\n',
     [(2, 16, 'Secret "s" is invalid: data: Forbidden: field is immutable when `immutable` is set')]),
    ("secret-immutable-flag", 'secret s immutable { p = "v1" }\nat 1m: apply { secret s { p = "v1" } }\n',
     [(2, 16, 'Secret "s" is invalid: immutable: Forbidden: field is immutable when `immutable` is set')]),
    ("secret-type", 'secret t { k = "v" }\nat 1m: apply { secret t type=tls { k = "v" } }\n',
     [(2, 16, 'Secret "t" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable')]),
    ("configmap-too-big", f'configmap big {{ a = "{HUGE}" }}\n',
     [(1, 1, 'ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes')]),
    ("secret-too-big-in-the-timeline", f'at 1m: create secret big {{ a = "{HUGE}" }}\n',
     [(1, 15, 'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes')]),
    ("pdb-annotations-too-big-in-the-timeline",
     f'at 1m: create pdb default/p minAvailable=1 {{ annotations note="{"y" * 262_144}" }}\n',
     [(1, 15, 'PodDisruptionBudget.policy "p" is invalid: metadata.annotations: Too long: must have at most 262144 '
              "bytes")]),
    ("networkpolicy-annotations-too-big-in-an-apply",  # an update of the policy the first apply made
     "at 1m: apply {\n  networkpolicy default/p selects all\n}\n"
     f'at 2m: apply {{\n  networkpolicy default/p selects all {{ annotations note="{"y" * 262_144}" }}\n}}\n',
     [(5, 3, 'NetworkPolicy.networking.k8s.io "p" is invalid: metadata.annotations: Too long: must have at most '
             "262144 bytes")]),
    ("annotations-too-big", f'configmap c {{ annotations note="{"y" * 262_144}" }}\n',
     [(1, 1, 'ConfigMap "c" is invalid: metadata.annotations: Too long: must have at most 262144 bytes')]),
]


def diagnostics(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of each error `kdsl check` reports, lines counted after NODES."""
    try:
        kdsl.parse(NODES + text, "t.kdsl")
    except kdsl.ScenarioError as exc:
        assert {d.file for d in exc.errors} == {"t.kdsl"}
        return [(d.line - 1, d.column, d.message) for d in exc.errors]
    return []


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_gives_the_api_servers_message_at_the_statement(text, expected):
    assert diagnostics(text) == expected


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES if c[2]], ids=[c[0] for c in CASES if c[2]])
def test_the_run_refuses_the_same_object_with_the_same_message(text, expected):
    sim = Simulation(unchecked(NODES + text)).run(until=180_000)
    assert [r.message for r in sim.rejections] == [m for _, _, m in expected]
    assert {r.code for r in sim.rejections} == {422}


POOL = "cluster c {\n  nodes pool count=5000 cpu=4 memory=16Gi\n}\n"
ROOM = ("node pool-257: the pod range 10.244.0.0/16 has room for 256 nodes (a /24 each) and the scenario has 5,000; "
        "give the cluster a larger one, e.g. `cluster NAME podCIDR=10.128.0.0/11`")


def test_five_thousand_nodes_in_the_default_pod_range_are_an_error_with_the_numbers_and_a_wider_range():
    with pytest.raises(kdsl.ScenarioError) as err:
        kdsl.parse(POOL, "big.kdsl")
    (d,) = err.value.diagnostics
    assert (d.location, d.message) == ("big.kdsl:2:3", ROOM)
    with pytest.raises(SimulationError) as run:  # the run stops at the same node with the same words
        Simulation(unchecked(POOL, "big.kdsl"))
    assert [x.message for x in run.value.diagnostics] == [ROOM]
    assert kdsl.parse(POOL.replace("cluster c", "cluster c podCIDR=10.128.0.0/11"), "big.kdsl").nodes[-1].name \
        == "pool-5000"


def test_nodes_added_by_the_timeline_count_against_the_pod_range():
    text = ("cluster c podCIDR=10.244.0.0/24 { node n1 }\nat 1m: add node n2 cpu=4 memory=8Gi\n"
            "at 2m: add node n3 cpu=4 memory=8Gi\n")
    with pytest.raises(kdsl.ScenarioError) as err:
        kdsl.parse(text, "t.kdsl")
    (d,) = err.value.diagnostics
    assert (d.line, d.column) == (2, 8)
    assert d.message == ("node n2: the pod range 10.244.0.0/24 has room for 1 nodes (a /24 each) and the scenario "
                         "has 3; give the cluster a larger one, e.g. `cluster NAME podCIDR=10.128.0.0/22`")
    sim = Simulation(unchecked(text, "t.kdsl"))
    with pytest.raises(SimulationError) as run:
        sim.run()
    assert [x.message for x in run.value.diagnostics] == [d.message]


@pytest.mark.parametrize(("attr", "value", "message"), [
    ("podCIDR", "foo", "`podCIDR` of cluster: 'foo' does not appear to be an IPv4 or IPv6 network; write a CIDR such "
                       "as 10.244.0.0/16"),
    ("podCIDR", "10.244.0.0/25", "`podCIDR` of cluster: 10.244.0.0/25 cannot hold a node's /24 of pod addresses; give "
                                 "an IPv4 range of /24 or wider, such as 10.244.0.0/16"),
    ("serviceCIDR", "10.96.0.1/12", "`serviceCIDR` of cluster: 10.96.0.1/12 has host bits set; write a CIDR such as "
                                    "10.96.0.0/12"),
    ("serviceCIDR", "10.0.0.0/8", "`serviceCIDR` of cluster: 10.0.0.0/8 is too large; for 32-bit addresses, the mask "
                                  "must be >= 12"),
])
def test_the_clusters_ranges_are_cidrs_it_can_use(attr, value, message):
    with pytest.raises(kdsl.ScenarioError) as err:
        kdsl.parse(f"cluster c {attr}={value}\n", "t.kdsl")
    (d,) = err.value.diagnostics
    assert (d.line, d.column, d.message) == (1, 12 + len(attr), message)


def test_model_errors_come_alone_and_warnings_join_the_precheck_errors():
    # The API server's checks run on a scenario the model accepts: one class of mistake at a time.
    with pytest.raises(kdsl.ScenarioError) as err:
        kdsl.parse("deployment Web image=nginx\nservice web nodeport selects app=web ports 80->8080:80\n")
    assert [d.line for d in err.value.errors] == [1]
    with pytest.raises(kdsl.ScenarioError) as err:
        kdsl.parse("service web nodeport selects app=web ports 80->8080:80\n")
    assert [(d.severity, d.line) for d in err.value.diagnostics] == [("error", 1), ("warning", 1)]


def test_objects_in_an_as_user_block_are_checked_too():
    # RBAC may refuse them first at run time; invalid they stay, whoever sends them.
    text = "user dev\nat 1m as dev: create service b nodeport selects app=b ports 80->8080:80\n"
    assert [m[:20] for _, _, m in diagnostics(text)] == ['Service "b" is inval']

