"""Prints how long the views take on the scale benchmark's cluster: the pods table and the topology."""

from __future__ import annotations

import time

from scale import arguments, generate


def main() -> None:
    args = arguments(__doc__)
    import kdsl
    from kdsl.views import tables, topology

    t0 = time.perf_counter()
    sim = kdsl.simulate(kdsl.parse(generate(args.nodes, args.pods), "scale.kdsl"))
    t1 = time.perf_counter()
    print(f"views.py: {args.nodes} nodes, {args.pods} pods (simulated in {t1 - t0:.1f} s)", flush=True)
    for name, fn in (("pods", tables.pods), ("pods at 1s", lambda s: tables.pods(s, at=1000)),
                     ("nodes", tables.nodes)):
        start = time.perf_counter()
        df = fn(sim)
        took = time.perf_counter() - start
        print(f"  table {name}: {len(df):,} rows in {took:.2f} s (target for 150,000 pods: <= 2 s)", flush=True)
    for view in ("namespace", "node"):
        start = time.perf_counter()
        graph = topology.topology(sim, view=view)
        built = time.perf_counter()
        svg = graph.pipe(format="svg")
        done = time.perf_counter()
        print(f"  topology {view} view: built in {built - start:.2f} s, rendered to SVG ({len(svg):,} bytes) in "
              f"{done - built:.2f} s, total {done - start:.2f} s (target <= 10 s)")


if __name__ == "__main__":
    main()
