"""The six steps of Pod creation through the control plane."""

CELLS = [
    ("md", """
# The six steps of Pod creation

What happens between `kubectl apply` and a running container? Six steps, each done by a different component,
each one only reacting to what the one before wrote:

1. **The API server** receives the request: it authenticates the user, checks RBAC, runs admission (defaults,
   LimitRanges, quota) and validation.
2. **etcd** stores the Pod — with no node yet. (kdsl's store plays etcd: every write is a new version.)
3. **The scheduler** watches for pods without a node, filters the nodes that fit, scores them, and writes a
   *binding*: the pod's `nodeName`.
4. **The kubelet** on that node sees a pod bound to it, and sets up its sandbox and network (the pod gets an IP).
5. **The container runtime** pulls each image, creates and starts each container.
6. **The kubelet** reports back: container statuses, then the `ContainersReady` and `Ready` conditions once the
   readiness probe passes — and only now may a Service send it traffic.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster steps {
  node worker-1 cpu=2 memory=4Gi
  node worker-2 cpu=2 memory=4Gi { labels disk=ssd }
}

namespace demo {
  pod web {
    labels app=web
    node-selector disk=ssd
    container nginx image=nginx:1.25 {
      port http 80
      pull 4s
      start 2s
      readiness http /healthz port=80 delay=3s period=2s
    }
  }
  service web selects app=web ports 80->http
}

run 30s

expect pod demo/web phase=Running ready by 15s
expect service demo/web endpoints=1 by 15s
"""),
    ("md", """
## Every write, in order

Each row is one write to the store — kdsl's etcd — with the moment it happened: the API server stores the
pod (step 2) and the scheduler's binding follows at the same moment, 0s (step 3); the
kubelet writes the sandbox's IP at 1s (step 4), the started container at 5s after a 4-second pull (step 5),
and Ready at 9s (step 6):
"""),
    ("code", 'sim.changes(kind="Pod")'),
    ("code", """
sim.expect(
    "pod demo/web node=worker-2 at 0s",
    "pod demo/web status=ContainerCreating at 1s",
    "pod demo/web phase=Running ready=false at 5s",
    "pod demo/web ready at 9s",
)
"""),
    ("md", "The same story as Events — each component reports what it did (the `SOURCE` column is the reporter):"),
    ("code", 'sim.events(namespace="demo")'),
    ("md", """
Step 3 in detail: the scheduler's verdict for each node. worker-1 fails the `NodeAffinity` filter (no
`disk=ssd` label); worker-2 passes every filter and is scored.
"""),
    ("code", 'sim.explain("demo/web")'),
    ("md", """
Step 6: the conditions, with the moment each became true. Only once `Ready` is true, at 9s, does the
EndpointSlice controller list the pod as a ready endpoint of the Service:
"""),
    ("code", 'sim.conditions(namespace="demo")'),
    ("code", """
sim.expect(
    "service demo/web endpoints=0 notready=1 at 8s",
    "service demo/web endpoints=1 at 9s",
)
"""),
    ("code", "sim.topology()"),
    ("md", "Slide through the moments to see the pod go from `Pending` to `ContainerCreating` to `Running`, and ready:"),
    ("code", "sim.explore()"),
]
