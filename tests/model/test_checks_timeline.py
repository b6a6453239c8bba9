"""The timeline's checks: every action's target stands at its moment (declared, or made by an earlier action and
not deleted), and kdsl can carry the action out. Each case states the exact message, place and suggestion; each
negative case is the same construct, valid, with no diagnostic at all."""

import pytest

import kdsl

WEB = "deployment web image=nginx:1.25\n"
DB = "statefulset db replicas=2 image=postgres:16\n"
AGENT = "daemonset agent image=busybox:1.36\n"
RS = "replicaset rs replicas=2 image=nginx:1.25\n"
# (id, text, message, line, column, suggestion): the case's only diagnostic, an error.
CASES = [
    # a target nothing declares
    ("scale-a-name-nothing-has", WEB + "at 30s: scale default/ghost replicas=3",
     'deployments.apps "ghost" not found in namespace default', 2, 9, None),
    ("scale-a-misspelt-name", WEB + "at 30s: scale default/wbe replicas=3",
     'deployments.apps "wbe" not found in namespace default', 2, 9, "`scale default/web`"),
    ("set-image-of-a-misspelt-statefulset", DB + "at 1m: set image statefulset default/dbb db=postgres:17",
     'statefulsets.apps "dbb" not found in namespace default', 2, 8, "`set image statefulset default/db`"),
    ("delete-a-misspelt-configmap", "configmap web-config { a = \"1\" }\nat 1m: delete configmap default/web-cfg",
     'configmaps "web-cfg" not found in namespace default', 2, 8, "`delete configmap default/web-config`"),
    ("delete-a-cluster-scoped-kind", "pv data 1Gi\nat 1m: delete pv dat",
     'persistentvolumes "dat" not found', 2, 8, "`delete pv data`"),
    # a kind-less action names a Deployment: the same name under another kind says which verb was meant
    ("kindless-scale-of-a-statefulset", DB + "at 1m: scale default/db replicas=1",
     'deployments.apps "db" not found in namespace default; default/db is a StatefulSet', 2, 8,
     "`scale statefulset default/db`"),
    ("kindless-scale-of-a-replicaset", RS + "at 1m: scale default/rs replicas=1",
     'deployments.apps "rs" not found in namespace default; default/rs is a ReplicaSet', 2, 8,
     "`scale replicaset default/rs`"),
    ("kindless-set-image-of-a-daemonset", AGENT + "at 1m: set image default/agent agent=busybox:1.37",
     'deployments.apps "agent" not found in namespace default; default/agent is a DaemonSet', 2, 8,
     "`set image daemonset default/agent`"),
    ("kindless-scale-of-a-daemonset", AGENT + "at 1m: scale default/agent replicas=2",
     'deployments.apps "agent" not found in namespace default; default/agent is a DaemonSet, which `scale` does '
     "not act on", 2, 8, None),
    ("kindless-rollback-of-a-statefulset", DB + "at 1m: rollback default/db",
     'deployments.apps "db" not found in namespace default; default/db is a StatefulSet', 2, 8,
     "`rollback statefulset default/db`"),
    ("kindless-restart-of-a-daemonset", AGENT + "at 1m: rollout restart default/agent",
     'deployments.apps "agent" not found in namespace default; default/agent is a DaemonSet', 2, 8,
     "`rollout restart daemonset default/agent`"),
    ("restart-a-misspelt-statefulset", DB + "at 1m: rollout restart statefulset default/dbb",
     'statefulsets.apps "dbb" not found in namespace default', 2, 8, "`rollout restart statefulset default/db`"),
    ("pause-a-deployment-nothing-declares", WEB + "at 1m: rollout pause default/ghost",
     'deployments.apps "ghost" not found in namespace default', 2, 8, None),
    ("rollback-a-daemonset-in-a-namespace-nothing-declares", AGENT + "at 1m: rollback daemonset shop/agent",
     'namespaces "shop" not found; declare `namespace shop`', 2, 8, None),
    ("delete-under-the-wrong-kind", WEB + "at 1m: delete service default/web",
     'services "web" not found in namespace default; default/web is a Deployment', 2, 8,
     "`delete deployment default/web`"),
    # what kubectl would refuse, known before the run: only a Deployment pauses, and spec.paused is the timeline's
    ("pause-a-statefulset", DB + "at 1m: rollout pause statefulset default/db",
     'rollout pause statefulset default/db: statefulsets.apps "db" pausing is not supported (only a Deployment '
     "has spec.paused)", 2, 8, None),
    ("resume-a-daemonset", AGENT + "at 1m: rollout resume daemonset default/agent",
     'rollout resume daemonset default/agent: daemonsets.apps "agent" resuming is not supported (only a '
     "Deployment has spec.paused)", 2, 8, None),
    ("pause-twice", WEB + "at 1m: rollout pause default/web\nat 2m: rollout pause default/web",
     'rollout pause default/web: deployments.apps "web" is already paused (paused at 1m, line 2)', 3, 8, None),
    ("pause-a-deployment-declared-paused", WEB.replace("\n", " paused\n") + "at 1m: rollout pause default/web",
     'rollout pause default/web: deployments.apps "web" is already paused (declared paused)', 2, 8, None),
    ("resume-what-is-not-paused", WEB + "at 1m: rollout resume default/web",
     'rollout resume default/web: deployments.apps "web" is not paused', 2, 8, None),
    ("resume-after-an-apply-that-unpaused",
     WEB + "at 1m: rollout pause default/web\nat 2m: apply { deployment web image=nginx:1.26 }\n"
           "at 3m: rollout resume default/web",
     'rollout resume default/web: deployments.apps "web" is not paused', 4, 8, None),
    ("restart-a-paused-deployment", WEB + "at 1m: rollout pause default/web\nat 2m: rollout restart default/web",
     'rollout restart default/web: deployments.apps "web" can\'t restart paused deployment (run rollout resume '
     "first) (paused at 1m, line 2)", 3, 8, "`rollout resume default/web` first"),
    ("rollback-a-paused-deployment",
     WEB + "at 1m: set image default/web web=nginx:1.26\nat 2m: rollout pause default/web\n"
           "at 3m: rollback default/web",
     "rollback default/web: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume "
     "deployment/web' and try again (paused at 2m, line 3)", 4, 8, "`rollout resume default/web` first"),
    ("set-image-of-a-container-the-template-lacks", WEB + "at 1m: set image default/web nginx=nginx:1.26",
     'set image default/web: unable to find container named "nginx" (its containers: web)', 2, 8, None),
    ("set-image-of-a-misspelt-container", WEB + "at 1m: set image default/web wbe=nginx:1.26",
     'set image default/web: unable to find container named "wbe" (its containers: web)', 2, 8, "`web=`"),
    # the moment matters: deleted before, created only later
    ("scale-after-delete", WEB + "at 1m: delete deployment default/web\nat 2m: scale default/web replicas=2",
     'deployments.apps "web" not found in namespace default (deleted at 1m, line 2)', 3, 8, None),
    ("scale-after-a-delete-by-selector",
     WEB + "at 1m: delete deployments default app=web\nat 2m: scale default/web replicas=2",
     'deployments.apps "web" not found in namespace default (deleted at 1m, line 2)', 3, 8, None),
    ("scale-before-create",
     "at 1m: scale default/late replicas=2\nat 2m: create deployment late image=nginx:1.25",
     'deployments.apps "late" not found in namespace default (created only at 2m, line 2)', 1, 8, None),
    ("delete-twice", "pod p image=nginx:1.25\nat 1m: delete pod default/p\nat 2m: delete pod default/p",
     'pods "p" not found in namespace default (deleted at 1m, line 2)', 3, 8, None),
    ("deleting-a-namespace-deletes-what-it-holds",
     "namespace extra { deployment late image=nginx:1.25 }\nat 1m: delete namespace extra\n"
     "at 2m: scale extra/late replicas=2",
     'deployments.apps "late" not found in namespace extra (deleted with namespace extra at 1m, line 2)', 3, 8, None),
    ("apply-in-a-namespace-created-later",
     "at 1m: apply { pod extra/p image=nginx:1.25 }\nat 2m: create namespace extra",
     'apply pod extra/p: namespaces "extra" not found (created only at 2m, line 2)', 1, 8, None),
    ("create-in-a-namespace-created-later",
     "at 1m: create pod extra/p image=nginx:1.25\nat 2m: create namespace extra",
     'create pod extra/p: namespaces "extra" not found (created only at 2m, line 2)', 1, 8, None),
    ("create-what-stands", WEB + "at 1m: create deployment web image=nginx:1.26",
     'create deployment default/web: deployments.apps "web" already exists; `apply` replaces an object that stands',
     2, 8, None),
    # pods a controller makes: a StatefulSet's ordinals exist, a Deployment's pods have generated names
    ("delete-a-deployment-pod-by-a-made-up-name", WEB + "at 1m: delete pod default/web-1",
     'pods "web-1" not found in namespace default', 2, 8, None),
    ("delete-an-ordinal-past-the-replicas", DB + "at 1m: delete pod default/db-2",
     'pods "db-2" not found in namespace default', 2, 8, "`delete pod default/db-1`"),
    # nodes
    ("cordon-a-node-nothing-declares", "node worker-1\nat 1m: cordon node worker-2",
     'nodes "worker-2" not found', 2, 8, "`cordon node worker-1`"),
    ("drain-a-deleted-node", "node a\nnode b\nat 1m: delete node b\nat 2m: drain node b",
     'nodes "b" not found (deleted at 1m, line 3)', 4, 8, None),
    ("recover-a-node-added-later", "node a\nat 1m: recover node big\nat 2m: add node big cpu=8",
     'nodes "big" not found (created only at 2m, line 3)', 2, 8, None),
    ("add-a-node-that-stands", "node worker-1\nat 1m: add node worker-1 cpu=8",
     'nodes "worker-1" already exists', 2, 8, None),
    ("delete-a-pool-node-past-the-count", "nodes pool count=2\nat 1m: delete node pool-3",
     'nodes "pool-3" not found', 2, 8, "`delete node pool-2`"),
]


@pytest.mark.parametrize("text,message,line,column,suggestion", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_timeline_error(text, message, line, column, suggestion):
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    assert [(d.severity, d.message, d.line, d.column, d.suggestion) for d in info.value.diagnostics] == \
        [("error", message, line, column, suggestion)]


# The same constructs, valid: no error and no warning.
VALID = [
    ("scale-a-declared-deployment", WEB + "at 30s: scale default/web replicas=3"),
    ("scale-statefulset-with-its-kind", DB + "at 1m: scale statefulset default/db replicas=1"),
    ("scale-replicaset-with-its-kind", RS + "at 1m: scale replicaset default/rs replicas=1"),
    ("set-image-of-a-daemonset-with-its-kind", AGENT + "at 1m: set image daemonset default/agent agent=busybox:1.37"),
    ("set-image-of-every-container", WEB + "at 1m: set image default/web *=nginx:1.26"),
    ("rollback-a-deployment", WEB + "at 1m: set image default/web web=nginx:1.26\nat 2m: rollback default/web"),
    ("rollback-a-statefulset", DB + "at 1m: set image statefulset default/db db=postgres:17\n"
                                    "at 2m: rollback statefulset default/db"),
    ("rollback-a-daemonset-to-a-revision", AGENT + "at 1m: rollback daemonset default/agent to revision 1"),
    ("restart-each-kind", WEB + DB + AGENT + "at 1m: rollout restart default/web\n"
     "at 1m: rollout restart deployment default/web\nat 2m: rollout restart statefulset default/db\n"
     "at 3m: rollout restart daemonset default/agent"),
    ("pause-then-resume-then-pause", WEB + "at 1m: rollout pause default/web\nat 2m: rollout resume default/web\n"
     "at 3m: rollout pause default/web\nat 4m: scale default/web replicas=3\nat 5m: rollout resume default/web"),
    ("resume-a-deployment-declared-paused", WEB.replace("\n", " paused\n") + "at 1m: rollout resume default/web"),
    ("pause-after-an-apply-that-unpaused",
     WEB + "at 1m: rollout pause default/web\nat 2m: apply { deployment web image=nginx:1.26 }\n"
           "at 3m: rollout pause default/web"),
    ("scale-what-an-earlier-create-made",
     "at 1m: create deployment late image=nginx:1.25\nat 2m: scale default/late replicas=2"),
    ("scale-what-an-apply-made",
     "at 1m: apply { namespace extra { deployment late image=nginx:1.25 } }\nat 2m: scale extra/late replicas=2"),
    ("create-at-the-same-moment-before-the-action",
     "at 1m: create deployment late image=nginx:1.25\nat 1m: scale default/late replicas=2"),
    ("create-again-after-delete",
     WEB + "at 1m: delete deployment default/web\nat 2m: create deployment web image=nginx:1.26\n"
           "at 3m: scale default/web replicas=2"),
    ("apply-over-what-stands", WEB + "at 1m: apply { deployment web image=nginx:1.26 }"),
    ("create-a-namespace-then-its-objects",
     "at 1m: create namespace extra\nat 2m: create pod extra/p image=nginx:1.25\nat 3m: delete pod extra/p"),
    ("delete-a-namespace-then-create-it-again",
     "namespace extra\nat 1m: delete namespace extra\nat 2m: create namespace extra\n"
     "at 3m: create pod extra/p image=nginx:1.25"),
    ("delete-a-statefulset-ordinal-twice", DB + "at 1m: delete pod default/db-1\nat 2m: delete pod default/db-1"),
    ("delete-an-ordinal-a-scale-made", DB + "at 1m: scale statefulset default/db replicas=4\nat 2m: delete pod default/db-3"),
    ("delete-a-statefulset-claim",
     "statefulset db replicas=1 { claim data 1Gi\n container db image=postgres:16 "
     "{ mount data at /var/lib/postgresql } }\nat 1m: delete pvc default/data-db-0"),
    ("delete-a-deployment-pod-by-its-generated-name", WEB + "at 1m: delete pod default/web-7d9fbc-x2k4p"),
    ("delete-a-daemonset-pod-by-its-generated-name", AGENT + "at 1m: delete pod default/agent-x2k4p"),
    ("delete-a-replicaset-of-a-deployment", WEB + "at 1m: delete replicaset default/web-7d9fbc"),
    ("delete-by-a-selector-that-matches-nothing", WEB + "at 1m: delete pods default app=ghost"),
    ("node-actions-on-declared-nodes",
     "node a\nnodes pool count=2\nat 1m: cordon node a\nat 2m: uncordon node a\nat 3m: drain node pool-2\n"
     "at 4m: fail node pool-1\nat 5m: recover node pool-1\nat 6m: notready node a"),
    ("actions-on-an-added-node", "node a\nat 1m: add node big cpu=8\nat 2m: cordon node big\nat 3m: delete node big"),
    ("delete-a-builtin-clusterrole", "at 1m: delete clusterrole view"),
    # the API server refuses to delete `default` (a run-time 403): what it holds stands
    ("delete-namespace-default-is-refused-at-run-time",
     WEB + "at 1m: delete namespace default\nat 2m: scale default/web replicas=2"),
    # NamespaceLifecycle admission refuses it at run time (403 while the namespace terminates), which the run
    # decides: tests/engine/controllers/test_namespace.py (oracle 73)
    ("create-in-a-deleted-namespace-is-left-to-the-run",
     "namespace extra\nat 1m: delete namespace extra\nat 1m: create pod extra/p image=nginx:1.25"),
]


@pytest.mark.parametrize("text", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_timeline_valid(text):
    assert kdsl.parse(text, "t.kdsl").warnings == ()
