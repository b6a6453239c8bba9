"""The six steps of Pod creation through the control plane, read from one pod's journey."""

CELLS = [
    ("md", """
# The six steps of Pod creation

What happens between `kubectl apply` and a running container? Six steps, each done by a different component,
each one only reacting to what the one before wrote:

1. **kube-apiserver** receives the request: it authenticates the user, asks RBAC whether they may, runs the
   admission plugins (defaults, LimitRanges, quota) and validation.
2. **etcd** stores the Pod — with no node yet. (kdsl's store plays etcd: every write is a new resourceVersion.)
3. **kube-scheduler** watches for pods without a node, filters the nodes that fit, scores them, and writes a
   *binding*: the pod's `nodeName`.
4. **The kubelet** on that node sees a pod bound to it through its own watch, asks the container runtime for a
   sandbox, and the CNI plugin gives the pod its IP.
5. **The container runtime**, driven by the kubelet, pulls each image, creates and starts each container.
6. **The kubelet** writes the pod's status back: phase `Running`, then the `ContainersReady` and `Ready`
   conditions once the readiness probe passes — and only now may a Service send it traffic.

`sim.journey(pod)` follows one pod through all six, one line a step, with the moment and the component that
took it. Below: `web` makes the whole trip; bob's pod is refused at step 1; three more pods stop at steps 3, 5
and 6.
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

  pod huge image=nginx:1.25 cpu=3 memory=1Gi                  # more CPU than any node has
  pod typo { container app image=ngnix:1.25 { pull fails } }  # an image that does not exist
  pod sulky {                                                 # starts, but never passes its readiness probe
    container api image=shop/api:1.4 {
      readiness http /ready port=8080 period=5s
      unready after 0s
    }
  }
}

user alice token=t-alice
user bob token=t-bob
role demo/developer {
  allow get,list,watch,create,delete on pods
}
rolebinding demo/devs role=developer to user:alice

at 20s as alice: create pod demo/probe image=busybox:1.36
at 20s as bob: create pod demo/sneaky image=busybox:1.36
run 30s

expect pod demo/web phase=Running ready by 15s
expect service demo/web endpoints=1 by 15s
expect as alice: can create pods in demo
expect as bob: cannot create pods in demo
"""),
    ("md", "`web`'s whole journey — every step from the request to Ready:"),
    ("code", """
web = sim.journey("demo/web")
web
"""),
    ("md", """
The same journey as swim lanes: a lane per component, time across, an arrow wherever the work passes to the next
component — through a write to the store that the next one watches:
"""),
    ("code", "web.chart()"),
    ("md", """
## Step 1: kube-apiserver

Authentication says who is asking (`admin`, in the `system:masters` group, which is allowed before RBAC is even
asked); then each admission plugin in order, with the field it changed: `ServiceAccount` sets the pod's service
account, `Priority` its priority, `DefaultTolerationSeconds` adds two tolerations (for a node that is not ready
or unreachable); last, validation.
"""),
    ("code", 'web.frame[web.frame.COMPONENT == "kube-apiserver"]'),
    ("code", """
steps = list(web.frame.STEP)
assert "admission ServiceAccount: spec.serviceAccountName → default" in steps
assert steps.index("admission Priority: spec.priority → 0") < steps.index("validation: the pod is valid")
sim.expect("as admin: can create pods in demo")
"""),
    ("md", "## Step 2: etcd\n\nThe pod is stored as `Pending`, with no node:"),
    ("code", 'web.frame[web.frame.COMPONENT == "etcd"]'),
    ("code", 'sim.expect("pod demo/web pending at 0s")'),
    ("md", """
## Step 3: kube-scheduler

Its watch delivers the unbound pod; one scheduling cycle filters the two nodes — worker-1 fails `NodeAffinity`
(no `disk=ssd` label) — and takes the one left without scoring it (it scores only when more than one node fits:
the journey then shows the chosen node's total score and the next highest), and binds. The bind is itself a
request to the API server (`pods/binding`), which also sets the `PodScheduled` condition:
"""),
    ("code", 'web.frame[web.frame.COMPONENT == "kube-scheduler"]'),
    ("code", """
sim.expect("pod demo/web node=worker-2 at 0s")
sim.explain("demo/web")
"""),
    ("md", """
## Step 4: the kubelet's sandbox and the pod's IP

The kubelet of worker-2 sees the bound pod through its watch; at 1s the runtime creates the sandbox and the CNI
plugin gives the pod its IP:
"""),
    ("code", 'web.frame[web.frame.STAGE.isin(["bind", "sandbox"]) & web.frame.COMPONENT.str.startswith("kubelet")]'),
    ("code", 'sim.expect("pod demo/web status=ContainerCreating ip=10.244.1.2 at 1s")'),
    ("md", """
## Step 5: the container runtime

The pull starts at 1s and takes 4 seconds; the container is created and started at 5s, and the kubelet writes
phase `Running`:
"""),
    ("code", 'web.frame[web.frame.STAGE == "event"]'),
    ("code", 'sim.expect("pod demo/web phase=Running ready=false at 5s")'),
    ("md", """
## Step 6: the kubelet's status

Each condition, with the moment it changed. The container needs 2 seconds to serve and the probe waits `delay=3s` after the start, so
readiness first passes at 9s: `ContainersReady` and `Ready` turn true, and only then does the EndpointSlice
controller list the pod as a ready endpoint of the Service:
"""),
    ("code", 'web.frame[web.frame.STAGE.isin(["status", "end"])]'),
    ("code", """
assert web.outcome == "Ready"
sim.expect(
    "pod demo/web ready at 9s",
    "service demo/web endpoints=0 notready=1 at 8s",
    "service demo/web endpoints=1 at 9s",
)
"""),
    ("md", """
## Refused at step 1: the missing RoleBinding

alice and bob both ask for a pod at 20s. The Role `developer` allows creating pods in `demo`, but only alice is
bound to it. alice's journey names the rule that allowed her; bob's stops at authorization, with the message
`kubectl` prints — no RoleBinding grants him `create` on `pods`, so the pod never reaches etcd:
"""),
    ("code", 'sim.journey("demo/probe").frame.head(3)'),
    ("code", 'sim.journey("demo/sneaky")'),
    ("md", "The API server's request trace keeps the refused request, with who asked and the stage that refused it:"),
    ("code", """
refused = [r for r in sim.traces.requests if r.error is not None]
[(r.user.name, r.verb, r.kind, r.name, r.stage, r.error.code) for r in refused]
"""),
    ("code", """
assert sim.journey("demo/sneaky").outcome == "refused" and [r.stage for r in refused] == ["authorization"]
sim.expect("as bob: cannot create pods in demo", "pod demo/probe running")
"""),
    ("md", """
Naming bob in the binding too — `rolebinding demo/devs role=developer to user:alice,user:bob` — would let his
request through, allowed by the same rule as alice's.

## Stuck on the way

Admitted pods may still stop short of Ready. The journey ends where each one stopped, and `.outcome` says how.

**At step 3**: `huge` asks for 3 CPUs and each node has 2. The scheduler's cycle finds no node, and it writes
`PodScheduled=False` with reason `Unschedulable` — the pod stays `Pending`, with no node, until something changes:
"""),
    ("code", """
huge = sim.journey("demo/huge")
huge
"""),
    ("code", """
assert huge.outcome == "Pending"
sim.expect('pod demo/huge pending reason=Unschedulable message~"2 Insufficient cpu"')
"""),
    ("md", """
**At step 5**: `typo`'s image does not exist. The pull fails (`ErrImagePull`), and the kubelet backs off
(`ImagePullBackOff`): it tries again `10s` after the failure, then waits twice as long each time, up to `5m`:
"""),
    ("code", """
typo = sim.journey("demo/typo")
typo.frame[typo.frame.STAGE.isin(["event", "end"])]
"""),
    ("code", """
assert typo.outcome == "ImagePullBackOff"
sim.expect('pod demo/typo status=ImagePullBackOff message~"Back-off pulling image"')
"""),
    ("md", """
**At step 6**: `sulky` starts, but its readiness probe fails. It is `Running` and never `Ready`: the kubelet
reports the failed probe (`Unhealthy`), the `Ready` condition stays false with reason `ContainersNotReady`, and no
Service would send it traffic:
"""),
    ("code", """
sulky = sim.journey("demo/sulky")
sulky.frame[sulky.frame.STEP.str.contains("Unhealthy|Ready|phase|not Ready")]
"""),
    ("code", """
assert sulky.outcome == "Running"
sim.expect("pod demo/sulky running ready=false", 'events demo reason=Unhealthy object=pod/sulky count>=1')
"""),
    ("md", "Every write of every pod, in order — the journeys' status steps, all together:"),
    ("code", 'sim.changes(kind="Pod")'),
    ("code", "sim.topology()"),
    ("md", "Slide through the moments to see `web` go from `Pending` to `ContainerCreating` to `Running`, and ready:"),
    ("code", "sim.explore()"),
]
