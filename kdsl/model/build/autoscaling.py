"""Builds `load`, `hpa` (with its scale-up and scale-down rules) and a container's `uses`."""

from __future__ import annotations

from kdsl.core import values as v
from kdsl.lang.syntax import Attr, Stmt, Word
from kdsl.model.autoscaling import (SCALE_TARGETS, HorizontalPodAutoscaler, HPABehavior, Load, ResourceMetric,
                                    ScalingPolicy, ScalingRules)
from kdsl.model.build.cluster import meta
from kdsl.model.build.context import Ctx, Head, named, pick, split_ref

LOAD_KINDS = {**SCALE_TARGETS, "daemonset": "DaemonSet", "job": "Job", "pod": "Pod"}
SELECT = {"max": "Max", "min": "Min", "disabled": "Disabled"}
POLICY_TYPES = {"pods": "Pods", "percent": "Percent"}
# Messages that say the statement's form: a mistake in one is answered with the whole form.
LOAD_FORM = "a load is written `load KIND NAMESPACE/NAME cpu=QUANTITY memory=QUANTITY`"
RULE_FORM = "`scale-up|scale-down [window=DURATION] [select=Max|Min|Disabled] [policy pods|percent=N per DURATION]...`"


def build_load(ctx: Ctx, stmt: Stmt, namespace: str | None) -> Load | None:
    head = Head(ctx, stmt, "load")
    kind_word, ref = head.word(), head.word()
    if kind_word is None or ref is None:
        head.done()
        ctx.error(stmt, LOAD_FORM)
        return None
    kind = pick(ctx, kind_word, LOAD_KINDS, "kind of workload")
    ns, name = split_ref(ctx, ref, namespace, f"load on {kind_word.text}")
    head.what = f"load on {kind_word.text} {ns}/{name}"
    if "cpu" not in head.attrs and "memory" not in head.attrs:
        ctx.error(stmt, f"{head.what} needs `cpu=` or `memory=`")
    load = Load(kind=kind or "Deployment", namespace=ns, name=name, cpu=head.take("cpu", v.millicores, 0),
                memory=head.take("memory", v.byte_count, 0), span=stmt.span)
    head.done()
    return load if kind else None


def _metric(ctx: Ctx, a: Attr, what: str) -> ResourceMetric | None:
    """`cpu=70%` is a Utilization target (% of requests); `cpu=500m` an AverageValue target."""
    resource, text = a.key.text, a.value.text
    if text.endswith("%"):
        n = ctx.convert(Word(text[:-1], span=a.value.span), lambda t: v.integer(t, minimum=None),
                        f"`{resource}` utilization of {what}")
        if n is None:
            return None
        return ResourceMetric(resource=resource, target_type="Utilization", average_utilization=n, span=a.span)
    conv = v.millicores if resource == "cpu" else v.byte_count
    value = ctx.convert(a.value, conv, f"`{resource}` of {what}")
    if value is None:
        return None
    return ResourceMetric(resource=resource, target_type="AverageValue", average_value=value, span=a.span)


def build_hpa(ctx: Ctx, stmt: Stmt, namespace: str | None) -> HorizontalPodAutoscaler | None:
    got = named(ctx, stmt, "hpa", namespace)
    if got is None:
        return None
    head, ns, name = got
    target = head.attr("target")
    tkind, tname = "Deployment", name
    if target is None:
        ctx.error(stmt, f"{head.what} needs `target=KIND/NAME` (the workload it scales)")
    else:
        k, sep, tname = target.value.text.partition("/")
        if not sep or not tname or not k:
            ctx.error(target, f"`target` of {head.what} is written KIND/NAME, such as deployment/web")
            tname = tname or name
        else:
            tkind = pick(ctx, Word(k, span=target.value.span), SCALE_TARGETS, "kind of scale target") or tkind
    lo = head.take("min", lambda t: v.integer(t, minimum=None))
    hi = head.take("max", lambda t: v.integer(t, minimum=None), None, required=True)
    if hi is None:  # already reported: one error, not a second one about the bounds
        hi = max(lo or 1, 1)
    metrics = []
    for resource in ("cpu", "memory"):
        a = head.attr(resource)
        if a is not None:
            m = _metric(ctx, a, head.what)
            if m is not None:
                metrics.append(m)
    head.done()
    rules, m = {}, meta(ctx, stmt.block, head.what)
    for s in stmt.block or ():
        if s.kind == "scale_rule":
            direction = s.head[0].text
            if direction in rules:
                ctx.error(s, f"`{direction}` is given twice in {head.what}")
            rules[direction] = _rules(ctx, s, direction, head.what)
    behavior = None
    if rules:
        behavior = HPABehavior(scale_up=rules.get("scale-up") or ScalingRules.scale_up(),
                               scale_down=rules.get("scale-down") or ScalingRules.scale_down())
    return HorizontalPodAutoscaler.build(name=name, namespace=ns, target_kind=tkind, target_name=tname,
                                         min_replicas=lo, max_replicas=hi, metrics=tuple(metrics), behavior=behavior,
                                         span=stmt.span, **m)


def _rules(ctx: Ctx, stmt: Stmt, direction: str, what: str) -> ScalingRules:
    """The words after `scale-up`/`scale-down`, read in order as limits reads its sections."""
    window, select, policies = None, None, []
    parts = list(stmt.args)
    while parts:
        p = parts.pop(0)
        key = p.key.text if isinstance(p, Attr) else None
        if key == "window":
            window = ctx.convert(p.value, _seconds, f"`window` of {direction} of {what}")
        elif key == "select":
            select = pick(ctx, p.value, SELECT, "select policy")
        elif isinstance(p, Word) and p.text == "policy" and not p.quoted:
            pol = _policy(ctx, p, parts, direction, what)
            if pol is not None:
                policies.append(pol)
        else:
            ctx.error(p, f"unexpected `{getattr(p, 'text', '')}` in {direction} of {what}", expected=[RULE_FORM])
    make = ScalingRules.scale_up if direction == "scale-up" else ScalingRules.scale_down
    return make(window, select, tuple(policies) if policies else None, stmt.span)


def _policy(ctx: Ctx, at: Word, parts: list, direction: str, what: str) -> ScalingPolicy | None:
    """`policy pods=4 per 15s` or `policy percent=100 per 15s`."""
    if len(parts) < 3 or not isinstance(parts[0], Attr) or not isinstance(parts[1], Word) \
            or parts[1].text != "per" or not isinstance(parts[2], Word):
        ctx.error(at, f"a policy of {direction} of {what} is written `policy pods=N per DURATION` "
                      "or `policy percent=N per DURATION`")
        while parts and not (isinstance(parts[0], Word) and parts[0].text == "policy"):
            parts.pop(0)
        return None
    a, _, period = parts.pop(0), parts.pop(0), parts.pop(0)
    kind = pick(ctx, a.key, POLICY_TYPES, "policy type")
    value = ctx.convert(a.value, lambda t: v.integer(t, minimum=None), f"policy value of {direction} of {what}")
    seconds = ctx.convert(period, _seconds, f"policy period of {direction} of {what}")
    if kind is None or value is None or seconds is None:
        return None
    return ScalingPolicy(type=kind, value=value, period_seconds=seconds, span=at.span.to(period.span))


def _seconds(text: str) -> int:
    """A duration the API holds in whole seconds (stabilizationWindowSeconds, periodSeconds)."""
    ms = v.duration_ms(text)
    if ms % 1000:
        raise v.BadValue(f"{text} is not a whole number of seconds (the API holds it in seconds)")
    return ms // 1000
