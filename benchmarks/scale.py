"""Prints the engine's speed and memory on a large cluster: nodes, pods, text to all-Ready; --curve for its growth."""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time

# (nodes, pods) of the curve: a node per ten pods up to 5,000 nodes, the benchmark's own shape last.
CURVE = ((100, 1_000), (1_000, 10_000), (5_000, 50_000), (5_000, 150_000))


def generate(nodes: int, pods: int) -> str:
    """A pool of 32 CPU / 128Gi / 110-pod nodes and `pods` pods from `pod` statements (the controllers,
    which will make them from Deployments, are not in the engine yet)."""
    out = [f"cluster scale podCIDR=10.128.0.0/9 {{ nodes pool count={nodes} cpu=32 memory=128Gi pods=110 }}",
           "namespace bench {"]
    for i in range(pods):
        out.append(f"  pod p{i} image=registry.example.com/app:{i % 50} cpu=100m memory=128Mi {{ labels app=a{i % 1000} }}")
    out.append("}")
    return "\n".join(out) + "\n"


def generate_deployments(nodes: int, pods: int, deployments: int = 1000) -> str:
    """The same pool with `pods` pods made by `deployments` Deployments, three Services (one selecting
    a tenth of the Deployments, one a single Deployment, one headless) and a DaemonSet on every node."""
    per = pods // deployments
    out = [f"cluster scale podCIDR=10.128.0.0/9 {{ nodes pool count={nodes} cpu=32 memory=128Gi pods=110 }}",
           "namespace bench {"]
    for i in range(deployments):
        out.append(f"  deployment d{i} replicas={per} image=registry.example.com/app:{i % 50} cpu=100m "
                   f"memory=128Mi port=8080 {{ labels app=d{i} group=g{i % 10} }}")
    out.append("  service grouped selects group=g0 ports 80->8080")
    out.append("  service single selects app=d1 ports 80->8080")
    out.append("  service peers headless selects app=d2 ports 8080")
    out.append("  daemonset agent image=registry.example.com/agent:1 cpu=50m memory=64Mi")
    out.append("}")
    return "\n".join(out) + "\n"


def arguments(description: str) -> argparse.Namespace:
    """--nodes, --pods and --deployments, defaulting to the benchmark's 5,000 nodes and 150,000 pods."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=150_000)
    ap.add_argument("--deployments", type=int, default=0, metavar="N",
                    help="make the pods from N Deployments (with 3 Services and a DaemonSet), not pod statements")
    ap.add_argument("--trace", choices=("on", "off"), default="on",
                    help="keep the request trace and scheduling cycles (sim.journey's facts; default on)")
    ap.add_argument("--curve", action="store_true",
                    help="time and peak memory at 1k, 10k, 50k and 150k pods, each in its own process (with "
                         "--deployments, one Deployment per 150 pods); --pods caps the curve")
    return ap.parse_args()


def curve(args: argparse.Namespace) -> None:
    """Runs each point of CURVE in a fresh process (peak RSS is per process) and prints one table."""
    print(f"{'nodes':>6} {'pods':>8} {'deploys':>7} {'parse s':>8} {'simulate s':>10} {'total s':>8} "
          f"{'pods/s':>8} {'peak GiB':>8} {'us/pod':>7} {'cpu s':>7}")
    for nodes, pods in CURVE:
        if pods > args.pods:
            break
        deployments = max(1, pods // 150) if args.deployments else 0
        done = subprocess.run([sys.executable, __file__, "--nodes", str(nodes), "--pods", str(pods),
                               "--deployments", str(deployments)], capture_output=True, text=True, check=True)
        parse, simulate, total, rss = (float(x) for x in re.search(
            r"parse ([\d.]+) s, simulate ([\d.]+) s, total ([\d.]+) s.*peak RSS ([\d.]+) GiB", done.stdout).groups())
        cpu = float(re.search(r"cpu: .*total ([\d.]+) s", done.stdout).group(1))
        print(f"{nodes:>6} {pods:>8} {deployments:>7} {parse:>8.2f} {simulate:>10.2f} {total:>8.2f} "
              f"{pods / total:>8,.0f} {rss:>8.2f} {total / pods * 1e6:>7.0f} {cpu:>7.1f}", flush=True)


def main() -> None:
    args = arguments(__doc__)
    if args.curve:
        return curve(args)
    import kdsl
    from kdsl.engine.simulation import Simulation

    t0, c0 = time.perf_counter(), time.process_time()
    if args.deployments:
        text = generate_deployments(args.nodes, args.pods, args.deployments)
    else:
        text = generate(args.nodes, args.pods)
    scenario = kdsl.parse(text, "scale.kdsl")
    t1, c1 = time.perf_counter(), time.process_time()
    sim = Simulation(scenario, trace=args.trace == "on")
    sim.run()
    t2, c2 = time.perf_counter(), time.process_time()
    pods = sim.store.list("Pod")
    ready = sum(1 for p in pods if (c := p.status.condition("Ready")) is not None and c.status == "True")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux → GiB
    made = f" from {args.deployments} Deployments, 3 Services and a DaemonSet" if args.deployments else ""
    print(f"scale.py: {args.nodes} nodes, {args.pods} pods{made} ({len(pods)} pods in all), trace {args.trace}")
    print(f"  parse {t1 - t0:.2f} s, simulate {t2 - t1:.2f} s, total {t2 - t0:.2f} s, "
          f"{len(pods) / (t2 - t0):,.0f} pods/s; {ready} Ready at {sim.now / 1000:.0f} s simulated; "
          f"peak RSS {rss:.2f} GiB; {len(sim.log.events)} events")
    # CPU seconds of this process: what to compare on a machine other work shares (wall time is not)
    print(f"  cpu: parse {c1 - c0:.2f} s, simulate {c2 - c1:.2f} s, total {c2 - c0:.2f} s")


if __name__ == "__main__":
    main()
