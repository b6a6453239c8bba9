"""The simulation loop: one clock, one seeded RNG, one store; components act through it in order."""

from __future__ import annotations

import random

import attrs

from kdsl.core.limits import MAX_EVENTS, bulk
from kdsl.engine import clock, routing
from kdsl.engine.arguments import checked, pod as find_pod
from kdsl.engine.autoscaler import ClusterAutoscaler, autoscaled
from kdsl.engine.apiserver.service_alloc import ServiceAllocator
from kdsl.engine.apiserver.trace_store import Traces
from kdsl.engine.controllers import CONTROLLERS
from kdsl.engine.controllers.node_lifecycle import NodeLifecycleController
from kdsl.engine.controllers.taint_eviction import TaintEvictionController
from kdsl.engine.events import EventLog
from kdsl.engine.expect import Checker, Results
from kdsl.engine.errors import EventBudgetExceeded, Rejections, SimulationError
from kdsl.engine.ipam import CIDRExhausted, pod_network
from kdsl.engine.kubelets import KubeletComponent
from kdsl.engine.methods import Methods
from kdsl.engine.eviction_manager import EvictionManager, OomKiller
from kdsl.engine.apiserver.defaults import new_uid
from kdsl.engine.nodes import UNSCHEDULABLE, register, with_taints
from kdsl.engine.objects import ApiObject, seeded
from kdsl.engine.precheck import located
from kdsl.engine.scenario_pods import ScenarioPods
from kdsl.engine.scheduling import SchedulerComponent
from kdsl.engine.sim_requests import Requests
from kdsl.engine.store import Store
from kdsl.engine.drain import Drainer
from kdsl.engine.timeline import Timeline
from kdsl.engine.usage import UsageTracker
from kdsl.model.nodes import Taint
from kdsl.model.scenario import Scenario


QUIET_HORIZON_MS = 600_000
PROGRESS_EVERY = 20_000  # events between two calls of a run's `progress`


# Kinds that are stored, served and checked by the API server but have no controller in the engine yet.
NOT_SIMULATED = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job",
                 "CronJob", "Service", "Ingress", "PersistentVolumeClaim", "PersistentVolume")


class Simulation(Requests, Methods):
    """A scenario played on a simulated control plane. Time is integer milliseconds; the only
    randomness is `rng`, seeded, so a scenario and a seed give the same event log in any process."""

    PRIORITY_CONTROLLER = clock.PRIORITY_CONTROLLER

    def __init__(self, scenario: Scenario, seed: int = 0, trace: bool = True):
        self.scenario = scenario
        self.traces = Traces() if trace else None  # requests and cycles (apiserver/trace_store.py)
        self.seed = seed
        self.rng = random.Random(seed)
        self.queue = clock.EventQueue()
        self.store = Store()
        self.log = EventLog()
        self.network = pod_network(scenario)
        self.kube_minor = scenario.cluster.minor  # the API server words its refusals as that release does
        self.service_alloc = ServiceAllocator(scenario.cluster.service_cidr, self.rng, self.store, self.kube_minor)
        self.failed_nodes: set[str] = set()
        self.rejections = Rejections()
        self.pod_templates: dict = {}  # each first of its value, for the pods users create (sim_requests._alike)
        self.template_parts: dict = {}  # their families by their parts' identities (sim_requests._parts)
        self.node_lifecycle = NodeLifecycleController(self)
        self.taint_eviction = TaintEvictionController(self)  # any NoExecute taint, the lifecycle's or a user's
        self.last_action_ms = max((a.at_ms for a in scenario.timeline), default=0)
        for node in scenario.nodes:
            self.add_node(node)
        self.scheduler = SchedulerComponent(self)
        self.kubelets = KubeletComponent(self)
        self.usage = UsageTracker(self)  # what pods use (`uses`, `load`): metrics, OOM and pressure read it
        self.oom_killer = OomKiller(self)  # a container over its memory limit is OOMKilled
        self.eviction = EvictionManager(self)  # each kubelet's eviction manager: memory pressure
        # In a fixed order, so that controllers woken at the same moment act in the same order every run.
        self.controllers = {cls.name: cls(self) for cls in CONTROLLERS}
        # The cluster autoscaler, only for a scenario with an autoscaled pool (`autoscale=MIN..MAX`).
        self.autoscaler = ClusterAutoscaler(self) if autoscaled(scenario) else None
        with bulk():
            pods = ScenarioPods(self)  # Requests.create's, with what a family of pods shares checked once
            for obj in scenario.objects:
                if seeded(obj):
                    pods.create(obj)
            for hpa in scenario.autoscalers:  # kept apart from `objects` in the model; API objects all the same
                self.create(hpa, source="scenario")
        self.timeline_player = Timeline(self)  # `timeline()` is the view of pods over time
        self.drainer = Drainer(self)  # `drain node` actions, as kubectl drains
        for action in scenario.timeline:
            self.queue.at(action.at_ms, self.timeline_player.act, action, priority=clock.PRIORITY_TIMELINE)

    @property
    def now(self) -> int:
        return self.queue.now

    @property
    def not_simulated(self) -> dict[str, int]:
        """Objects the engine stores but does not act on yet (no controller), counted by kind."""
        counts: dict[str, int] = {}
        handled = {kind for c in self.controllers.values() for kind in c.kinds}
        for obj in self.scenario.objects:
            if obj.kind in NOT_SIMULATED and obj.kind not in handled:
                counts[obj.kind] = counts.get(obj.kind, 0) + 1
        return counts

    # ---- nodes ------------------------------------------------------------------------------------
    def add_node(self, node) -> ApiObject:
        try:
            cidr = self.network.register(node.name)
        except CIDRExhausted as exc:
            raise SimulationError([located(self.scenario, str(exc), node.span)]) from None
        obj = register(node, new_uid(self.rng), cidr, self.now)
        if node.unschedulable:
            obj = with_taints(obj, add=(Taint(UNSCHEDULABLE, None, "NoSchedule"),))
        if node.ready != "True":
            obj = self.node_lifecycle.registered(obj)
        obj = self.write(obj, source="kubelet")
        self.event("Normal", "RegisteredNode", obj, f"Node {node.name} event: Registered Node {node.name} in "
                                                     "Controller", source="node-controller")
        return obj

    def run(self, until: int | None = None, progress=None, max_events: int = MAX_EVENTS) -> Simulation:
        """Play events up to `until` (ms), or the scenario's `run`; without either, until nothing is
        pending — but no further than 10 minutes after the last timeline action, since a crash loop or
        a pull back-off never ends by itself (10 minutes hold two full 5-minute back-offs).
        `progress(now_ms, until_ms, events)` is called every 20,000 events (the CLI's progress line).
        Past `max_events` events (each write to the store counting as one) the run stops with
        EventBudgetExceeded (docs/security.md)."""
        until = until if until is not None else self.scenario.run_ms
        horizon = until if until is not None else self.last_action_ms + QUIET_HORIZON_MS
        # A write to the store counts as an event too (the watch event it sends): one sync may create 500 pods,
        # so events alone do not bound a run's work (docs/security.md). The scenario's own objects are not counted.
        queue, store, every = self.queue, self.store, PROGRESS_EVERY
        done, written = 0, store.resource_version
        with bulk():
            while (due := queue.next_time()) is not None:
                if due > horizon:
                    queue.now = max(queue.now, horizon)  # the run ends at its horizon, not at its last event
                    break
                done += 1
                if done + store.resource_version - written > max_events:
                    raise EventBudgetExceeded(self, max_events, done - 1, store.resource_version - written)
                if progress is not None and done % every == 0:
                    progress(self.now, until, done)
                _, fn, args = queue.take()
                if args is not None:
                    fn(*args)
                    continue
                # A group (clock.at_grouped): its callbacks played here, each an event as above. The next one's
                # count is taken before it is known to exist, and given back when it is not played here: when it
                # does not exist, or when the budget or the progress line falls due at it (the loop above then
                # counts it again and raises or reports with the same figures; an emptied group is left to
                # next_in, which takes it off the queue).
                play, items = fn.fn, fn.items
                while (args := queue.next_in(fn)) is not None:
                    play(*args)
                    done += 1
                    if done + store.resource_version - written > max_events or (
                            progress is not None and done % every == 0):
                        if items:
                            break
                done -= 1
        if until is not None:
            self.queue.now = max(self.queue.now, until)
        return self

    @checked
    def state(self, at: int | None = None) -> dict:
        """Every object as it stood at `at` (default: now), by (kind, namespace, name)."""
        return self.store.state_at(self.now if at is None else at)

    @checked
    def explanation(self, pod: str):
        """Why is my pod Pending: for `ns/name` (or `name` in default), every node's filter verdicts and
        plugin scores, recomputed on the cluster as it stands now (`Explanation.rows()` for a table;
        `explain` gives it as a DataFrame)."""
        obj = find_pod(self, pod)
        if obj.spec.template.node_name is not None:
            # Explain it as the scheduler saw it: without itself on its node.
            obj = attrs.evolve(obj, spec=attrs.evolve(obj.spec, template=attrs.evolve(obj.spec.template,
                                                                                       node_name=None)))
        return self.scheduler.explain(obj)

    def check(self) -> Results:
        """Every `expect` of the scenario checked against this run: a list of Results (a table in a notebook)."""
        checker = Checker(self)
        return Results(checker.check(e) for e in self.scenario.expectations)

    @checked
    def route(self, url: str, at: int | None = None) -> routing.Route:
        """Where a request for `url` (`HOST/PATH`) goes at a moment (default: now): the ingress rule, the
        Service and port, and the ready pods that serve it with equal shares — or why nothing does."""
        return routing.route(self, routing.checked_url(url), at)
