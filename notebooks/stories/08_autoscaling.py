"""Autoscaling: a load spike scales a Deployment out and the cluster with it, then back in; a memory leak and a full node."""

CELLS = [
    ("md", """
# Autoscaling, OOM kills and node pressure

Three controllers react to what pods *use*, not to what they request:

- the **HorizontalPodAutoscaler** reads the pods' CPU every 15 s (from metrics-server) and sets the Deployment's
  replicas to `ceil(replicas × utilization / target)`, stepping up at most by the scale-up policy and waiting
  out a 5-minute window before it scales down;
- the **cluster autoscaler** adds a node to the pool when pods cannot be scheduled and a new node would fit
  them, and removes a node whose pods request less than half of it for 10 minutes;
- the **kubelet** OOM-kills a container whose memory passes its limit, and evicts pods when its node runs out
  of memory.

The scenario: a web Deployment with an HPA on a pool of two 2-CPU nodes that may grow to five. Its load rises
from 0.4 to 5 CPUs at 2m and falls to 0.3 CPU at 6m. Later a worker leaks memory (20m, 21m) and a batch pod fills
its node (26m). `uses` is what a container uses steadily; `load` is extra use shared evenly by a workload's Ready
pods, so scaling out lowers each pod's share.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  nodes pool count=2 cpu=2 memory=8Gi autoscale=2..5 provision=60s
}

namespace shop {
  deployment web replicas=2 {
    labels app=web
    container app image=shop/web:1 {
      port http 8080
      requests cpu=500m memory=256Mi
      limits cpu=500m memory=512Mi
      uses cpu=50m memory=150Mi
      readiness http /healthz port=8080 period=5s
    }
  }
  service web selects app=web ports 80->http
  hpa web target=deployment/web min=2 max=10 cpu=70%

  pod batch {
    container main image=shop/batch:1 { uses memory=1Gi }
  }

  deployment worker replicas=1 {
    labels app=worker
    container app image=shop/worker:1 {
      requests cpu=100m memory=128Mi
      limits memory=256Mi
      uses cpu=20m memory=100Mi
    }
  }
}

load deployment shop/web cpu=400m
at 2m: load deployment shop/web cpu=5
at 6m: load deployment shop/web cpu=300m
at 20m: load deployment shop/worker memory=100Mi
at 21m: load deployment shop/worker memory=200Mi
at 26m: load pod shop/batch memory=7Gi
run 35m

expect deployment shop/web available=2 by 30s
expect deployment shop/web replicas=2 at 2m14s
expect deployment shop/web replicas=3 at 2m15s
expect hpa shop/web replicas=10 at 4m
expect events shop reason=TriggeredScaleUp count>=1 at 3m20s
expect nodes group=pool count=2 at 4m19s
expect nodes group=pool count=3 at 4m20s
expect deployment shop/web available=10 by 5m
expect always deployment shop/web replicas=10 from 3m45s until 11m14s
expect deployment shop/web replicas=3 at 11m15s
expect hpa shop/web replicas=2 desired=2 at 17m
expect events shop reason=BackOff count=0 at 20m59s
expect events shop reason=BackOff count>=1 at 21m1s
expect nodes group=pool count=2 at 21m30s
expect node pool-1 memorypressure=false at 25m59s
expect node pool-1 memorypressure at 26m
expect pod shop/batch phase=Failed reason=Evicted at 26m
expect node pool-1 memorypressure at 31m
expect node pool-1 memorypressure=false at 31m1s
expect pods shop app=worker status=CrashLoopBackOff count=1 at 21m5s
"""),
    ("md", """
## The spike: utilization, then replicas

Each web pod asks for half a CPU and may use at most that (its CPU limit throttles it). At 2m the load jumps; the HPA
sees it at its sync at 2m15s (the metrics lag by up to one 15 s scrape) and takes the first step: the pods are
throttled at 100% of their request, so the HPA sees `100%/70%` and asks for ceil(2 × 100 / 70) = 3. As pods are
added, each sync asks for more until the load's share per pod is under the target: 10 replicas, the HPA's max.
The chart shows the replicas (top) against the utilization the HPA read at each scrape (bottom, target dashed).
"""),
    ("code", 'sim.plot_autoscaling("deployment shop/web")'),
    ("code", 'sim.hpa(at="3m", wide=True)'),
    ("md", """
## The pool grows

Ten pods of half a CPU need 5 CPUs; the two nodes have 4. The pods that do not fit wait `Pending`; at 3m20s the
cluster autoscaler finds that a new node of the pool would fit them (`TriggeredScaleUp`), and the node is
registered and Ready at 4m20s, after the pool's `provision=60s`. `kubectl top` shows the nodes at that moment:
"""),
    ("code", """sim.events(namespace="shop").query("REASON in ['SuccessfulRescale', 'TriggeredScaleUp']")"""),
    ("code", 'sim.top_nodes(at="5m")'),
    ("code", 'sim.nodes(at="5m")'),
    ("md", """
## The load falls; the HPA waits, then the pool shrinks

At 6m the load falls to 0.3 CPU. The HPA keeps its highest recommendation of the last 5 minutes, so the
Deployment keeps 10 replicas until 11m14s and goes to 3 at 11m15s, then to its `min=2`. With most pods gone,
`pool-2` requests less than half of its CPU and memory; 10 minutes later the cluster autoscaler taints it
`ToBeDeletedByClusterAutoscaler`, moves its pods and removes it (gone at 21m30s). `pool-3` stays: its pods
have no room elsewhere. `pool-1` also holds the bare pod `batch`, which no controller would recreate, so the
autoscaler never removes it while that pod runs.
"""),
    ("code", """
sim.expect(
    "deployment shop/web replicas=10 at 11m14s",
    "deployment shop/web replicas=3 at 11m15s",
    "nodes group=pool count=2 at 21m30s",
)
"""),
    ("code", """sim.events().query("REASON in ['ScaleDown', 'ScaleDownEmpty', 'RemovingNode']")"""),
    ("md", """
## A memory leak ends in OOMKilled

The worker's load adds 100Mi at 20m (200Mi of its 256Mi limit) and 200Mi at 21m: 300Mi is past the limit, so
the kernel kills it (`OOMKilled`, exit code 137). It restarts at once, is killed again, and the kubelet's
back-off makes it a `CrashLoopBackOff` (at 21m5s).
"""),
    ("code", 'sim.containers(at="21m5s", selector="app=worker", wide=True)'),
    ("code", 'print(sim.why("shop/" + sim.pods(at="21m5s", selector="app=worker")["NAME"].iloc[0], at="21m5s"))'),
    ("md", """
## A full node: MemoryPressure and an eviction

At 26m the batch pod's use grows to 8Gi on an 8Gi node. The kubelet's eviction manager sees `memory.available`
under its 100Mi threshold: the node gets `MemoryPressure` and the `node.kubernetes.io/memory-pressure` taint, and
the kubelet evicts the pod using most above its request (the BestEffort `batch`). The condition clears 5 minutes
after the last pass that saw pressure: at 31m1s.
"""),
    ("code", 'sim.nodes(at="26m", wide=True)'),
    ("code", 'print(sim.why("shop/batch", at="26m"))'),
    ("code", """
sim.expect(
    "pod shop/batch phase=Failed reason=Evicted at 26m",
    "node pool-1 memorypressure at 31m",
    "node pool-1 memorypressure=false at 31m1s",
)
"""),
    ("code", 'sim.topology(view="node", at="5m")'),
    ("md", "Try it: lower the HPA's target to 50%, or `autoscale=2..3`, and run the scenario cell again."),
    ("code", "sim.explore()"),
]
