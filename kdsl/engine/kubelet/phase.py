"""Pod phase (kubelet getPhase) and the kubelet-owned pod conditions, from container statuses."""

from __future__ import annotations

from collections.abc import Sequence

from kdsl.engine.kubelet.merge import merged
from kdsl.engine.objects import Condition, ContainerStatus, Running, Terminated, Waiting
from kdsl.model.pods import Container, PodTemplate

TERMINAL = ("Succeeded", "Failed")


def is_sidecar(container: Container) -> bool:
    """An init container with restartPolicy Always (a restartable init container)."""
    return container.restart_policy == "Always"


def _by_name(statuses: Sequence[ContainerStatus]) -> dict[str, ContainerStatus]:
    return {s.name: s for s in statuses}


def has_started(template: PodTemplate, statuses: Sequence[ContainerStatus]) -> bool:
    """kubecontainer.HasAnyRegularContainerStarted: a regular container is running or has terminated."""
    names = {c.name for c in template.containers}
    return any(s.name in names and isinstance(s.state, Running | Terminated) for s in statuses)


def get_phase(template: PodTemplate, init_statuses: Sequence[ContainerStatus], statuses: Sequence[ContainerStatus],
              *, terminal: bool = False, previous: str | None = None) -> str:
    """The pod's phase as kubelet getPhase computes it (feature ContainerRestartRules off).

    `terminal`: the pod worker is tearing the pod down (it was deleted), so stopped containers will not
    restart whatever the policy. `previous`: the phase last written; Succeeded and Failed never change.
    """
    if previous in TERMINAL:
        return previous  # generateAPIPodStatus forces a terminal phase back
    inits, regular = _by_name(init_statuses), _by_name(statuses)
    pending_init = failed_init = pending_sidecar = 0
    unknown = running = waiting = stopped = succeeded = 0
    for c in template.init_containers:
        s = inits.get(c.name)
        if is_sidecar(c):
            if s is None:
                unknown += 1
            elif isinstance(s.state, Running):
                running += 1
                pending_sidecar += not s.started
            elif isinstance(s.state, Waiting) and s.last_state is None:
                pending_sidecar += 1
                waiting += 1
            continue  # terminated or restarting sidecars do not count
        if s is not None and isinstance(s.state, Terminated) and s.state.exit_code != 0:
            failed_init += 1
        elif s is not None and isinstance(s.state, Waiting) and s.last_state is not None and s.last_state.exit_code:
            failed_init += 1
        elif not (s is not None and isinstance(s.state, Terminated)):
            pending_init += 1
    for c in template.containers:
        s = regular.get(c.name)
        if s is None:
            unknown += 1
        elif isinstance(s.state, Running):
            running += 1
        elif isinstance(s.state, Terminated):
            stopped += 1
            succeeded += s.state.exit_code == 0
        elif s.last_state is not None:
            stopped += 1  # waiting to restart after a previous run
        else:
            waiting += 1

    policy = template.restart_policy
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or (pending_sidecar and not has_started(template, statuses)) or waiting:
        return "Pending"
    if running and not unknown:
        return "Running"
    if not running and stopped and not unknown:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"
    return "Pending"


def _names(label: str, names: list[str]) -> str:
    # Go's %s of a []string: [a b]
    return f"containers with {label} status: [{' '.join(names)}]"


def _message(unknown: list[str], other_label: str, other: list[str]) -> str:
    parts = ([_names("unknown", unknown)] if unknown else []) + ([_names(other_label, other)] if other else [])
    return ", ".join(parts)


def _built(type_: str, condition: tuple[str, str, str]) -> Condition:
    status, reason, message = condition
    return Condition(type=type_, status=status, reason=reason, message=message)


def initialized_condition(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                          statuses: Sequence[ContainerStatus]) -> Condition:
    """status.GeneratePodInitializedCondition."""
    return _built("Initialized", _initialized(template, phase, init_statuses, statuses))


def _initialized(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                 statuses: Sequence[ContainerStatus]) -> tuple[str, str, str]:
    # GeneratePodInitializedCondition's (status, reason, message): the refresh builds no Condition for it
    inits = _by_name(init_statuses)
    unknown, incomplete = [], []
    for c in template.init_containers:
        s = inits.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif (not s.started) if is_sidecar(c) else (not s.ready):
            incomplete.append(c.name)
    if phase == "Succeeded" and not unknown:
        return "True", "PodCompleted", ""
    if has_started(template, statuses):
        return "True", "", ""
    message = _message(unknown, "incomplete", incomplete)
    if message:
        return "False", "ContainersNotInitialized", message
    return "True", "", ""


def containers_ready_condition(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                               statuses: Sequence[ContainerStatus]) -> Condition:
    """status.GenerateContainersReadyCondition: sidecars first, then the regular containers."""
    return _built("ContainersReady", _containers_ready(template, phase, init_statuses, statuses))


def _containers_ready(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                      statuses: Sequence[ContainerStatus]) -> tuple[str, str, str]:
    # GenerateContainersReadyCondition's (status, reason, message)
    if template.init_containers:
        known = _by_name(tuple(init_statuses) + tuple(statuses))
        wanted = tuple(c for c in template.init_containers if is_sidecar(c)) + template.containers
    else:  # no sidecar to put first: the regular containers alone
        known, wanted = _by_name(statuses), template.containers
    unknown, unready = [], []
    for c in wanted:
        s = known.get(c.name)
        if s is None:
            unknown.append(c.name)
        elif not s.ready:
            unready.append(c.name)
    if phase == "Succeeded" and not unknown:
        return "False", "PodCompleted", ""
    if phase == "Failed":
        return "False", "PodFailed", ""
    message = _message(unknown, "unready", unready)
    if message:
        return "False", "ContainersNotReady", message
    return "True", "", ""


def ready_condition(containers_ready: Condition, readiness_gates: Sequence[str],
                    conditions: Sequence[Condition]) -> Condition:
    """status.GeneratePodReadyCondition: ContainersReady, then every readiness gate's condition True."""
    ready = (containers_ready.status, containers_ready.reason, containers_ready.message)
    return _built("Ready", _ready(ready, readiness_gates, conditions))


def _ready(containers_ready: tuple[str, str, str], readiness_gates: Sequence[str],
           conditions: Sequence[Condition]) -> tuple[str, str, str]:
    # GeneratePodReadyCondition's (status, reason, message), from ContainersReady's
    if containers_ready[0] != "True":
        return containers_ready
    messages = []
    for gate in readiness_gates:
        c = next((c for c in conditions if c.type == gate), None)
        if c is None:
            messages.append(f'corresponding condition of pod readiness gate "{gate}" does not exist.')
        elif c.status != "True":
            messages.append(f'the status of pod readiness gate "{gate}" is not "True", but {c.status}')
    if messages:
        return "False", "ReadinessGatesNotReady", ", ".join(messages)
    return "True", "", ""


def pod_conditions(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                   statuses: Sequence[ContainerStatus], *, sandbox_ready: bool, now_ms: int,
                   readiness_gates: Sequence[str] = (), previous: Sequence[Condition] = ()) -> tuple[Condition, ...]:
    """The kubelet's conditions merged into `previous` (which keeps others' conditions, such as
    readiness-gate conditions and DisruptionTarget); a transition time moves only with the status."""
    mine = kubelet_conditions(template, phase, init_statuses, statuses, sandbox_ready=sandbox_ready,
                              readiness_gates=readiness_gates, previous=previous)
    return merged(mine, previous, now_ms)


def kubelet_conditions(template: PodTemplate, phase: str, init_statuses: Sequence[ContainerStatus],
                       statuses: Sequence[ContainerStatus], *, sandbox_ready: bool,
                       readiness_gates: Sequence[str] = (), previous: Sequence[Condition] = ()) -> tuple:
    """The kubelet's five conditions as (type, status, reason, message), in the order generateAPIPodStatus
    appends them; `previous` is read only for the readiness gates' conditions."""
    if template.init_containers:
        init = _initialized(template, phase, init_statuses, statuses)
    else:  # what initialized_condition says of a pod without init containers
        init = ("True", "PodCompleted" if phase == "Succeeded" else "", "")
    containers_ready = _containers_ready(template, phase, init_statuses, statuses)
    ready = _ready(containers_ready, readiness_gates, previous)
    # the order generateAPIPodStatus appends them in, as `kubectl get pod -o yaml` lists them
    return (("PodReadyToStartContainers", "True" if sandbox_ready else "False", "", ""),
            ("Initialized", *init),
            ("Ready", *ready),
            ("ContainersReady", *containers_ready),
            ("PodScheduled", "True", "", ""))
