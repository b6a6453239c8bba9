"""Service and Ingress tables: types, addresses, ports, and the endpoints ready or not behind each."""

from __future__ import annotations

import pandas as pd

from kdsl.engine.services import SERVICE_NAME_LABEL, service_row
from kdsl.views.common import NONE, age, frame, moment, objects, select, shown

SERVICE_COLUMNS = ("NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR", "READY",
                   "NOT READY", "ENDPOINTS", "AGE")
# kubectl get services, with the ready and not-ready endpoints behind each; `wide=True` adds SELECTOR, ENDPOINTS.
SERVICE_DEFAULT = ("NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "READY", "NOT READY", "AGE")


def endpoints_by_service(sim, t: int, namespace=None) -> dict[tuple[str, str], list]:
    """(namespace, service) → its endpoints at `t`, read from its EndpointSlices (sorted by slice name)."""
    out: dict[tuple[str, str], list] = {}
    for s in objects(sim, "EndpointSlice", t, namespace):
        svc = dict(s.meta.labels).get(SERVICE_NAME_LABEL)
        if svc is not None:
            out.setdefault((s.namespace, svc), []).append(s)
    return out


def counts(service, slices: list) -> tuple[int, int, list[str]]:
    """(ready, not ready, ready addresses as `ip:port`): as `expect service` counts them, a slice whose
    ports serve none of the service's ports is left out."""
    want = {(p.name or "", p.protocol) for p in service.ports}
    ready, notready, addrs = 0, 0, []
    for s in slices:
        ports = [p for p in s.spec.ports if (p.name, p.protocol) in want]
        if want and not ports:
            continue
        for ep in s.spec.endpoints:
            if ep.ready:
                ready += 1
                addrs.extend(f"{ep.address}:{p.port}" for p in ports) if ports else addrs.append(ep.address)
            else:
                notready += 1
    return ready, notready, addrs


def _endpoints_text(addrs: list[str]) -> str | None:
    """kubectl get endpoints: the first three addresses and `+ N more...`."""
    if not addrs:
        return None
    shown = ",".join(addrs[:3])
    return shown if len(addrs) <= 3 else f"{shown} + {len(addrs) - 3} more..."


def services(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl get services -o wide, with the ready and not-ready endpoints behind each (`kubectl get
    endpoints`' ENDPOINTS column)."""
    t = moment(sim, at)
    by_svc = endpoints_by_service(sim, t, namespace)
    rows = []
    for o in select(objects(sim, "Service", t, namespace), None, selector):
        r = service_row(o, t)
        ready, notready, addrs = counts(o.spec, by_svc.get((o.namespace, o.name), []))
        sel = ",".join(f"{k}={v}" for k, v in o.spec.selector) if o.spec.selector else None
        rows.append((o.namespace, o.name, r["TYPE"], _given(r["CLUSTER-IP"]), _given(r["EXTERNAL-IP"]),
                     _given(r["PORT(S)"]), sel, ready, notready, _endpoints_text(addrs), age(t, o.meta.creation_ms)))
    return shown(frame(SERVICE_COLUMNS, rows), SERVICE_DEFAULT, namespace, wide)


def _given(text: str) -> str | None:
    """The engine's kubectl text with `<none>` as a missing value (None), as every table holds it."""
    return None if text == NONE else text


INGRESS_COLUMNS = ("NAMESPACE", "NAME", "CLASS", "HOST", "PATH", "PATH TYPE", "BACKEND", "READY", "TLS", "AGE")
INGRESS_DEFAULT = ("NAMESPACE", "NAME", "CLASS", "HOST", "PATH", "BACKEND", "READY", "AGE")


def ingresses(sim, at=None, namespace=None, selector=None, wide: bool = False) -> pd.DataFrame:
    """kubectl describe ingress as rows: one per rule path (and the default backend, PATH `<default>`),
    with its backend Service and port and how many ready endpoints that Service has; `wide=True` adds
    PATH TYPE and TLS."""
    t = moment(sim, at)
    by_svc = endpoints_by_service(sim, t, namespace)
    svcs = {(s.namespace, s.name): s for s in objects(sim, "Service", t, namespace)}
    rows = []
    for o in select(objects(sim, "Ingress", t, namespace), None, selector):
        spec = o.spec
        tls = ",".join(f"{s.secret or NONE} terminates {','.join(s.hosts)}" for s in spec.tls) or None
        paths = [(p.host or "*", p.path, p.path_type, p.service, p.port) for p in spec.rules]
        if spec.default_backend is not None:
            paths.append(("*", "<default>", None, *spec.default_backend))
        for host, path, ptype, svc, port in paths:
            service = svcs.get((o.namespace, svc))
            ready = counts(service.spec, by_svc.get((o.namespace, svc), []))[0] if service is not None else None
            rows.append((o.namespace, o.name, spec.class_name or None, host, path, ptype, f"{svc}:{port}",
                         ready, tls, age(t, o.meta.creation_ms)))
    return shown(frame(INGRESS_COLUMNS, rows), INGRESS_DEFAULT, namespace, wide)
