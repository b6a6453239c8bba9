"""RBAC cases: SubjectAccessReviews for the users, groups and service accounts of the scenarios that declare
RBAC, over every verb × resource × namespace they mention, with their Roles and Bindings (as `kdsl export`
writes them) as setup; and Kubernetes' built-in roles (view, edit, admin) bound in a namespace."""

from __future__ import annotations

from pathlib import Path

from tests.oracle import kube
from tests.oracle.cases_validation import ROOT

SOURCES = ("examples/shop.kdsl", "tests/model/language/08-access.kdsl")
# kdsl's own RBAC in one scenario: resourceNames, subresources, a ClusterRole bound in a namespace, a binding
# to a role that does not exist, a service account subject without a namespace, groups= and `*`.
EXTRA = """\
user alice token=t-1 groups=dev
user bob token=t-2
namespace shop {
  serviceaccount builder
  role developer {
    allow get,list,watch on pods,services
    allow create,delete on pods,deploy names=web
    allow get on pods/log
    allow update on deployments/scale
    allow get on widgets.example.com
  }
  rolebinding devs role=developer to user:alice,group:dev,serviceaccount:builder
  rolebinding viewers clusterrole=view to user:bob
  rolebinding broken role=ghost to user:bob
}
namespace prod
clusterrole reader { allow get,list on nodes,namespaces; allow * on configmaps }
clusterrolebinding readers clusterrole=reader to group:dev,sa:shop/builder
"""
VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
GROUPS = {"deployments": "apps", "replicasets": "apps", "statefulsets": "apps", "daemonsets": "apps",
          "jobs": "batch", "cronjobs": "batch", "ingresses": "networking.k8s.io", "roles": "rbac.authorization.k8s.io",
          "rolebindings": "rbac.authorization.k8s.io", "widgets": "example.com"}
ALWAYS = ("pods", "services", "secrets", "configmaps", "deployments")
CLUSTER = ("nodes", "namespaces")
RBAC_KINDS = ("ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")


def _scenario(source: str):
    import kdsl
    from kdsl.interop import for_cluster

    sc = kdsl.parse(source, "extra.kdsl") if "\n" in source else kdsl.load(str(ROOT / source))
    return sc, [m for m in for_cluster(sc).manifests if m["kind"] in RBAC_KINDS]


def _subjects(sc, setup: list[dict]) -> list[tuple[str, str, list[str]]]:
    """(label, user, groups) for each declared user, each group and service account a binding names."""
    out = [(f"user/{u.name}", u.name, list(u.groups)) for u in sc.users]
    for m in setup:
        for s in m.get("subjects", []):
            if s["kind"] == "Group":
                out.append((f"group/{s['name']}", f"member-of-{s['name']}", [s["name"]]))
            elif s["kind"] == "ServiceAccount":
                ns = s.get("namespace") or m["metadata"].get("namespace")
                out.append((f"sa/{ns}/{s['name']}", f"system:serviceaccount:{ns}:{s['name']}",
                            ["system:serviceaccounts", f"system:serviceaccounts:{ns}"]))
            elif s["kind"] == "User" and not any(label == f"user/{s['name']}" for label, _, _ in out):
                out.append((f"user/{s['name']}", s["name"], []))
    seen, unique = set(), []
    for item in out:
        if item[0] not in seen:
            seen.add(item[0])
            unique.append(item)
    return unique


def _resources(setup: list[dict]) -> list[tuple[str, str, str]]:
    """(resource, subresource, name) for each resource a rule mentions, and the common ones."""
    named: set[tuple[str, str, str]] = set()
    for m in setup:
        for rule in m.get("rules", []):
            for r in rule.get("resources", []):
                if r == "*":
                    continue
                res, _, sub = r.partition("/")
                res = res.split(".")[0]
                named.add((res, sub, ""))
                for n in rule.get("resourceNames", []):
                    named.add((res, sub, n))
    named |= {(r, "", "") for r in ALWAYS + CLUSTER}
    return sorted(named)


def _namespaces(setup: list[dict]) -> list[str]:
    return sorted({m["metadata"]["namespace"] for m in setup if m["metadata"].get("namespace")} | {"default"})


def sar(user: str, groups: list[str], verb: str, resource: str, sub: str, ns: str, name: str) -> dict:
    return {"op": "sar", "user": user, "groups": groups, "verb": verb, "group": GROUPS.get(resource, ""),
            "resource": resource, "subresource": sub, "namespace": "" if resource in CLUSTER else ns, "name": name}


def scenario_cases(label: str, source: str) -> list[dict]:
    sc, setup = _scenario(source)
    spaces = _namespaces(setup)
    out = []
    for who, user, groups in _subjects(sc, setup):
        for res, sub, name in _resources(setup):
            where = ["" ] if res in CLUSTER else spaces
            steps = [sar(user, groups, v, res, sub, ns, name) for ns in where for v in VERBS]
            rid = res + (f"/{sub}" if sub else "") + (f"/{name}" if name else "")
            out.append(kube.case(f"rbac/{label}/{who}/{rid}", steps,
                                 namespaces=[n for n in spaces if n != "default"], setup=setup))
    return out


def builtin_cases() -> list[dict]:
    """view, edit and admin (Kubernetes' bootstrap roles) bound to one user in one namespace each."""
    out = []
    resources = [("pods", ""), ("pods", "log"), ("pods", "exec"), ("secrets", ""), ("deployments", ""),
                 ("deployments", "scale"), ("roles", ""), ("rolebindings", ""), ("configmaps", ""),
                 ("jobs", ""), ("ingresses", ""), ("namespaces", ""), ("nodes", "")]
    for role in ("view", "edit", "admin", "cluster-admin"):
        setup = [kube.binding(f"{role}-jane", "team", "ClusterRole", role, [
            {"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}])]
        for res, sub in resources:
            steps = [sar("jane", [], v, res, sub, ns, "") for ns in (["", "team"] if res not in CLUSTER else [""])
                     for v in VERBS if ns or res in CLUSTER or v in ("list", "watch")]
            rid = res + (f"/{sub}" if sub else "")
            out.append(kube.case(f"rbac/builtin/{role}/{rid}", steps, namespaces=["team"], setup=setup))
    return out


def rbac_cases() -> list[dict]:
    out = []
    for src in SOURCES:
        out += scenario_cases(Path(src).name, src)
    return out + scenario_cases("rbac-extra.kdsl", EXTRA) + builtin_cases()
