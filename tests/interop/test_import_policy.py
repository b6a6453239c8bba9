"""NetworkPolicy and PodDisruptionBudget import as the `networkpolicy` and `pdb` statements: the model an import
reads equals the one the kdsl it writes parses to; what the statements cannot say keeps the object a `manifest`
with a warning naming the field; the export of an import is valid networking.k8s.io/v1 and policy/v1."""

from __future__ import annotations

import attrs
import kubernetes_validate as kv
import pytest
import yaml

import kdsl
from kdsl.interop import dump_manifests, from_manifests, import_manifests, to_manifests
from kdsl.core.values import Percent
from kdsl.model.base import Requirement, Selector
from kdsl.model.manifest import Manifest, PodDisruptionBudget
from kdsl.model.network import NetworkPolicy, PolicyPeer

# The example of the Kubernetes NetworkPolicy documentation (content/en/docs/concepts/services-networking/
# network-policies.md, service/networking/networkpolicy.yaml): one ingress rule with three peers.
DOCS_EXAMPLE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
"""

# The zookeeper tutorial's budget (content/en/examples/application/zookeeper/zookeeper.yaml).
ZK_PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  selector:
    matchLabels:
      app: zk
  maxUnavailable: 1
"""


def one(text: str):
    imported = import_manifests(text=text)
    [obj] = [o for o in imported.objects if o.kind != "Namespace"]
    return imported, obj


def test_the_documentation_example_is_a_networkpolicy_with_one_allow_per_peer():
    imported, obj = one(DOCS_EXAMPLE)
    assert isinstance(obj, NetworkPolicy) and not imported.warnings
    assert imported.text.splitlines()[1:] == [
        "networkpolicy test-network-policy selects role=db {",
        "  allow ingress from cidr 172.17.0.0/16 except 172.17.1.0/24 ports 6379",
        "  allow ingress from namespaces project=myproject ports 6379",
        "  allow ingress from pods role=frontend ports 6379",
        "  allow egress to cidr 10.0.0.0/24 ports 5978",
        "}",
    ]
    assert [r.peers for r in obj.ingress] == [
        (PolicyPeer(ip_block=obj.ingress[0].peers[0].ip_block),),
        (PolicyPeer(namespace_selector=Selector.of({"project": "myproject"})),),
        (PolicyPeer(pod_selector=Selector.of({"role": "frontend"})),)]
    assert obj.policy_types == ("Ingress", "Egress") and obj.yaml is None


def test_the_model_an_import_reads_is_the_model_its_text_parses_to():
    imported, obj = one(DOCS_EXAMPLE)
    [parsed] = kdsl.parse(imported.text).objects
    assert parsed == obj


def test_the_imported_policy_is_enforced():
    """`from_manifests` simulates what it read: the db pod takes 6379 from a frontend pod only."""
    pods = """
---
apiVersion: v1
kind: Pod
metadata: {name: db, labels: {role: db}}
spec: {containers: [{name: redis, image: redis, ports: [{containerPort: 6379}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {role: frontend}}
spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec: {containers: [{name: x, image: nginx}]}
"""
    sim = kdsl.simulate(from_manifests(text=DOCS_EXAMPLE + pods), until="30s")

    def verdict(src: str, port: int) -> str:
        return sim.why_connect(f"pod default/{src}", "pod default/db", port).splitlines()[0].rpartition(": ")[2]
    assert (verdict("web", 6379), verdict("other", 6379), verdict("web", 80)) == ("allowed", "denied", "denied")


@pytest.mark.parametrize("spec, line", [
    ("podSelector: {}\npolicyTypes: [Egress]", "networkpolicy p selects all { isolate egress }"),
    ("podSelector: {}\npolicyTypes: [Ingress, Egress]", "networkpolicy p selects all { isolate ingress,egress }"),
    ("podSelector: {}\negress: [{}]", "networkpolicy p selects all { allow egress }"),  # defaults to both
    ("podSelector: {}\npolicyTypes: [Ingress]\ningress: [{from: [{namespaceSelector: {}, podSelector: {}}]}]",
     "networkpolicy p selects all { allow ingress from namespaces all pods all }"),
    ("podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [a, b]}, {key: x, operator: "
     "DoesNotExist}]}\ningress: [{ports: [{port: http}, {port: 53, protocol: UDP}, {port: 7000, endPort: 7100}]}]",
     "networkpolicy p selects tier notin (a,b) !x { allow ingress ports http,53/UDP,7000-7100 }"),
])
def test_policies_read_into_their_statement(spec, line):
    text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n" + \
        "".join(f"  {x}\n" for x in spec.splitlines())
    imported, obj = one(text)
    assert not imported.warnings
    assert kdsl.parse(imported.text).objects == (obj,)
    assert kdsl.parse(line).objects == (obj,)


@pytest.mark.parametrize("kind_spec, field", [
    ("NetworkPolicy|podSelector: {}\ningress: [{ports: [{protocol: UDP}]}]",
     "spec.ingress[0].ports[0].port of this NetworkPolicy (every port of a protocol: `ports` takes a number, a "
     "range or a name); the simulation does not enforce it"),
    ("NetworkPolicy|podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]",
     "spec.policyTypes of this NetworkPolicy (it leaves out Ingress, so the rules of spec.ingress do nothing; "
     "`isolate` cannot say that); the simulation does not enforce it"),
    ("NetworkPolicy|podSelector: {}\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]",
     "spec.egress[0].to[0] of this NetworkPolicy (an ipBlock together with a selector, which the API server "
     "refuses); the simulation does not enforce it"),
    ("PodDisruptionBudget|maxUnavailable: 1\nselector: {matchLabels: {app: zk}}\n"
     "unhealthyPodEvictionPolicy: AlwaysAllow",
     "spec.unhealthyPodEvictionPolicy of this PodDisruptionBudget (the `pdb` statement has no word for it)"),
    ("PodDisruptionBudget|selector: {matchLabels: {app: zk}}",
     "spec of this PodDisruptionBudget (neither minAvailable nor maxUnavailable: the `pdb` statement asks for one)"),
    ("PodDisruptionBudget|minAvailable: '1'", "spec.minAvailable of this PodDisruptionBudget ('1' is neither a "
                                             "number nor a percentage)"),
])
def test_what_a_statement_cannot_say_keeps_the_manifest_with_the_field_named(kind_spec, field):
    kind, spec = kind_spec.split("|")
    api = "networking.k8s.io/v1" if kind == "NetworkPolicy" else "policy/v1"
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: p}}\nspec:\n" + \
        "".join(f"  {x}\n" for x in spec.splitlines())
    imported, obj = one(text)
    assert type(obj) is Manifest and obj.manifest_kind == kind
    [warning] = imported.warnings
    assert warning.message == f"document 1: kdsl cannot say {field}; kept as a manifest and exported unchanged"
    [exported] = to_manifests(kdsl.parse(imported.text))
    assert exported == yaml.safe_load(text)  # exported unchanged


def test_a_pdb_with_status_or_other_metadata_stays_a_manifest():
    """`kubectl get pdb -o yaml` writes status and server fields; a `pdb` holds no `yaml` block for them."""
    status = "status: {currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3}\n"
    uid = ZK_PDB.replace("  name: zk-pdb\n", "  name: zk-pdb\n  uid: abc\n")
    for text, field in ((ZK_PDB + status, "status"), (uid, "metadata.uid")):
        imported, obj = one(text)
        assert type(obj) is Manifest
        assert imported.warnings[0].message.startswith(f"document 1: kdsl cannot say {field} of this "
                                                       "PodDisruptionBudget (the `pdb` statement has no word for it)")


def test_the_zookeeper_budget_is_a_pdb():
    imported, obj = one(ZK_PDB)
    assert isinstance(obj, PodDisruptionBudget) and not imported.warnings
    assert imported.text.splitlines()[1:] == ["pdb zk-pdb maxUnavailable=1 selects app=zk"]
    assert (obj.namespace, obj.max_unavailable, obj.min_available, obj.selector) == (
        "default", 1, None, Selector.of({"app": "zk"}))
    assert kdsl.parse(imported.text).objects == (obj,)


@pytest.mark.parametrize("spec, head, selector", [
    ("minAvailable: 50%\nselector: {matchExpressions: [{key: app, operator: In, values: [a, b]}]}",
     "pdb p minAvailable=50% selects app in (a,b)", Selector((), (Requirement("app", "In", ("a", "b")),))),
    ("maxUnavailable: 0\nselector: {}", "pdb p maxUnavailable=0 selects", Selector()),
    ("minAvailable: 2", "pdb p minAvailable=2", None),  # no selector: it selects no pod (a parse warning)
])
def test_budgets_read_into_the_pdb_statement(spec, head, selector):
    text = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop, labels: " \
           "{team: a}}\nspec:\n" + "".join(f"  {x}\n" for x in spec.splitlines())
    imported, obj = one(text)
    assert imported.text.splitlines()[1:4] == ["namespace shop {", f"  {head} {{", "    labels team=a"]
    assert obj.selector == selector
    assert [o for o in kdsl.parse(imported.text).objects if o.kind != "Namespace"] == [obj]
    assert obj.min_available in (None, 2, Percent(50))


TEXT = """namespace shop {
  pdb web-pdb minAvailable=80% selects app=web track!=canary
  networkpolicy db selects app=db {
    allow ingress from namespaces team=ops pods app=prom ports 9187,metrics/UDP
    allow egress to cidr 0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16 ports 443,8000-8100
    isolate ingress,egress
    labels tier=data
    annotations note="x y"
  }
}
at 10s: create pdb shop/late maxUnavailable=1 selects app=db
"""


def test_export_then_import_gives_the_same_model_and_valid_manifests():
    scenario = kdsl.parse(TEXT)
    manifests = to_manifests(scenario)
    for m in manifests:
        kv.validate(m, "1.33", strict=True)
    back = import_manifests(text=dump_manifests(manifests))
    assert back.objects == scenario.objects and not back.warnings
    assert kdsl.parse(back.text).objects == scenario.objects
    pdb = next(m for m in manifests if m["kind"] == "PodDisruptionBudget")
    assert pdb == {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                   "metadata": {"name": "web-pdb", "namespace": "shop"},
                   "spec": {"minAvailable": "80%", "selector": {
                       "matchLabels": {"app": "web"},
                       "matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}]}}}


def test_a_policy_keeps_other_metadata_in_its_yaml_block():
    text = DOCS_EXAMPLE.replace("  namespace: default\n", "  namespace: default\n  finalizers: [x]\n")
    imported, obj = one(text)
    assert "finalizers" in obj.yaml and "spec" not in obj.yaml
    assert to_manifests(kdsl.parse(imported.text))[-1]["metadata"]["finalizers"] == ["x"]
    assert attrs.evolve(obj, yaml=None) == one(DOCS_EXAMPLE)[1]


# Recipes of the network-policy-recipes collection (github.com/ahmetb/kubernetes-network-policy-recipes), as
# manifests, and the statement each imports as.
RECIPES = [
    ("01-deny-all-traffic-to-an-application", "podSelector: {matchLabels: {app: web}}\ningress: []",
     "networkpolicy web selects app=web"),
    ("04-deny-traffic-from-other-namespaces", "podSelector: {matchLabels: {}}\ningress: [{from: [{podSelector: {}}]}]",
     "networkpolicy web selects all { allow ingress from pods all }"),
    ("06-allow-traffic-from-all-namespaces", "podSelector: {matchLabels: {app: web}}\n"
                                            "ingress: [{from: [{namespaceSelector: {}}]}]",
     "networkpolicy web selects app=web { allow ingress from namespaces all }"),
    ("08-allow-external-traffic", "podSelector: {matchLabels: {app: web}}\ningress: [{}]",
     "networkpolicy web selects app=web { allow ingress }"),
    ("09-allow-traffic-only-to-a-port", "podSelector: {matchLabels: {app: apiserver}}\ningress:\n- ports: "
                                       "[{port: 5000}]\n  from: [{podSelector: {matchLabels: {role: monitoring}}}]",
     "networkpolicy web selects app=apiserver { allow ingress from pods role=monitoring ports 5000 }"),
    ("10-allowing-traffic-with-multiple-selectors", "podSelector: {matchLabels: {app: bookstore, role: db}}\n"
     "ingress: [{from: [{podSelector: {matchLabels: {app: bookstore, role: search}}}, {podSelector: {matchLabels: "
     "{app: bookstore, role: api}}}]}]",
     "networkpolicy web selects app=bookstore role=db {\n  allow ingress from pods app=bookstore role=search\n"
     "  allow ingress from pods app=bookstore role=api\n}"),
    ("11-deny-egress-traffic-from-an-application", "podSelector: {matchLabels: {app: foo}}\npolicyTypes: [Egress]\n"
                                                  "egress: []",
     "networkpolicy web selects app=foo { isolate egress }"),
    ("11-allow-dns-only", "podSelector: {matchLabels: {app: foo}}\npolicyTypes: [Egress]\negress:\n- ports: "
                         "[{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]",
     "networkpolicy web selects app=foo { allow egress ports 53/UDP,53; isolate egress }"),
    ("14-deny-external-egress-traffic", "podSelector: {matchLabels: {app: foo}}\npolicyTypes: [Egress]\negress:\n"
     "- ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n- to: [{namespaceSelector: {}}]",
     "networkpolicy web selects app=foo {\n  allow egress ports 53/UDP,53\n  allow egress to namespaces all\n"
     "  isolate egress\n}"),
]


@pytest.mark.parametrize("spec, kdsl_text", [r[1:] for r in RECIPES], ids=[r[0] for r in RECIPES])
def test_recipes_import_as_the_statement_that_says_them(spec, kdsl_text):
    text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n" + \
        "".join(f"  {x}\n" for x in spec.splitlines())
    imported, obj = one(text)
    assert not imported.warnings and isinstance(obj, NetworkPolicy)
    assert kdsl.parse(kdsl_text).objects == (obj,)
    assert kdsl.parse(imported.text).objects == (obj,)
