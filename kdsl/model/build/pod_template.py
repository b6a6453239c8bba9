"""Builds a workload's pod template from its block: containers, volumes, scheduling and metadata."""

from __future__ import annotations

import attrs

from kdsl.core import values as v
from kdsl.core.errors import suggest
from kdsl.lang.syntax import Stmt
from kdsl.model.build.containers import build_container
from kdsl.model.build.context import Ctx, Head
from kdsl.model.build.scheduling import affinity, gate, spread, toleration, volume
from kdsl.model.build.yaml_fields import unlabelled_template
from kdsl.model.pods import Affinity, PodTemplate

RESTART = {"always": "Always", "onfailure": "OnFailure", "never": "Never"}
# What the one-container shorthand takes on a workload's head besides `image=`.
_SHORTHAND = ("port", "cpu", "memory", "ephemeral-storage", "pull", "imagePullPolicy")
# Where each kind keeps its pod spec, for the field paths of messages.
_SPEC = {"pod": "spec", "cronjob": "spec.jobTemplate.spec.template.spec"}
# The statements a pod template block may hold, beyond containers and metadata, per kind.
_WORKLOAD_ONLY = {"strategy": {"deployment", "statefulset", "daemonset"}, "claim": {"statefulset"},
                  "selector": {"deployment", "replicaset", "replicationcontroller", "statefulset", "daemonset"}}



def template(ctx: Ctx, stmt: Stmt, kind: str, name: str, what: str, shorthand: Head,
             extra: dict) -> tuple[PodTemplate, tuple, tuple]:
    """The pod template of a workload; returns (template, object labels, object annotations)."""
    labels, annotations, containers, inits, volumes, tolerations, spreads, gates = [], [], [], [], [], [], [], []
    node_selector, aff = [], {k: [] for k in ("node_required", "node_preferred", "pod_required",
                                              "pod_preferred", "anti_required", "anti_preferred")}
    # `restart=` on the head (kept in `extra` by build_workload) or kdsl's default; a block statement wins.
    restart = extra.pop("restart", None) or ("Never" if kind in ("job", "cronjob") else "Always")
    restart_at = extra.pop("restart_at", stmt)  # where the policy is written, for the caret
    fields: dict = {}
    main = build_container(ctx, stmt, f"{what}", shorthand=shorthand) if shorthand.attrs.get("image") else None
    # One mistake, one error: a misspelt `image=` or a container without one is not also "no container".
    said = any(suggest(k, ["image"]) for k in shorthand.attrs) or any(s.kind == "container" for s in stmt.block or ())
    if main is None:  # the head describes no container: its container attributes are misplaced, not unknown
        shorthand.known.add("image")  # so that `imgae=` is taken for `image=`
        for key in _SHORTHAND:
            a = shorthand.attrs.pop(key, None)
            if a is not None:
                ctx.error(a.key, f"`{key}=` on the head of {what} describes its one container, which needs `image=` "
                                 "there too; or write it inside a `container` block")
    shorthand.done()
    if main is not None:
        containers.append(main)
    for s in stmt.block or ():
        k = s.kind
        allowed = _WORKLOAD_ONLY.get(k)
        if allowed is not None and kind not in allowed:
            ctx.error(s, f"`{k}` is not allowed in a {kind}")
            continue
        if k in ("labels", "annotations"):
            h = Head(ctx, s, f"{k} of {what}")
            if k == "labels":
                labels.extend(ctx.labels(h, what))
            else:
                annotations.extend(h.pairs())
            h.done()
        elif k in ("container", "init"):
            c = build_container(ctx, s, what)
            if c:
                (containers if k == "container" else inits).append(c)
        elif k == "restart":
            h = Head(ctx, s, f"restart of {what}")
            w = h.word("Always, OnFailure or Never")
            h.done()
            if w:
                restart = h.ctx_choice(w, RESTART, "restart policy", restart)
                restart_at = w
        elif k == "node_selector":
            h = Head(ctx, s, f"node-selector of {what}")
            node_selector.extend(ctx.labels(h, what, "spec.template.spec.nodeSelector"))
            h.done()
        elif k == "toleration":
            t = toleration(ctx, s, what)
            if t:
                tolerations.append(t)
        elif k == "volume":
            vol = volume(ctx, s, what)
            if vol:
                volumes.append(vol)
        elif k in ("priority", "grace", "pod_serviceaccount"):
            h = Head(ctx, s, f"{s.keyword} of {what}")
            w = h.word("a value")
            h.done()
            if w is None:
                continue
            if k == "priority":
                got = ctx.convert(w, lambda t: v.integer(t, minimum=None), "priority")
                fields.update({"priority": got} if got is not None else {})  # an error is said; keep the default
            elif k == "grace":
                got = ctx.convert(w, v.duration_ms, "grace period")
                fields.update({"grace_ms": got} if got is not None else {})
            else:
                fields["service_account"] = w.text
        elif k == "gate":
            gate(ctx, s, what, gates, _SPEC.get(kind, "spec.template.spec") + ".schedulingGates")
        elif k in ("affinity", "prefer"):
            affinity(ctx, s, what, aff)
        elif k == "spread":
            spreads.append(spread(ctx, s, what))
        elif k == "yaml":  # the workload's own manifest (LANGUAGE.md: `spec: template: ...`)
            extra["yaml"] = ctx.yaml_patch(s, what)
        else:  # strategy, claim: read by the workload itself
            extra.setdefault(k, []).append(s)
    if not containers and not said:
        ctx.error(stmt, f"{what} has no container; add `image=` to its head or a `container` block")
    if not labels and not unlabelled_template(extra.get("yaml"), kind):
        labels = [("app", name)]  # kdsl's default, so the selector and services have something to match
    allowed_restart = {"deployment", "replicaset", "replicationcontroller", "statefulset", "daemonset"}
    if kind in allowed_restart and restart != "Always":
        ctx.error(restart_at, f'{what}: spec.template.spec.restartPolicy: Unsupported value: "{restart}": '
                              'supported values: "Always"')
    if kind in ("job", "cronjob") and restart == "Always":
        ctx.error(restart_at, f'{what}: spec.template.spec.restartPolicy: Unsupported value: "Always": '
                              'supported values: "OnFailure", "Never"')
    # a spread selector that says the pod's own labels is the default one (None): one model for one meaning
    spreads = [attrs.evolve(x, selector=None) if x.selector is not None and not x.selector.expressions
               and dict(x.selector.match_labels) == dict(labels) else x for x in spreads]
    tpl = PodTemplate(labels=tuple(labels), annotations=tuple(annotations), containers=tuple(containers),
                      init_containers=tuple(inits), restart_policy=restart, node_selector=tuple(node_selector),
                      tolerations=tuple(tolerations), volumes=tuple(volumes), spread=tuple(spreads),
                      affinity=Affinity(**{k: tuple(x) for k, x in aff.items()}), scheduling_gates=tuple(gates),
                      **fields)
    return tpl, tuple(labels), tuple(annotations)
