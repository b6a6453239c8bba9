"""Authentication: who a request comes from — declared users, service accounts, the control plane."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kdsl.engine.apiserver.bootstrap import CONTROLLERS
from kdsl.engine.apiserver.errors import ApiError, unauthorized
from kdsl.engine.objects import View
from kdsl.model.access import User
from kdsl.model.nodes import SYSTEM_NAMESPACES

ADMIN = "admin"
MASTERS = "system:masters"  # user.SystemPrivilegedGroup: allowed everything, before RBAC is asked
AUTHENTICATED = "system:authenticated"
SERVICEACCOUNTS = "system:serviceaccounts"
NODES = "system:nodes"
SCHEDULER = "system:kube-scheduler"
CONTROLLER_MANAGER = "system:kube-controller-manager"
SA_PREFIX = "system:serviceaccount:"
NODE_PREFIX = "system:node:"


@attrs.frozen
class UserInfo:
    """user.Info: the name RBAC subjects and messages use, and the groups it belongs to."""

    name: str
    groups: tuple[str, ...] = ()

    @property
    def service_account(self) -> tuple[str, str] | None:
        """(namespace, name) when this is a service account's identity."""
        if not self.name.startswith(SA_PREFIX):
            return None
        ns, _, name = self.name[len(SA_PREFIX):].partition(":")
        return (ns, name) if ns and name else None


def service_account_user(namespace: str, name: str) -> UserInfo:
    """A ServiceAccount token's identity: `system:serviceaccount:<ns>:<name>`, in the groups of all
    service accounts and of its namespace's."""
    return UserInfo(f"{SA_PREFIX}{namespace}:{name}",
                    (SERVICEACCOUNTS, f"{SERVICEACCOUNTS}:{namespace}", AUTHENTICATED))


def node_user(node: str) -> UserInfo:
    """A kubelet's client certificate: CN `system:node:<name>`, O `system:nodes`."""
    return UserInfo(f"{NODE_PREFIX}{node}", (NODES, AUTHENTICATED))


def controller_user(controller: str) -> UserInfo:
    """kube-controller-manager runs each controller with its own service account in kube-system
    (`--use-service-account-credentials`), e.g. `deployment-controller`."""
    return service_account_user("kube-system", controller)


SCHEDULER_USER = UserInfo(SCHEDULER, (AUTHENTICATED,))
CONTROLLER_MANAGER_USER = UserInfo(CONTROLLER_MANAGER, (AUTHENTICATED,))
DEFAULT_ADMIN = UserInfo(ADMIN, (MASTERS, AUTHENTICATED))


def _declared(user: User) -> UserInfo:
    groups = tuple(g for g in user.groups if g != AUTHENTICATED)
    return UserInfo(user.name, groups + (AUTHENTICATED,))


def service_account_exists(view: View, namespace: str, name: str) -> bool:
    """A token is only good while its ServiceAccount exists. The controllers' accounts in kube-system
    and every namespace's `default` account are taken to exist: kube-controller-manager and the
    ServiceAccount controller create them as soon as they (or the namespace) appear."""
    if view.get("ServiceAccount", namespace, name) is not None:
        return True
    if namespace == "kube-system" and name in CONTROLLERS:
        return True
    return name == "default" and namespace_exists(view, namespace)


def namespace_exists(view: View, namespace: str) -> bool:
    """Declared, or one of the namespaces every cluster has (kdsl does not store those)."""
    return view.get("Namespace", None, namespace) is not None or namespace in SYSTEM_NAMESPACES


def _by_name(name: str, view: View, users: Sequence[User]) -> UserInfo | None:
    for u in users:
        if u.name == name:
            return _declared(u)
    if name == ADMIN:
        return DEFAULT_ADMIN
    if name in (SCHEDULER, CONTROLLER_MANAGER):
        return UserInfo(name, (AUTHENTICATED,))
    if name.startswith(NODE_PREFIX) and len(name) > len(NODE_PREFIX):
        return node_user(name[len(NODE_PREFIX):])
    sa = UserInfo(name).service_account
    if sa is not None and service_account_exists(view, *sa):
        return service_account_user(*sa)
    return None


def authenticate(view: View, users: Sequence[User] = (), *, user: str | None = None,
                 token: str | None = None) -> UserInfo | ApiError:
    """The request's identity, or 401 Unauthorized. No credentials at all means `admin`, kdsl's
    default user (group `system:masters` unless the scenario declares its own `admin`); a token must
    belong to a declared user (and to `user`, if both are given)."""
    if token is not None:
        owner = next((u for u in sorted(users, key=lambda u: u.name) if u.token == token), None)
        if owner is None or (user is not None and user != owner.name):
            return unauthorized()
        return _declared(owner)
    found = _by_name(ADMIN if user is None else user, view, users)
    return found if found is not None else unauthorized()


def identity(name: str, view: View, users: Sequence[User] = ()) -> UserInfo:
    """Who `kubectl auth can-i --as=<name>` asks about: like `authenticate`, but a name nobody
    declared is still a user — with no groups beyond `system:authenticated`, so RBAC says no."""
    found = _by_name(name, view, users)
    return found if found is not None else UserInfo(name, (AUTHENTICATED,))
