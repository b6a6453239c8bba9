"""Prints kdsl's parse speed (lines/s of CPU time) on a generated scenario of about 100,000 lines."""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc


def generate(lines: int = 100_000) -> str:
    """A realistic scenario: node pools, namespaces of deployments, services, config, a timeline."""
    # 500 nodes need a pod range of at least /15 (a /24 each): the default /16 holds 256, a `kdsl check` error.
    out = ["cluster bench podCIDR=10.128.0.0/15 {",
           "  nodes pool count=500 cpu=32 memory=128Gi pods=110 { labels zone=a }",
           "  storageclass standard provisioner=dynamic binding=WaitForFirstConsumer default",
           "}"]
    ns = 0
    while len(out) < lines:
        ns += 1
        out += [f"namespace team-{ns} {{",
                f"  labels team=t{ns} env=bench",
                "  quota cpu=200 memory=400Gi pods=500 services=50 pvcs=20",
                "  limits default cpu=500m memory=256Mi max cpu=4 memory=8Gi",
                f'  configmap app-config {{ LOG_LEVEL = "info"; REGION = "r{ns}" }}',
                '  secret app-credentials { password = "not-a-real-secret" }']
        for d in range(20):
            out += [f"  deployment web-{d} replicas=3 {{",
                    f"    labels app=web-{d} tier=frontend",
                    "    strategy rolling maxSurge=25% maxUnavailable=0",
                    f"    container app image=registry.example.com/team-{ns}/web-{d}:1.{d} {{",
                    "      port http 8080",
                    "      requests cpu=250m memory=128Mi",
                    "      limits cpu=500m memory=256Mi",
                    '      env LOG_LEVEL="info"',
                    "      env from configmap app-config",
                    "      env DB_PASSWORD from secret app-credentials.password",
                    "      mount config at /etc/app readonly",
                    "      readiness http /healthz port=8080 delay=5s period=10s",
                    "      liveness tcp port=8080 delay=15s failures=3",
                    "      start 3s",
                    "    }",
                    "    volume config configmap=app-config",
                    "    toleration dedicated=web:NoExecute for=300s",
                    "    spread topology=zone maxSkew=1 unsatisfiable=ScheduleAnyway",
                    "  }",
                    f"  service web-{d} selects app=web-{d} ports 80->http"]
        out += ["}",
                f"at {ns}m: scale team-{ns}/web-0 replicas=5",
                f"expect deployment team-{ns}/web-0 available=5 by {ns + 5}m"]
    return "\n".join(out) + "\n"


def _best(run, repeat: int = 3, before=None) -> float:
    """The least CPU time of `repeat` runs, each after `before()` (untimed). CPU time, not wall time: on a shared
    machine wall time mostly counts waits for a core (docs/benchmarks.md). tracemalloc is off here (it slows every
    allocation): the memory is measured in a pass of its own."""
    best = None
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        t0 = time.process_time()
        result = run()
        dt = time.process_time() - t0  # measured before `result` is freed: freeing is not parsing
        del result
        best = dt if best is None else min(best, dt)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=100_000)
    args = ap.parse_args()
    text = generate(args.lines)
    n = text.count("\n")
    import kdsl
    from kdsl.lang import parse_document
    kdsl.parse("pod warmup image=busybox\n")  # builds the LALR tables once, outside the timing
    print(f"parse.py: a generated scenario of {n} lines, {len(text) / 1e6:.1f} MB (CPU time, best of 3; "
          "the peak memory from one more run under tracemalloc, not timed)")
    from kdsl.engine.run import clear_cache  # a repeated kdsl.parse of the same text would be a cache hit, not a parse
    from kdsl.engine.precheck import precheck
    from kdsl.model.build import build

    document = parse_document(text, "bench.kdsl")
    built: dict = {}  # the scenario and what the build knows of its alike objects, which kdsl.parse hands the precheck
    build(document, later=lambda scenario, alike: built.update(scenario=scenario, alike=alike) or [])
    # kdsl.parse keeps its result: the cache is cleared before each timed parse, not in it (which would time freeing
    # the last run's Scenario, about 0.2 million objects)
    for what, run, before in (("text -> syntax tree", lambda: parse_document(text, "bench.kdsl"), None),
                              ("syntax tree -> model", lambda: build(document), None),
                              ("text -> model, no precheck", lambda: build(parse_document(text, "bench.kdsl")), None),
                              ("model -> precheck", lambda: precheck(built["scenario"], built["alike"]), None),
                              ("text -> model (kdsl.parse)", lambda: kdsl.parse(text, "bench.kdsl"), clear_cache),
                              ("the same text again (cached)", lambda: kdsl.parse(text, "bench.kdsl"), None)):
        best = _best(run, before=before)
        if before is not None:
            before()
        tracemalloc.start()  # after the timed runs, which tracing would slow
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {what:29} {best * 1000:7.0f} ms  {n / best:10,.0f} lines/s  peak traced memory {peak / 2**20:4.0f} MiB")


if __name__ == "__main__":
    main()
