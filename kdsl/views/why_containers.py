"""Why a bound pod's containers are not running and ready: image pulls, config, volumes, crashes and probes."""

from __future__ import annotations

import re

from kdsl.engine import podview
from kdsl.engine.kubelet.backoff import MAX_MS, go_duration
from kdsl.engine.kubelet.phase import is_sidecar
from kdsl.engine.kubelet.probes import KIND_TITLE
from kdsl.engine.kubelet.status_text import human_duration
from kdsl.engine.objects import Running, Terminated, Waiting
from kdsl.core.values import format_bytes, format_duration as when
from kdsl.views.why_words import Found, Why, names, ordinal

PULL_FAILED = ("ErrImagePull", "ImagePullBackOff")
CONFIG_ERROR = "CreateContainerConfigError"
# The two shapes of the kubelet's CreateContainerConfigError message (kdsl.engine.kubelet.config_refs.resolve).
MISSING_KEY = re.compile(r"couldn't find key (\S+) in (ConfigMap|Secret) (\S+)/(\S+)$")
MISSING_OBJECT = re.compile(r'(configmap|secret) "([^"]+)" not found$')


def containers(sim, obj, t: int, events, found: Found) -> Why:
    """The first thing that holds the pod back, in the order the kubelet meets it: volumes, init containers,
    images, config, crashes, then readiness; or that it is Running and Ready."""
    tpl = obj.spec.template
    specs = {c.name: c for c in tpl.init_containers + tpl.containers}
    statuses = obj.status.init_container_statuses + obj.status.container_statuses
    created = obj.meta.creation_ms
    node = tpl.node_name
    for cs in statuses:
        state = cs.state
        if isinstance(state, Waiting) and state.reason in PULL_FAILED:
            return _pull(sim, obj, t, events, found, cs)
        if isinstance(state, Waiting) and state.reason == CONFIG_ERROR:
            return _config(obj, t, found, cs)
        if isinstance(state, Waiting) and state.reason == "CrashLoopBackOff":
            return _crash(sim, obj, t, events, found, cs, specs[cs.name], cs.last_state)
        if isinstance(state, Terminated) and _restarts(tpl.restart_policy, state, specs[cs.name]):
            return _crash(sim, obj, t, events, found, cs, specs[cs.name], state)
    if obj.status.phase == "Pending":
        mount = events.last("FailedMount")
        started = events.last("Started")
        if mount is not None and started is None:
            found.head(f"its volumes cannot be mounted on {node}")
            found.fact("mount failed", (mount.time_ms, mount.message))
            found.say(f"The kubelet said at {when(mount.time_ms)}: {mount.message}. It creates the pod's sandbox once "
                      "every ConfigMap, Secret and claim the pod mounts exists.")
            found.fix_lead = "It would start with"
            found.fix("the object the volume names (or `optional` on the volume)")
            return found.why(obj, "Pending", "Pending", created, t)
        for i, cs in enumerate(obj.status.init_container_statuses):
            if isinstance(cs.state, Running) and not is_sidecar(specs[cs.name]):
                found.head(f"init container {cs.name} ({i + 1} of {len(tpl.init_containers)}) is still "
                           f"running since {when(cs.state.started_ms)}")
                found.say("The app containers start once every init container has completed.")
                found.fact("init running", (cs.name, cs.state.started_ms))
                return found.why(obj, "Pending", "Pending", created, t)
        pulling = events.last("Pulling")
        if pulling is not None and not _pulled_after(events, pulling):
            found.head(f"{pulling.message[0].lower()}{pulling.message[1:]} on {node} since {when(pulling.time_ms)}")
        else:
            found.head(f"the kubelet on {node} is creating its sandbox and containers")
        return found.why(obj, "Pending", "Pending", created, t)
    return _readiness(obj, t, events, found, specs)


def _pulled_after(events, pulling) -> bool:
    return any(e.reason == "Pulled" and e.time_ms >= pulling.time_ms for e in events.before)


def _pull(sim, obj, t: int, events, found: Found, cs) -> Why:
    image, state = cs.image, cs.state
    failed = events.last("Failed", f'Failed to pull image "{image}"')
    attempts = events.count("Failed", f'Failed to pull image "{image}"')
    found.head(f"container {cs.name} cannot pull image {image} ({state.reason})")
    found.fact("attempts", attempts)
    if failed is not None:
        found.say(f"The last of {attempts} pulls, at {when(failed.time_ms)}, said: {failed.message}.")
        found.fact("last failure", failed.time_ms)
    retry = events.next("Pulling", f'Pulling image "{image}"')
    at = retry.time_ms if retry is not None else _unchanged(sim, obj, t, "pulls", image, lambda b: b.retry_at(image))
    if at is not None and failed is not None:
        found.fact("retry", at)
        found.say(f"The kubelet tries again at {when(at)} (back-off {go_duration(at - failed.time_ms)}, doubling up to "
                  f"{go_duration(MAX_MS)}).")
    found.fix_lead = "It would start with"
    found.fix("an image that exists (`set image`)")
    found.fix("a node that already has the image")
    return found.why(obj, "Pending" if obj.status.phase == "Pending" else "NotReady",
                     "Pending" if obj.status.phase == "Pending" else "Running but not Ready", obj.meta.creation_ms, t)


def _unchanged(sim, obj, t: int, which: str, key: str, ask):
    """The kubelet's answer from its back-off (`crash` or `pulls`) at the end of the run, when the run ended
    before the next try and the entry was last raised by `t`, so it is the one that stood then; else None."""
    run = sim.kubelets.runs.get(obj.key)
    backoff = getattr(run, which, None)
    entry = backoff.get(key) if backoff is not None else None
    if entry is None or entry.updated_ms > t:
        return None
    return ask(backoff)


def _config(obj, t: int, found: Found, cs) -> Why:
    message = cs.state.message
    found.head(f"container {cs.name} cannot be created ({CONFIG_ERROR}): {message}")
    found.say("The kubelet creates it as soon as what it names exists: a change to that ConfigMap or Secret makes "
              "it try again.")
    found.fix_lead = "It would start with"
    key, missing = MISSING_KEY.search(message), MISSING_OBJECT.search(message)
    if key is not None:
        found.fix(f"key {key.group(1)} in {key.group(2)} {key.group(4)}")
        found.fact("missing", (key.group(2), key.group(4), key.group(1)))
    elif missing is not None:
        kind = "ConfigMap" if missing.group(1) == "configmap" else "Secret"
        found.fix(f"{kind} {missing.group(2)}")
        found.fact("missing", (kind, missing.group(2), None))
    found.fix("`optional` on the reference")
    return found.why(obj, "Pending", "Pending", obj.meta.creation_ms, t)


def _restarts(policy: str, state: Terminated, spec) -> bool:
    """The kubelet starts this exited container again (restartPolicy; a sidecar always restarts)."""
    return is_sidecar(spec) or policy == "Always" or (policy == "OnFailure" and state.exit_code != 0)


def _crash(sim, obj, t: int, events, found: Found, cs, spec, last: Terminated) -> Why:
    name = cs.name
    restarts = cs.restart_count
    kill = events.last("Killing", f"Container {name} failed ")
    if last.reason == "OOMKilled":
        limit = spec.limits.memory
        cause = "was killed for running out of memory (OOMKilled" + (f", limit {format_bytes(limit)})" if limit else ")")
        fix = "a memory limit above what it uses"
    elif kill is not None and last.started_ms is not None and last.started_ms <= kill.time_ms <= last.finished_ms:
        kind = kill.message.split(" failed ")[1].split(" ")[0]
        probe = events.last("Unhealthy", f"{KIND_TITLE[kind]} probe failed")
        cause = f"was killed because its {kind} probe failed" + (f" ({probe.message})" if probe is not None else "")
        fix = f"a {kind} probe that passes"
    else:
        cause = f"exited with code {last.exit_code} ({last.reason})"
        fix = "a process that does not exit"
    ran = last.finished_ms - last.started_ms if last.started_ms is not None else None
    found.fact("exit code", last.exit_code)
    found.fact("restarts", restarts)
    found.fact("exited", last.finished_ms)
    found.head(f"container {name} {cause} at {when(last.finished_ms)}"
               + (f" after running {human_duration(ran)}" if ran is not None else ""))
    found.say(f"It has restarted {restarts} time{'s' if restarts != 1 else ''}; the kubelet waits longer after each "
              f"exit (back-off from 10s, doubling up to {go_duration(MAX_MS)}).")
    nxt = events.next("Started", f"Started container {name}")
    at = (nxt.time_ms if nxt is not None else
          _unchanged(sim, obj, t, "crash", name, lambda b: b.restart_at(name, last.finished_ms)))
    if at is not None:
        found.fact("next restart", at)
        found.fact("back-off", at - last.finished_ms)
        verb = "starts" if at > t else "started"
        found.say(f"It {verb} it again at {when(at)} (a back-off of {go_duration(at - last.finished_ms)}), its "
                  f"{ordinal(restarts + 1)} restart.")
    found.fix_lead = "It would stay up with"
    found.fix(fix)
    first = events.first("BackOff", f"Back-off restarting failed container {name} ")
    return found.why(obj, "Restarting", "restarting (CrashLoopBackOff)",
                     first.time_ms if first is not None else last.finished_ms, t)


def _readiness(obj, t: int, events, found: Found, specs) -> Why:
    since = podview.ready_since(obj)
    restarts = sum(cs.restart_count for cs in obj.status.container_statuses)
    if podview.is_ready(obj):
        if restarts:
            last = max(((cs.last_state.finished_ms, cs.last_state.reason) for cs in obj.status.container_statuses
                        if cs.last_state is not None and cs.last_state.finished_ms is not None), default=None)
            found.say(f"Its containers restarted {restarts} time{'s' if restarts != 1 else ''}"
                      + (f", the last after {last[1]} at {when(last[0])}." if last is not None else "."))
        found.head(f"it runs on {obj.spec.template.node_name} with every container ready, so nothing holds it back")
        found.fact("ready since", since)
        found.fact("restarts", restarts)
        return found.why(obj, "Running", "Running and Ready", since, t)
    cond = obj.status.condition("Ready")
    not_ready = [cs for cs in obj.status.container_statuses if not cs.ready]
    found.fact("not ready", [cs.name for cs in not_ready])
    found.head(f"container {names([cs.name for cs in not_ready])} {'is' if len(not_ready) == 1 else 'are'} not ready"
               if not_ready else "its Ready condition is False")
    for cs in not_ready:
        spec = specs[cs.name]
        state = cs.state
        if isinstance(state, Terminated):
            found.say(f"Container {cs.name} exited with code {state.exit_code} ({state.reason}) at "
                      f"{when(state.finished_ms)}; restartPolicy {obj.spec.template.restart_policy} does not start it "
                      "again.")
            continue
        kind = "startup" if not cs.started and spec.probe("startup") is not None else "readiness"
        probe = spec.probe(kind)
        if probe is None:
            found.say(f"Container {cs.name} has no {kind} probe and is not ready yet.")
            continue
        shape = (f"{probe.handler} {probe.path or ''}".rstrip() + f" every {go_duration(probe.period_ms)}; "
                 f"{probe.failure_threshold} failures in a row fail it")
        bad = events.last("Unhealthy", f"{KIND_TITLE[kind]} probe failed")
        if bad is not None:
            # The event log folds repeats of one message into a count, kept on the first of them.
            times = f"{bad.count} times since" if bad.count > 1 else "at"
            found.say(f"Container {cs.name}'s {kind} probe ({shape}) fails: it failed {times} {when(bad.time_ms)} "
                      f"with: {bad.message}.")
            found.fact("last probe", bad.message)
            found.fact("probe failures", bad.count)
        else:
            found.say(f"Container {cs.name}'s {kind} probe ({shape}) has not passed yet (initial delay "
                      f"{go_duration(probe.initial_delay_ms)}).")
        found.fix_lead = "It would be Ready with"
        found.fix(f"a {kind} probe that passes")
    when_since = cond.last_transition_ms if cond is not None else podview.running_since(obj)
    return found.why(obj, "NotReady", f"{obj.status.phase} but not Ready", when_since, t)
