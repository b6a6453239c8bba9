"""Prints how long the views take on the scale benchmark's cluster: tables, their displays, charts, the topology."""

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
    from kdsl.views import display
    from kdsl.views.interactive import notebook_html

    pods = tables.pods(sim)
    for name, fn in (("text (kdsl table)", lambda: display.text(pods)),
                     ("notebook HTML (interactive, first 500 rows)", lambda: notebook_html(pods))):
        start = time.perf_counter()
        out = fn()
        print(f"  pods display, {name}: {len(out):,} characters in {time.perf_counter() - start:.2f} s", flush=True)
    for kind in ("phases", "lifecycle"):
        start = time.perf_counter()
        sim.chart(kind).to_dict()
        first = time.perf_counter()
        sim.chart(kind, at=sim.now // 2).to_dict()
        again = time.perf_counter()
        print(f"  chart {kind}: {first - start:.2f} s, again at another moment {again - first:.2f} s", flush=True)
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
