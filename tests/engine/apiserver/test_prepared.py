"""A template's next pod at the same moment gets the first pod's answer under its own name (apiserver/prepared.py)."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.apiserver import admission, prepared
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.apiserver.trace import Traced
from kdsl.engine.apiserver.trace_diff import changes
from kdsl.engine.controllers.alike_pods import AlikePods
from kdsl.engine.objects import ApiObject, MemoryView, Meta, OwnerRef, wrap
from kdsl.engine.simulation import Simulation
from kdsl.engine.store import Store
from kdsl.model.workloads import Pod
from tests.engine.apiserver.helpers import container, pod

RS_USER = "system:serviceaccount:kube-system:replicaset-controller"

# A namespace whose admission changes the pods (LimitRanger defaults and its annotation, the default
# tolerations and service account) and whose quota refuses the last two of a Deployment's pods.
SHOP = """\
cluster c { nodes pool count=2 cpu=8 memory=16Gi pods=110 }
namespace shop {
  limits default cpu=500m request cpu=200m
  quota name=pods pods=10
  deployment web replicas=12 image=registry.example.com/web:1 memory=128Mi port=8080 { labels app=web }
}
namespace free {
  deployment api replicas=6 image=registry.example.com/api:1 cpu=100m memory=64Mi { labels app=api }
  daemonset agent image=registry.example.com/agent:1 cpu=50m memory=64Mi
}
"""


@pytest.fixture
def full_path(monkeypatch) -> list:
    """Counts the pod creates that go through the admission chain."""
    admitted: list = []
    mutate = admission.mutate

    def counting(a, view):
        if a.info.kind == "Pod" and a.operation == admission.CREATE and not a.subresource:
            admitted.append((a.now_ms, a.name))
        return mutate(a, view)

    monkeypatch.setattr(admission, "mutate", counting)
    return admitted


def _run(text: str) -> Simulation:
    return Simulation(kdsl.parse(text)).run()


def test_a_deployments_pods_go_through_admission_once_a_moment(full_path):
    sim = _run(SHOP.replace("quota name=pods pods=10", "quota name=pods pods=20"))
    shop = sim.store.list("Pod", "shop")
    assert len(shop) == 12
    # the ReplicaSet makes its twelve pods at one moment: the first goes the whole way
    assert len([1 for _, name in full_path if name.startswith("web-")]) == 1
    assert all(dict(p.meta.annotations).get("kubernetes.io/limit-ranger") for p in shop)
    assert len({p.meta.uid for p in shop}) == 12 and all(p.spec.name == p.meta.name for p in shop)
    # each pod is its ReplicaSet's, under its own owner reference
    assert all(p.meta.owners[0].name == shop[0].meta.owners[0].name for p in shop)


def _facts(sim: Simulation) -> tuple:
    requests = [(t.time_ms, t.source, t.verb, t.kind, t.namespace, t.name, t.subresource, t.user, str(t.grant),
                 t.rule, t.stage, t.error, t.resource_version(sim.store), changes(t)) for t in sim.traces.requests]
    history = [(c.time_ms, c.resource_version, c.key, c.op, c.obj) for c in sim.store.history]
    return sim.log.events, sim.rejections, history, requests


def test_a_run_says_the_same_as_with_every_pod_admitted_the_whole_way(monkeypatch, full_path):
    answered = _facts(_run(SHOP))
    through = len(full_path)
    monkeypatch.setattr(prepared, "answer", lambda *args: None)
    # nor does a ReplicaSet's sync take the kept answer for its next pods (controllers/alike_pods.py)
    monkeypatch.setattr(AlikePods, "_answer", lambda self: None)
    full_path.clear()
    whole_way = _facts(_run(SHOP))
    # answered: the ten web pods the quota admits and the six api pods, less the first of each; the refused
    # ones (retried at later moments) and the DaemonSet's (a template a node) go the whole way either way
    assert len(full_path) - through == 9 + 5
    assert answered == whole_way
    refused = [r for r in answered[1] if r.kind == "Pod"]
    assert len(refused) > 2 and all("exceeded quota: pods" in r.message for r in refused)


def _store(text: str) -> Store:
    store = Store()
    for obj in kdsl.parse(text).objects:
        store.put(wrap(obj), 0)
    return store


def _made(template_pod: Pod, name: str, uid: str, owner: OwnerRef | None = None) -> ApiObject:
    """A pod as a ReplicaSet makes it: the template's labels, its own name, uid and owner reference."""
    template = template_pod.template
    owners = (owner or OwnerRef(kind="ReplicaSet", name="web-1", uid="rs-1", controller=True),)
    meta = Meta(name=name, namespace=template_pod.namespace, uid=uid, labels=template.labels, owners=owners)
    return ApiObject(kind="Pod", meta=meta, spec=Pod(name=name, namespace=template_pod.namespace,
                                                    labels=template.labels, template=template))


def _create(view, obj: ApiObject, now: int = 0, user: str = RS_USER, trace: list | None = None):
    return handle(Request(verb="create", kind="Pod", object=obj, user=user, now_ms=now, trace=trace), view)


def test_the_next_pod_is_the_first_ones_answer_under_its_own_name(full_path):
    store = _store("namespace dev {\n  limits default cpu=500m request cpu=200m\n}")
    web = pod("web", "dev", container("app", memory=64 << 20), labels=(("app", "web"),))
    first = _create(store, _made(web, "web-a", "u1"), trace=[])
    trace: list = []
    second = _create(store, _made(web, "web-b", "u2"), trace=trace)
    assert len(full_path) == 1
    expected = handle(Request(verb="create", kind="Pod", object=_made(web, "web-b", "u2"), user=RS_USER),
                      MemoryView(store.list("Namespace") + store.list("LimitRange")))
    assert second.object == expected.object and second.user == expected.user
    assert second.object.meta.uid == "u2" and first.object.meta.uid == "u1"
    # the trace says what the whole way would: the rule that allowed it and each plugin's change
    whole: list = []
    handle(Request(verb="create", kind="Pod", object=_made(web, "web-c", "u3"), user=RS_USER, trace=whole),
           MemoryView(store.list("Namespace") + store.list("LimitRange")))
    assert changes(Traced.of(Request(verb="create", kind="Pod", object=_made(web, "web-b", "u2"), trace=trace),
                             second, "test", 0, 0)) == \
        changes(Traced.of(Request(verb="create", kind="Pod", object=_made(web, "web-c", "u3"), trace=whole),
                          expected, "test", 0, 0))
    assert [type(s) for s in trace] == [type(s) for s in whole]


def test_a_write_of_what_admission_reads_and_the_next_moment_go_the_whole_way(full_path):
    store = _store("namespace dev {\n}")
    web = pod("web", "dev", container("app", memory=64 << 20))
    _create(store, _made(web, "web-a", "u1"))
    _create(store, _made(web, "web-b", "u2"))
    assert len(full_path) == 1
    for obj in kdsl.parse("namespace dev {\n  limits request cpu=200m\n}").objects:
        if obj.kind == "LimitRange":
            store.put(wrap(obj), 0)
    third = _create(store, _made(web, "web-c", "u3"))
    assert len(full_path) == 2 and third.object.spec.template.containers[0].requests.cpu == 200
    _create(store, _made(web, "web-d", "u4"), now=5)
    assert [t for t, _ in full_path] == [0, 0, 5]


def test_another_user_template_or_namespace_goes_the_whole_way(full_path):
    store = _store("namespace dev {\n}\nnamespace prod {\n}")
    web = pod("web", "dev", container("app", memory=64 << 20))
    _create(store, _made(web, "web-a", "u1"))
    _create(store, _made(web, "web-b", "u2"), user="system:serviceaccount:kube-system:job-controller")
    _create(store, _made(pod("web", "dev", container("app", memory=64 << 20)), "web-c", "u3"))
    _create(store, _made(pod("web", "prod", *web.template.containers), "web-d", "u4"))
    assert len(full_path) == 4


def test_an_answer_is_worked_out_only_when_a_next_pod_asks_for_it(monkeypatch):
    worked: list = []
    answer = prepared._answer
    monkeypatch.setattr(prepared, "_answer", lambda *kept: worked.append(kept[0].name) or answer(*kept))
    store = _store("namespace dev {\n}")
    web = pod("web", "dev", container("app", memory=64 << 20))
    _create(store, _made(web, "web-a", "u1"))
    _create(store, _made(pod("api", "dev", container("api", memory=64 << 20)), "api-a", "u2"))
    assert worked == []  # two templates, a pod each: what their creates came to is kept as it came
    _create(store, _made(web, "web-b", "u3"))
    _create(store, _made(web, "web-c", "u4"))
    assert worked == ["web-a"]  # web-b's question works out web-a's answer, which web-c then reads


def test_a_pod_the_whole_way_would_refuse_is_refused_as_ever():
    store = _store("namespace dev {\n  quota name=q pods=2\n}")
    web = pod("web", "dev", container("app", memory=64 << 20))
    assert not isinstance(_create(store, _made(web, "web-a", "u1")), ApiError)
    stored = store.put(_create(store, _made(web, "web-b", "u2")).object, 0)
    store.put(_create(store, _made(web, "web-c", "u3")).object, 0)
    quota = _create(store, _made(web, "web-d", "u4"))
    assert isinstance(quota, ApiError) and "exceeded quota: q" in quota.message
    store.delete("Pod", "dev", "web-c", 0)
    again = _create(store, _made(web, stored.meta.name, "u5"))
    assert isinstance(again, ApiError) and again.reason == "AlreadyExists"
    bad = _create(store, _made(web, "Web_E", "u6"))
    assert isinstance(bad, ApiError) and bad.code == 422 and "metadata.name" in bad.message


class _Reads:
    """A view that notes the kinds a request reads (and announces writes, as the store does)."""

    def __init__(self, store: Store) -> None:
        self.store, self.kinds = store, set()

    def get(self, kind, namespace, name):
        self.kinds.add(kind)
        return self.store.get(kind, namespace, name)

    def list(self, kind, namespace=None):
        self.kinds.add(kind)
        return self.store.list(kind, namespace)

    def watch(self, kind, fn, owners=None):
        self.store.watch(kind, fn, owners)


def test_what_a_pod_create_reads_is_watched_or_checked_for_each_pod():
    store = _store("user jane\nnamespace dev {\n  limits max cpu=2\n  quota pods=5\n  serviceaccount builder\n"
                   "  rolebinding j clusterrole=edit to user:jane\n}")
    web = pod("web", "dev", container("app", cpu=100, memory=64 << 20), service_account="builder",
              priority_class="system-node-critical")
    view = _Reads(store)
    for user in (RS_USER, "jane"):
        result = handle(Request(verb="create", kind="Pod", object=_made(web, f"web-{len(user)}", "u"), user=user),
                        view, kdsl.parse("user jane").users)
        assert not isinstance(result, ApiError), result.message
    # the stored pods and quotas are asked for each pod (AlreadyExists, ResourceQuota)
    assert view.kinds - {"Pod", "ResourceQuota"} <= set(prepared.READS), view.kinds
