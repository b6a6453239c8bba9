"""`kdsl table hpa` / `sim.hpa()`: kubectl get hpa's columns over a scale-up; the workloads table's HPA rows."""

from __future__ import annotations

import kdsl
from kdsl.views.display import text
from tests.golden import check_golden

TEXT = """
node n1 cpu=16 memory=32Gi
namespace shop
deployment shop/web replicas=2 image=shop/web:1 cpu=100m memory=128Mi
deployment shop/cache replicas=2 image=shop/cache:1 cpu=100m memory=256Mi
load deployment shop/web cpu=400m
load deployment shop/cache memory=600Mi
hpa shop/web target=deployment/web min=2 max=10 cpu=70%
hpa shop/cache target=deployment/cache max=4 cpu=80% memory=200Mi
run 2m
"""


def test_hpa_table_over_the_scale_up():
    sim = kdsl.simulate(kdsl.parse(TEXT))
    out = []
    for at in ("10s", "15s", "30s", "45s", "2m"):
        out.append(f"--- at {at}\n" + text(sim.hpa(at=at)))
    out.append("--- wide, namespace shop\n" + text(sim.hpa(namespace="shop", wide=True)))
    check_golden("views/hpa-scaling.txt", "\n".join(out))
    # before the controller has read a metric, kubectl prints <unknown> over the target
    assert sim.hpa(at="10s")["TARGETS"].tolist() == ["cpu: <unknown>/80%, memory: <unknown>/200Mi",
                                                      "cpu: <unknown>/70%"]
    assert list(sim.hpa().columns) == ["NAMESPACE", "NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS",
                                        "REPLICAS", "AGE"]


def test_workloads_table_has_a_row_per_hpa():
    sim = kdsl.simulate(kdsl.parse(TEXT))
    df = sim.workloads(at="45s")
    hpas = df[df["KIND"] == "HorizontalPodAutoscaler"]
    assert hpas["NAME"].tolist() == ["cache", "web"]
    assert hpas["STATUS"].tolist()[1] == "Deployment/web, cpu: 106%/70%, min 2, max 10"
    check_golden("views/workloads-hpa.txt", text(df))
