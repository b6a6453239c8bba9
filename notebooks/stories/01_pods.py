"""Pods and their lifecycle."""

CELLS = [
    ("md", """
# Pods and their lifecycle

A Pod is the smallest thing Kubernetes runs: one or more containers that share a network address and are
scheduled together onto one node. In this notebook five pods meet five different fates on a two-node
cluster — one serves, one finishes, one crashes again and again, one never fits, one cannot pull its
image — and then a node is lost.

`%load_ext kdsl` adds the `%%kdsl` cell magic: the cell is a kdsl scenario, which is parsed, simulated on
kdsl's deterministic control plane and bound to the name you give (`sim` here). With `--test` the cell fails
when an `expect` does not hold.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster lab {
  node worker-1 cpu=4 memory=8Gi { labels zone=a }
  node worker-2 cpu=4 memory=8Gi { labels zone=b }
}

namespace demo {
  pod web image=nginx:1.25 cpu=500m memory=256Mi {
    labels app=web
    node-selector zone=b
  }
  pod migrate {
    node-selector zone=a
    restart Never
    container run image=shop/migrate:1 { exit 0 after 20s }
  }
  pod flaky {
    node-selector zone=a
    container app image=shop/flaky:1 { crash after 15s }
  }
  pod huge image=shop/batch:1 cpu=6
  pod broken {
    node-selector zone=a
    container app image=shop/typo:1 { pull fails }
  }
}

at 2m: fail node worker-2
run 5m

expect pod demo/web phase=Running ready by 10s
expect pod demo/migrate phase=Succeeded status=Completed by 30s
expect pod demo/flaky status=CrashLoopBackOff restarts=1 at 35s
expect pod demo/huge pending reason=Unschedulable message~"Insufficient cpu"
expect pod demo/broken reason=ImagePullBackOff at 1m
expect node worker-2 status=Unknown by 3m
"""),
    ("md", """
## Phases and the STATUS column

A pod's **phase** is coarse: `Pending` (accepted, not all containers running yet), `Running`, `Succeeded`,
`Failed` — and kdsl shows `Unknown` when the pod's node cannot be reached. kubectl's **STATUS** column is
finer: it shows the reason a container waits (`ContainerCreating`, `ImagePullBackOff`, `CrashLoopBackOff`) or
ended (`Completed`, `Error`). Here is the table at 40s, before the node is lost:
"""),
    ("code", 'sim.pods(at="40s")'),
    ("md", """
`flaky` crashes 15 seconds after each start, and the kubelet restarts it with a back-off that doubles each
time, from 10 seconds up to 5 minutes: it restarts at 16s, 41s, 1m16s, 2m11s and 3m46s, so its RESTARTS
grow ever more slowly. `sim.expect` checks such claims against the run, in the words of an `expect` line —
every claim in these notebooks is proven this way, so the text cannot drift from the data:
"""),
    ("code", """
sim.expect(
    "pod demo/flaky restarts=0 at 15s",
    "pod demo/flaky restarts=1 at 16s",
    "pod demo/flaky restarts=2 at 41s",
    "pod demo/flaky restarts=3 at 1m16s",
    "pod demo/flaky restarts=4 at 2m11s",
    "pod demo/flaky restarts=5 at 3m46s",
)
"""),
    ("md", """
`huge` asks for 6 CPUs and neither node has them: it stays `Pending`, and the scheduler says why, node by
node:
"""),
    ("code", 'sim.explain("demo/huge")'),
    ("code", 'sim.expect(\'pod demo/huge pending reason=Unschedulable message~"0/2 nodes are available: 2 Insufficient cpu" at 1m\')'),
    ("md", """
Each pod carries **conditions** — `PodScheduled`, `Initialized`, `ContainersReady`, `Ready` — with the
moment each last changed. They are how a Service decides whether to send a pod traffic:
"""),
    ("code", 'sim.conditions(namespace="demo", at="1m")'),
    ("md", """
## A lost node

At 2m worker-2 stops answering. After 40 seconds without a heartbeat (and the node lifecycle controller's
next 5-second check) it is marked `Unknown` at 2m50s and tainted `node.kubernetes.io/unreachable`. `web`,
which ran there, now shows phase `Unknown` and is no longer Ready — its last *reported* phase is still
`Running`, since its kubelet can no longer report anything:
"""),
    ("code", """
sim.expect(
    "node worker-2 status=Ready at 2m49s",
    "node worker-2 status=Unknown at 2m50s",
    "pod demo/web phase=Unknown ready=false at 2m50s",
)
"""),
    ("md", """
The events tell the story in order — the node's `NodeNotReady` (a cluster-scoped event, so this table is not
filtered by namespace), and `huge`'s scheduling failure, which now counts the tainted node too:
"""),
    ("code", 'sim.events(at="3m").tail(8)'),
    ("code", "sim.pods()"),
    ("md", "Where does each pod run? The node view of the topology draws pods on their nodes, coloured by phase:"),
    ("code", 'sim.topology(view="node")'),
    ("md", """
## Explore

`sim.explore()` opens the whole run: move the time slider (or press play) over every moment something
changed, step to the next change or the next warning, filter by namespace, switch tables, and inspect one
pod's conditions, containers, events and scheduling verdicts.
"""),
    ("code", "sim.explore()"),
]
