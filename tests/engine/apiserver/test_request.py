"""The API server oracles 68–76 through `handle`, the order of the stages, and the storage semantics."""

from __future__ import annotations

import attrs

from kdsl.engine.apiserver import Request, Result, wrap
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.admission import DEFAULT_TOLERATION_MS
from kdsl.model.nodes import Namespace
from kdsl.model.network import Service, ServicePort
from kdsl.model.pods import Toleration
from tests.engine.apiserver.helpers import Cluster, container, message, pod, with_phase

JANE = """
user jane
namespace dev {
  role pod-reader {
    allow get,list on pods
  }
  rolebinding jane-reads role=pod-reader to user:jane
}
namespace prod
"""


# ---- oracles ------------------------------------------------------------------------------------

def test_oracle_68_create_without_permission_is_forbidden():
    c = Cluster(JANE)
    result = c.create(pod("web", "dev"), user="jane")
    assert result == ApiError(403, "Forbidden", 'pods is forbidden: User "jane" cannot create resource "pods" in '
                                                'API group "" in the namespace "dev"')


def test_oracle_69_forbidden_messages_name_group_scope_and_object():
    c = Cluster(JANE).add(pod("web", "prod"))
    assert message(c.ask("list", "deployments", namespace="dev", user="jane")) == (
        'deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" in '
        'the namespace "dev"')
    assert message(c.ask("list", "nodes", user="jane")) == (
        'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope')
    assert message(c.ask("get", "pods", namespace="prod", name="web", user="jane")) == (
        'pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "prod"')
    # What the Role does grant still works.
    assert isinstance(c.ask("list", "pods", namespace="dev", user="jane"), Result)


def test_oracle_70_rolebinding_to_clusterrole_view_grants_within_its_namespace():
    c = Cluster("""
user jane
namespace dev {
  rolebinding jane-views clusterrole=view to user:jane
}
namespace prod
""").add(pod("web", "dev"), pod("api", "dev"))
    listed = c.ask("list", "pods", namespace="dev", user="jane")
    assert [o.name for o in listed.objects] == ["api", "web"]
    assert message(c.ask("list", "pods", namespace="prod", user="jane")) == (
        'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "prod"')


def test_oracle_71_pod_count_quota():
    c = Cluster("namespace dev {\n  quota name=compute pods=2\n}")
    c.apply(pod("p1"))
    c.apply(pod("p2"))
    assert c.create(pod("p3")) == ApiError(
        403, "Forbidden", 'pods "p3" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, '
                          'limited: pods=2')


def test_oracle_72_limitrange_max_and_default_request():
    c = Cluster("namespace dev {\n  limits max cpu=1\n}")
    assert message(c.create(pod("x", "dev", container(limit_cpu=2000)))) == (
        'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2')
    c = Cluster("namespace dev {\n  limits request cpu=100m\n}")
    stored = c.create(pod("x")).object
    assert stored.spec.template.containers[0].requests.cpu == 100


def test_oracle_73_terminating_and_missing_namespace():
    c = Cluster().add(wrap(Namespace(name="dev"), deletion_ms=1_000))
    assert message(c.create(pod("x", "dev"))) == (
        'pods "x" is forbidden: unable to create new content in namespace dev because it is being terminated')
    assert c.create(pod("x", "dev")).code == 403
    missing = Cluster().create(pod("x", "dev"))
    assert missing == ApiError(404, "NotFound", 'namespaces "dev" not found')


def test_oracle_74_default_tolerations_and_service_account():
    result = Cluster("namespace dev").create(pod("web"))
    template = result.object.spec.template
    assert template.tolerations == (
        Toleration(key="node.kubernetes.io/not-ready", operator="Exists", effect="NoExecute", toleration_ms=300_000),
        Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute", toleration_ms=300_000))
    assert template.service_account == "default"
    assert template.priority == 0


def test_oracle_66_own_unreachable_toleration_is_kept():
    own = Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute", toleration_ms=10_000)
    template = Cluster("namespace dev").create(pod("web", tolerations=[own])).object.spec.template
    assert template.tolerations == (own, Toleration(key="node.kubernetes.io/not-ready", operator="Exists",
                                                    effect="NoExecute", toleration_ms=DEFAULT_TOLERATION_MS))


SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
             "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def test_oracle_75_names_through_the_api():
    c = Cluster("namespace dev")
    assert c.create(pod("My_App")) == ApiError(
        422, "Invalid", f'Pod "My_App" is invalid: metadata.name: Invalid value: "My_App": {SUBDOMAIN}')
    long = "a" * 254
    assert message(c.create(pod(long))) == (
        f'Pod "{long}" is invalid: metadata.name: Invalid value: "{long}": must be no more than 253 characters')
    assert message(c.create(Service(name="1web", namespace="dev", ports=(ServicePort(port=80, target=80),)))) == (
        'Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower '
        "case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
        "character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
    assert message(c.create(Namespace(name="a.b"))).startswith(
        'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist')


def test_oracle_76_labels_through_the_api():
    c = Cluster("namespace dev")
    assert message(c.create(pod("web", labels=[("app", "v" * 64)]))) == (
        f'Pod "web" is invalid: metadata.labels: Invalid value: "{"v" * 64}": must be no more than 63 characters')
    assert isinstance(c.create(pod("web", labels=[("example.com/app", "web"), ("empty", "")])), Result)
    assert message(c.create(pod("web", labels=[("app_", "web")]))).startswith(
        'Pod "web" is invalid: metadata.labels: Invalid value: "app_": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character")


# ---- the order of the stages ------------------------------------------------------------------------

def test_rbac_refusal_comes_before_quota():
    c = Cluster("""
user jane
namespace dev {
  quota name=compute pods=0
}
""")
    assert message(c.create(pod("p1"))).startswith('pods "p1" is forbidden: exceeded quota: compute')
    assert message(c.create(pod("p1"), user="jane")) == (
        'pods is forbidden: User "jane" cannot create resource "pods" in API group "" in the namespace "dev"')


def test_unknown_user_is_401_before_anything_else():
    assert Cluster().create(pod("My_App", "nowhere"), user="mallory") == ApiError(401, "Unauthorized",
                                                                                    "Unauthorized")


def test_missing_namespace_comes_before_validation_and_validation_before_quota():
    assert Cluster().create(pod("My_App", "dev")).code == 404
    c = Cluster("namespace dev {\n  quota pods=0\n}")
    assert c.create(pod("My_App")).code == 422
    assert c.create(pod("ok")).code == 403


def test_limitranger_refusal_comes_before_quota():
    c = Cluster("namespace dev {\n  limits max cpu=1\n  quota pods=0\n}")
    assert "maximum cpu usage" in message(c.create(pod("x", "dev", container(limit_cpu=2000))))


def test_already_exists_is_checked_after_admission():
    c = Cluster("namespace dev {\n  quota name=q pods=1\n}")
    c.apply(pod("web"))
    assert "exceeded quota" in message(c.create(pod("web")))
    c = Cluster("namespace dev")
    c.apply(pod("web"))
    assert c.create(pod("web")) == ApiError(409, "AlreadyExists", 'pods "web" already exists')


# ---- get, update, subresources, delete ----------------------------------------------------------------

def test_get_missing_object_is_404_and_unknown_kind_too():
    c = Cluster("namespace dev")
    assert c.ask("get", "pods", namespace="dev", name="nope") == ApiError(404, "NotFound", 'pods "nope" not found')
    assert c.ask("get", "widgets", namespace="dev", name="x").code == 404


def test_update_keeps_server_fields_and_counts_generations():
    c = Cluster("namespace dev")
    stored = attrs.evolve(c.apply(pod("web")), status=with_phase(c.view.get("Pod", "dev", "web"), "Running").status)
    stored = attrs.evolve(stored, meta=attrs.evolve(stored.meta, uid="u-1"), resource_version=7)
    c.view.add(stored)
    changed = stored.spec.template.containers[0]
    new_spec = attrs.evolve(stored.spec, template=attrs.evolve(
        stored.spec.template, containers=(attrs.evolve(changed, image="nginx:1.26"),)))
    sent = attrs.evolve(stored, spec=new_spec, status=None, meta=attrs.evolve(stored.meta, uid="forged"))
    result = c.ask("update", "Pod", object=sent)
    assert result.object.meta.uid == "u-1" and result.object.meta.generation == 2
    assert result.object.status.phase == "Running"
    stale = attrs.evolve(sent, resource_version=3)
    assert message(c.ask("update", "Pod", object=stale)) == (
        'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to '
        'the latest version and try again')


def test_status_update_changes_only_the_status():
    c = Cluster("namespace dev")
    stored = c.apply(pod("web"))
    sent = with_phase(attrs.evolve(stored, spec=pod("web", node_name="n9")), "Running")
    result = c.ask("update", "Pod", object=sent, subresource="status", user="system:node:n1")
    assert result.object.status.phase == "Running" and result.object.spec == stored.spec


def test_binding_assigns_a_node_once():
    c = Cluster("namespace dev")
    c.apply(pod("web"))
    bound = c.ask("create", "Pod", namespace="dev", name="web", subresource="binding", target="n1",
                  user="system:kube-scheduler")
    assert bound.object.spec.template.node_name == "n1"
    c.view.add(bound.object)
    again = c.ask("create", "Pod", namespace="dev", name="web", subresource="binding", target="n2",
                  user="system:kube-scheduler")
    assert again == ApiError(409, "Conflict", 'Operation cannot be fulfilled on pods/binding "web": pod web is '
                                              'already assigned to node "n1"')


def test_delete_pod_gracefully_or_at_once():
    c = Cluster("namespace dev")
    c.apply(pod("pending"))
    assert c.ask("delete", "Pod", namespace="dev", name="pending").remove  # never scheduled: no grace
    c.apply(pod("web", node_name="n1"))
    result = c.ask("delete", "Pod", namespace="dev", name="web", now_ms=5_000)
    assert not result.remove
    assert (result.object.meta.deletion_ms, result.object.meta.deletion_grace_ms) == (35_000, 30_000)
    c.view.add(result.object)
    forced = c.ask("delete", "Pod", namespace="dev", name="web", grace_ms=0, now_ms=6_000)
    assert forced.remove


def test_delete_with_propagation_adds_finalizers_and_last_finalizer_removal_deletes():
    c = Cluster("namespace dev\ndeployment dev/web image=nginx:1.25")
    result = c.ask("delete", "Deployment", namespace="dev", name="web", propagation="Foreground", now_ms=10)
    assert result.object.meta.finalizers == ("foregroundDeletion",) and not result.remove
    c.view.add(result.object)
    done = attrs.evolve(result.object, meta=attrs.evolve(result.object.meta, finalizers=()))
    assert c.ask("update", "Deployment", object=done, user="system:serviceaccount:kube-system:"
                                                        "generic-garbage-collector").remove
    plain = Cluster("namespace dev\ndeployment dev/web image=nginx:1.25")
    assert plain.ask("delete", "deployments", namespace="dev", name="web").remove


def test_namespaces_terminate_and_the_immortal_ones_stay():
    c = Cluster("namespace dev")
    result = c.ask("delete", "Namespace", name="dev", now_ms=42)
    assert result.object.meta.deletion_ms == 42 and not result.remove
    assert c.ask("delete", "Namespace", name="default") == ApiError(
        403, "Forbidden", 'namespaces "default" is forbidden: this namespace may not be deleted')


def test_namespace_is_authorized_inside_itself():
    c = Cluster("""
user jane
namespace dev {
  role self {
    allow delete on ns
  }
  rolebinding b role=self to user:jane
}
namespace prod
""")
    assert isinstance(c.ask("delete", "Namespace", name="dev", user="jane"), Result)
    assert message(c.ask("delete", "Namespace", name="prod", user="jane")) == (
        'namespaces "prod" is forbidden: User "jane" cannot delete resource "namespaces" in API group "" in the '
        'namespace "prod"')


def test_a_binding_to_a_missing_role_shows_in_the_403():
    c = Cluster("user bob\nnamespace shop {\n  rolebinding ghosts role=ghost to user:bob\n}")
    assert message(c.ask("list", "secrets", namespace="shop", user="bob")) == (
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in the namespace "shop": '
        'RBAC: role.rbac.authorization.k8s.io "ghost" not found')


def test_namespace_mismatch_is_a_bad_request():
    c = Cluster("namespace dev")
    assert c.ask("create", "Pod", namespace="prod", object=wrap(pod("web", "dev"))).code == 400


def test_results_are_pure():
    c = Cluster("namespace dev")
    request = Request(verb="create", kind="Pod", object=wrap(pod("web")))
    from kdsl.engine.apiserver import handle
    assert handle(request, c.view) == handle(request, c.view)
    assert c.view.get("Pod", "dev", "web") is None


def test_a_removed_api_version_of_a_known_kind_is_no_match():
    """A batch/v1beta1 CronJob is a `manifest` (kdsl models only batch/v1): the API server answers as one
    that no longer serves that version does, not as for a batch/v1 CronJob."""
    import kdsl
    from kdsl.engine.simulation import Simulation

    scenario = kdsl.parse('manifest """\n  apiVersion: batch/v1beta1\n  kind: CronJob\n  metadata: {name: hello}\n'
                          '  spec: {schedule: "*/1 * * * *", jobTemplate: {spec: {template: {spec: {containers: '
                          '[{name: c, image: busybox}], restartPolicy: OnFailure}}}}}\n"""\n')
    sim = Simulation(scenario).run(until=1000)
    [r] = sim.rejections
    assert (r.kind, r.code, r.reason, r.message) == ("CronJob", 404, "NotFound",
                                                     'no matches for kind "CronJob" in version "batch/v1beta1"')
