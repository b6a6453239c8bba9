"""Builds users, service accounts, roles, cluster roles and their bindings."""

from __future__ import annotations

from kdsl.lang.syntax import Attr, Stmt, Values, Word
from kdsl.model.access import (RESOURCE_ALIASES, RESOURCE_GROUPS, VERBS, ClusterRole, ClusterRoleBinding,
                               PolicyRule, Role, RoleBinding, ServiceAccount, Subject, User)
from kdsl.model.build.cluster import meta
from kdsl.model.build.context import Ctx, Head, named, pick, split_ref

_META = ("labels", "annotations", "yaml")


def build_user(ctx: Ctx, stmt: Stmt) -> User | None:
    got = named(ctx, stmt, "user", cluster_scoped=True)
    if got is None:
        return None
    head, _, name = got
    user = User(name=name, token=head.take("token", str), groups=head.take_list("groups"), span=stmt.span)
    head.done()
    return user


def build_serviceaccount(ctx: Ctx, stmt: Stmt, namespace: str | None) -> ServiceAccount | None:
    got = named(ctx, stmt, "serviceaccount", namespace)
    if got is None:
        return None
    head, ns, name = got
    head.done()
    return ServiceAccount(name=name, namespace=ns, span=stmt.span, **meta(ctx, stmt.block, head.what, _META))


def _rule(ctx: Ctx, s: Stmt, what: str) -> PolicyRule:
    verbs_w, res_w = [p for p in s.head if isinstance(p, Values)][:2]
    verbs = []
    for w in verbs_w:
        verb = pick(ctx, w, {x: x for x in VERBS}, "verb")
        if verb:
            verbs.append(verb)
    resources, groups = [], []
    for w in res_w:
        res = RESOURCE_ALIASES.get(w.text, w.text)
        base = res.split(".", 1)[0] if "." in res and res not in RESOURCE_GROUPS else res
        group = res.split(".", 1)[1] if base != res else RESOURCE_GROUPS.get(res)
        if group is None:
            pick(ctx, w, {k: k for k in RESOURCE_GROUPS}, "resource")
            continue
        resources.append(base)
        if group not in groups:
            groups.append(group)
    h = Head(ctx, s, f"allow of {what}", [p for p in s.head if isinstance(p, (Attr, Word))])
    names = h.take_list("names")
    explicit = h.take_list("groups")
    h.done()
    return PolicyRule(verbs=tuple(verbs), resources=tuple(resources),
                      api_groups=tuple(explicit) if explicit else tuple(groups), resource_names=names)


def build_role(ctx: Ctx, stmt: Stmt, namespace: str | None):
    kind = stmt.head[0].text
    cluster = kind == "clusterrole"
    head = Head(ctx, stmt, kind)
    w = head.name()
    if w is None:
        return None
    head.done()
    if cluster:
        what, ns, name = f"clusterrole {w.text}", None, w.text
    else:
        ns, name = split_ref(ctx, w, namespace, kind)
        what = f"role {ns}/{name}"
    rules = tuple(_rule(ctx, s, what) for s in stmt.block or () if s.kind == "allow")
    m = meta(ctx, stmt.block, what)
    if cluster:
        return ClusterRole(name=name, rules=rules, span=stmt.span, **m)
    return Role(name=name, namespace=ns, rules=rules, span=stmt.span, **m)


def _subject(ctx: Ctx, w: Word, ns: str | None) -> Subject | None:
    kind, _, name = w.text.partition(":")
    kinds = {"user": "User", "group": "Group", "serviceaccount": "ServiceAccount", "sa": "ServiceAccount"}
    if not name or kind not in kinds:
        ctx.error(w, f"`{w.text}` is not a subject", expected=["`user:NAME`, `group:NAME` or `serviceaccount:NS/NAME`"])
        return None
    if kinds[kind] == "ServiceAccount":
        sa_ns, sa = name.split("/", 1) if "/" in name else (ns or "default", name)
        return Subject("ServiceAccount", sa, sa_ns)
    return Subject(kinds[kind], name)


def build_binding(ctx: Ctx, stmt: Stmt, namespace: str | None):
    kind = stmt.head[0].text
    cluster = kind == "clusterrolebinding"
    head = Head(ctx, stmt, kind, [p for p in stmt.args if not isinstance(p, Values)])
    w = head.name()
    if w is None:
        return None
    ns, name = (None, w.text) if cluster else split_ref(ctx, w, namespace, kind)
    head.what = f"{kind} {name if cluster else f'{ns}/{name}'}"
    role = None if cluster else head.take("role", str)
    crole = head.take("clusterrole", str)
    head.done()
    if (role is None) == (crole is None):
        ctx.error(stmt, f"{head.what} needs `clusterrole=`" if cluster
                  else f"{head.what} needs exactly one of `role=` or `clusterrole=`")
    subjects_w = next((p for p in stmt.head if isinstance(p, Values)), ())
    subjects = tuple(s for w2 in subjects_w for s in [_subject(ctx, w2, ns)] if s)
    m = meta(ctx, stmt.block, head.what, _META)
    if cluster:
        return ClusterRoleBinding(name=name, role_name=crole or "", subjects=subjects, span=stmt.span, **m)
    return RoleBinding(name=name, namespace=ns, role_kind="Role" if role else "ClusterRole",
                       role_name=role or crole or "", subjects=subjects, span=stmt.span, **m)
