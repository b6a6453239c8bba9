"""sim.why_connect()'s answer: a str (printed, compared) that a notebook shows as wrapped lines under their indents."""

from __future__ import annotations

import html
import re
from pathlib import Path

import kdsl
from kdsl.views.connectivity import Reasons, reasons_html

NETPOL = Path(__file__).with_name("netpol.kdsl")


def test_the_answer_is_its_text_and_a_notebook_shows_its_lines_not_a_quoted_string():
    sim = kdsl.simulate(kdsl.load(NETPOL))
    answer = sim.why_connect("pods shop app=web", "service shop/db", 5432)
    assert isinstance(answer, Reasons) and isinstance(answer, str)
    lines = answer.splitlines()
    assert lines[0].startswith("pod shop/web-") and lines[1].startswith("  egress: ")
    bundle = answer._repr_mimebundle_()
    assert bundle["text/plain"] == str(answer)  # not repr's quotes and \n
    shown = bundle["text/html"]
    rows = re.findall(r'<div style="([^"]*)">([^<]*)</div>', shown)
    assert [html.unescape(text) for _, text in rows] == [ln.lstrip(" ") for ln in lines]
    # A head line hangs its continuation 4 characters in; an indented line keeps its 2 and hangs 4 more.
    assert rows[0][0].endswith("padding-left:4ch;text-indent:-4ch") and "padding-left:6ch" in rows[1][0]
    assert all("white-space:pre-wrap;overflow-wrap:normal" in style for style, _ in rows)  # breaks at spaces only
    assert "var(--jp-content-font-color1" in shown  # the theme's text colour, light or dark


def test_markup_in_a_name_is_escaped():
    assert "&lt;b&gt;" in reasons_html("pod shop/<b> -> x")


def _pair_by_pair(sim):
    """The matrix without the shortcut: every pod pair judged over every policy of the cluster."""
    from kdsl.engine.netpol.cluster import cluster_at
    from kdsl.engine.netpol.evaluate import judge

    c = cluster_at(sim, sim.now)
    groups: dict = {}
    for p in c.pods:
        groups.setdefault(c.owners[f"{p.namespace}/{p.name}"], []).append(p)
    out = {}
    for src, sources in groups.items():
        for dst, destinations in groups.items():
            for num, proto in {(n, pr) for d in destinations for _, n, pr in d.ports}:
                found = [judge(s, d, num, proto, list(c.policies), c.namespaces).allowed
                         for s in sources for d in destinations if any(x[1:] == (num, proto) for x in d.ports)]
                out[(src, dst, f"{num}/{proto}")] = (sum(found), len(found))
    return out


def test_pods_of_one_shape_share_a_verdict_but_an_ip_block_still_tells_them_apart():
    """connectivity() judges each pair of pod shapes once; it must say what judging every pod pair says, also
    when a cidr peer admits some replicas of a Deployment and not others (kdsl applies ipBlock to pod IPs)."""
    text = """node n1
namespace shop {
  deployment web replicas=4 { container web image=nginx:1.25 { port 80 } }
  deployment api replicas=3 { container api image=shop/api:1 { port http 8080 } }
  networkpolicy api-from-web selects app=api { allow ingress from pods app=web ports http }
  networkpolicy web-from-block selects app=web { allow ingress from cidr 10.244.0.0/30 }
}
namespace other { deployment probe replicas=2 image=busybox:1.36 }
"""
    sim = kdsl.simulate(kdsl.parse(text))
    table = sim.connectivity(wide=True)
    expected = _pair_by_pair(sim)
    assert len(table) == len(expected) > 0
    partly = 0
    for src, dst, port, allowed, pairs in table[["SOURCE", "DESTINATION", "PORT", "ALLOWED", "PAIRS"]].values:
        ok, n = expected[(src, dst, port)]
        assert pairs == n
        assert allowed == ("allowed" if ok == n else "denied" if ok == 0 else f"{ok} of {n}"), (src, dst, port)
        partly += 0 < ok < n
    assert partly  # the block admits some web pods' peers and not others
