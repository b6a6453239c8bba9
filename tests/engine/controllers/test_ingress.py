"""The ingress controller: one Sync event per Ingress added or changed, none for other writes."""

from __future__ import annotations

import kdsl
from kdsl.engine.simulation import Simulation

TEXT = """
namespace shop {
  pod web image=nginx:1.25 { labels app=web }
  service web selects app=web ports 80
  ingress gw { rule /api -> web:80 }
}
at 10s: apply { namespace shop { ingress gw { rule /api -> web:80 } } }
at 20s: apply { namespace shop { ingress gw { rule /v2 -> web:80 } } }
at 30s: delete ingress shop/gw
node n1
"""


def test_sync_events_follow_ingress_spec_changes():
    sim = Simulation(kdsl.parse(TEXT)).run(until=40_000)
    syncs = [(e.time_ms, e.object, e.message, e.source) for e in sim.log.events if e.reason == "Sync"]
    # 10 s applies the same rules (a metadata-only write): no sync.
    assert syncs == [(0, "ingress/gw", "Scheduled for sync", "nginx-ingress-controller"),
                     (20_000, "ingress/gw", "Scheduled for sync", "nginx-ingress-controller")]
    assert sim.route("x/v2", at=25_000).service == "shop/web"
    assert sim.route("x/v2").reason == "no ingress exists"
