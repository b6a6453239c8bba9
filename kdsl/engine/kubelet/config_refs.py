"""A pod's ConfigMaps, Secrets and claims as the kubelet reads them: the volumes it waits for, env, envFrom, retries."""

from __future__ import annotations

import re
from collections import defaultdict

import attrs

from kdsl.core.evolve import evolve
from kdsl.core.secrets import REDACTED
from kdsl.engine.controllers.pv_index import claim_status, delay_binding
from kdsl.engine.kubelet.containers import Ctr, Timer
from kdsl.engine.objects import ApiObject

KINDS = {"configmap": "ConfigMap", "secret": "Secret"}
WATCHED = ("ConfigMap", "Secret")
CONFIG_WAIT = "config-wait"  # a container's stage while CreateContainerConfigError holds it back
REASON = "CreateContainerConfigError"  # kuberuntime ErrCreateContainerConfig
RETRY_MS = 10_000  # kubelet backOffPeriod: a pod whose sync failed is synced again 10 s later (jitter left out)

# IsEnvVarName as the kubelet applied it to envFrom keys (before RelaxedEnvironmentVariableValidation).
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_REF = re.compile(r"\$\$|\$\(([^)]*)\)")
_FROM_WORD = {"configmap": "configMap", "secret": "secret"}  # as the InvalidEnvironmentVariableNames event says


def env_name_ok(name: str) -> bool:
    return _ENV_NAME.fullmatch(name) is not None and name != "." and not name.startswith("..")


def uses_config(template) -> bool:
    """Whether any container's env or envFrom names a ConfigMap or Secret (most pods: no)."""
    for c in template.init_containers + template.containers if template.init_containers else template.containers:
        if c.env_from:
            return True
        for e in c.env:  # loops, not generators: asked once for every pod bound
            if e.source_kind:
                return True
    return False


def references(container) -> tuple[tuple[str, str], ...]:
    """(kind, name) of each ConfigMap and Secret the container's envFrom and env name, once each."""
    refs = {(KINDS[e.source_kind], e.source_name): None for e in container.env_from}
    refs.update({(KINDS[e.source_kind], e.source_name): None for e in container.env if e.source_kind})
    return tuple(refs)


@attrs.frozen(repr=False)
class Env:
    """A container's environment as the kubelet made it, in order. Values that came from a Secret are
    `<redacted>` in the repr; `value(name)` hands one back when asked for by name."""

    items: tuple[tuple[str, str], ...] = ()
    secret: frozenset[str] = frozenset()

    def names(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.items)

    def value(self, name: str) -> str | None:
        return dict(self.items).get(name)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={REDACTED}" if k in self.secret else f"{k}={v!r}" for k, v in self.items)
        return f"Env({shown})"


@attrs.frozen
class Resolution:
    """What makeEnvironmentVariables came to: the environment, or the error that stops the container;
    `skipped` lists (source kind, name, keys) of envFrom keys that are not valid variable names."""

    env: Env | None
    error: str | None = None
    skipped: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def _expand(text: str, env: dict[str, str], secret: set[str]) -> tuple[str, bool]:
    """`$(VAR)` from the variables made so far (left as written when unknown), `$$` for `$`; and whether a
    secret's value went in."""
    used_secret = False

    def sub(m: re.Match) -> str:
        nonlocal used_secret
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        if name not in env:
            return m.group(0)
        used_secret = used_secret or name in secret
        return env[name]

    return _REF.sub(sub, text), used_secret


def resolve(container, namespace: str, get) -> Resolution:
    """kubelet makeEnvironmentVariables: envFrom in order (each key with its prefix, names that are not valid
    skipped), then env, which overrides. The first missing object or key that is not `optional` is the
    error, with the kubelet's message. `get(kind, namespace, name)` reads the store (an ApiObject or None)."""
    fetched: dict[tuple[str, str], object] = {}

    def fetch(kind: str, name: str):
        if (kind, name) not in fetched:
            obj = get(kind, namespace, name)
            fetched[(kind, name)] = obj.spec if obj is not None else None
        return fetched[(kind, name)]

    env: dict[str, str] = {}
    secret: set[str] = set()
    skipped = []

    def put(name: str, value: str, from_secret: bool) -> None:
        env[name] = value
        (secret.add if from_secret else secret.discard)(name)

    for e in container.env_from:
        obj = fetch(KINDS[e.source_kind], e.source_name)
        if obj is None:
            if e.optional:
                continue  # an optional source that does not exist adds nothing
            return Resolution(None, f'{e.source_kind} "{e.source_name}" not found', tuple(skipped))
        bad = []
        for key, value in sorted(obj.data):
            name = e.prefix + key
            if env_name_ok(name):
                put(name, value, e.source_kind == "secret")
            else:
                bad.append(name)
        if bad:
            skipped.append((e.source_kind, e.source_name, tuple(bad)))
    for e in container.env:
        if e.source_kind is None:
            value, from_secret = _expand(e.value or "", env, secret)
            put(e.name, value, from_secret)
            continue
        kind = KINDS[e.source_kind]
        obj = fetch(kind, e.source_name)
        if obj is None:
            if e.optional:
                continue
            return Resolution(None, f'{e.source_kind} "{e.source_name}" not found', tuple(skipped))
        data = dict(obj.data)
        if e.source_key not in data:
            if e.optional:
                continue
            return Resolution(None, f"couldn't find key {e.source_key} in {kind} {namespace}/{e.source_name}",
                              tuple(skipped))
        put(e.name, data[e.source_key], e.source_kind == "secret")
    return Resolution(Env(tuple(env.items()), frozenset(secret)), None, tuple(skipped))


def skipped_message(source_kind: str, name: str, namespace: str, keys: tuple[str, ...]) -> str:
    return (f"Keys [{', '.join(keys)}] from the EnvFrom {_FROM_WORD[source_kind]} {namespace}/{name} were "
            "skipped since they are considered invalid environment variable names.")


# ---- the kubelet's side: hold a container back, retry it when what it names changes ------------------


class Held:
    """Containers held in CreateContainerConfigError, indexed by the ConfigMaps and Secrets they name, so
    that a change to one of those wakes exactly them (no polling)."""

    def __init__(self) -> None:
        self.failed: dict[tuple, int] = {}  # (pod key, container) -> time of the last failed attempt
        self.by_ref: dict[tuple, dict[tuple, None]] = defaultdict(dict)  # (kind, ns, name) -> held containers
        self.refs: dict[tuple, tuple] = {}  # (pod key, container) -> the (kind, ns, name) it is indexed under

    def hold(self, pod_key: tuple, container, now: int) -> None:
        held = (pod_key, container.name)
        self.release(held)
        self.failed[held] = now
        refs = tuple((kind, pod_key[1], name) for kind, name in references(container))
        self.refs[held] = refs
        for ref in refs:
            self.by_ref[ref][held] = None

    def release(self, held: tuple) -> None:
        self.failed.pop(held, None)
        for ref in self.refs.pop(held, ()):
            self.by_ref[ref].pop(held, None)
            if not self.by_ref[ref]:
                del self.by_ref[ref]

    def forget(self, pod_key: tuple, containers) -> None:
        for c in containers:
            self.release((pod_key, c.name))

    def retries(self, kind: str, namespace: str, name: str, now: int) -> list[tuple[tuple, str, int]]:
        """(pod key, container, when) for each container held back by this object: the first sync of the
        kubelet's back-off rhythm (every RETRY_MS since the failure) at or after `now`."""
        out = []
        for pod_key, container in self.by_ref.get((kind, namespace, name), {}):
            failed = self.failed[(pod_key, container)]
            periods = max(1, -(-(now - failed) // RETRY_MS))
            out.append((pod_key, container, failed + periods * RETRY_MS))
        return out


class PodConfigs:
    """The kubelet's ConfigMap and Secret managers as one pod sees them: read when a container is created.
    A container they hold back is noted in `held`, so that a later change retries it."""

    __slots__ = ("key", "get", "held")

    def __init__(self, key: tuple, get, held: Held) -> None:
        self.key, self.get, self.held = key, get, held

    def resolve(self, container, now: int) -> Resolution:
        res = resolve(container, self.key[1], self.get)
        if res.error is None:
            self.held.release((self.key, container.name))
        else:
            self.held.hold(self.key, container, now)
        return res


def blocked(pod, c: Ctr, now: int, out: list) -> Ctr | None:
    """Called as a container is about to be created (after its image is there): None when its environment
    can be made, else the container held in CreateContainerConfigError, with the kubelet's events."""
    res = pod.configs.resolve(c.spec, now)
    for kind, name, keys in res.skipped:
        pod.event(now, "Warning", "InvalidEnvironmentVariableNames",
                  skipped_message(kind, name, pod.namespace, keys), out)
    if res.error is None:
        return None
    pod.event(now, "Warning", "Failed", f"Error: {res.error}", out)
    return evolve(c.waiting(REASON, res.error), stage=CONFIG_WAIT, timers=())


def retry(pod, container: str, at: int):
    """Plan the held container's next attempt at `at` (begin again: image, then config), unless one is
    planned already or it is no longer held."""
    for i, c in enumerate(pod.ctrs):
        if c.name == container:
            if c.stage != CONFIG_WAIT or c.timers:
                return pod
            return pod.put(i, c.with_timers([Timer(at, "pull")]))
    return pod


def environment(sim, pod: str, container: str, at: int | None = None) -> Env | None:
    """The environment the container's current run (at `at`, default now) was started with: resolved
    against the ConfigMaps and Secrets as they stood at that start. None when it has not started."""
    ns, _, name = pod.rpartition("/")
    t = sim.now if at is None else at
    obj = sim.store.at(("Pod", ns or "default", name), t)
    if obj is None:
        raise KeyError(f"pod {ns or 'default'}/{name} does not exist at {t} ms")
    spec = next((c for c in obj.spec.template.init_containers + obj.spec.template.containers
                 if c.name == container), None)
    if spec is None:
        raise KeyError(f"pod {obj.namespace}/{obj.name} has no container {container}")
    status = next((s for s in obj.status.init_container_statuses + obj.status.container_statuses
                   if s.name == container), None)
    started = getattr(status.state, "started_ms", None) if status is not None else None
    if started is None:
        return None
    res = resolve(spec, obj.namespace, lambda kind, ns_, n: sim.store.at((kind, ns_, n), started))
    return res.env


# The kubelet's volume plugins: the kind each source names, and how MountVolume.SetUp says it is missing.
_SOURCES = {"configmap": ("ConfigMap", "configmap"), "secret": ("Secret", "secret"),
            "pvc": ("PersistentVolumeClaim", "persistentvolumeclaim")}


def missing(pod: ApiObject, store) -> list[tuple[str, str | None]]:
    """(volume, FailedMount message) for each volume the pod cannot mount yet; an `optional` ConfigMap
    or Secret mounts empty instead of waiting, as in Kubernetes. A claim must be Bound (the kubelet's
    desired-state populator refuses it otherwise); a WaitForFirstConsumer claim is being bound for this
    pod's node by the scheduler's choice, which kdsl makes before, not after, the pod is bound — so
    the kubelet waits for it quietly (message None)."""
    out: list[tuple[str, str | None]] = []
    for vol in pod.spec.template.volumes:
        source = _SOURCES.get(vol.source)
        if source is None or vol.optional:
            continue
        kind, word = source
        obj = store.get(kind, pod.namespace, vol.ref)
        failed = f'MountVolume.SetUp failed for volume "{vol.name}" : '
        if obj is None:
            out.append((vol.name, f'{failed}{word} "{vol.ref}" not found'))
        elif kind != "PersistentVolumeClaim":
            continue
        elif obj.terminating:
            out.append((vol.name, f"{failed}can't start pod because PVC {pod.namespace}/{vol.ref} is being deleted"))
        elif claim_status(obj).phase != "Bound" or not obj.spec.volume_name:
            quiet = delay_binding(store, obj)
            out.append((vol.name, None if quiet else
                        f'{failed}PVC {pod.namespace}/{vol.ref} has non-bound phase ("{claim_status(obj).phase}") '
                        f'or empty pvc.Spec.VolumeName ("{obj.spec.volume_name or ""}")'))
    return out


MOUNTED = tuple(kind for kind, _ in _SOURCES.values())
