"""Namespaces, labels and RBAC."""

CELLS = [
    ("md", """
# Namespaces, labels and RBAC

**Namespaces** divide a cluster between teams: names are unique within one, and a **ResourceQuota** caps
what one may use. **Labels** are how everything finds everything — a Service its pods, a Deployment its
ReplicaSets, you your objects (`selector=`). **RBAC** says who may do what: a Role lists verbs on resources in
one namespace, a RoleBinding grants it to users, groups or service accounts. Every request in kdsl goes
through authentication, RBAC and admission, as `admin` unless a user is named.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster office {
  node worker-1 cpu=8 memory=16Gi
  node worker-2 cpu=8 memory=16Gi
}

namespace shop {
  labels team=web
  quota cpu=2 memory=4Gi pods=4
  deployment web replicas=2 image=nginx:1.25 cpu=250m memory=256Mi {
    labels app=web tier=frontend
  }
  deployment api replicas=1 image=shop/api:1.4 cpu=250m memory=256Mi {
    labels app=api tier=backend
  }
}

namespace data {
  labels team=data
  pod report image=shop/report:1 cpu=100m memory=64Mi { labels app=report tier=batch }
}

user alice token=t-alice groups=dev
user bob token=t-bob
role shop/developer {
  allow get,list,watch on pods,services
  allow create,delete on pods
}
rolebinding shop/devs role=developer to user:alice

at 30s as alice: create pod shop/probe image=busybox:1.36 cpu=100m memory=64Mi
at 40s as bob: create pod shop/sneaky image=busybox:1.36 cpu=100m memory=64Mi
at 50s: scale shop/web replicas=6
run 2m

expect as alice: can create pods in shop
expect as alice: cannot create pods in data
expect as bob: cannot list pods in shop
expect pod shop/probe phase=Running
expect deployment shop/web available=2
expect events shop reason=FailedCreate count>=1
"""),
    ("md", """
## Namespaces and their quota

`shop` may run at most 4 pods. At 50s `web` is scaled to 6; the ReplicaSet controller's creations beyond the
quota are refused by the API server with Kubernetes' own message (`FailedCreate` events), so `web` stays at
2 pods: with `api` and alice's `probe` the namespace already holds its 4.
"""),
    ("code", "sim.namespaces()"),
    ("code", """
sim.expect(
    "deployment shop/web replicas=2 available=2",
    "pods shop count=4",
    'events shop reason=FailedCreate message~"exceeded quota: quota, requested: pods=1, used: pods=4, limited: pods=4"',
)
"""),
    ("md", "Labels select: the frontend pods everywhere, then everything not in the batch tier:"),
    ("code", 'sim.pods(selector="tier=frontend")'),
    ("code", 'sim.pods(selector="tier!=batch")'),
    ("md", """
## Who was refused, and why

alice may create pods in `shop`, through her RoleBinding; bob has no binding at all, so his pod is refused
at 40s. Every request the API server refused is kept, with who asked, the HTTP code, the reason and the
message `kubectl` would print — bob's, then the ReplicaSet controller's retries against the quota, each
after a longer back-off:
"""),
    ("code", "sim.refusals()"),
    ("code", """
sim.expect(
    "as alice: can create pods in shop",
    "as bob: cannot create pods in shop",
    "pod shop/probe phase=Running",
    "pods shop app=sneaky count=0",
)
"""),
    ("code", "sim.topology()"),
    ("code", "sim.explore()"),
]
