"""Validation cases from real manifests: the corpus, the examples and the scenario tests, each object a create."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from tests.oracle import kube

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
CLUSTER_SCOPED = {"Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
                  "PodSecurityPolicy", "PriorityClass", "IngressClass", "CustomResourceDefinition"}
# What an object needs to exist before it is created (the ServiceAccount admission plugin refuses a pod whose
# account is missing): these kinds of the same file set go to the case's setup when the object names them.
PREREQUISITE_KINDS = ("ServiceAccount",)


def _corpus_namespaces() -> dict[str, str]:
    """Each corpus file's namespace as EXPECTED.yaml applies it (`kubectl apply -n`), default otherwise."""
    expected = yaml.safe_load((CORPUS / "EXPECTED.yaml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for sc in expected["scenarios"]:
        for f in sc["files"]:
            out.setdefault(f, sc.get("namespace") or "default")
    return out


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.name != "EXPECTED.yaml")


def _placed(obj: dict, ns: str) -> dict:
    obj = copy.deepcopy(obj)
    if obj.get("kind") not in CLUSTER_SCOPED:
        obj.setdefault("metadata", {}).setdefault("namespace", ns)
    return obj


def _account(obj: dict) -> str | None:
    spec = obj.get("spec") or {}
    for path in (("template", "spec"), ("jobTemplate", "spec", "template", "spec"), ()):
        s = spec
        for p in path:
            s = (s or {}).get(p) or {}
        name = (s or {}).get("serviceAccountName") or (s or {}).get("serviceAccount")
        if name:
            return name
    return None


def object_cases(prefix: str, objects: list[dict], extra_setup=()) -> list[dict]:
    """One create case an object: its namespace created, the ServiceAccount it names (from the same set) first."""
    accounts = {(o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects
                if o.get("kind") in PREREQUISITE_KINDS}
    cases, seen = [], set()
    for obj in objects:
        kind, meta = obj.get("kind", "?"), obj.get("metadata") or {}
        name = meta.get("name") or meta.get("generateName") or "?"
        id_ = f"{prefix}/{kind}/{name}"
        if id_ in seen:
            continue
        seen.add(id_)
        ns = meta.get("namespace")
        namespaces = [ns] if ns and ns != "default" else []
        if kind == "Namespace":
            namespaces = []
        setup = list(extra_setup)
        sa = _account(obj)
        if sa and (ns, sa) in accounts and kind not in PREREQUISITE_KINDS:
            setup.append(accounts[(ns, sa)])
        cases.append(kube.case(id_, [kube.create(obj)], namespaces=namespaces, setup=setup))
    return cases


def corpus_cases() -> list[dict]:
    spaces = _corpus_namespaces()
    out = []
    for path in corpus_files():
        rel = path.relative_to(CORPUS).as_posix()
        ns = spaces.get(rel, "default")
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]
        items = []
        for d in docs:
            items += d.get("items", []) if d.get("kind") == "List" else [d]
        out += object_cases(f"validation/corpus/{rel}", [_placed(d, ns) for d in items])
    return out


def kdsl_files() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.kdsl")) + sorted((ROOT / "tests" / "scenarios").glob("*.kdsl"))


def exported(path: Path) -> list[dict]:
    """A kdsl file as `kdsl export` writes it for `kubectl apply` (install order, no nodes)."""
    import kdsl
    from kdsl.interop import for_cluster

    return [_placed(m, "default") for m in for_cluster(kdsl.load(str(path))).manifests]


def kdsl_cases() -> list[dict]:
    out = []
    for path in kdsl_files():
        where = "example" if path.parent.name == "examples" else "scenario"
        out += object_cases(f"validation/{where}/{path.name}", exported(path))
    return out
