"""What if: a planner's questions answered by sweeps of a scenario over params and seeds, and the spread constraint that removes the risk."""

CELLS = [
    ("md", """
# What if: sweeps over seeds and params

A planner's question is never one run. *"With 3 replicas and no spread constraint, how often does losing one
node leave the shop with nothing available?"* — *"How many workers do we need so that a node loss at peak still
leaves every Deployment available?"* One simulation shows one possible day; the answer is a share of many days.
`kdsl.sweep` plays a scenario once per combination of its params and per seed, on a local
[Dask](https://distributed.dask.org) cluster (one worker process per core; a cluster of many machines takes the
same call), and collects one row per run.

The shop: `web` (3 replicas) and `api` (2) serve customers. At peak the nightly `reports` batch holds two big
pods (1.5 CPU each, on nodes of 2 CPU) until it is scaled to zero at 2m. Later a node, worker-1, is lost.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --seed 1 --test
param nodes = 3
param fail_at = 3m
param unsatisfiable = ScheduleAnyway

cluster shop { nodes worker count=$nodes cpu=2 memory=4Gi }

namespace shop {
  deployment reports replicas=2 {
    labels app=reports
    container report image=shop/reports:1 { requests cpu=1500m memory=1Gi }
  }
  deployment api replicas=2 {
    labels app=api
    container api image=shop/api:1 { requests cpu=200m memory=256Mi }
  }
  deployment web replicas=3 {
    labels app=web
    spread topology=kubernetes.io/hostname maxSkew=1 unsatisfiable=$unsatisfiable
    container nginx image=nginx:1.25 { requests cpu=600m memory=256Mi }
  }
}

at 2m: scale shop/reports replicas=0
at $fail_at: fail node worker-1
run 5m

measure on_worker_1 = at 1m pods shop app=web node=worker-1 count
measure web_floor = min deployment shop/web available from $fail_at
expect always deployment shop/web available>=1 from $fail_at
expect always deployment shop/api available>=1 from $fail_at
"""),
    ("md", """
Three params name what a planner may change: `nodes` (how many workers), `fail_at` (when worker-1 is lost,
`3m` by default: after the batch) and `unsatisfiable`, what web's spread constraint does when it cannot be met
(`ScheduleAnyway`: it is only a preference, like Kubernetes' default spreading). Two measures give each run its
numbers: `on_worker_1`, how many web pods worker-1 holds at 1m, and `web_floor`, the fewest web pods available
from the loss on. The two expectations are the planner's test: web and api each keep at least one pod
available.

With seed 1 the test holds. The batch took worker-1 and worker-3, and web's three pods went to the only node
with room for them, worker-2: web does not care that worker-1 is lost.
"""),
    ("code", 'sim.pods(at="1m", wide=True)[["NAME", "STATUS", "NODE"]]'),
    ("code", """
sim.expect(
    "pods shop app=reports node=worker-2 count=0 at 1m",
    "pods shop app=web node=worker-2 count=3 at 1m",
    "node worker-1 status=Unknown at 3m50s",
    "deployment shop/web available=3",
)
"""),
    ("md", """
## One run is one day: seed 0

The seed drives every random choice of the run, and the scheduler makes one: among nodes that score the same it
picks at random, as kube-scheduler does. On an empty cluster the first `reports` pod ties on all three nodes and
the second on the two left, so which node stays free for web is a draw. With seed 0 it is worker-1, and losing
it takes all of web: no web pod is available from 3m50s, when the node is marked `Unknown`, until the pods are
evicted five minutes later.
"""),
    ("code", """
import kdsl

unlucky = kdsl.simulate(sim.scenario, seed=0)
unlucky.pods(at="1m", wide=True)[["NAME", "STATUS", "NODE"]]
"""),
    ("md", "The cluster at 1m, by node: worker-1 holds all of web and one `api` pod; the batch fills the other two."),
    ("code", 'unlucky.topology(view="node", at="1m")'),
    ("code", "unlucky.check()"),
    ("code", """
unlucky.expect(
    "pods shop app=web node=worker-1 count=3 at 1m",
    "deployment shop/web available=3 at 3m49s",
    "deployment shop/web available=0 at 3m50s",
)
"""),
    ("md", """
Why does web crowd onto one node? Kubernetes spreads a Deployment's pods by default, but only as a preference
(the scheduler's `PodTopologySpread` score): a node without room is filtered out before any score counts, so
while the batch holds two nodes, web gets the third. And the scheduler never moves a running pod: once the batch
is gone, web stays where it landed.

## Question 1: how often is the shop left with nothing?

120 seeds, the scenario as written: 3 nodes, no hard spread constraint, worker-1 lost at `3m`.
"""),
    ("code", "q1 = kdsl.sweep(sim.scenario, seeds=120)\nq1"),
    ("md", """
Each row of `q1.runs` is one run: its seed, each expectation's outcome, each measure. The chart below shows
where web landed, run by run: worker-1 held either none of web's pods or all three, never one or two. So the
placement really changes with the seed, and all of web shares one node in every run.
"""),
    ("code", 'q1.plot("on_worker_1")'),
    ("code", 'q1.runs["on_worker_1"].value_counts()'),
    ("md", """
**The answer: in 39 of 120 runs, about a third, losing worker-1 leaves the shop with no web pod available** —
as likely as the draw that leaves worker-1 free of the batch. Web's expectation holds in 68% of the runs, and
`web_floor` is 0 in the 39 others. `api` is never at risk: its two small pods fit beside the batch, so the
default spreading puts them on two nodes.
"""),
    ("code", 'q1.plot("web_floor")'),
    ("md", """
## Question 2: how many workers at peak?

Now the node is lost *at peak*, at `1m`, while the batch still runs, and the sweep goes over the number of
worker nodes: 3 to 6, 30 seeds each. "Every Deployment" is what customers use, web and api; the batch may
wait.
"""),
    ("code", 'q2 = kdsl.sweep(sim.scenario, params={"nodes": [3, 4, 5, 6], "fail_at": "1m"}, seeds=30)\nq2'),
    ("code", 'q2.plot("web_floor", by="nodes")'),
    ("md", """
**The answer: 4 workers.** With 3, web is left with nothing in 13 of 30 runs (the expectation holds in 57%). From 4
on, two nodes stay free of the batch, the default spreading puts web on both, and web keeps at least one pod in
every run; with 5 or 6, at least two.

## The fix without a fourth node: a hard spread constraint

`unsatisfiable=DoNotSchedule` turns web's spread constraint into a rule: no node may hold more than one web pod
more than another (`maxSkew=1`). While the batch holds two nodes, web's second and third pods wait `Pending`
rather than crowd in; when the batch is scaled down at 2m, they are scheduled on the nodes it freed. A
PodDisruptionBudget would not help: it limits *voluntary* disruptions (drains, evictions), and a lost node asks
no one.

The sweep compares both settings of `unsatisfiable`, with the loss after the batch (`3m`) and at peak (`1m`):
"""),
    ("code", """
q3 = kdsl.sweep(sim.scenario, params={"unsatisfiable": ["ScheduleAnyway", "DoNotSchedule"],
                                     "fail_at": ["3m", "1m"]}, seeds=30)
q3
"""),
    ("code", 'q3.plot("web_floor", by="unsatisfiable")'),
    ("md", """
After the batch, `DoNotSchedule` removes the risk: web keeps two of its three pods available in all 30 runs,
where `ScheduleAnyway` leaves it nothing in 13 of 30. At peak the rule cannot help: while the batch runs there is
room for only one web pod, so the price of the rule is a web of one pod until the batch ends, and losing that
node still leaves nothing, in the same 13 runs of 30. For a loss at peak only capacity helps: the fourth worker
of question 2.

Try it: make the batch smaller (`cpu=1200m`) and sweep again: web then fits beside it, and the default spreading
alone keeps it safe.
"""),
    ("code", "sim.explore()"),
]
