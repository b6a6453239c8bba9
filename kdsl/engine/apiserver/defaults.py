"""What the registry writes into the metadata of an object it stores: generation, name labels, names, UIDs."""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs

from kdsl.engine.objects import ApiObject
from kdsl.model.names import GENERATED_ALPHABET as ALPHABET

# Kinds whose strategy counts spec changes in metadata.generation: PrepareForCreate sets Generation = 1,
# PrepareForUpdate adds one when the spec changed. Every other kind (Service, ConfigMap, Secret, claims,
# volumes, namespaces, nodes, RBAC, ControllerRevision, HPA ...) leaves it 0, which v1 does not write.
GENERATION = {
    "Pod": "pkg/registry/core/pod/strategy.go (updatePodGeneration)",
    "ReplicationController": "pkg/registry/core/replicationcontroller/strategy.go",
    "Deployment": "pkg/registry/apps/deployment/strategy.go (the spec or the annotations)",
    "ReplicaSet": "pkg/registry/apps/replicaset/strategy.go",
    "StatefulSet": "pkg/registry/apps/statefulset/strategy.go",
    "DaemonSet": "pkg/registry/apps/daemonset/strategy.go",
    "Job": "pkg/registry/batch/job/strategy.go",
    "CronJob": "pkg/registry/batch/cronjob/strategy.go",
    "Ingress": "pkg/registry/networking/ingress/strategy.go",
    "IngressClass": "pkg/registry/networking/ingressclass/strategy.go",
    "NetworkPolicy": "pkg/registry/networking/networkpolicy/strategy.go",
    "PodDisruptionBudget": "pkg/registry/policy/poddisruptionbudget/strategy.go",
    "EndpointSlice": "pkg/registry/discovery/endpointslice/strategy.go (anything but metadata, or the labels)",
}
# SetDefaults_Namespace (pkg/apis/core/v1/defaults.go) and the namespace strategy's Canonicalize label every
# namespace with its own name, so a namespaceSelector can pick one namespace.
NAME_LABEL = "kubernetes.io/metadata.name"


def on_create(obj: ApiObject) -> ApiObject:
    """The object as PrepareForCreate leaves its metadata: generation 1 or 0 by kind, no deletion state,
    a namespace's name label (a DaemonSet's template generation is strategy.py's)."""
    meta = obj.meta
    generation = 1 if obj.kind in GENERATION else 0
    changes: dict = {}
    if (meta.generation, meta.deletion_ms, meta.deletion_grace_ms) != (generation, None, None):
        changes.update(generation=generation, deletion_ms=None, deletion_grace_ms=None)
    if obj.kind == "Namespace":
        changes.update(_name_label(meta))
    return attrs.evolve(obj, meta=attrs.evolve(meta, **changes)) if changes else obj


def on_update(new: ApiObject, old: ApiObject) -> dict:
    """The metadata PrepareForUpdate writes over a request's: the generation (counted, where the kind counts
    it, when its spec changed), a namespace's name label."""
    out: dict = {"generation": old.meta.generation + 1 if _bumps(new, old) else old.meta.generation}
    if new.kind == "Namespace":
        out.update(_name_label(new.meta))
    return out


def on_delete(generation: int) -> int:
    """BeforeDelete and markAsDeleting (k8s.io/apiserver/pkg/registry/rest/delete.go, registry/store.go): the
    generation moves when deletion starts, where the kind has one."""
    return generation + 1 if generation > 0 else generation


def _bumps(new: ApiObject, old: ApiObject) -> bool:
    if new.kind == "EndpointSlice" and new.meta.labels != old.meta.labels:
        return True
    if new.kind not in GENERATION or new.spec == old.spec:
        return False
    # The model object carries the request's labels and annotations; strategies compare the spec only (a
    # Deployment its annotations too, an EndpointSlice its labels too).
    keep = {"Deployment": ("annotations",), "EndpointSlice": ("labels",)}.get(new.kind, ())
    blank = {f: () for f in ("labels", "annotations") if f not in keep and hasattr(new.spec, f)}
    if not blank:
        return True
    return attrs.evolve(new.spec, **blank) != attrs.evolve(old.spec, **blank)


def _name_label(meta) -> dict:
    if dict(meta.labels).get(NAME_LABEL) == meta.name:
        return {}
    return {"labels": tuple(p for p in meta.labels if p[0] != NAME_LABEL) + ((NAME_LABEL, meta.name),)}


# ---- names and UIDs ----------------------------------------------------------------------------
# A created object's name from metadata.generateName (rest.BeforeCreate, k8s.io/apiserver/pkg/registry/rest/
# create.go, with pkg/storage/names/generate.go) and its UID (rest.FillObjectMetaSystemFields, rest/meta.go).
# kdsl draws both from the simulation's seeded RNG, so runs repeat byte for byte; the simulation and the
# controllers call these before they send a create (docs/apiserver.md).

MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_BASE = MAX_NAME_LENGTH - RANDOM_LENGTH  # 58: names/generate.go cuts the base to this
_ALPHABET_LENGTH = len(ALPHABET)
_BITS = _ALPHABET_LENGTH.bit_length()
# CPython's Random draws a number below n as getrandbits(n.bit_length()), again while it is n or more
_BELOW_BY_BITS = random.Random._randbelow is random.Random._randbelow_with_getrandbits
# uuid.UUID(int=..., version=4)'s variant and version bits (RFC 4122): kept clear, then set
_UUID4_CLEAR = ~((0xc000 << 48) | (0xf000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def generate_name(base: str, rng: random.Random) -> str:
    """`web-` → `web-x7k2p`: the base cut to 58 characters, then 5 random characters."""
    if len(base) > MAX_GENERATED_BASE:
        base = base[:MAX_GENERATED_BASE]
    # rng.choice(ALPHABET) five times, without its checks: Random.choice is `seq[self._randbelow(len(seq))]`,
    # so the draws (and the RNG's state after them) are the same; a controller names every pod with it
    a = ALPHABET
    if type(rng) is not random.Random or not _BELOW_BY_BITS:
        below, n = rng._randbelow, _ALPHABET_LENGTH
        return base + a[below(n)] + a[below(n)] + a[below(n)] + a[below(n)] + a[below(n)]
    # Random._randbelow_with_getrandbits(27) inlined: getrandbits(5) drawn again while it is 27 or more
    bits, drawn = rng.getrandbits, []
    while len(drawn) < RANDOM_LENGTH:
        r = bits(_BITS)
        if r < _ALPHABET_LENGTH:
            drawn.append(a[r])
    return base + "".join(drawn)


def generate_free_name(base: str, rng: random.Random, taken: Callable[[str], bool]) -> str:
    """A generated name no object holds yet. The API server retries a generateName that collides
    (RetryGenerateName, GA in 1.32: apiserver/pkg/registry/generic/registry/store.go), so a controller's
    create never meets 409 AlreadyExists for a name it did not choose; thousands of pods make that likely."""
    name = generate_name(base, rng)
    while taken(name):
        name = generate_name(base, rng)
    return name


def new_uid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded RNG, so runs repeat byte for byte."""
    # str(uuid.UUID(int=rng.getrandbits(128), version=4)), without the UUID: the same bits set, the same text
    h = "%032x" % ((rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
