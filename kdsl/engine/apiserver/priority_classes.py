"""The Priority admission plugin's decision: a pod's priority from the stored PriorityClasses or the system ones."""

from __future__ import annotations

import functools
from collections.abc import Callable

import yaml

from kdsl.core.evolve import ByIdentity, evolve
from kdsl.engine.objects import View

# pkg/apis/scheduling/types.go: SystemCriticalPriority = 2 * HighestUserDefinablePriority (1e9); the API server
# creates both classes at start (pkg/registry/scheduling/rest/storage_scheduling.go, SystemPriorityClasses).
SYSTEM = {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}


def _read(manifest) -> tuple[int, bool, str | None] | None:
    """A stored PriorityClass (kdsl keeps it as its manifest): its value, globalDefault and preemptionPolicy."""
    data = yaml.safe_load(manifest.yaml) if isinstance(getattr(manifest, "yaml", None), str) else None
    if not isinstance(data, dict) or isinstance(data.get("value"), bool) or not isinstance(data.get("value"), int):
        return None
    policy = data.get("preemptionPolicy")
    return data["value"], data.get("globalDefault") is True, policy if policy in ("Never",) else None


_classes = ByIdentity(_read)


def value(view: View, name: str) -> tuple[int, str | None] | None:
    """The value and preemption policy (None: the default, PreemptLowerPriority) of the class `name`, None when
    there is no such class."""
    stored = view.get("PriorityClass", None, name)
    if stored is not None:
        got = _classes(stored.spec)
        return (got[0], got[2]) if got is not None else None
    return (SYSTEM[name], None) if name in SYSTEM else None


def global_default(view: View) -> tuple[str, int, str | None] | None:
    """getDefaultPriorityClass: of the classes marked globalDefault, the one of the smallest value (the API's
    PriorityClass.globalDefault documentation, staging/src/k8s.io/api/scheduling/v1/types.go; ties by name);
    None when there is none."""
    found = [(got[0], o.name, got[2]) for o in view.list("PriorityClass")
             if (got := _classes(o.spec)) is not None and got[1]]
    return min(found, key=lambda x: x[:2]) if found else None


def admitted(template, view: View) -> Callable | str | None:
    """admitPod (plugin/pkg/admission/priority/admission.go) for a pod's template: the function that gives it its
    priority, the text of the refusal, or None when kdsl's own `priority N` without a class stands as is."""
    name = template.priority_class
    if name is None and template.priority is not None:
        return None
    if name is None:
        default = global_default(view)
        if default is None:
            return _default_priority
        number, name, policy = default
        return _class_priority(name, number, policy)
    found = value(view, name)
    if found is None:
        return f"no PriorityClass with name {name} was found"
    number, policy = found
    if template.priority is not None and template.priority != number:
        return (f"the integer value of priority ({template.priority}) must not be provided in pod spec; priority "
                f"admission controller computed {number} from the given PriorityClass name")
    return _class_priority(name, number, policy)


def _default_priority(template):
    return evolve(template, priority=0)  # scheduling.DefaultPriorityWhenNoDefaultClassExists


@functools.lru_cache(maxsize=256)
def _class_priority(name: str, number: int, policy: str | None) -> Callable:
    """One function a class, so the pods of a ReplicaSet share their defaulted template (admission._defaulted)."""
    return lambda template: evolve(template, priority_class=name, priority=number, preemption_policy=policy)
