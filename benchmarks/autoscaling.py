"""Prints the engine's speed and memory with load and autoscaling: nodes, pods, HPAs, load changes, 30 minutes."""

from __future__ import annotations

import argparse
import resource
import time


def generate(nodes: int, pods: int, hpas: int, minutes: int = 30) -> str:
    """`hpas` Deployments of pods/hpas replicas, each with an HPA (cpu 70%) and a load that rises at 5 min and
    falls at 15 min, on a pool the cluster autoscaler may grow by a fifth."""
    per = pods // hpas
    grow = max(1, nodes // 5)
    out = [f"cluster scale podCIDR=10.128.0.0/9 {{",
           f"  nodes pool count={nodes} cpu=32 memory=128Gi pods=110 autoscale={nodes}..{nodes + grow} provision=60s",
           "}",
           "namespace bench {"]
    for i in range(hpas):
        out += [f"  deployment d{i} replicas={per} {{",
                f"    labels app=d{i}",
                f"    container app image=registry.example.com/app:{i % 50} {{",
                "      requests cpu=250m memory=256Mi",
                "      limits cpu=1 memory=1Gi",
                "      uses cpu=20m memory=100Mi",
                "    }",
                "  }",
                # Usage at 70% of requests at the start: per pods share 155m + 20m = 175m of 250m.
                f"  load deployment d{i} cpu={155 * per}m memory={per * 50}Mi",
                f"  hpa d{i} target=deployment/d{i} min={per // 2} max={per * 2} cpu=70%"]
    out.append("}")
    for i in range(hpas):
        out.append(f"at {5 + i % 3}m: load deployment bench/d{i} cpu={250 * per}m memory={per * 50}Mi")
        out.append(f"at {15 + i % 3}m: load deployment bench/d{i} cpu={80 * per}m memory={per * 50}Mi")
    out.append(f"run {minutes}m")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--pods", type=int, default=20_000)
    ap.add_argument("--hpas", type=int, default=200)
    ap.add_argument("--minutes", type=int, default=30)
    args = ap.parse_args()
    import kdsl
    from kdsl.engine.simulation import Simulation

    t0 = time.perf_counter()
    scenario = kdsl.parse(generate(args.nodes, args.pods, args.hpas, args.minutes), "autoscaling.kdsl")
    t1 = time.perf_counter()
    sim = Simulation(scenario)
    sim.run()
    t2 = time.perf_counter()
    pods = sim.store.list("Pod")
    nodes = sim.store.count("Node")
    rescales = sum(1 for e in sim.log.events if e.reason == "SuccessfulRescale")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux -> GiB
    print(f"autoscaling.py: {args.nodes} nodes, {args.pods} pods, {args.hpas} HPAs, {args.minutes} min simulated")
    print(f"  parse {t1 - t0:.1f} s, simulate {t2 - t1:.1f} s, total {t2 - t0:.1f} s; at the end {len(pods)} pods "
          f"on {nodes} nodes, {rescales} SuccessfulRescale events, {len(sim.log.events)} events, "
          f"{sum(len(h) for h in sim.usage.history.values())} use changes; peak RSS {rss:.2f} GiB")


if __name__ == "__main__":
    main()
