"""Authentication: declared users, tokens, the default admin, service accounts, the control plane."""

from __future__ import annotations

from kdsl.engine.apiserver.authn import (DEFAULT_ADMIN, UserInfo, authenticate, controller_user, identity,
                                         node_user)
from kdsl.engine.apiserver.errors import ApiError
from tests.engine.apiserver.helpers import Cluster

USERS = """
user alice token=t-123 groups=dev,ops
namespace shop {
  serviceaccount builder
}
"""


def test_no_credentials_is_admin_in_system_masters():
    c = Cluster()
    assert authenticate(c.view) == DEFAULT_ADMIN == UserInfo("admin", ("system:masters", "system:authenticated"))
    assert authenticate(c.view, user="admin") == DEFAULT_ADMIN


def test_a_declared_admin_replaces_the_default_one():
    c = Cluster("user admin groups=ops")
    assert authenticate(c.view, c.users) == UserInfo("admin", ("ops", "system:authenticated"))


def test_declared_users_by_name_and_token():
    c = Cluster(USERS)
    alice = UserInfo("alice", ("dev", "ops", "system:authenticated"))
    assert authenticate(c.view, c.users, user="alice") == alice
    assert authenticate(c.view, c.users, token="t-123") == alice
    assert authenticate(c.view, c.users, token="t-123", user="alice") == alice


def test_unknown_users_and_tokens_are_401():
    c = Cluster(USERS)
    for who in (dict(user="mallory"), dict(token="nope"), dict(token="t-123", user="bob")):
        assert authenticate(c.view, c.users, **who) == ApiError(401, "Unauthorized", "Unauthorized")


def test_service_accounts():
    c = Cluster(USERS)
    sa = authenticate(c.view, c.users, user="system:serviceaccount:shop:builder")
    assert sa == UserInfo("system:serviceaccount:shop:builder",
                          ("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"))
    assert sa.service_account == ("shop", "builder")
    assert authenticate(c.view, c.users, user="system:serviceaccount:shop:default").name.endswith(":default")
    assert authenticate(c.view, c.users, user="system:serviceaccount:shop:ghost").code == 401
    assert authenticate(c.view, c.users, user="system:serviceaccount:nowhere:default").code == 401


def test_control_plane_identities():
    c = Cluster()
    assert authenticate(c.view, user="system:node:worker-1") == node_user("worker-1") == UserInfo(
        "system:node:worker-1", ("system:nodes", "system:authenticated"))
    assert authenticate(c.view, user="system:kube-scheduler").name == "system:kube-scheduler"
    deployments = controller_user("deployment-controller")
    assert authenticate(c.view, user=deployments.name) == deployments
    assert authenticate(c.view, user="system:serviceaccount:kube-system:no-such-controller").code == 401


def test_identity_for_can_i_accepts_anyone():
    c = Cluster(USERS)
    assert identity("stranger", c.view) == UserInfo("stranger", ("system:authenticated",))
    assert identity("alice", c.view, c.users).groups == ("dev", "ops", "system:authenticated")
