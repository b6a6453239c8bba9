"""Failures and what-ifs: a bad rollout and its rollback, a lost node."""

CELLS = [
    ("md", """
# Failures and what-ifs

A scenario is a safe place to break things. Here a Deployment of three web servers lives through two bad days:

- at 1m a new version is rolled out whose image cannot be pulled — the **rolling update** with
  `maxUnavailable=0` keeps every old pod until a new one is ready, so the service stays up while the
  rollout is stuck;
- at 3m it is **rolled back** to the previous revision;
- at 4m a **node is lost**: after 40 s without heartbeats it is marked `Unknown` and tainted, and after the
  pods' default 300 s toleration of that taint they are evicted and replaced elsewhere.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
  node worker-3 cpu=4 memory=8Gi
}

namespace shop {
  deployment web replicas=3 {
    labels app=web
    strategy rolling maxSurge=1 maxUnavailable=0
    container nginx image=nginx:1.25 {
      port http 80
      requests cpu=250m memory=128Mi
      readiness http /healthz port=80 delay=5s period=5s
    }
  }
  service web selects app=web ports 80->http
}

at 1m: apply {
  namespace shop {
    deployment web replicas=3 {
      labels app=web
      strategy rolling maxSurge=1 maxUnavailable=0
      container nginx image=nginx:1.26-typo {
        port http 80
        requests cpu=250m memory=128Mi
        readiness http /healthz port=80 delay=5s period=5s
        pull fails
      }
    }
  }
}
at 3m: rollback shop/web
at 4m: fail node worker-3
run 10m

expect deployment shop/web available=3 by 30s
expect always deployment shop/web available>=2 from 30s
expect pods shop app=web reason=ImagePullBackOff count=1 at 2m
expect service shop/web endpoints=3 at 3m30s
expect node worker-3 status=Unknown by 5m
expect pods shop app=web count=3 phase=Running
"""),
    ("md", """
## The stuck rollout

At 2m there are two ReplicaSets: the old one still with its three pods, the new one with one pod that cannot
pull its image. `maxUnavailable=0` forbids taking an old pod down before a new one is ready, so the rollout
waits and the Service keeps its three endpoints.
"""),
    ("code", 'sim.workloads(at="2m")'),
    ("code", 'sim.pods(at="2m", selector="app=web")'),
    ("code", """
sim.expect(
    "replicasets shop app=web count=2 at 2m",
    "deployment shop/web updated=1 available=3 at 2m",
    "service shop/web endpoints=3 at 2m",
)
"""),
    ("md", "What changed between before the rollout and the stuck moment:"),
    ("code", 'sim.topology_diff("50s", "2m")'),
    ("md", """
## After the rollback

At 3m the old template is the newest revision again (revision 3), and the broken pod is deleted.
"""),
    ("code", 'sim.workloads(at="3m20s")'),
    ("code", """
sim.expect(
    "deployment shop/web revision=3 image=nginx:1.25 available=3 at 3m20s",
    "pods shop app=web reason=ImagePullBackOff count=0 at 3m20s",
)
"""),
    ("md", """
## The lost node

worker-3 stops at 4m. At 4m50s the node lifecycle controller marks it `Unknown` and taints it
`node.kubernetes.io/unreachable`, and its pod's phase shows `Unknown`. Its toleration of that taint lasts
300 seconds, so at 9m50s the pod is evicted (`TaintManagerEviction`) and the ReplicaSet replaces it on a node
that works.
"""),
    ("code", """sim.events().query("TYPE == 'Warning' or REASON in ['NodeNotReady', 'TaintManagerEviction']")"""),
    ("code", """
sim.expect(
    "node worker-3 status=Ready at 4m49s",
    "node worker-3 status=Unknown at 4m50s",
    "pods shop app=web phase=Unknown count=1 at 4m50s",
    "events shop reason=TaintManagerEviction count=0 at 9m49s",
    "events shop reason=TaintManagerEviction count=1 at 9m50s",
    "deployment shop/web available=3 by 10m",
)
"""),
    ("md", """
The same moment as `kubectl get -o yaml` would show each object just before and just after: `sim.diff` lists
every field that changed — the node's conditions and its new taints, the pod's Ready condition, its endpoint, the
counts of the ReplicaSet and the Deployment. The pod's `status.phase` is not among them: no kubelet is left to
write it.
"""),
    ("code", 'sim.diff("4m49s", "4m50s")'),
    ("code", "sim.pods()"),
    ("code", 'sim.topology(view="node")'),
    ("code", 'sim.timeline(namespace="shop")'),
    ("md", "What if the rollback had not happened? Edit the cell above, drop `at 3m: rollback`, and run it again."),
    ("code", "sim.explore()"),
]
