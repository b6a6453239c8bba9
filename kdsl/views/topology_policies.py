"""NetworkPolicies in the topology (`policies=True`): each policy, the pods it selects, the peers it allows."""

# Each policy is an octagon in its namespace, joined by a plain line (no arrow) to the pods it selects, as drawn
# (a pod, or its controller's group). Its rules become arrows in the direction traffic flows: an ingress rule's
# peers -> the policy, the policy -> an egress rule's peers, labelled `ingress 5432` or `egress 53/UDP` (every
# rule to that peer, one a line, written once where arrows with the same words meet at the policy). A peer is drawn as the pods it selects at that moment; what selects no pod of
# the diagram (an ipBlock, a selector that matches nothing here) is a box with the peer as kdsl writes it, and a
# rule with no peer at all points at one box, `any pod or address`.

from __future__ import annotations

from kdsl.engine.netpol.cluster import cluster_at
from kdsl.engine.netpol.evaluate import Endpoint, peer_matches, peer_text, port_text, selects
from kdsl.views.common import objects
from kdsl.views.drawing import FILLS, MID, POLICY_EDGE as ALLOWED
from kdsl.views.topology import vid

ANY = "Peer/any"


def add_policies(b, sim, t: int, namespace, pods, where: dict) -> None:
    """Add the policies of `namespace` (every one for None) at `t` to the builder `b`, whose pods `pods` are
    drawn at `where[(ns, name)]`."""
    ends = [(Endpoint(namespace=p.namespace, name=p.name, labels=p.meta.labels), where[(p.namespace, p.name)])
            for p in pods]
    spaces = cluster_at(sim, t).namespaces
    labels: dict[tuple[str, str], list[str]] = {}
    for o in objects(sim, "NetworkPolicy", t, namespace):
        policy = o.spec
        me = vid("NetworkPolicy", o.namespace, o.name)
        kinds = ", ".join(d.lower() for d in policy.policy_types)
        b.vertex(me, o.namespace, f"NetworkPolicy\n{o.name}\nisolates {kinds}", shape="octagon",
                 fillcolor=FILLS["policy"])
        chosen = [at for e, at in ends if selects(policy, e)]
        for target in sorted(set(chosen)):
            k, n = chosen.count(target), sum(1 for _, at in ends if at == target)
            # A group box some of whose pods the policy selects says how many (a StatefulSet's one pod).
            b.edge(me, target, dir="none", **({"label": f"selects {k} of {n}"} if k < n else {}))
        for direction in ("Ingress", "Egress"):
            if not policy.isolates(direction):
                continue  # rules of a direction the policy does not isolate allow nothing (kdsl adds the type)
            for rule in policy.rules(direction):
                text = f"{direction.lower()} " + (",".join(port_text(p) for p in rule.ports) or "all ports")
                for peer in _peers(b, rule, o.namespace, ends, spaces):
                    key = (peer, me) if direction == "Ingress" else (me, peer)
                    labels.setdefault(key, []).append(text)
    written: set[tuple[str, str]] = set()
    for (a, c), texts in sorted(labels.items()):
        attrs_ = dict(b.edges.get((a, c), ()))
        if attrs_.get("dir") == "none":  # an egress rule to pods the policy also selects: one line says both
            texts = [attrs_.get("label", "selects") + "; " + texts[0], *texts[1:]]
        b.edges.pop((a, c), None)
        # Not a constraint on the ranks: a policy stays beside the pods it selects, and a chain of allowed hops
        # (web -> api -> db) does not stretch the diagram wider than a notebook. The ports are written at the
        # policy's end of the arrow (where it is short and uncrowded, unlike its middle), in the mid-tone that
        # follows the theme (the blue is dim on a dark page).
        head = c.startswith("NetworkPolicy/") and not a.startswith("NetworkPolicy/")
        text = "\n".join(dict.fromkeys(texts))
        # Arrows of one rule from several peers (each pod of web) meet at the policy: their words, written at
        # that end of each, would lie on top of each other, so the first arrow says them for all.
        said = ((c if head else a), text) in written
        written.add(((c if head else a), text))
        b.edge(a, c, color=ALLOWED, penwidth="1.5", constraint="false",
               **({} if said else {"headlabel" if head else "taillabel": text, "labelfontcolor": MID}))


def _peers(b, rule, policy_ns: str, ends, spaces) -> list[str]:
    """The vertices a rule's peers are drawn as: the drawn pods each selects, else a box saying the peer."""
    if not rule.peers:
        b.vertex(ANY, "", "any pod or address", shape="box", style="rounded,filled", fillcolor=FILLS["config"])
        return [ANY]
    out = []
    for peer in rule.peers:
        found = sorted({at for e, at in ends if peer.ip_block is None and peer_matches(peer, policy_ns, e, spaces)})
        if not found:
            text = peer_text(peer)
            cluster = policy_ns if peer.ip_block is None and peer.namespace_selector is None else ""
            id_ = vid("Peer", cluster or None, text)
            b.vertex(id_, cluster, text.replace(" except ", "\nexcept "), shape="box", style="rounded,filled",
                     fillcolor=FILLS["config"])
            found = [id_]
        out += found
    return out
