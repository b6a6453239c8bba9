"""Building blocks for the API server tests: scenarios from kdsl text, pods and requests in one line."""

from __future__ import annotations

import attrs

import kdsl
from kdsl.engine.apiserver.errors import ApiError
from kdsl.engine.objects import ApiObject, MemoryView, PodStatus, wrap
from kdsl.model.pods import Container, PodTemplate, Resources, Toleration
from kdsl.model.workloads import Pod


class Cluster:
    """A scenario's objects as the store would hold them, and its users; `ask` runs one request."""

    def __init__(self, text: str = "", *, skip_kinds: tuple[str, ...] = ()):
        self.scenario = kdsl.parse(text)
        self.view = MemoryView(o for o in self.scenario.objects if o.kind not in skip_kinds)
        self.users = self.scenario.users

    def add(self, *objects) -> Cluster:
        for o in objects:
            self.view.add(o)
        return self

    def ask(self, verb: str, kind: str, **fields):
        from kdsl.engine.apiserver.request import Request, handle  # the request flow, on demand
        return handle(Request(verb=verb, kind=kind, **fields), self.view, self.users, minor=self.scenario.cluster.minor)

    def create(self, obj, **fields):
        api = obj if isinstance(obj, ApiObject) else wrap(obj)
        return self.ask("create", api.kind, object=api, **fields)

    def apply(self, obj, **fields) -> ApiObject:
        """Create and store; fails the test if the API server refuses."""
        result = self.create(obj, **fields)
        assert not isinstance(result, ApiError), result.message
        self.view.add(result.object)
        return result.object


def container(name: str = "app", image: str = "nginx:1.25", *, cpu: int | None = None, memory: int | None = None,
              limit_cpu: int | None = None, limit_memory: int | None = None, **fields) -> Container:
    return Container.build(name=name, image=image, requests=Resources(cpu=cpu, memory=memory),
                           limits=Resources(cpu=limit_cpu, memory=limit_memory), **fields)


def pod(name: str = "web", namespace: str = "dev", *containers: Container, labels=(), tolerations=(),
        **template) -> Pod:
    return Pod(name=name, namespace=namespace, labels=tuple(labels),
               template=PodTemplate(labels=tuple(labels), containers=containers or (container(),),
                                    tolerations=tuple(Toleration(**t) if isinstance(t, dict) else t
                                                      for t in tolerations), **template))


def with_phase(obj: ApiObject, phase: str) -> ApiObject:
    return attrs.evolve(obj, status=PodStatus(phase=phase))


def message(result) -> str:
    assert isinstance(result, ApiError), f"expected an error, got {result!r}"
    return result.message
