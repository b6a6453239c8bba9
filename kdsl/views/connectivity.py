"""Reachability views: the connectivity matrix of pod groups × destinations × ports, and why_connect."""

from __future__ import annotations

import html as _html

from kdsl.engine.netpol.cluster import cluster_at, verdicts
from kdsl.engine.netpol.evaluate import judge
from kdsl.views.common import frame, moment, selector as as_selector, shown

COLUMNS = ("SOURCE", "DESTINATION", "PORT", "ALLOWED", "PAIRS", "POLICIES")
DEFAULT = ("SOURCE", "DESTINATION", "PORT", "ALLOWED")


def connectivity(sim, at=None, namespace=None, selector=None, wide: bool = False):
    """One row per (source group, destination group, destination port): pods are grouped by their owner
    (`deployment shop/web`), the ports are those the destination's containers declare. ALLOWED is `allowed`
    when every pod pair passes, `denied` when none does, else `k of n`; PAIRS counts the pairs judged and
    POLICIES names the policies that isolate the destination or the source."""
    t = moment(sim, at)
    c = cluster_at(sim, t)
    sel = as_selector(selector)
    pods = [p for p in c.pods if (namespace is None or p.namespace == namespace)
            and (sel is None or sel.matches(dict(p.labels)))]
    groups: dict[str, list] = {}
    for p in pods:
        groups.setdefault(c.owners[f"{p.namespace}/{p.name}"], []).append(p)
    judged = _judge(c)
    rows = []
    for src in sorted(groups):
        for dst in sorted(groups):
            ports = sorted({(num, proto) for d in groups[dst] for _, num, proto in d.ports})
            for num, proto in ports:
                found = [judged(s, d, num, proto)
                         for s in groups[src] for d in groups[dst] if any(x[1:] == (num, proto) for x in d.ports)]
                ok = sum(v.allowed for v in found)
                allowed = "allowed" if ok == len(found) else "denied" if ok == 0 else f"{ok} of {len(found)}"
                policies = sorted({k for v in found for dec in (v.egress, v.ingress) if dec for k in dec.isolating})
                rows.append((src, dst, f"{num}/{proto}", allowed, len(found), ", ".join(policies) or "<none>"))
    return shown(frame(COLUMNS, rows), DEFAULT, namespace, wide)


def _judge(c):
    """`judge` over the cluster's policies, remembered per pair of pod shapes: two pods of one namespace with the
    same labels and ports get the same verdict (their IPs count too when a policy has an ipBlock, which kdsl
    applies to pod addresses), so a Deployment's replicas are judged once, not once per pod pair."""
    policies = list(c.policies)
    by_ip = any(peer.ip_block is not None for pol in policies for rule in (*pol.ingress, *pol.egress)
                for peer in rule.peers)
    # a policy selects only pods of its own namespace, so the two ends' namespaces hold every policy that counts
    in_ns: dict = {}
    for pol in policies:
        in_ns.setdefault(pol.namespace, []).append(pol)
    memo: dict = {}

    def judged(s, d, num, proto):
        key = (s.namespace, s.labels, s.ip if by_ip else None, d.namespace, d.labels, d.ports,
               d.ip if by_ip else None, num, proto)
        verdict = memo.get(key)
        if verdict is None:
            near = in_ns.get(s.namespace, []) + (in_ns.get(d.namespace, []) if d.namespace != s.namespace else [])
            verdict = memo[key] = judge(s, d, num, proto, near, c.namespaces)
        return verdict

    return judged


class Reasons(str):
    """why_connect's answer: the text itself (print it, compare it, search it), which a notebook shows as its lines,
    each wrapped at its spaces under its own indent, instead of a quoted string full of `\\n`."""

    __slots__ = ()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/plain": str(self), "text/html": reasons_html(self)}


# JupyterLab's code font and text colour (with fallbacks), so the lines read as the text they are, in either theme.
_LINES = ('<div class="kdsl-reasons" style="font-family:var(--jp-code-font-family,monospace);'
          'font-size:var(--jp-code-font-size,13px);line-height:1.4;color:var(--jp-content-font-color1,inherit)">')


def reasons_html(text: str) -> str:
    """Each line in a block that wraps at spaces only (never inside a name), its continuation 4 characters further
    in than the line's own indent."""
    rows = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        rows.append(f'<div style="white-space:pre-wrap;overflow-wrap:normal;padding-left:{indent + 4}ch;'
                    f'text-indent:-4ch">{_html.escape(body)}</div>')
    return _LINES + "".join(rows) + "</div>"


def why_connect(sim, src: str, dst: str, port, at=None) -> Reasons:
    """For each source pod and destination endpoint: allowed or denied, then each policy that isolates
    either end and each that allows the connection, with the rule that does."""
    found = verdicts(sim, src, dst, port, at=moment(sim, at))
    if not found:
        return Reasons(f"{src} -> {dst} port {port}: no pod with an IP to judge")
    return Reasons("\n".join(line for v in found for line in v.lines()))
