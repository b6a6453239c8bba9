"""RBAC: rule matching, bindings and subjects, the built-in roles, the control plane's permissions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdsl.engine.apiserver.authn import UserInfo, controller_user, identity, node_user
from kdsl.engine.apiserver.rbac import Attributes, Decision, authorize, can, rule_allows
from kdsl.engine.objects import MemoryView
from kdsl.model.access import ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject
from tests.engine.apiserver.helpers import Cluster

ACCESS = """
user alice groups=dev
user bob
namespace shop {
  serviceaccount builder
  role developer {
    allow get,list,watch on pods,services
    allow update,delete on deploy names=web
    allow get on pods/log
    allow get on widgets.example.com
  }
  rolebinding devs role=developer to group:dev,serviceaccount:builder
  rolebinding ghosts role=ghost to user:bob
}
namespace other
clusterrolebinding bob-scales clusterrole=scaler to user:bob
"""
# The language has no word for `*/scale` (any resource's scale subresource); the model does.
SCALER = ClusterRole(name="scaler", rules=(PolicyRule(verbs=("get", "update"), resources=("*/scale",),
                                                      api_groups=("*",)),))


@pytest.fixture
def c():
    return Cluster(ACCESS).add(SCALER)


def test_rules_match_verb_group_resource_and_name():
    rule = PolicyRule(verbs=("get",), resources=("deployments",), api_groups=("apps",), resource_names=("web",))
    alice = UserInfo("alice")
    assert rule_allows(rule, Attributes(alice, "get", "deployments", "apps", "shop", "web"))
    assert not rule_allows(rule, Attributes(alice, "get", "deployments", "apps", "shop", "api"))
    assert not rule_allows(rule, Attributes(alice, "get", "deployments", "", "shop", "web"))
    assert not rule_allows(rule, Attributes(alice, "list", "deployments", "apps", "shop"))


def test_group_and_service_account_subjects(c):
    assert can("alice", "list", "pods", "shop", view=c.view, users=c.users)
    assert can("system:serviceaccount:shop:builder", "get", "services", "shop", view=c.view)
    assert not can("alice", "list", "pods", "other", view=c.view, users=c.users)
    assert not can("alice", "create", "pods", "shop", view=c.view, users=c.users)


def test_resource_names_cannot_limit_create_or_list(c):
    assert can("alice", "delete", "deployments", "shop", view=c.view, users=c.users, name="web")
    assert not can("alice", "delete", "deployments", "shop", view=c.view, users=c.users, name="api")
    assert not can("alice", "list", "deployments", "shop", view=c.view, users=c.users)


def test_subresources_and_unknown_groups(c):
    assert can("alice", "get", "pods/log", "shop", view=c.view, users=c.users)
    assert not can("alice", "get", "pods/exec", "shop", view=c.view, users=c.users)
    assert can("alice", "get", "widgets.example.com", "shop", view=c.view, users=c.users)
    assert can("bob", "update", "deployments/scale", "other", view=c.view, users=c.users)
    assert not can("bob", "update", "deployments", "other", view=c.view, users=c.users)


def test_a_binding_to_a_missing_role_is_named_in_the_reason(c):
    bob = identity("bob", c.view, c.users)
    decision = authorize(Attributes(bob, "list", "secrets", "", "shop"), c.view)
    assert decision == Decision(False, 'RBAC: role.rbac.authorization.k8s.io "ghost" not found')
    c.add(RoleBinding(name="more-ghosts", namespace="shop", role_kind="ClusterRole", role_name="spectre",
                      subjects=(Subject("User", "bob"),)))
    assert authorize(Attributes(bob, "list", "secrets", "", "shop"), c.view).reason == (
        'RBAC: [role.rbac.authorization.k8s.io "ghost" not found, clusterrole.rbac.authorization.k8s.io "spectre" '
        'not found]')


def test_system_masters_and_the_builtin_roles():
    c = Cluster("""
user ops groups=system:masters
user viewer
user editor
user owner
namespace shop {
  rolebinding v clusterrole=view to user:viewer
  rolebinding e clusterrole=edit to user:editor
  rolebinding o clusterrole=admin to user:owner
}
""")
    ask = lambda who, verb, res: can(who, verb, res, "shop", view=c.view, users=c.users)  # noqa: E731
    assert ask("ops", "delete", "nodes") and ask("admin", "escalate", "clusterroles")
    assert ask("viewer", "list", "deployments") and not ask("viewer", "get", "secrets")
    assert not ask("viewer", "create", "pods")
    assert ask("editor", "create", "deployments") and ask("editor", "get", "secrets")
    assert not ask("editor", "create", "roles")
    assert ask("owner", "create", "rolebindings") and not ask("owner", "list", "nodes")


def test_cluster_scoped_resources_ignore_the_namespace():
    c = Cluster("user ops\nnamespace shop {\n  rolebinding r clusterrole=cluster-admin to user:ops\n}")
    assert can("ops", "delete", "pods", "shop", view=c.view, users=c.users)
    assert not can("ops", "list", "nodes", "shop", view=c.view, users=c.users)


def test_a_stored_clusterrole_replaces_the_builtin_one():
    c = Cluster("user v\nclusterrole view {\n  allow get on configmaps\n}\nnamespace shop {\n"
                "  rolebinding r clusterrole=view to user:v\n}")
    assert can("v", "get", "configmaps", "shop", view=c.view, users=c.users)
    assert not can("v", "get", "pods", "shop", view=c.view, users=c.users)


@pytest.mark.parametrize("user,verb,resource,namespace,allowed", [
    (controller_user("deployment-controller"), "create", "replicasets", "shop", True),
    (controller_user("deployment-controller"), "create", "pods", "shop", False),
    (controller_user("replicaset-controller"), "create", "pods", "shop", True),
    (controller_user("statefulset-controller"), "create", "persistentvolumeclaims", "shop", True),
    (controller_user("node-controller"), "patch", "nodes/status", None, True),
    (controller_user("generic-garbage-collector"), "delete", "replicasets", "shop", True),
    (controller_user("namespace-controller"), "deletecollection", "pods", "shop", True),
    (UserInfo("system:kube-scheduler", ("system:authenticated",)), "create", "pods/binding", "shop", True),
    (UserInfo("system:kube-scheduler", ("system:authenticated",)), "update", "pods", "shop", False),
    (node_user("n1"), "update", "pods/status", "shop", True),
    (node_user("n1"), "delete", "pods", "shop", True),
    (node_user("n1"), "delete", "nodes", None, False),
    (UserInfo("system:kube-controller-manager", ("system:authenticated",)), "list", "secrets", None, True),
])
def test_control_plane_permissions(user, verb, resource, namespace, allowed):
    assert can(user, verb, resource, namespace, view=MemoryView()) is allowed


# ---- monotonicity ---------------------------------------------------------------------------------

NAMESPACES = ("a", "b")
USERS = (UserInfo("u1", ("g1", "system:authenticated")), UserInfo("u2", ("g2", "system:authenticated")),
         UserInfo("system:serviceaccount:a:sa", ("system:serviceaccounts", "system:serviceaccounts:a",
                                                  "system:authenticated")))

rules = st.builds(
    PolicyRule,
    verbs=st.lists(st.sampled_from(["get", "list", "create", "delete", "*"]), min_size=1, max_size=3).map(tuple),
    resources=st.lists(st.sampled_from(["pods", "deployments", "pods/log", "*", "*/log"]), min_size=1,
                       max_size=2).map(tuple),
    api_groups=st.lists(st.sampled_from(["", "apps", "*"]), min_size=1, max_size=2).map(tuple),
    resource_names=st.sampled_from([(), ("web",)]))
subjects = st.lists(st.one_of(
    st.builds(Subject, st.just("User"), st.sampled_from(["u1", "u2"])),
    st.builds(Subject, st.just("Group"), st.sampled_from(["g1", "g2", "system:authenticated"])),
    st.builds(Subject, st.just("ServiceAccount"), st.just("sa"), st.sampled_from([None, "a", "b"]))),
    min_size=1, max_size=2).map(tuple)
role_names = st.sampled_from(["r1", "r2", "view", "edit", "missing"])


def _binding(draw, name: str):
    if draw(st.booleans()):
        return ClusterRoleBinding(name=name, role_name=draw(role_names), subjects=draw(subjects))
    return RoleBinding(name=name, namespace=draw(st.sampled_from(NAMESPACES)), subjects=draw(subjects),
                       role_kind=draw(st.sampled_from(["Role", "ClusterRole"])), role_name=draw(role_names))


@st.composite
def worlds(draw):
    objects = []
    for i, name in enumerate(("r1", "r2")):
        objects.append(ClusterRole(name=name, rules=tuple(draw(st.lists(rules, max_size=2)))))
        objects.append(Role(name=name, namespace=NAMESPACES[i], rules=tuple(draw(st.lists(rules, max_size=2)))))
    for i in range(draw(st.integers(0, 3))):
        objects.append(_binding(draw, f"b{i}"))
    return objects


@st.composite
def questions(draw):
    resource, sub = draw(st.sampled_from([("pods", None), ("deployments", None), ("pods", "log"),
                                          ("nodes", None)]))
    group = "apps" if resource == "deployments" else ""
    return Attributes(draw(st.sampled_from(USERS)), draw(st.sampled_from(["get", "list", "create", "delete"])),
                      resource, group, None if resource == "nodes" else draw(st.sampled_from(NAMESPACES)),
                      draw(st.sampled_from([None, "web", "api"])), sub)


@given(worlds(), st.data(), questions())
def test_adding_a_binding_never_removes_a_permission(objects, data, question):
    before = authorize(question, MemoryView(objects)).allowed
    extra = _binding(data.draw, "extra")
    after = authorize(question, MemoryView(objects + [extra])).allowed
    assert after or not before


@given(worlds(), questions())
def test_rbac_answers_do_not_depend_on_declaration_order(objects, question):
    assert (authorize(question, MemoryView(objects)).allowed
            == authorize(question, MemoryView(reversed(objects))).allowed)
