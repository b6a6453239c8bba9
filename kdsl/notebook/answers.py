"""Rich displays of what a run answers: where a URL goes, the refused requests, the expectation results."""

from __future__ import annotations

from kdsl.core.values import format_duration
from kdsl.notebook.reprs import HTML, PLAIN, card, esc, pairs_table
from kdsl.views.display import block as _table  # the display rules: times as Kubernetes prints them, no index


def route_bundle(route) -> dict[str, str]:
    """The URL, the Ingress rule or DNS name that matched, the Service and port, and each serving pod with
    its share of the requests as a percentage — or why nothing serves it."""
    rows = [("URL", route.url)]
    if f"{route.host}{route.path}" != route.url:
        rows.append(("host and path", f"{route.host} {route.path}"))
    if route.rule:
        rows.append(("matched", route.rule))
    if route.service:
        rows.append(("service", f"{route.service} port {route.port}"))
    body = pairs_table(rows)
    if route.served:
        head = "".join(f"<th>{esc(c)}</th>" for c in ("POD", "ADDRESS", "PORT", "NODE", "SHARE"))
        cells = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r.values()) + "</tr>" for r in route.rows())
        body += f"<h4>{len(route.backends)} ready endpoints</h4><table><tr>{head}</tr>{cells}</table>"
    else:
        body += f'<p class="kdsl-err">not served: {esc(route.reason)}</p>'
    return {PLAIN: route.text(), HTML: card(f"route {route.host}{route.path}", body)}


def rejection_bundle(rejection) -> dict[str, str]:
    r = rejection
    rows = [("at", format_duration(r.time_ms)), ("user", r.user), ("request", f"{r.verb} {r.object}"),
            ("namespace", r.namespace or "<none>"), ("code", f"{r.code} {r.reason}"), ("message", r.message),
            ("from", r.source)]
    return {PLAIN: str(r), HTML: card(f"refused: {r.verb} {r.object}", pairs_table(rows))}


def rejections_bundle(rejections) -> dict[str, str]:
    """The refusals table (Simulation.refusals) over these rejections."""
    from kdsl.views.records import refusals_of

    plain = "\n".join(map(str, rejections)) or "no request was refused"
    if not rejections:
        return {PLAIN: plain, HTML: card("refused requests", "<p><i>none</i></p>")}
    return {PLAIN: plain, HTML: card(f"refused requests ({len(rejections)})", _table(refusals_of(rejections)))}


def result_bundle(result) -> dict[str, str]:
    css = "" if result.passed else ' class="kdsl-err"'
    return {PLAIN: str(result), HTML: f'<div class="kdsl-card"><span{css}>{esc(str(result))}</span></div>'}


def results_bundle(results) -> dict[str, str]:
    """✓/✗, the expectation, what was found and when, one row each, and the count passed and failed."""
    if not results:
        return {PLAIN: str(results), HTML: card("expectations", "<p><i>the scenario has no expect</i></p>")}
    failed = sum(not r.passed for r in results)
    title = f"expectations: {len(results) - failed} passed, {failed} failed"
    rows = _table(results.table()).replace("<td>✗</td>", '<td class="kdsl-err">✗</td>')
    return {PLAIN: str(results), HTML: card(title, rows)}


# The why-sentence's colours: the theme's text colour on a translucent amber, with the theme's warning colour as
# its edge, so it reads in light and dark (the dark theme's --jp-warn-color3 is a light fill under light text).
WHY_STYLE = ("<style>.kdsl-why{margin:4px 0;padding:4px 8px;line-height:1.45;max-width:60em;"
             "color:var(--jp-ui-font-color1,#222)}"
             ".kdsl-why-warn{border-left:3px solid var(--jp-warn-color1,#f57c00);background:rgba(255,152,0,.14)}"
             ".kdsl-why-ok{border-left:3px solid var(--jp-success-color1,#388e3c)}</style>")


def why_bundle(why) -> dict[str, str]:
    """sim.why's answer: the plain sentences, as a card titled with the pod and its state."""
    return {PLAIN: why.text(), HTML: WHY_STYLE + card(f"why: {why.pod} is {why.state}", why.html())}


def unhealthy_bundle(whys, total: int, name: str) -> dict[str, str]:
    """The `%%kdsl` summary's card: each unhealthy pod's why-sentence, the first few of `total`."""
    more = total - len(whys)
    tail = f"<p><i>and {more} more: <code>{esc(name)}.why(\"NS/NAME\")</code></i></p>" if more > 0 else ""
    plain = "\n".join(w.text() for w in whys) + (f"\nand {more} more" if more > 0 else "")
    title = f"not running and ready: {total} pod{'s' if total != 1 else ''}"
    return {PLAIN: plain, HTML: WHY_STYLE + card(title, "".join(w.html() for w in whys) + tail)}
