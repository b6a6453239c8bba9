"""Prints how long network policy and maintenance take: the connectivity matrix, why_connect, drains under budgets."""

from __future__ import annotations

import argparse
import resource
import time


def generate(nodes: int, tenants: int, replicas: int, drains: int) -> str:
    """`tenants` namespaces, each a web -> api -> db shop of `replicas` pods a tier, a default deny and the two
    policies that open it, and a budget per tier; the first `drains` nodes drained one after another at 2 min."""
    out = [f"cluster bench {{ nodes pool count={nodes} cpu=32 memory=128Gi pods=110 }}"]
    for t in range(tenants):
        out += [f"namespace t{t} {{",
                f"  deployment web replicas={replicas} {{ container web image=nginx:1.25 cpu=100m memory=64Mi "
                "{ port http 80 } }",
                f"  deployment api replicas={replicas} {{ container api image=shop/api:1 cpu=100m memory=64Mi "
                "{ port http 8080 } }",
                f"  deployment db replicas={replicas} {{ container db image=postgres:16 cpu=100m memory=64Mi "
                "{ port 5432 } }",
                "  service api selects app=api ports 80->http",
                "  networkpolicy default-deny selects all { isolate ingress }",
                "  networkpolicy web-from-all selects app=web { allow ingress }",
                "  networkpolicy api-from-web selects app=api { allow ingress from pods app=web ports http }",
                "  networkpolicy db-from-api selects app=db { allow ingress from pods app=api ports 5432 }",
                "  pdb web selects app=web maxUnavailable=1",
                "  pdb api selects app=api maxUnavailable=1",
                "  pdb db selects app=db minAvailable=50%",
                "}"]
    out += [f"at {2 + i}m: drain node pool-{i + 1} timeout=10m" for i in range(drains)]
    out.append(f"run {2 + drains + 5}m")
    return "\n".join(out) + "\n"


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"  {label}: {time.perf_counter() - start:.2f} s", flush=True)
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--tenants", type=int, default=100)
    ap.add_argument("--replicas", type=int, default=5)
    ap.add_argument("--drains", type=int, default=10)
    args = ap.parse_args()
    import kdsl

    text = generate(args.nodes, args.tenants, args.replicas, args.drains)
    pods = args.tenants * 3 * args.replicas
    print(f"maintenance.py: {args.nodes} nodes, {args.tenants} namespaces, {pods:,} pods, "
          f"{args.tenants * 4:,} network policies, {args.tenants * 3:,} budgets, {args.drains} drains", flush=True)
    scenario = timed("parse and check", lambda: kdsl.parse(text, "maintenance.kdsl"))
    sim = timed("simulate (with the drains)", lambda: kdsl.simulate(scenario))
    drains = sim.drains()
    print(f"  drains: {dict(drains['OUTCOME'].value_counts())}, {int(drains['RETRIES'].sum()):,} refused evictions "
          f"retried, the last finished at {drains['FINISHED'].dropna().max()}", flush=True)
    matrix = timed("connectivity(), every namespace", lambda: sim.connectivity())
    print(f"    {len(matrix):,} rows, {int((matrix['ALLOWED'] == 'allowed').sum()):,} allowed", flush=True)
    timed("connectivity(namespace='t0')", lambda: sim.connectivity(namespace="t0"))
    timed("why_connect(web -> db:5432) in t0",
          lambda: sim.why_connect("pods t0 app=web", "pods t0 app=db", 5432))
    timed("plot_connectivity(namespace='t0') to a Vega-Lite spec",
          lambda: sim.plot_connectivity(namespace="t0").to_dict())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"  peak memory: {rss:.2f} GiB", flush=True)


if __name__ == "__main__":
    main()
