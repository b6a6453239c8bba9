"""Network policy and maintenance: default deny, then web -> api -> db opened; drains under a budget, a bare pod, graceful shutdown, a rollout restart, a NoExecute taint."""

CELLS = [
    ("md", """
# Network policy and maintenance

A small shop: `web` calls `api`, `api` calls the database `db`, each a Deployment behind a Service, on two nodes.
Two things happen to it:

- **network policy** — at first every pod may reach every pod; at 1m a *default deny* policy cuts every
  connection, and at 2m three policies open exactly the paths the shop needs: anyone → web, web → api,
  api → db;
- **maintenance** — at 3m worker-1 is drained (`kubectl drain`) while a **PodDisruptionBudget** keeps at least
  two `api` pods available, so the drain waits for replacements; each `api` pod takes 20 seconds to shut down
  after SIGTERM. Then worker-2 is drained, which holds a pod no controller owns: without `force` kubectl refuses.
  At 7m `kubectl rollout restart` replaces every `api` pod, one at a time, and at 8m a `NoExecute` taint empties
  worker-1 without asking the budget.

kdsl plays a network plugin that enforces NetworkPolicy (Calico, Cilium, ...); with one that does not, the policies
would be stored and nothing blocked.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
}

namespace shop {
  deployment web replicas=2 {
    labels app=web
    container nginx image=nginx:1.25 { port http 80 }
  }
  deployment api replicas=3 {
    labels app=api
    container api image=shop/api:1 {
      port http 8080
      readiness http /healthz port=8080 delay=10s period=5s
      shutdown 20s
    }
  }
  deployment db {
    labels app=db
    toleration maintenance=kernel:NoExecute for=30s
    container db image=postgres:16 { port 5432 }
  }
  service web selects app=web ports 80->http
  service api selects app=api ports 80->http
  service db selects app=db ports 5432
  pdb api-pdb selects app=api minAvailable=2
  pod debug image=busybox:1.36 { node-selector kubernetes.io/hostname=worker-2 }
}

at 1m: create networkpolicy shop/default-deny selects all { isolate ingress }
at 2m: apply {
  networkpolicy shop/web-public selects app=web {
    allow ingress ports http
  }
  networkpolicy shop/api-from-web selects app=api {
    allow ingress from pods app=web ports http
  }
  networkpolicy shop/db-from-api selects app=db {
    allow ingress from pods app=api ports 5432
  }
}
at 3m: drain node worker-1
at 4m: uncordon node worker-1
at 5m: drain node worker-2
at 6m: drain node worker-2 force
at 7m: rollout restart deployment shop/api
at 8m: uncordon node worker-2
at 8m: taint node worker-1 maintenance=kernel:NoExecute
run 9m

expect connect pods shop app=web -> service shop/db port=5432 at 30s
expect connect pod shop/debug -> service shop/api port=80 at 30s
expect cannot connect pods shop app=web -> service shop/api port=80 at 1m
expect cannot connect pods shop app=api -> service shop/db port=5432 at 1m
expect cannot connect cidr 203.0.113.7 -> service shop/web port=80 at 1m
expect connect cidr 203.0.113.7 -> service shop/web port=80 at 2m
expect connect pods shop app=web -> service shop/api port=80 at 2m
expect connect pods shop app=api -> service shop/db port=5432 at 2m
expect cannot connect pods shop app=web -> service shop/db port=5432 at 2m
expect cannot connect pod shop/debug -> service shop/api port=80 at 2m

expect pdb shop/api-pdb allowed=1 healthy=3 desired=2 at 2m59s
expect always deployment shop/api available>=2 from 1m until 7m59s
expect pods shop node=worker-2 count=0 by 7m
expect deployment shop/api revision=2 updated=3 available=3
"""),
    ("md", """
## No policy: everyone reaches everyone

`sim.connectivity(at=...)` is the matrix of which pod groups (grouped by owner) may open a connection to which,
on each port the destination's containers declare; `sim.plot_connectivity(at=...)` draws it as a heat-map, a row
per source, a column per destination and port (hover a cell for its pod pairs). At 30s no policy exists, so no
pod is isolated and every connection is allowed (blue, ✓), the `debug` pod's included.
"""),
    ("code", 'sim.plot_connectivity(at="30s")'),
    ("md", """
## Default deny

At 1m `default-deny` selects every pod of `shop` (`selects all`) and isolates it for ingress. Policies only
allow: a pod that a policy isolates accepts only what some policy's rule allows, and this one has no rule. So
every connection into the namespace is denied, from its own pods and from outside (here the address
203.0.113.7) alike.
"""),
    ("code", 'sim.plot_connectivity(at="1m")'),
    ("code", """
sim.expect(
    "cannot connect pods shop app=web -> service shop/api port=80 at 1m",
    "cannot connect pods shop app=api -> service shop/db port=5432 at 1m",
    "cannot connect cidr 203.0.113.7 -> service shop/web port=80 at 1m",
)
"""),
    ("md", """
This policy isolates ingress only, so pods may still *send* anywhere: their DNS lookups keep working. A default
deny that also isolates egress (`isolate ingress,egress`) needs a rule that lets every pod reach the cluster DNS,
`allow egress to namespaces kubernetes.io/metadata.name=kube-system ports 53/UDP,53/TCP`, and an egress rule
beside each ingress rule below (a connection passes only when the source's egress and the destination's ingress
both allow it).
"""),
    ("md", """
## Opening web → api → db

At 2m three policies add up with the default deny: `web-public` lets anyone reach `web` on its `http` port (no
`from`: every peer), `api-from-web` lets `web` reach `api` on `http` (a port name, resolved on each `api` pod to
8080), `db-from-api` lets `api` reach `db` on 5432. Everything else stays denied: `web` cannot skip `api` and
talk to the database, and `debug` reaches nothing but `web`. In the heat-map only the cells of those three paths
turn blue; the table below it, with `wide=True`, adds the pod pairs judged and the policies that isolate either
end.
"""),
    ("code", 'sim.plot_connectivity(at="2m")'),
    ("code", 'sim.connectivity(at="2m", wide=True)'),
    ("code", """
sim.expect(
    "connect cidr 203.0.113.7 -> service shop/web port=80 at 2m",
    "connect pods shop app=web -> service shop/api port=80 at 2m",
    "connect pods shop app=api -> service shop/db port=5432 at 2m",
    "cannot connect pods shop app=web -> service shop/db port=5432 at 2m",
    "cannot connect pod shop/debug -> service shop/api port=80 at 2m",
    "cannot connect pod shop/debug -> service shop/db port=5432 at 2m",
    "connect pod shop/debug -> service shop/web port=80 at 2m",
)
"""),
    ("md", """
Why may `web` not reach the database? `sim.why_connect` judges each pair of pods (a Service is its endpoints, each
judged on the port the Service sends it to) and names every policy that isolates either end:
"""),
    ("code", 'sim.why_connect("pods shop app=web", "service shop/db", 5432, at="2m")'),
    ("md", """
`sim.topology(policies=True)` draws the policies among the pods: each an octagon joined by a plain line to the
pods it selects, its rules blue arrows in the direction traffic flows, labelled with their ports. `default-deny`
selects every group and has no arrow; the three others make the chain web → api → db. `group=1` draws the pods of
each ReplicaSet as one box, so each rule is one arrow rather than one per pod.
"""),
    ("code", 'sim.topology(policies=True, at="2m", group=1)'),
    ("md", """
## Draining a node under a disruption budget

`api-pdb` asks that at least two `api` pods stay available (`minAvailable=2`). With three healthy pods the
disruption controller allows one disruption, and the scheduler has put two of the three `api` pods on worker-1.

At 3m `drain node worker-1` does what `kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data` does:
it cordons the node, then evicts each pod through the Eviction API. The first `api` eviction spends the one
disruption; the second is refused with **429 Too Many Requests**, and kubectl tries again every 5 seconds. The
ReplicaSet replaces the evicted pod at once on worker-2 (worker-1 is cordoned); the replacement passes its
readiness probe at 3m11s, the budget allows one disruption again, and the retry at 3m15s succeeds. No moment
of the drain leaves fewer than two `api` pods available.
"""),
    ("code", 'sim.pods(at="3m10s", selector="app=api", wide=True)[["NAME", "READY", "STATUS", "AGE", "NODE"]]'),
    ("code", """
sim.expect(
    "pods shop app=api node=worker-1 count=2 at 2m59s",
    "node worker-1 unschedulable at 3m",
    "pdb shop/api-pdb allowed=0 healthy=2 at 3m",
    "pods shop app=api node=worker-1 status=Running count=1 at 3m10s",
    "pods shop app=api node=worker-2 ready count=1 at 3m10s",
    "pods shop app=api node=worker-2 ready count=2 at 3m11s",
    "pdb shop/api-pdb allowed=1 healthy=3 at 3m11s",
    "pods shop app=api node=worker-1 status=Terminating count=2 at 3m15s",
    "always deployment shop/api available>=2 from 1m until 7m59s",
)
"""),
    ("md", """
kdsl writes kubectl's output lines as events on the node (source `kubectl`); here they are with the node's
other events, in the columns that matter. A node has no namespace, so its events are filed in `default`, as
Kubernetes files them. kubectl's lines: `node/worker-1 cordoned` at 3m, an `evicting pod` line for each pod, then
`pod/... evicted` for each once it is gone, so only after its shutdown: the drain ends, `node/worker-1 drained`,
at 3m36s. The refused eviction is one row: the event correlator counts identical repeats, as Kubernetes does,
so COUNT is 3 (3m, and the retries 5 and 10 seconds later) and TIME is the last one, 3m10s.
"""),
    ("code", """
columns = ["TIME", "TYPE", "REASON", "COUNT", "MESSAGE"]
sim.events(namespace="default").query("OBJECT == 'node/worker-1'")[columns]
"""),
    ("code", """
sim.expect(
    'events default reason=Drain object=node/worker-1 message~"node/worker-1 cordoned" count=1 at 3m',
    'events default reason=Drain object=node/worker-1 message~"evicting pod shop/api-" count=2 at 3m',
    'events default reason=DrainWarning object=node/worker-1 message~"will retry after 5s" count=1 at 3m',
    'events default reason=DrainWarning object=node/worker-1 count=3 at 3m10s',
    'events default reason=DrainWarning object=node/worker-1 count=3',
    'events default reason=Drain object=node/worker-1 message~"node/worker-1 drained" count=0 at 3m35s',
    'events default reason=Drain object=node/worker-1 message~"node/worker-1 drained" count=1 at 3m36s',
)
"""),
    ("md", """
The cluster at 3m10s: worker-1 cordoned; on it the pod evicted at 3m, Terminating (dashed), and the one the budget
holds back, still Running.
"""),
    ("code", 'sim.topology(view="node", at="3m10s")'),
    ("md", """
## Graceful shutdown: Terminating, and a terminating endpoint

The `api` container says `shutdown 20s`: its process needs that long to exit after SIGTERM, within the pod's
grace period (30 seconds by default; past it the kubelet would kill it, exit code 137). So the pod evicted at
3m15s stays, `Terminating`, until 3m35s. Meanwhile its EndpointSlice endpoint turns `terminating`: `ready` goes
false, `serving` stays true (kube-proxy would use it only if no endpoint were ready), and the Service sends
new connections to the others. The Deployment no longer counts the terminating pods, which is why their
replacements were created at once.
"""),
    ("code", 'sim.diff("3m14s", "3m15s", kind="EndpointSlice")'),
    ("code", 'print(sim.why("shop/" + sim.pods(at="3m20s", selector="app=api").query("STATUS == \'Terminating\'")["NAME"].iloc[0], at="3m20s"))'),
    ("code", """
sim.expect(
    "pods shop app=api status=Terminating count=1 at 3m34s",
    "pods shop node=worker-1 count=0 at 3m35s",
    "pods shop app=api count=5 at 3m16s",
    "deployment shop/api replicas=3 at 3m16s",
    "service shop/api endpoints=2 notready=3 at 3m16s",
)
"""),
    ("md", """
## A bare pod: drain, then drain with force

worker-1's maintenance is over at 4m (`uncordon`), and at 5m worker-2 is drained in turn. It runs `debug`, a pod
no controller owns: once deleted nothing recreates it, so kubectl refuses to drain the node without `--force`.
The drain stops before it evicts anything, with kubectl's error (`cannot delete Pods that declare no controller
(use --force to override)`); the node stays cordoned. At 6m `drain node worker-2 force` finds it `already
cordoned`, warns that it deletes `debug` (gone at 6m1s) and evicts the rest; the `api` pods wait on the budget
again.

The node's events show the correlator's second rule: once an object has 10 similar events (same source and
reason, other messages) within 10 minutes, the next ones are folded into one row, `(combined from similar
events)`, whose COUNT counts them and whose message is the latest.
"""),
    ("code", """
columns = ["TIME", "TYPE", "REASON", "COUNT", "MESSAGE"]
sim.events(namespace="default").query("OBJECT == 'node/worker-2'")[columns]
"""),
    ("code", """
sim.expect(
    "node worker-2 unschedulable at 5m",
    "node worker-2 unschedulable at 5m59s",
    "pod shop/debug phase=Running at 5m59s",
    "pods shop node=worker-2 count=7 at 5m59s",
    "pods shop node=worker-2 status=Terminating count=0 at 5m59s",
    "pods shop app=debug count=0 at 6m1s",
    'events default reason=DrainWarning object=node/worker-2 message~"cannot delete Pods that declare no controller" count=1 at 5m',
    'events default reason=Drain object=node/worker-2 message~"evicting pod" count=0 at 5m59s',
    'events default reason=Drain object=node/worker-2 message~"node/worker-2 already cordoned" count=1 at 6m',
    'events default reason=DrainWarning object=node/worker-2 message~"deleting Pods that declare no controller: shop/debug" count=1 at 6m',
    "pods shop node=worker-2 count=0 by 7m",
)
"""),
    ("md", """
`sim.drains()` is one row per drain: its outcome, the pods evicted, the refusals (429) retried and kubectl's
error. A column no drain fills (IGNORED, the DaemonSet pods a drain leaves alone: none here) is left out;
`sim.drains(wide=True)` shows every column.
"""),
    ("code", "sim.drains()"),
    ("md", """
## Rollout restart

At 7m `rollout restart deployment shop/api` does what `kubectl rollout restart deployment/api -n shop` does: it
stamps the pod template with the annotation `kubectl.kubernetes.io/restartedAt`, the moment as RFC 3339 (kdsl's
clock starts at 1970-01-01T00:00:00Z). Nothing else changes, the image neither, but a changed template is a new
revision: the Deployment becomes revision 2 and makes a new ReplicaSet for it. Here is what changed in the
Deployment at that moment, its conditions left out:
"""),
    ("code", """
changed = sim.diff("6m59s", "7m", kind="Deployment")
changed.query("not FIELD.str.startswith('status.conditions')")[["FIELD", "OLD", "NEW"]]
"""),
    ("md", """
The new ReplicaSet then replaces the pods by the Deployment's rolling-update strategy, by default `maxSurge` 25%
of 3 rounded up (one pod more than desired) and `maxUnavailable` 25% rounded down (none fewer available). So one
new pod starts at 7m; only when it passes its readiness probe, at 7m11s, is an old pod deleted and the next new
one created; the same again at 7m22s, and the last old pod is deleted at 7m33s. worker-2 is still cordoned, so
every new pod lands on worker-1. Each old pod takes its 20 seconds to shut down: the last one is gone at 7m53s.
"""),
    ("code", """sim.events(namespace="shop").query("OBJECT == 'deployment/api'")[["TIME", "REASON", "MESSAGE"]]"""),
    ("code", 'sim.pods(at="7m15s", selector="app=api", wide=True)[["NAME", "READY", "STATUS", "AGE", "NODE"]]'),
    ("md", """
The budget is not what holds here. A rolling update deletes pods through the ReplicaSet, not through the
Eviction API, so `api-pdb` is never asked; it is the strategy that keeps three `api` pods available throughout,
and so the budget's count of healthy pods never drops below three.
"""),
    ("code", """
sim.expect(
    "deployment shop/api revision=2 updated=1 at 7m",
    "pods shop app=api count=4 at 7m",
    "pods shop app=api status=Terminating count=0 at 7m10s",
    "pods shop app=api status=Terminating count=1 at 7m11s",
    "deployment shop/api updated=2 at 7m11s",
    "deployment shop/api updated=3 at 7m22s",
    "pods shop app=api status=Terminating count=2 at 7m33s",
    "pods shop app=api status=Terminating count=1 at 7m52s",
    "pods shop app=api status=Terminating count=0 at 7m53s",
    "pods shop app=api node=worker-1 count=3 at 7m53s",
    "always pods shop node=worker-2 count=0 from 7m until 7m59s",
    "always deployment shop/api available>=3 from 7m until 7m59s",
    "always pdb shop/api-pdb healthy>=3 from 7m until 7m59s",
)
"""),
    ("md", """
## A NoExecute taint: no budget asked

At 8m worker-2 is uncordoned and worker-1 tainted `maintenance=kernel:NoExecute`. The taint eviction controller
deletes at once every pod that does not tolerate the taint, through a plain delete rather than the Eviction API,
so `api-pdb` is not asked: all three `api` pods go together, the Deployment has none available until their
replacements on worker-2 are ready at 8m11s. To empty a node with a budget's protection, drain it.

`db` tolerates the taint `for=30s` (`tolerationSeconds`), so it is deleted only at 8m30s. The toleration also
lets the scheduler put its replacement back on worker-1, and 30 seconds later, at 9m, that pod is
deleted in turn: a pod should tolerate a `NoExecute` taint only on a node it may stay on.
"""),
    ("code", """sim.events(namespace="shop").query("REASON == 'TaintManagerEviction'")[["TIME", "OBJECT", "MESSAGE"]]"""),
    ("code", """
sim.expect(
    'node worker-1 taints~"maintenance=kernel:NoExecute" at 8m',
    "events shop reason=TaintManagerEviction count=5 at 8m",
    "pdb shop/api-pdb allowed=0 healthy=0 at 8m",
    "deployment shop/api available=0 at 8m10s",
    "deployment shop/api available=3 at 8m11s",
    "pods shop app=api node=worker-2 count=3 at 8m",
    "pods shop app=web node=worker-2 count=2 at 8m",
    'events shop reason=TaintManagerEviction message~"Pod shop/db-" count=0 at 8m29s',
    'events shop reason=TaintManagerEviction message~"Pod shop/db-" count=1 at 8m30s',
    "pods shop app=db node=worker-1 ready count=1 at 8m31s",
    'events shop reason=TaintManagerEviction message~"Pod shop/db-" count=2 at 9m',
)
"""),
    ("md", """
Try it: make the budget `minAvailable=3` and run the scenario again. Three pods required of three: the budget
never allows a disruption, so the drain of worker-1 keeps retrying until the rollout restart at 7m replaces its
last `api` pods; a Deployment's own rolling update does not ask the budget either.
"""),
    ("code", "sim.explore()"),
]
