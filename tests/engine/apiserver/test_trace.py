"""The request trace (kdsl/engine/apiserver/trace.py): the rule that allowed, each plugin's field changes, the stage."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.apiserver.rbac import Attributes, authorize
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.apiserver.trace import REPLAYED, Traced
from kdsl.engine.apiserver.trace_diff import changes, diff
from kdsl.engine.apiserver.trace_store import Cycle, Traces
from kdsl.engine.objects import wrap
from kdsl.engine.simulation import Simulation
from tests.engine.apiserver.helpers import Cluster, container, pod

ACCESS = """
user jane
user sam groups=ops
namespace dev {
  serviceaccount builder
  role pod-maker {
    allow create on pods
  }
  rolebinding jane-makes role=pod-maker to user:jane
  rolebinding builds clusterrole=edit to serviceaccount:builder
}
clusterrolebinding ops-view clusterrole=view to group:ops
"""


def _traced(cluster, request, source="test"):
    result = handle(request, cluster.view, cluster.users)
    return Traced.of(request, result, source, 0, 0), result


def _create(cluster, obj, **fields):
    return _traced(cluster, Request(verb="create", kind=obj.kind, object=wrap(obj), trace=[], **fields))


def test_rbac_names_the_binding_role_and_subject_that_allowed():
    c = Cluster(ACCESS)
    from kdsl.engine.apiserver.authn import identity
    jane = identity("jane", c.view, c.users)
    d = authorize(Attributes(jane, "create", "pods", "", "dev"), c.view)
    assert d.allowed and str(d.grant) == 'RoleBinding "jane-makes/dev" of Role "pod-maker" to User "jane"'
    assert d.rule.verbs == ("create",)
    sam = identity("sam", c.view, c.users)
    d = authorize(Attributes(sam, "list", "pods", "", "dev"), c.view)
    assert str(d.grant) == 'ClusterRoleBinding "ops-view" of ClusterRole "view" to Group "ops"'
    sa = identity("system:serviceaccount:dev:builder", c.view, c.users)
    d = authorize(Attributes(sa, "delete", "pods", "", "dev", "web"), c.view)
    assert str(d.grant) == 'RoleBinding "builds/dev" of ClusterRole "edit" to ServiceAccount "builder/dev"'
    assert authorize(Attributes(jane, "delete", "pods", "", "dev", "web"), c.view).grant is None


def test_a_pod_create_records_each_mutating_plugin_as_field_changes():
    c = Cluster(ACCESS.replace("namespace dev {", "namespace dev {\n  limits default cpu=500m request cpu=200m"))
    traced, result = _create(c, pod("web", "dev", container("app", memory=64 << 20)), user="jane")
    assert not isinstance(result, ApiError) and traced.stage == "stored"
    assert str(traced.grant).startswith('RoleBinding "jane-makes/dev"')
    assert changes(traced) == [
        ("LimitRanger", "spec.containers[0].resources.requests.cpu → 200m; spec.containers[0].resources.limits.cpu → "
                        "500m; metadata.annotations[kubernetes.io/limit-ranger] → LimitRanger plugin set: cpu request "
                        "for container app; cpu limit for container app"),
        ("ServiceAccount", "spec.serviceAccountName → default"),
        ("Priority", "spec.priority → 0"),
        ("DefaultTolerationSeconds", "+2 tolerations")]


def test_the_replayed_changes_are_what_admission_stored():
    """The template plugins are replayed from the template they started from: the replay ends where admission did."""
    c = Cluster(ACCESS)
    traced, result = _create(c, pod("web", "dev"))
    start = next(s[1] for s in traced.steps if type(s) is tuple and s[0] == "template")
    from kdsl.engine.apiserver.trace_diff import _REPLAY
    template = start
    for step in traced.steps:
        if type(step) is str:
            template = _REPLAY[step](template)
    assert template == result.object.spec.template


def test_refusals_say_their_stage():
    c = Cluster(ACCESS + "namespace full { quota pods=0 }\n")
    denied, _ = _create(c, pod("web", "dev"), user="sam")
    assert denied.stage == "authorization" and denied.grant is None and denied.user.name == "sam"
    quota, _ = _create(c, pod("web", "full"))
    assert quota.stage == "ResourceQuota" and quota.validated
    assert quota.error.message.startswith('pods "web" is forbidden: exceeded quota')
    missing, _ = _create(c, pod("web", "dev", service_account="nobody"))
    assert missing.stage == "ServiceAccount" and not missing.validated
    nobody, _ = _create(c, pod("web", "dev"), user="mallory")
    assert nobody.stage == "authentication" and nobody.user == "mallory"
    invalid, _ = _create(c, pod("Web_1", "dev"))
    assert invalid.stage == "validation"


def test_a_claim_gets_its_class_and_finalizer_as_changes():
    c = Cluster("storageclass fast default\nnamespace dev\npvc dev/data 1Gi\n", skip_kinds=("PersistentVolumeClaim",))
    traced, _ = _create(c, c.scenario.get("pvc", "dev/data"))
    assert changes(traced) == [("DefaultStorageClass", "spec.storageClassName → fast"),
                               ("StorageObjectInUseProtection", "metadata.finalizers +kubernetes.io/pvc-protection")]


def test_diff_words_tuples_pairs_and_records():
    assert diff((), (("a", "1"),), "metadata.labels") == ["metadata.labels[a] → 1"]
    assert diff((("a", "1"),), (), "metadata.labels") == ["metadata.labels[a] removed"]
    assert diff(("x",), ("x", "y"), "metadata.finalizers", "finalizers") == ["metadata.finalizers +y"]
    assert diff(1, 2, "spec.priority", "priority") == ["spec.priority → 2"]
    assert diff(None, None, "x") == []


def test_a_run_keeps_every_request_and_its_resource_version():
    text = "node n1\nnamespace dev\npod dev/web image=nginx:1.25\n"
    sim = kdsl.simulate(kdsl.parse(text))
    web = sim.traces.of("Pod", "dev", "web")
    assert [t.verb for t in web] == ["create"] and web[0].source == "scenario"
    first = next(c for c in sim.store.history if c.key == ("Pod", "dev", "web"))
    assert web[0].resource_version(sim.store) == first.resource_version
    assert sim.traces.cycles_of("dev", "web") == [Cycle(0, 1, 1, "n1")]  # one feasible node: not scored


def test_the_pods_of_a_replicaset_share_who_asked_what_allowed_it_and_what_admission_did():
    """Kept once for a template's pods (trace_store.Shape): a request adds its time, name, version."""
    text = ("node n1 cpu=4\nnamespace dev { limits default cpu=500m request cpu=100m }\n"
            "deployment dev/web replicas=3 image=nginx:1.25\n")
    sim = kdsl.simulate(kdsl.parse(text))
    pods = sorted(p.name for p in sim.store.list("Pod"))
    a, b = (sim.traces.of("Pod", "dev", name)[0] for name in pods[:2])
    assert (a.name, b.name) == tuple(pods[:2]) and a.resource_version(sim.store) != b.resource_version(sim.store)
    assert a.user is b.user and a.grant is b.grant and a.rule is b.rule and a.steps is b.steps
    assert changes(a)[0] == ("LimitRanger", "spec.containers[0].resources.requests.cpu → 100m; "
                                            "spec.containers[0].resources.limits.cpu → 500m; "
                                            "metadata.annotations[kubernetes.io/limit-ranger] → LimitRanger plugin "
                                            "set: cpu request for container web; cpu limit for container web")
    assert len({id(t.steps) for t in sim.traces.requests if t.kind == "Pod"}) == 1


def test_a_refusal_keeps_its_own_error_while_sharing_the_rest():
    text = "node n1\nnamespace dev { quota pods=1 }\npod dev/a image=nginx:1.25\npod dev/b image=nginx:1.25\n" \
           "pod dev/c image=nginx:1.25\n"
    sim = kdsl.simulate(kdsl.parse(text))
    a, b, c = (sim.traces.of("Pod", "dev", n)[0] for n in "abc")
    assert a.error is None and a.stage == "stored"
    assert [b.stage, c.stage] == ["ResourceQuota", "ResourceQuota"] and b.error is not c.error
    assert 'pods "b" is forbidden' in b.error.message and 'pods "c" is forbidden' in c.error.message


def test_tracing_changes_nothing_in_a_run():
    text = ("node n1 cpu=1\nnamespace dev { quota pods=2 }\ndeployment dev/web replicas=3 image=nginx:1.25 cpu=100m\n"
            "at 5s: scale deployment dev/web replicas=1\nrun 30s\n")
    on = Simulation(kdsl.parse(text)).run()
    off = Simulation(kdsl.parse(text), trace=False).run()
    assert off.traces is None and on.traces.requests
    assert [str(e) for e in on.log.events] == [str(e) for e in off.log.events]
    assert [(c.time_ms, c.resource_version, c.key, c.op, c.obj) for c in on.store.history] == \
           [(c.time_ms, c.resource_version, c.key, c.op, c.obj) for c in off.store.history]


def test_each_template_gets_its_own_limitranger_words_when_pods_of_several_alternate():
    """trace_diff keeps the last template pair's words: a pod from another template is worded afresh."""
    text = ("node n1 cpu=8\nnamespace dev { limits default cpu=500m memory=256Mi request cpu=100m }\n"
            "deployment dev/web replicas=2 image=nginx:1.25\n"
            "deployment dev/api replicas=2 image=nginx:1.25 memory=64Mi\n"
            "at 1s: scale deployment dev/web replicas=3\n")
    sim = kdsl.simulate(kdsl.parse(text))
    said = {}
    for traced in sim.traces.requests:
        if traced.kind == "Pod" and traced.verb == "create":
            said.setdefault(traced.name.split("-")[0], set()).add(dict(changes(traced))["LimitRanger"])
    assert {k: len(v) for k, v in said.items()} == {"web": 1, "api": 1}
    (web,), (api,) = said["web"], said["api"]
    assert web.endswith("LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for "
                        "container web")
    assert api.endswith("LimitRanger plugin set: cpu request for container api; cpu, memory limit for container api")


def test_a_row_with_its_own_template_step_reads_as_the_row_add_makes_of_those_steps():
    first, own = object(), object()
    steps = ((REPLAYED, first), "ServiceAccount", "Priority")
    added, owned = Traces(), Traces()
    added.add("scenario", "create", "Pod", "dev", "a", None, "admin", None, None, steps, None, 0, 4)
    added.add("scenario", "create", "Pod", "dev", "b", None, "admin", None, None,
              ((REPLAYED, own),) + steps[1:], None, 0, 5)
    owned.add("scenario", "create", "Pod", "dev", "a", None, "admin", None, None, steps, None, 0, 4)
    shape = owned.shape("scenario", "create", "Pod", "dev", None, "admin", None, None, steps)
    owned.add_own(shape, "b", 0, own, 0, 5)
    assert owned.requests == added.requests and owned.requests[1].steps[0][1] is own
    assert owned.of("Pod", "dev", "b") == added.of("Pod", "dev", "b")


def _plain_cycle(now: int, result) -> Cycle:
    """selectHost's report the plain way: every total sorted (stably, highest first), the chosen node's first,
    then the next highest of the others; none when at most one node was feasible."""
    totals = result.totals
    if len(totals) < 2 or result.node is None:
        return Cycle(now, result.evaluated, result.feasible, result.node)
    best = sorted(totals, key=lambda pair: -pair[1])[:4]
    others = [pair for pair in best if pair[0] != result.node][:2]
    return Cycle(now, result.evaluated, result.feasible, result.node, ((result.node, best[0][1]), *others))


def test_a_cycles_report_is_the_plain_sorts_whatever_path_it_takes():
    """Traces.scheduled's shortcuts (four or more nodes tied at the top, a few totals sorted in Python, many by
    numpy) keep what sorting every total keeps."""
    import random

    import numpy as np

    from kdsl.engine.scheduler.framework import Result

    rng = random.Random(7)
    traces, want = Traces(), []
    for i in range(600):
        n = rng.choice((1, 2, 3, 5, 8, 40, 100))
        names = [f"n{j:03d}" for j in rng.sample(range(1000), n)]
        spread = rng.choice((3, 30, 3000))  # many ties at the top, or few
        totals = np.asarray([rng.randrange(spread) // 2 * 2 for _ in names], dtype=np.int64)
        tied = (totals == totals.max()).nonzero()[0]
        node = names[int(tied[rng.randrange(len(tied))])]
        result = Result(node, 0, evaluated=n + 3, feasible=n, names=lambda at=slice(None), names=names: [
            names[j] for j in np.arange(len(names))[at].tolist()], totals=totals, tied=tied)
        traces.scheduled(("Pod", "dev", f"p{i}"), i, result)
        want.append(_plain_cycle(i, result))
    assert [traces.cycles_of("dev", f"p{i}")[0] for i in range(600)] == want
