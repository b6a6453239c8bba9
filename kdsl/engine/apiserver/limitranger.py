"""LimitRanger: container defaults from a namespace's LimitRanges, then their min and max."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kdsl.engine.apiserver.errors import aggregate
from kdsl.engine.apiserver.resources import as_dict, as_resources, format_quantity
from kdsl.engine.objects import ApiObject
from kdsl.model.nodes import LimitRange
from kdsl.model.pods import Container, PodTemplate

ANNOTATION = "kubernetes.io/limit-ranger"


@attrs.frozen
class Limits:
    """One LimitRange's Container item after the API's defaulting (SetDefaults_LimitRangeItem)."""

    default: dict[str, int]
    default_request: dict[str, int]
    min: dict[str, int]
    max: dict[str, int]
    ratio: dict[str, int]  # maxLimitRequestRatio in thousandths


def effective(lr: LimitRange) -> Limits:
    """SetDefaults_LimitRangeItem: a missing default limit is the max; a missing default request is
    the default limit, else the min. Kubernetes does this when the LimitRange is stored; kdsl keeps the
    LimitRange as written and applies the same rule when reading it."""
    default = dict(lr.default)
    for k, v in lr.max:
        default.setdefault(k, v)
    request = dict(lr.default_request)
    for k, v in default.items():
        request.setdefault(k, v)
    for k, v in lr.min:
        request.setdefault(k, v)
    return Limits(dict(sorted(default.items())), dict(sorted(request.items())), dict(sorted(lr.min)),
                  dict(sorted(lr.max)), dict(sorted(lr.max_ratio)))


def _merge(c: Container, limits: Limits, what: str, notes: list[str]) -> Container:
    requests, lims = as_dict(c.requests), as_dict(c.limits)
    set_limits = sorted(k for k in limits.default if k not in lims)
    set_requests = sorted(k for k in limits.default_request if k not in requests)
    for k in set_limits:
        lims[k] = limits.default[k]
    for k in set_requests:
        requests[k] = limits.default_request[k]
    if set_requests:
        notes.append(f"{', '.join(set_requests)} request for {what} {c.name}")
    if set_limits:
        notes.append(f"{', '.join(set_limits)} limit for {what} {c.name}")
    if not set_limits and not set_requests:
        return c
    return attrs.evolve(c, requests=as_resources(requests), limits=as_resources(lims))


def mutate(pod: ApiObject, ranges: Sequence[LimitRange]) -> ApiObject:
    """Fill each container's missing requests and limits from each LimitRange in turn, and say so in
    the `kubernetes.io/limit-ranger` annotation (the last LimitRange that set anything writes it)."""
    template: PodTemplate = pod.spec.template
    meta = pod.meta
    for lr in ranges:
        limits, notes = effective(lr), []
        containers = tuple(_merge(c, limits, "container", notes) for c in template.containers)
        inits = tuple(_merge(c, limits, "init container", notes) for c in template.init_containers)
        if notes:
            template = attrs.evolve(template, containers=containers, init_containers=inits)
            text = "LimitRanger plugin set: " + "; ".join(notes)
            annotations = tuple((k, v) for k, v in meta.annotations if k != ANNOTATION) + ((ANNOTATION, text),)
            meta = attrs.evolve(meta, annotations=annotations)
    if template is pod.spec.template and meta is pod.meta:
        return pod
    return attrs.evolve(pod, meta=meta, spec=attrs.evolve(pod.spec, template=template))


def _minimum(resource: str, enforced: int, requests: dict[str, int], limits: dict[str, int]) -> str | None:
    shown = format_quantity(resource, enforced)
    if resource not in requests:
        return f"minimum {resource} usage per Container is {shown}.  No request is specified"
    if requests[resource] < enforced:
        return (f"minimum {resource} usage per Container is {shown}, but request is "
                f"{format_quantity(resource, requests[resource])}")
    if resource in limits and limits[resource] < enforced:
        return (f"minimum {resource} usage per Container is {shown}, but limit is "
                f"{format_quantity(resource, limits[resource])}")
    return None


def _maximum(resource: str, enforced: int, requests: dict[str, int], limits: dict[str, int]) -> str | None:
    shown = format_quantity(resource, enforced)
    if resource not in limits:
        return f"maximum {resource} usage per Container is {shown}.  No limit is specified"
    if limits[resource] > enforced:
        return (f"maximum {resource} usage per Container is {shown}, but limit is "
                f"{format_quantity(resource, limits[resource])}")
    if resource in requests and requests[resource] > enforced:
        return (f"maximum {resource} usage per Container is {shown}, but request is "
                f"{format_quantity(resource, requests[resource])}")
    return None


def _ratio(resource: str, enforced: int, requests: dict[str, int], limits: dict[str, int]) -> str | None:
    """limitRequestRatioConstraint (plugin/pkg/admission/limitranger/admission.go): the limit over the request,
    compared in thousandths as requestLimitEnforcedValues does, shown with Go's %f."""
    head = f"{resource} max limit to request ratio per Container is {format_quantity('cpu', enforced)}"
    if not requests.get(resource):
        return f"{head}, but no request is specified or request is 0"
    if not limits.get(resource):
        return f"{head}, but no limit is specified or limit is 0"
    observed = limits[resource] / requests[resource]
    return f"{head}, but provided ratio is {observed:f}" if observed * 1000 > enforced else None


def violations(pod: ApiObject, lr: LimitRange) -> str | None:
    """PodValidateLimitFunc for one LimitRange: every container's (then every init container's)
    min, max and limit-to-request ratio, resources in name order (Go ranges over a map: kdsl sorts); None
    when the pod fits, else the aggregated message."""
    limits = effective(lr)
    errors: list[str] = []
    template: PodTemplate = pod.spec.template
    for c in template.containers + template.init_containers:
        requests, lims = as_dict(c.requests), as_dict(c.limits)
        for k, v in limits.min.items():
            errors.append(_minimum(k, v, requests, lims))
        for k, v in limits.max.items():
            errors.append(_maximum(k, v, requests, lims))
        for k, v in limits.ratio.items():
            errors.append(_ratio(k, v, requests, lims))
    found = [e for e in errors if e]
    return aggregate(found) if found else None
