"""Ingress routing: which rule, Service and pods serve a URL (host and path matching as networking/v1 says)."""

from __future__ import annotations

import attrs

from kdsl.core.values import digits
from kdsl.engine.objects import ApiObject
from kdsl.core.errors import UsageError
from kdsl.engine.services import CLUSTER_DOMAIN, Backend, balance, serving_endpoints, slices_at


@attrs.frozen(kw_only=True)
class Candidate:
    """One ingress path (or default backend) that could serve a request, with where it comes from."""

    ingress: ApiObject
    host: str
    path: str | None  # None: the default backend
    path_type: str | None
    service: str
    port: int | str

    @property
    def text(self) -> str:
        where = f"ingress {self.ingress.namespace}/{self.ingress.name}"
        if self.path is None:
            return f"{where} default backend -> {self.service}:{self.port}"
        return f"{where} rule {self.host or '*'} {self.path} ({self.path_type}) -> {self.service}:{self.port}"


@attrs.frozen(kw_only=True, repr=False)
class Route:
    """Where a request goes: the rule that matched (or the default backend), the Service and port, and
    the pods that would serve it with their shares; `reason` says why nothing serves it."""

    url: str
    host: str
    path: str
    rule: str | None = None
    ingress: str | None = None  # NS/NAME
    service: str | None = None  # NS/NAME
    port: int | str | None = None
    backends: tuple[Backend, ...] = ()
    reason: str = ""

    @property
    def served(self) -> bool:
        return bool(self.backends)

    def text(self) -> str:
        """What `kdsl run --route` prints: the URL, where it goes and the pods serving it with their shares."""
        if not self.served:
            head = f"route {self.host}{self.path} -> none: {self.reason}"
            return head + (f"\n  via {self.rule}" if self.rule else "")
        lines = [f"route {self.host}{self.path} -> {self.service}:{self.port}", f"  via {self.rule}"]
        lines += [f"  {r['POD']}  {r['ADDRESS']}:{r['PORT']}  {r['NODE']}  {r['SHARE']}" for r in self.rows()]
        return "\n".join(lines)

    def rows(self) -> list[dict]:
        """One row per serving pod: POD, ADDRESS, PORT, NODE, SHARE (as a percentage)."""
        return [{"POD": b.pod, "ADDRESS": b.address, "PORT": b.port, "NODE": b.node or "<none>",
                 "SHARE": f"{float(b.share) * 100:.1f}%"} for b in self.backends]

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        where = f"{self.service}:{self.port}, {len(self.backends)} pods" if self.served else f"none: {self.reason}"
        return f"<Route {self.host}{self.path} -> {where}>"


# ---- matching (pure) -----------------------------------------------------------------------------


def checked_url(url) -> str:
    """The URL a person asked about, or kdsl's error saying what a URL is here."""
    if not isinstance(url, str) or not url.strip():
        raise UsageError(f"url={url!r} is not a URL; give HOST/PATH (\"shop.example.com/api\") or a Service's "
                         "DNS name (\"web.shop.svc.cluster.local\")")
    return url.strip()


def split_url(url: str) -> tuple[str, str]:
    """`shop.example.com/api?x=1` -> (`shop.example.com`, `/api`): scheme, port, query and fragment dropped;
    the host lower-cased (a Host header is not case-sensitive), the path kept as written."""
    rest = url.split("://", 1)[-1]
    host, slash, path = rest.partition("/")
    path = "/" + path.split("?", 1)[0].split("#", 1)[0] if slash else "/"
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower(), path


def host_matches(rule_host: str, host: str) -> bool:
    """A precise host matches exactly; `*.foo.com` matches exactly one more leading label (`bar.foo.com`,
    not `foo.com`, not `a.bar.foo.com`); no host matches every host."""
    if not rule_host:
        return True
    rule_host = rule_host.lower()
    if rule_host.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == rule_host[2:]
    return rule_host == host


def _elements(path: str) -> list[str]:
    return [e for e in path.split("/") if e]


def path_matches(rule_path: str, path_type: str, path: str) -> bool:
    """Exact: the whole path, case-sensitive. Prefix: element-wise on `/`-separated parts, so `/foo/bar`
    matches `/foo/bar/baz` but not `/foo/barbaz`, and a trailing slash is ignored on both sides.
    ImplementationSpecific is taken as Prefix (kdsl)."""
    if path_type == "Exact":
        return rule_path == path
    want = _elements(rule_path)
    return _elements(path)[:len(want)] == want


def best_path(candidates: list[Candidate], path: str) -> Candidate | None:
    """The longest matching path wins; at equal length Exact beats Prefix; then the older Ingress
    (ingress-nginx's order), then namespace and name."""
    hits = [c for c in candidates if path_matches(c.path, c.path_type, path)]
    if not hits:
        return None
    return min(hits, key=lambda c: (-len(c.path), c.path_type != "Exact", c.ingress.meta.creation_ms,
                                    c.ingress.namespace, c.ingress.name))


def choose(ingresses: list[ApiObject], host: str, path: str) -> tuple[Candidate | None, str]:
    """The candidate that serves `host` + `path`, or None and why. Rules are grouped by host as an ingress
    controller builds its servers: the precise host if any rule names it, else a matching wildcard, else
    the rules without a host; a request whose group has no matching path gets a default backend."""
    ordered = sorted(ingresses, key=lambda i: (i.meta.creation_ms, i.namespace, i.name))
    rules = [Candidate(ingress=i, host=r.host, path=r.path, path_type=r.path_type, service=r.service, port=r.port)
             for i in ordered for r in i.spec.rules]
    exact = [c for c in rules if c.host and not c.host.startswith("*") and c.host.lower() == host]
    wild = [c for c in rules if c.host.startswith("*.") and host_matches(c.host, host)]
    group = exact or wild or [c for c in rules if not c.host]
    hit = best_path(group, path)
    if hit is not None:
        return hit, ""
    owners = [c.ingress for c in group] + ordered
    for ing in owners:
        if ing.spec.default_backend is not None:
            svc, port = ing.spec.default_backend
            return Candidate(ingress=ing, host="", path=None, path_type=None, service=svc, port=port), ""
    if not ingresses:
        return None, "no ingress exists"
    return None, f"no ingress rule matches {host}{path} and no ingress has a default backend (404)"


# ---- a URL on the cluster as it stood at a moment ------------------------------------------------


BUILTIN_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")  # exist without an object


def ingresses_at(store, t: int) -> list[ApiObject]:
    namespaces = {n.name for n in store.kind_at("Namespace", None, t)} | set(BUILTIN_NAMESPACES)
    return [i for ns in sorted(namespaces) for i in store.kind_at("Ingress", ns, t)]


def route(sim, url: str, at: int | None = None) -> Route:
    """Route `url` (`HOST/PATH`) at a moment (default: now). A host `SVC.NS.svc.cluster.local` (or
    `SVC.NS.svc`, optionally `:PORT`) goes to that Service directly, as a pod inside the cluster would."""
    t = sim.now if at is None else at
    host, path = split_url(url)
    base = Route(url=url, host=host, path=path)
    direct = _service_host(url)
    if direct is not None:
        ns, name, port, hostname = direct
        return _backends(sim, base, ns, name, port, t, rule=f"cluster DNS {host}", ingress=None, hostname=hostname)
    cand, why = choose(ingresses_at(sim.store, t), host, path)
    if cand is None:
        return attrs.evolve(base, reason=why)
    ing = cand.ingress
    return _backends(sim, base, ing.namespace, cand.service, cand.port, t, rule=cand.text,
                     ingress=f"{ing.namespace}/{ing.name}")


def _service_host(url: str) -> tuple[str, str, int | None, str | None] | None:
    """(namespace, service, port, pod hostname) of `SVC.NS.svc[.cluster.local][:PORT]` or of a pod's own
    name `HOSTNAME.SVC.NS.svc[.cluster.local]` (a StatefulSet pod behind its headless Service)."""
    rest = url.split("://", 1)[-1].partition("/")[0].lower()
    name, _, port = rest.partition(":")
    parts = name.split(".")
    number = int(port) if digits(port) else None
    for at, pod in ((2, None), (3, parts[0])):
        if len(parts) > at and parts[at:] in (["svc"], ["svc"] + CLUSTER_DOMAIN.split(".")):
            return parts[at - 1], parts[at - 2], number, pod
    return None


def _backends(sim, base: Route, ns: str, name: str, port, t: int, rule: str, ingress: str | None,
              hostname: str | None = None) -> Route:
    found = attrs.evolve(base, rule=rule, ingress=ingress, service=f"{ns}/{name}", port=port)
    svc = sim.store.at(("Service", ns, name), t)
    if svc is None:
        return attrs.evolve(found, reason=f"service {ns}/{name} does not exist (503)")
    ports = svc.spec.ports
    sp = next((p for p in ports if p.port == port or (p.name and p.name == port)), None) if port is not None else (
        ports[0] if ports else None)
    if port is not None and sp is None:
        return attrs.evolve(found, reason=f"service {ns}/{name} has no port {port} (503)")
    if svc.spec.selector is None:
        return attrs.evolve(found, reason=f"service {ns}/{name} has no selector: kdsl manages no endpoints for it")
    picked = serving_endpoints(svc.spec, slices_at(sim.store, ns, name, t), sp)
    if hostname is not None:
        picked = [(ep, p) for ep, p in picked if ep.hostname == hostname]
    backends = balance(ns, picked)
    if not backends:
        which = f"no ready endpoint named {hostname}" if hostname is not None else "no ready endpoints"
        return attrs.evolve(found, reason=f"service {ns}/{name} has {which} (503)")
    return attrs.evolve(found, port=sp.port if sp is not None else port, backends=backends)


def route_holds(exp, checker, t: int) -> tuple[bool, str]:
    """`expect route HOST/PATH -> NS/SERVICE` holds when that Service serves the URL with at least one
    ready pod; `-> none` when no pod serves it (no rule, no Service, or no ready endpoint)."""
    r = route(checker.sim, f"{exp.host}{exp.path}", at=t)
    if r.served:
        found = f"{r.service} ({len(r.backends)} ready) via {r.rule}"
    else:
        found = f"none: {r.reason}"
    if exp.service is None:
        return not r.served, found
    return r.served and r.service == f"{exp.namespace}/{exp.service}", found
