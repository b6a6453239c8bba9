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
ended (`Completed`, `Error`). Here is the table 40 seconds in, before the node is lost:
"""),
    ("code", "sim.pods(at=40_000)"),
    ("md", """
`flaky` crashes 15 seconds after each start; the kubelet restarts it with a back-off that doubles from 10 s
up to 5 minutes, so its RESTARTS grow ever more slowly. `huge` asks for 6 CPUs and no node has them: it
stays `Pending`, and the scheduler says why, node by node:
"""),
    ("code", 'sim.explain("demo/huge")'),
    ("md", """
Each pod carries **conditions** — `PodScheduled`, `Initialized`, `ContainersReady`, `Ready` — with the
moment each last changed. They are how a Service decides whether to send a pod traffic:
"""),
    ("code", 'sim.conditions(namespace="demo")'),
    ("md", """
## A lost node

At 2m worker-2 stops answering. After 40 s without a heartbeat the node lifecycle controller marks it
`Unknown` and taints it `node.kubernetes.io/unreachable`; `web`, which ran there, now shows phase `Unknown`
(its last reported phase is still `Running`). The events tell the story in order:
"""),
    ("code", "sim.events(namespace=\"demo\").tail(12)"),
    ("code", "sim.pods()"),
    ("md", "Where does each pod run? The node view of the topology draws pods on their nodes, coloured by phase:"),
    ("code", 'sim.topology(view="node")'),
    ("md", """
## Explore

`sim.explore()` opens the whole run: move the time slider (or press play) over every moment something
changed, filter by namespace, switch tables, and inspect one pod's conditions, containers, events and
scheduling verdicts.
"""),
    ("code", "sim.explore()"),
]
