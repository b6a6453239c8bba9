"""Service and Ingress."""

CELLS = [
    ("md", """
# Service and Ingress

Pods come and go, and each new one has a new IP address. A **Service** gives a set of pods one stable name and
virtual IP: its selector picks the pods, and the EndpointSlice controller keeps the list of their addresses,
marking each ready or not ready. An **Ingress** routes HTTP requests by host and path to Services.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
}

namespace shop {
  deployment web replicas=3 {
    labels app=web
    container nginx image=nginx:1.25 {
      port http 80
      readiness http /healthz port=80 delay=5s period=5s
    }
  }
  deployment api replicas=2 image=shop/api:1.4 port=8080 cpu=100m memory=128Mi

  service web selects app=web ports 80->http
  service api selects app=api ports 8080
  service web-public nodeport selects app=web ports 80->http:30080

  ingress shop-gw class=nginx {
    rule shop.example.com /api -> api:8080
    rule shop.example.com / -> web:80
  }
}

run 1m

expect service shop/web endpoints=3 by 30s
expect service shop/api endpoints=2
expect route shop.example.com/api/orders -> shop/api
expect route shop.example.com/ -> shop/web
"""),
    ("md", """
## Services and their endpoints

Each Service got a cluster IP from the service CIDR. The web pods only count as **ready** endpoints once
their readiness probe passes — 5 seconds after they start, at 6s; until then they are listed as not ready and
get no traffic. Compare the table at 3s and at the end:
"""),
    ("code", 'sim.services(at="3s")'),
    ("code", "sim.services()"),
    ("code", """
sim.expect(
    "service shop/web endpoints=0 notready=3 at 3s",
    "service shop/web endpoints=3 notready=0 at 6s",
    "service shop/web-public endpoints=3",
)
"""),
    ("md", """
The Ingress's rules, and where a request goes: `/api/orders` matches the longer `/api` prefix, so it goes to
`api`, whose two pods get half the requests each; every other path goes to `web`.
"""),
    ("code", "sim.ingresses()"),
    ("code", 'sim.route("shop.example.com/api/orders")'),
    ("code", """
sim.expect(
    "route shop.example.com/api/orders -> shop/api",
    "route shop.example.com/orders -> shop/web",
    "service shop/api endpoints=2",
)
"""),
    ("md", "Ingress → Service → Pods: solid edges are ready endpoints, dashed ones not ready."),
    ("code", "sim.topology()"),
    ("code", "sim.explore()"),
]
