"""PriorityClasses as the Priority admission plugin reads them: the stored ones and the two built-in system classes."""

from __future__ import annotations

import yaml

from kdsl.engine.apiserver.view import View
from kdsl.core.evolve import ByIdentity

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
