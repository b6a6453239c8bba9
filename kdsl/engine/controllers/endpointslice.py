"""The EndpointSlice controller: each selector Service's pods as endpoints, at most 100 to a slice."""

from __future__ import annotations

import attrs

from kdsl.engine import clock, expect
from kdsl.engine.controllers.base import Controller, Key
from kdsl.core.evolve import ByIdentity
from kdsl.engine.apiserver.defaults import generate_name
from kdsl.engine.objects import ApiObject, Meta, OwnerRef
from kdsl.engine.services import (MANAGED_BY, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL,
                                  Endpoint, EndpointPort, EndpointSlice, endpoint_of, endpoint_ports,
                                  publish_not_ready, selector_matches, service_values, should_be_endpoint)

SvcKey = tuple[str, str]  # (namespace, name)
# A pod's labels as a dict, read only: the pods of a ReplicaSet share their labels, and each of their
# writes asks the namespace's selectors again.
_label_dict = ByIdentity(dict)
Wanted = tuple[Endpoint, tuple[EndpointPort, ...]]


@attrs.define
class _Slice:
    """What this controller last wrote to one slice: its ports and its endpoints by pod name."""

    ports: tuple[EndpointPort, ...]
    endpoints: dict[str, Endpoint]
    stored: bool = False


class EndpointSliceController(Controller):
    """Incremental: Services are indexed by namespace, so a pod change is matched against the few
    selector Services of its own namespace and only the endpoint of that pod is recomputed; each
    Service keeps its wanted endpoints and the slice each pod sits in, so a reconcile rewrites only
    the slices whose pods changed (never a scan of every pod). The real controller recomputes the
    Service's whole slice set from its pod lister on each sync; the slices it writes are the same."""

    name = "endpointslice-controller"
    kinds = ("Service",)
    # After the kubelets at each moment: the pod changes of one moment become one sync per Service, as
    # the controller's work queue folds a burst of updates for one key into one.
    priority = clock.PRIORITY_KUBELET + 5

    def setup(self) -> None:
        self._selectors: dict[str, dict[str, object]] = {}  # namespace -> service name -> Service spec
        self._wanted: dict[SvcKey, dict[str, Wanted]] = {}
        self._dirty: dict[SvcKey, set[str]] = {}
        self._slices: dict[SvcKey, dict[str, _Slice]] = {}
        self._placed: dict[SvcKey, dict[str, str]] = {}  # pod name -> slice name
        # (namespace, id of a labels tuple) -> (the tuple, the names of the Services selecting it): the pods
        # of a ReplicaSet share their labels, and most pod writes are of pods no Service selects
        self._selecting: dict[tuple[str, int], tuple[tuple, tuple[str, ...]]] = {}
        self.store.watch("Service", self.on_service)
        # on_pod reads the selector Services of the pod's namespace (on_service keeps those stored): a namespace
        # without a Service has none, and its pods' writes are not heard; nor are those of a pod no Service
        # selects before or after (`_selects`, asked by the store once per labels tuple)
        self.store.watch("Pod", self.on_pod, beside="Service", labels=self._selects)

    # ---- watches ---------------------------------------------------------------------------------
    def on_service(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        svc = new or old
        key = (svc.namespace, svc.name)
        by_name = self._selectors.setdefault(svc.namespace, {})
        self._selecting.clear()
        self.store.reselect()
        if new is None or new.spec.selector is None:
            by_name.pop(svc.name, None)
            if key in self._wanted:
                self._mark(key, self._wanted.pop(key))
            self.enqueue(("Service",) + key)
            return
        spec = new.spec
        before = by_name.get(svc.name)
        if before is not None and _same_endpoints(before, spec):
            return  # labels, type or node ports changed: the endpoints are what they were
        by_name[svc.name] = spec
        old_wanted = self._wanted.get(key, {})
        wanted: dict[str, Wanted] = {}
        for pod in self.store.list("Pod", svc.namespace):  # one namespace, once per selector or port change
            w = self._want(pod, spec)
            if w is not None:
                wanted[pod.name] = w
        self._wanted[key] = wanted
        self._mark(key, set(old_wanted) | set(wanted))
        self.enqueue(("Service",) + key)

    def on_pod(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        pod = new or old
        ns = pod.meta.namespace
        services = self._selectors.get(ns)
        if not services:
            return  # the common case at scale: no selector Service in this namespace
        labels = (old or new).meta.labels
        found = self._selecting.get((ns, id(labels)))  # _selected_by's answer, read here: most pods are no endpoint
        selecting = found[1] if found is not None and found[0] is labels else self._selected_by(ns, services, labels)
        # the Services whose selector the pod's labels after the write match: those selecting them before when the
        # write keeps them (_selected_by's answer is of these labels and the Services as they are), so that no
        # selector is asked again; `_want` asks the selector, then whether the pod is an endpoint
        matching = selecting
        if old is not None and new is not None and old.meta.labels is not new.meta.labels:
            matching = self._selected_by(pod.namespace, services, new.meta.labels)
            selecting = tuple(n for n in services if n in selecting or n in matching)
        if not selecting:
            return  # no Service selects the pod, before or after: it was and stays no endpoint
        endpoint = new is not None and should_be_endpoint(new)  # once, not once a Service
        for name in selecting:
            spec = services[name]
            key = (pod.namespace, name)
            wanted = self._wanted.setdefault(key, {})
            w = self._endpoint(new, spec) if endpoint and name in matching else None
            if wanted.get(pod.name) == w:
                continue
            if w is None:
                del wanted[pod.name]
            else:
                wanted[pod.name] = w
            self._mark(key, (pod.name,))
            self.enqueue(("Service",) + key)

    def _selects(self, namespace: str, labels: tuple) -> bool:
        """Whether a selector Service of the namespace selects these labels: else on_pod returns at once, as
        GetServicesToUpdateOnPodChange (pkg/controller/util/endpoint/controller_utils.go) finds no Service to
        queue for a pod no Service selects before or after its update."""
        services = self._selectors.get(namespace)
        return bool(services) and bool(self._selected_by(namespace, services, labels))

    def _selected_by(self, namespace: str, services: dict, labels: tuple) -> tuple[str, ...]:
        """The names of the namespace's selector Services whose selector these labels match, in the
        order the loop asks them. A pod is in a Service's wanted endpoints only while its labels match
        the selector (a selector change recomputes them all), so the others need not be asked."""
        found = self._selecting.get((namespace, id(labels)))
        if found is None or found[0] is not labels:
            if len(self._selecting) >= 4096:
                self._selecting.clear()
            as_dict = _label_dict(labels)
            found = self._selecting[(namespace, id(labels))] = (
                labels, tuple(n for n, spec in services.items() if selector_matches(spec.selector, as_dict)))
        return found[1]

    def _want(self, pod: ApiObject, spec) -> Wanted | None:
        """The pod's endpoint and ports for Service `spec`, None when it is none (not selected, or no endpoint)."""
        if not selector_matches(spec.selector, pod.meta.label_dict()) or not should_be_endpoint(pod):
            return None
        return self._endpoint(pod, spec)

    def _endpoint(self, pod: ApiObject, spec) -> Wanted:
        """podToEndpoint and getEndpointPorts of a pod the Service selects and that should be an endpoint."""
        node_name = pod.spec.template.node_name
        node = self.store.get("Node", None, node_name) if node_name else None
        return endpoint_of(pod, spec, node), endpoint_ports(pod, spec)

    def _mark(self, key: SvcKey, pods) -> None:
        self._dirty.setdefault(key, set()).update(pods)

    # ---- reconcile -------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        svc_key = (ns, name)
        svc = self.store.get("Service", ns, name)
        slices = self._slices.setdefault(svc_key, {})
        if svc is None or svc.spec.selector is None:
            # Gone, or its endpoints are now managed by hand: the slices this controller made go too.
            for slice_name in sorted(slices):
                if slices[slice_name].stored and self.store.get("EndpointSlice", ns, slice_name) is not None:
                    self.client.delete("EndpointSlice", ns, slice_name)
            for index in (self._slices, self._placed, self._dirty, self._wanted):
                index.pop(svc_key, None)
            return
        wanted = self._wanted.get(svc_key, {})
        placed = self._placed.setdefault(svc_key, {})
        touched: set[str] = set()
        for pod in sorted(self._dirty.pop(svc_key, ())):
            touched |= self._place(svc, slices, placed, pod, wanted.get(pod))
        touched |= self._placeholder(svc, slices)
        for slice_name in sorted(touched):
            self._write(svc, slices, slice_name)
        # Why return here: every dirty pod sits in its slice and each touched slice is written.

    def _place(self, svc: ApiObject, slices: dict[str, _Slice], placed: dict[str, str], pod: str,
               want: Wanted | None) -> set[str]:
        """Move one pod's endpoint where it belongs: updated in place when its ports are unchanged, else
        out of its slice and into the first slice of the same ports with room, or a new slice."""
        touched = set()
        current = placed.get(pod)
        if current is not None and (want is None or slices[current].ports != want[1]):
            del slices[current].endpoints[pod]
            del placed[pod]
            touched.add(current)
            current = None
        if want is None:
            return touched
        endpoint, ports = want
        if current is None:
            current = next((n for n in sorted(slices) if slices[n].ports == ports
                            and len(slices[n].endpoints) < MAX_ENDPOINTS_PER_SLICE), None)
            if current is None:
                current = self._new_slice(svc, slices, ports)
            placed[pod] = current
        if slices[current].endpoints.get(pod) != endpoint:
            slices[current].endpoints[pod] = endpoint
            touched.add(current)
        return touched

    def _placeholder(self, svc: ApiObject, slices: dict[str, _Slice]) -> set[str]:
        """A Service with no endpoints keeps one empty slice (the controller's placeholder); one with
        endpoints keeps no empty slice."""
        empty = [n for n in sorted(slices) if not slices[n].endpoints]
        if len(empty) == len(slices):
            if not slices:
                return {self._new_slice(svc, slices, ())}
            keep, drop = empty[0], empty[1:]
            if slices[keep].ports:
                slices[keep].ports = ()
                return {keep, *drop}
            return set(drop)
        return set(empty)

    def _new_slice(self, svc: ApiObject, slices: dict[str, _Slice], ports) -> str:
        name = generate_name(f"{svc.name}-", self.sim.rng)
        while name in slices or self.store.get("EndpointSlice", svc.namespace, name) is not None:
            name = generate_name(f"{svc.name}-", self.sim.rng)
        slices[name] = _Slice(ports=ports, endpoints={})
        return name

    def _write(self, svc: ApiObject, slices: dict[str, _Slice], name: str) -> None:
        state = slices[name]
        ns = svc.namespace
        others = any(s.endpoints for s in slices.values())
        if not state.endpoints and others:
            del slices[name]
            if state.stored:
                self.client.delete("EndpointSlice", ns, name)
            return
        spec = EndpointSlice(service=svc.name, endpoints=tuple(state.endpoints[p] for p in sorted(state.endpoints)),
                             ports=state.ports)
        current = self.store.get("EndpointSlice", ns, name) if state.stored else None
        if current is not None:
            if current.spec != spec:
                self.client.update(attrs.evolve(current, spec=spec))
            return
        labels = dict(svc.meta.labels)
        labels.update({SERVICE_NAME_LABEL: svc.name, MANAGED_BY_LABEL: MANAGED_BY})
        meta = Meta(name=name, namespace=ns, labels=tuple(sorted(labels.items())),
                    owners=(OwnerRef(kind="Service", name=svc.name, uid=svc.meta.uid),))
        state.stored = self.client.create(ApiObject(kind="EndpointSlice", meta=meta, spec=spec)) is not None


def _same_endpoints(a, b) -> bool:
    """Whether two Service specs give their pods the same endpoints (selector, ports, publishing)."""
    return (a.selector, _ports(a), publish_not_ready(a)) == (b.selector, _ports(b), publish_not_ready(b))


def _ports(spec) -> tuple:
    # Node ports do not reach endpoints; names, targets and protocols do.
    return tuple((p.name, p.target, p.protocol) for p in spec.ports)


expect.register("service", "Service", service_values)
