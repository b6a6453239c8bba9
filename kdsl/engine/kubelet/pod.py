"""The kubelet's record of one pod: its containers, back-offs, sandbox, deletion and last status."""

from __future__ import annotations

import attrs

from kdsl.engine.events import new_event
from kdsl.engine.kubelet.backoff import Backoff
from kdsl.engine.kubelet.containers import Ctr
from kdsl.core.evolve import evolve, straight
from kdsl.engine.objects import PodStatus
from kdsl.model.pods import PodTemplate


@attrs.frozen(weakref_slot=False)
class Config:
    """The kubelet's timings that Kubernetes does not fix; see docs/kubelet.md."""

    sandbox_ms: int = 1_000  # creating the pod sandbox and its network, before any container
    pull_ms: int = 0  # pulling an image the node lacks, unless the container says `pull 12s`
    sync_ms: int = 1_000  # the next pod sync after a failure: Error/ErrImagePull show until then


@attrs.frozen(weakref_slot=False)
class Step:
    """What happens next: at `time_ms`, `what` (a timer's name, `sandbox` or `removed`) to `container`."""

    time_ms: int
    what: str
    container: str | None = None


@attrs.frozen(weakref_slot=False)
class PodRun:
    """Everything the kubelet knows of one pod bound to its node; a value, changed only by functions here."""

    name: str
    namespace: str
    uid: str
    template: PodTemplate
    bound_ms: int
    ctrs: tuple[Ctr, ...]
    config: Config = Config()
    images: frozenset[str] = frozenset()  # on the node, and pulled for this pod since
    sandbox: str = "creating"  # creating | ready | gone (torn down once the pod has finished)
    initialized: bool = False  # every init container has completed once (sticky, as podHasInitialized)
    crash: Backoff = Backoff()
    pulls: Backoff = Backoff()
    deletion_ms: int | None = None
    deadline_ms: int | None = None  # SIGKILL for whatever still runs
    sigterm_ms: tuple[tuple[str, int | None], ...] = ()  # per container: how long SIGTERM takes (None: ignored)
    readiness_gates: tuple[str, ...] = ()
    status: PodStatus = PodStatus()
    now_ms: int = 0  # the time of the last change
    removed: bool = False
    killed: bool = False  # the kubelet ended the pod for good without deleting it (evicted, rejected at admission)
    configs: object = attrs.field(default=None, eq=False, repr=False)  # config_refs.PodConfigs, when env names any
    # (the status's conditions, their form with the container names left out, the names): what the next status
    # refresh of a pod whose containers are its own starts from (kubelet/shaped.py); None when unknown
    canon: tuple | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def deleting(self) -> bool:
        return self.deletion_ms is not None

    @property
    def ref(self) -> str:
        return f"{self.name}_{self.namespace}({self.uid})"  # klog's format.Pod, as kubelet messages quote it

    def ctr(self, name: str) -> Ctr:
        return next(c for c in self.ctrs if c.name == name)

    def put(self, i: int, c: Ctr) -> PodRun:
        return evolve(self, ctrs=self.ctrs[:i] + (c,) + self.ctrs[i + 1:])

    def sigterm(self, name: str) -> int | None:
        """How long the container's process takes to exit after SIGTERM (None: it ignores it): what the
        caller of new_pod said, else the container's `shutdown` (0, at once, when it says none)."""
        given = dict(self.sigterm_ms)
        return given[name] if name in given else self.ctr(name).spec.behaviour.shutdown_ms

    def with_ip(self, pod_ip: str | None, host_ip: str | None = None) -> PodRun:
        """The loop allocates addresses (when the sandbox is ready); the kubelet only reports them, and
        quotes the pod IP in probe failure messages."""
        status = evolve(self.status, pod_ip=pod_ip, host_ip=host_ip or self.status.host_ip)
        return evolve(self, status=status)

    def event(self, now: int, type_: str, reason: str, message: str, out: list) -> None:
        """Record one of the kubelet's Events about this pod in `out`."""
        out.append(new_event(now, type_, reason, "Pod", self.namespace, self.name, message, "kubelet"))


# new_pod's record, made straight-line (kdsl.core.evolve.straight): PodRun's __init__ parses 15 keywords a pod; the
# fields new_pod leaves out take their defaults (plain values, no factories: kubelet/test_runtime_copies.py).
FIRST = ("name", "namespace", "uid", "template", "bound_ms", "ctrs", "config", "images", "readiness_gates",
         "sigterm_ms", "sandbox", "status", "now_ms", "configs", "canon")
first_run = straight(PodRun, "first_run", ", ".join(FIRST),
                     {a.name: a.name if a.name in FIRST else f"d_{a.name}" for a in attrs.fields(PodRun)},
                     env={f"d_{a.name}": a.default for a in attrs.fields(PodRun)})

# next_event's Step (one a pod: its first container's timer), made straight-line: Step's __init__ sets each field
# through object.__setattr__ (its method-wrapper builds an argument tuple), a twin's slots are set directly.
new_step = straight(Step, "new_step", "time_ms, what, container", {a.name: a.name for a in attrs.fields(Step)})
