"""The RBAC authorizer: Roles, ClusterRoles and their bindings, additive, deny by default."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence

import attrs

from kdsl.engine.apiserver.authn import MASTERS, UserInfo, identity
from kdsl.engine.apiserver.bootstrap import CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES
from kdsl.engine.apiserver.errors import aggregate, go_quote
from kdsl.engine.apiserver.resources import BY_PLURAL, parse_resource
from kdsl.engine.objects import View
from kdsl.model.access import ClusterRoleBinding, PolicyRule, RoleBinding, Subject, User


@attrs.frozen
class Attributes:
    """authorizer.Attributes of a resource request. `name` is empty for create, list, watch and
    deletecollection (they address a collection, not an object), so resourceNames cannot limit them."""

    user: UserInfo
    verb: str
    resource: str
    group: str = ""
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None


@attrs.frozen
class Grant:
    """The binding whose role held the rule that allowed a request, and the subject it matched by: one per
    binding, shared by every request it allows. str() is the source RBAC's reason names (`RBAC: allowed by
    ...`, plugin/pkg/auth/authorizer/rbac/rbac.go roleBindingDescriber, clusterRoleBindingDescriber)."""

    binding_kind: str  # RoleBinding | ClusterRoleBinding; "" for the system:masters group
    binding: str
    namespace: str | None
    role_kind: str
    role: str
    subject: Subject

    def __str__(self) -> str:
        if not self.binding_kind:
            return f"Group {go_quote(self.subject.name)} (privileged, before RBAC)"
        name = f"{self.binding}/{self.namespace}" if self.namespace else self.binding
        who = self.subject.name
        if self.subject.kind == "ServiceAccount":
            who = f"{who}/{self.subject.namespace or self.namespace or ''}"
        return f"{self.binding_kind} {go_quote(name)} of {self.role_kind} {go_quote(self.role)} to " \
               f"{self.subject.kind} {go_quote(who)}"


MASTERS_GRANT = Grant("", "", None, "", "", Subject("Group", MASTERS))


@attrs.frozen
class Decision:
    allowed: bool
    reason: str = ""  # why RBAC could not decide fully: roles that bindings name but do not exist
    grant: Grant | None = attrs.field(default=None, eq=False)  # what allowed it (the request trace's)
    rule: PolicyRule | None = attrs.field(default=None, eq=False)


def _matches(wanted: str, allowed: Sequence[str]) -> bool:
    return "*" in allowed or wanted in allowed


def rule_allows(rule: PolicyRule, a: Attributes) -> bool:
    """rbac.RuleAllows: verb, API group, resource (`pods/log`, or `*/log` for any resource's
    subresource) and, when the rule lists resourceNames, the object's name."""
    if not _matches(a.verb, rule.verbs) or not _matches(a.group, rule.api_groups):
        return False
    combined = f"{a.resource}/{a.subresource}" if a.subresource else a.resource
    if not any(r == "*" or r == combined or (a.subresource and r == f"*/{a.subresource}") for r in rule.resources):
        return False
    return not rule.resource_names or (a.name or "") in rule.resource_names


def applies_to(subject: Subject, user: UserInfo, namespace: str | None) -> bool:
    """rbac appliesToUser: a ServiceAccount subject without a namespace is in the binding's."""
    if subject.kind == "User":
        return user.name == subject.name
    if subject.kind == "Group":
        return subject.name in user.groups
    if subject.kind == "ServiceAccount":
        ns = subject.namespace or namespace
        return bool(ns) and user.name == f"system:serviceaccount:{ns}:{subject.name}"
    return False


def cluster_role_rules(name: str, view: View) -> tuple[PolicyRule, ...] | None:
    """A stored ClusterRole wins over the built-in one of the same name; None when neither exists."""
    stored = view.get("ClusterRole", None, name)
    if stored is not None:
        return stored.spec.rules
    builtin = CLUSTER_ROLES.get(name)
    return builtin.rules if builtin is not None else None


def cluster_role_bindings(view: View) -> list[ClusterRoleBinding]:
    """The bootstrap bindings and the stored ones (which replace a bootstrap binding of their name)."""
    merged: dict[str, ClusterRoleBinding] = dict(CLUSTER_ROLE_BINDINGS)
    merged.update({o.name: o.spec for o in view.list("ClusterRoleBinding")})
    return [merged[k] for k in sorted(merged)]


def _role_rules(binding: RoleBinding, view: View) -> tuple[PolicyRule, ...] | None:
    if binding.role_kind == "Role":
        stored = view.get("Role", binding.namespace, binding.role_name)
        return stored.spec.rules if stored is not None else None
    return cluster_role_rules(binding.role_name, view)


def _missing(kind: str, name: str) -> str:
    # The lister's NotFound names the resource in the singular: role.rbac.authorization.k8s.io "x" not found
    return f"{kind.lower()}.rbac.authorization.k8s.io {go_quote(name)} not found"


def rules_for(user: UserInfo, namespace: str | None, view: View) -> Iterator[tuple[PolicyRule | None, str, Grant]]:
    """rbac VisitRulesFor: every rule granted to `user` in `namespace` (cluster-wide ones first) with the
    binding that grants it, and for a binding that names a missing role, (None, the lookup error, it)."""
    for crb in cluster_role_bindings(view):
        subject = next((s for s in crb.subjects if applies_to(s, user, None)), None)
        if subject is None:
            continue
        grant = Grant("ClusterRoleBinding", crb.name, None, crb.role_kind, crb.role_name, subject)
        rules = cluster_role_rules(crb.role_name, view)
        if rules is None:
            yield None, _missing("ClusterRole", crb.role_name), grant
            continue
        for rule in rules:
            yield rule, "", grant
    if not namespace:
        return
    for obj in view.list("RoleBinding", namespace):
        rb: RoleBinding = obj.spec
        subject = next((s for s in rb.subjects if applies_to(s, user, namespace)), None)
        if subject is None:
            continue
        grant = Grant("RoleBinding", rb.name, namespace, rb.role_kind, rb.role_name, subject)
        rules = _role_rules(rb, view)
        if rules is None:
            yield None, _missing(rb.role_kind, rb.role_name), grant
            continue
        for rule in rules:
            yield rule, "", grant


def authorize(a: Attributes, view: View) -> Decision:
    """The authorizer chain as kdsl runs it: the `system:masters` group is allowed everything
    (before RBAC is asked, as in Kubernetes); otherwise the first rule that allows wins; otherwise
    deny, with `RBAC: <errors>` as the reason when some binding named a role that does not exist."""
    if MASTERS in a.user.groups:
        return Decision(True, grant=MASTERS_GRANT)
    errors: list[str] = []
    for rule, error, grant in _rules(a.user, a.namespace, view):
        if rule is None:
            errors.append(error)
        elif rule_allows(rule, a):
            return Decision(True, grant=grant, rule=rule)
    return Decision(False, f"RBAC: {aggregate(errors)}" if errors else "")


RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
_granted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a store → {(user, namespace): rules}


def _rules(user: UserInfo, namespace: str | None, view: View) -> tuple:
    """rules_for, kept per user and namespace for a view that announces its writes (the Store): every request
    asks, and a run's controllers are a few users in a few namespaces. A write of any RBAC kind forgets all."""
    watch = getattr(view, "watch", None)
    if watch is None:
        return tuple(rules_for(user, namespace, view))
    granted = _granted.get(view)
    if granted is None:
        granted = _granted[view] = {}
        for kind in RBAC_KINDS:
            watch(kind, lambda op, old, new: granted.clear())
    key = (user, namespace)
    rules = granted.get(key)
    if rules is None:
        rules = granted[key] = tuple(rules_for(user, namespace, view))
    return rules


def can(user: str | UserInfo, verb: str, resource: str, namespace: str | None = None, *, view: View,
        users: Sequence[User] = (), name: str | None = None) -> bool:
    """`expect as USER: can|cannot VERB RESOURCE [in NS]` — `kubectl auth can-i VERB RESOURCE
    --as USER -n NS`. RESOURCE may be a short name (`deploy`), `pods/log`, or `widgets.example.com`."""
    who = user if isinstance(user, UserInfo) else identity(user, view, users)
    ref = parse_resource(resource)
    info = BY_PLURAL.get(ref.resource)
    if info is not None and not info.namespaced and ref.resource != "namespaces":
        namespace = None  # a cluster-scoped resource is never asked about inside a namespace
    attrs_ = Attributes(who, verb, ref.resource, ref.group, namespace or None, name, ref.subresource)
    return authorize(attrs_, view).allowed
