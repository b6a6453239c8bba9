"""The EndpointSlice controller (k8s-semantics §7.2, oracles 49, 50, 53): which pods are endpoints, their
conditions, named ports per pod, 100 endpoints to a slice, and updates that touch only what changed."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.objects import Condition, set_condition
from kdsl.engine.services import (MANAGED_BY, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, endpoint_of, slices_at)
from kdsl.engine.simulation import Simulation

THREE_PODS = """
node n1 cpu=8 memory=16Gi { labels topology.kubernetes.io/zone=zone-a }
namespace shop {
  pod web-1 image=nginx:1.25 { labels app=web }
  pod web-2 image=nginx:1.25 { labels app=web }
  pod web-3 {
    labels app=web
    container web image=nginx:1.25 { readiness http / port=80 delay=1h }
  }
  pod other image=nginx:1.25 { labels app=api }
  service web selects app=web ports 80->8080 %s
}
"""
PUBLISH = """{
    yaml \"\"\"
    spec:
      publishNotReadyAddresses: true
    \"\"\"
  }"""


def run(text: str, until: int = 60_000) -> Simulation:
    return Simulation(kdsl.parse(text)).run(until=until)


def endpoints(sim, name="web", ns="shop", at=None):
    t = sim.now if at is None else at
    return {ep.pod: ep for s in slices_at(sim.store, ns, name, t) for ep in s.spec.endpoints}


def test_oracle_49_ready_and_not_ready_pods_are_endpoints_only_ready_ones_take_traffic():
    sim = run(THREE_PODS % "")
    eps = endpoints(sim)
    assert sorted(eps) == ["web-1", "web-2", "web-3"]  # `other` does not match the selector
    assert {p: (e.ready, e.serving, e.terminating) for p, e in eps.items()} == {
        "web-1": (True, True, False), "web-2": (True, True, False), "web-3": (False, False, False)}
    route = sim.route("web.shop.svc.cluster.local/")
    assert [b.pod for b in route.backends] == ["shop/web-1", "shop/web-2"]
    assert [str(b.share) for b in route.backends] == ["1/2", "1/2"]


def test_oracle_49_publish_not_ready_addresses_makes_every_endpoint_ready():
    sim = run(THREE_PODS % PUBLISH)
    eps = endpoints(sim)
    assert {p: (e.ready, e.serving) for p, e in eps.items()} == {
        "web-1": (True, True), "web-2": (True, True), "web-3": (True, True)}
    assert len(sim.route("web.shop.svc/").backends) == 3


def test_the_slice_is_labelled_owned_and_named_after_its_service():
    sim = run(THREE_PODS % "")
    (slice_,) = slices_at(sim.store, "shop", "web", sim.now)
    labels = dict(slice_.meta.labels)
    assert labels[SERVICE_NAME_LABEL] == "web" and labels[MANAGED_BY_LABEL] == MANAGED_BY
    assert slice_.name.startswith("web-") and len(slice_.name) == len("web-") + 5
    svc = sim.store.get("Service", "shop", "web")
    (owner,) = slice_.meta.owners
    assert (owner.kind, owner.name, owner.uid, owner.controller) == ("Service", "web", svc.meta.uid, True)
    assert [(p.name, p.port, p.protocol) for p in slice_.spec.ports] == [("", 8080, "TCP")]
    assert {e.zone for e in slice_.spec.endpoints} == {"zone-a"} and slice_.spec.address_type == "IPv4"


ORACLE_50 = """
node n1 cpu=8 memory=16Gi
namespace shop {
  pod web-1 image=nginx:1.25 { labels app=web }
  pod web-2 image=nginx:1.25 { labels app=web }
  pod done {
    labels app=web
    restart Never
    container run image=busybox:1.36 { exit 0 after 5s }
  }
  pod huge image=nginx:1.25 cpu=100 { labels app=web }
  service web selects app=web ports 80
}
"""


def test_oracle_50_succeeded_pods_and_pods_without_an_ip_are_not_endpoints():
    sim = run(ORACLE_50, until=30_000)
    assert "done" in endpoints(sim, at=3_000)  # running, with an IP
    assert sorted(endpoints(sim)) == ["web-1", "web-2"]  # done Succeeded; huge Pending without an IP
    assert sim.store.get("Pod", "shop", "done").status.phase == "Succeeded"
    assert sim.store.get("Pod", "shop", "huge").status.pod_ip is None


def test_oracle_50_a_pod_being_deleted_is_terminating_and_serving_as_it_was_but_not_ready():
    # A deleted pod whose kubelet is gone lingers, still Ready, until the node is marked lost (10 s + 50 s).
    sim = run(ORACLE_50 + "at 10s: fail node n1\nat 20s: delete pod shop/web-1\n", until=90_000)
    conditions = {p: (e.ready, e.serving, e.terminating) for p, e in endpoints(sim, at=30_000).items()}
    assert conditions == {"web-1": (False, True, True), "web-2": (True, True, False)}
    assert [b.pod for b in sim.route("web.shop.svc/", at=30_000).backends] == ["shop/web-2"]
    conditions = {p: (e.ready, e.serving, e.terminating) for p, e in endpoints(sim, at=60_000).items()}
    assert conditions == {"web-1": (False, False, True), "web-2": (False, False, False)}


def test_with_no_ready_endpoint_traffic_falls_back_to_serving_terminating_ones():
    sim = run(ORACLE_50 + "at 10s: fail node n1\nat 20s: delete pod shop/web-1\nat 21s: delete pod shop/web-2\n",
              until=30_000)
    route = sim.route("web.shop.svc/")
    assert [b.pod for b in route.backends] == ["shop/web-1", "shop/web-2"]
    assert sim.check() == [] and not any(e.ready for e in endpoints(sim).values())


def test_endpoint_conditions_follow_pod_to_endpoint():
    sim = run(ORACLE_50, until=10_000)
    svc = sim.store.get("Service", "shop", "web").spec
    pod = sim.store.get("Pod", "shop", "web-2")
    not_ready = attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=set_condition(
        pod.status.conditions, Condition(type="Ready", status="False"))))
    ep = endpoint_of(not_ready, svc, None)
    assert (ep.address, ep.ready, ep.serving, ep.terminating, ep.node) == (pod.status.pod_ip, False, False, False, "n1")
    published = attrs.evolve(svc, yaml="spec:\n  publishNotReadyAddresses: true\n")
    deleting = attrs.evolve(not_ready, meta=attrs.evolve(pod.meta, deletion_ms=1))
    ep = endpoint_of(deleting, published, None)
    assert (ep.ready, ep.serving, ep.terminating) == (True, True, True)


ORACLE_53 = """
node n1 cpu=8 memory=16Gi
namespace shop {
  pod named-a {
    labels app=web
    container web image=nginx:1.25 { port http 8080 }
  }
  pod named-b {
    labels app=web
    container web image=nginx:1.25 { port http 9090 }
  }
  pod unnamed {
    labels app=web
    container web image=nginx:1.25 { port 8080 }
  }
  service web selects app=web ports 80->http
}
"""


def test_oracle_53_a_named_target_port_resolves_per_pod_and_pods_without_it_serve_nothing():
    sim = run(ORACLE_53)
    by_ports = {tuple((p.name, p.port) for p in s.spec.ports): sorted(e.pod for e in s.spec.endpoints)
                for s in slices_at(sim.store, "shop", "web", sim.now)}
    assert by_ports == {(("http", 8080),): ["named-a"], (("http", 9090),): ["named-b"], (): ["unnamed"]}
    route = sim.route("web.shop.svc:80/")
    assert [(b.pod, b.port) for b in route.backends] == [("shop/named-a", 8080), ("shop/named-b", 9090)]
    results = {r.text: r for r in Simulation(kdsl.parse(ORACLE_53 + "expect service shop/web endpoints=2\n"))
               .run(until=60_000).check()}
    assert results["expect service shop/web endpoints=2"].passed


def test_a_service_without_endpoints_keeps_one_empty_placeholder_slice():
    sim = run("namespace shop\nservice shop/web selects app=web ports 80\n")
    (slice_,) = slices_at(sim.store, "shop", "web", sim.now)
    assert slice_.spec.endpoints == () and slice_.spec.ports == ()


def test_at_most_100_endpoints_to_a_slice():
    pods = "\n".join(f"  pod w{i:03d} image=nginx:1.25 cpu=10m memory=16Mi {{ labels app=web }}" for i in range(230))
    sim = run(f"nodes n count=3 cpu=64 memory=256Gi pods=110\nnamespace shop {{\n{pods}\n"
              "  service web selects app=web ports 80\n}\n")
    sizes = sorted(len(s.spec.endpoints) for s in slices_at(sim.store, "shop", "web", sim.now))
    assert sizes == [30, 100, 100]
    assert len(endpoints(sim)) == 230


def test_a_deleted_service_takes_its_slices_with_it_and_a_changed_selector_moves_endpoints():
    text = THREE_PODS % "" + """
at 20s: apply { namespace shop { service web selects app=api ports 80->8080 } }
at 40s: delete service shop/web
"""
    sim = run(text)
    assert sorted(endpoints(sim, at=19_000)) == ["web-1", "web-2", "web-3"]
    assert sorted(endpoints(sim, at=20_000)) == ["other"]
    assert sim.store.list("EndpointSlice", "shop") == []
    assert sim.rejections == []


def test_a_pod_change_never_lists_the_namespace_pods():
    sim = Simulation(kdsl.parse(THREE_PODS % ""))
    calls = []
    original = sim.store.list

    def counting(kind, namespace=None, **kw):
        calls.append(kind)
        return original(kind, namespace, **kw)

    sim.store.list = counting
    sim.run(until=60_000)
    assert "Pod" not in calls  # only a Service change lists its namespace's pods
    assert len(endpoints(sim)) == 3


def test_expect_service_reads_endpoints_notready_and_clusterip():
    text = THREE_PODS % "" + "expect service shop/web endpoints=2 notready=1\nexpect services shop count=1\n"
    results = Simulation(kdsl.parse(text)).run(until=60_000).check()
    assert [r.passed for r in results] == [True, True], [r.found for r in results]
    assert results[0].found == "endpoints=2, notready=1"


def test_services_is_no_longer_listed_as_not_simulated():
    sim = Simulation(kdsl.parse(THREE_PODS % "" + "ingress shop/gw { default -> web:80 }\n"))
    assert "Service" not in sim.not_simulated and "Ingress" not in sim.not_simulated


def test_the_writes_of_pods_no_service_selects_are_not_heard_and_a_new_selector_is_asked_again(monkeypatch):
    """The store asks `_selects` once per labels tuple and leaves on_pod out of the writes of a pod no Service
    selects before or after (it returned at once for them); a Service that comes later makes it ask again."""
    from kdsl.engine.controllers.endpointslice import EndpointSliceController
    heard = []
    real = EndpointSliceController.on_pod
    monkeypatch.setattr(EndpointSliceController, "on_pod",
                        lambda self, op, old, new: heard.append((op, (new or old).name)) or real(self, op, old, new))
    sim = Simulation(kdsl.parse(THREE_PODS % "" + "at 30s: apply { namespace shop { service api selects app=api "
                                                  "ports 80->8080 } }\nat 40s: delete pods shop app=api\nrun 1m\n"))
    sim.run()
    history = list(sim.store.history)
    since = next(i for i, c in enumerate(history) if c.key[0] == "Service")  # none before it in the namespace
    writes = [(c.op, c.key[2]) for c in history[since:] if c.key[0] == "Pod"]
    # every write of the pods `web` selects; of `other`, only those after the Service selecting it came (30s)
    assert heard == [w for w in writes if w[1] != "other"] + [("MODIFIED", "other")] * 2 + [("DELETED", "other")]
    assert sum(w[1] == "other" for w in writes) == 6  # three before the Service selecting it came, not heard


RELABELED = """
node n1 cpu=8 memory=16Gi { labels topology.kubernetes.io/zone=zone-a }
namespace shop {
  pod web-1 image=nginx:1.25 { labels app=web }
  pod other image=nginx:1.25 { labels app=api }
  service web selects app=web ports 80->8080
  service api selects app=api ports 80->8080
}
at 10s: apply { namespace shop { deployment front replicas=3 image=nginx:1.25 { labels app=web } } }
at 20s: apply { namespace shop { pod other image=nginx:1.25 { labels app=web } } }
at 30s: apply { namespace shop { pod web-1 image=nginx:1.25 { labels app=api } } }
at 40s: apply { namespace shop { service web selects app=api ports 80->8080 } }
at 50s: delete pods shop app=api
at 55s: fail node n1
run 2m
"""


def test_each_pod_write_leaves_every_service_the_endpoint_want_gives(monkeypatch):
    """on_pod works out a written pod's endpoint from what it knows of the labels (the Services selecting them,
    before and after) and once for all its Services whether the pod is one: after each write, what it keeps
    wanted for each selector Service of the namespace is `_want`'s whole answer (selector, then endpoint)."""
    from kdsl.engine.controllers.endpointslice import EndpointSliceController
    real = EndpointSliceController.on_pod
    checked = []

    def on_pod(self, op, old, new):
        real(self, op, old, new)
        pod = new or old
        for name, spec in self._selectors.get(pod.namespace, {}).items():
            want = None if new is None else self._want(new, spec)
            assert self._wanted.get((pod.namespace, name), {}).get(pod.name) == want, (op, pod.name, name)
            checked.append((op, want is not None, old is not None and new is not None
                            and old.meta.labels != new.meta.labels))

    monkeypatch.setattr(EndpointSliceController, "on_pod", on_pod)
    sim = Simulation(kdsl.parse(RELABELED)).run()
    assert sim.rejections == []
    # created, updated, relabeled and deleted pods; endpoints and not
    assert {c[0] for c in checked} == {"ADDED", "MODIFIED", "DELETED"} and {c[1] for c in checked} == {True, False}
    assert any(c[2] for c in checked)
