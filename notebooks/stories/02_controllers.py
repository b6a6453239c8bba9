"""Controllers: Deployment, StatefulSet, DaemonSet, Job."""

CELLS = [
    ("md", """
# Controllers: Deployment, StatefulSet, DaemonSet and Job

You rarely create pods yourself. A **controller** watches an object that says what you want — three copies of
a web server, a numbered database replica set, one agent per node, a batch task that must finish — and
creates, replaces or deletes pods until the cluster matches. Each controller acts through the API server,
as its own service account, exactly as the real ones do.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
  node worker-3 cpu=4 memory=8Gi
  storageclass standard provisioner=dynamic binding=WaitForFirstConsumer default
}

namespace shop {
  deployment web replicas=3 image=nginx:1.25 port=80 cpu=250m memory=128Mi

  statefulset db replicas=2 service=db {
    labels app=db
    container postgres image=postgres:16 port=5432 {
      mount data at /var/lib/postgresql/data
      start 5s
    }
    claim data 1Gi class=standard access=RWO
  }
  service db headless selects app=db ports 5432

  daemonset node-exporter {
    labels app=node-exporter
    container exporter image=prom/node-exporter:1.7 port=9100
  }

  job migrate completions=1 parallelism=1 backoff=3 {
    container run image=shop/migrate:1 { exit 0 after 20s }
  }
}

at 2m: scale shop/web replicas=5
run 4m

expect deployment shop/web available=3 by 30s
expect deployment shop/web available=5 by 2m30s
expect statefulset shop/db ready=2 by 1m
expect daemonset shop/node-exporter ready=3 by 30s
expect job shop/migrate complete by 1m
"""),
    ("md", """
## What each controller made

`sim.workloads()` lists every controller object with its status columns, the way `kubectl get
deployments,replicasets,statefulsets,daemonsets,jobs` would. The Deployment made a **ReplicaSet**, which made
the pods; the StatefulSet named its pods `db-0`, `db-1` and gave each its own claim; the DaemonSet put one pod
on each of the three nodes; the Job ran its pod to completion.
"""),
    ("code", "sim.workloads()"),
    ("code", """
sim.expect(
    "replicasets shop app=web count=1",
    "pvc shop/data-db-0 bound",
    "pvc shop/data-db-1 bound",
    "daemonset shop/node-exporter ready=3",
    "node worker-1 pods=4",
    "job shop/migrate succeeded=1",
)
"""),
    ("code", "sim.pods()"),
    ("md", """
The StatefulSet starts its pods in order (`OrderedReady`): `db-1` is created only once `db-0` is Running and
Ready, at 3s. The timeline of each pod's phase and readiness shows it:
"""),
    ("code", 'sim.timeline(namespace="shop", selector="app=db")'),
    ("code", """
sim.expect(
    "pods shop app=db count=1 at 2s",
    "pod shop/db-0 phase=Running ready at 3s",
    "pods shop app=db count=2 at 3s",
    "statefulset shop/db ready=2 at 6s",
)
"""),
    ("md", "Ownership, drawn: Deployment → ReplicaSet → Pods, StatefulSet / DaemonSet / Job → Pods."),
    ("code", "sim.topology()"),
    ("md", """
At 2m the Deployment is scaled to 5: the ReplicaSet creates two pods at once, and they are available at 2m1s.
Slide the explorer across 2m to watch them arrive.
"""),
    ("code", """
sim.expect(
    "deployment shop/web replicas=5 available=3 at 2m",
    "deployment shop/web available=5 at 2m1s",
)
"""),
    ("code", "sim.explore()"),
]
