"""Builds a Scenario from parsed documents: dispatch by statement, includes, namespaces, ordering."""

from __future__ import annotations

from pathlib import Path

import attrs

from kdsl.core.errors import Diagnostic, KdslError, KdslSyntaxError
from kdsl.core.limits import bulk
from kdsl.lang.fmt import line_text
from kdsl.lang.parser import parse_document
from kdsl.lang.syntax import Document, Stmt
from kdsl.model.autoscaling import with_load_annotations
from kdsl.model.build.autoscaling import build_hpa, build_load
from kdsl.model.build.access import build_binding, build_role, build_serviceaccount, build_user
from kdsl.model.build.alike import build_alike, build_service_alike
from kdsl.model.build.checks import check, said_once
from kdsl.model.build.cluster import (MAX_POOL, build_cluster, build_limits, build_namespace, build_node, build_pv,
                                      build_quota, build_storageclass)
from kdsl.model.build.context import Ctx
from kdsl.model.build.disruption import build_pdb
from kdsl.model.build.expect import build_expect
from kdsl.model.build.includes import MAX_INCLUDE_DEPTH, IncludeRefused, Loader
from kdsl.model.build.measure import build_measure
from kdsl.model.build.network_policy import build_network_policy
from kdsl.model.build.params import Params
from kdsl.model.build.objects import build_data, build_ingress, build_manifest, build_pvc
from kdsl.model.build.timeline import build_at, build_run
from kdsl.model.scenario import Scenario, ScenarioError
from kdsl.model.nodes import Cluster, NodePool

_NAMESPACED = {"workload": build_alike, "service": build_service_alike, "ingress": build_ingress,
               "configmap": build_data, "secret": build_data, "pvc": build_pvc,
               "serviceaccount": build_serviceaccount, "role": build_role, "binding": build_binding,
               "manifest": build_manifest, "networkpolicy": build_network_policy,
               "pdb": build_pdb}


class _Build:
    def __init__(self, ctx: Ctx, loader, overrides=None):
        self.ctx, self.loader = ctx, loader
        self.params = Params(ctx, overrides or {})
        self.cluster: Cluster | None = None
        self.nodes, self.objects, self.users, self.timeline, self.expectations = [], [], [], [], []
        self.loads, self.autoscalers = [], []
        self.measures = []
        self.run_ms = None
        self.files: list[str] = []
        self.documents: list[Document] = []
        self.dollars: dict[int, tuple] = {}  # id(document) -> (it, whether its text has a `$`)
        self.unreadable = False  # an included file could not be read or parsed: a KdslSyntaxError

    def objects_of(self, stmt: Stmt, namespace: str | None) -> list:
        """The API objects one statement declares (a namespace block declares its contents too)."""
        k = stmt.kind
        if k in _NAMESPACED:
            obj = _NAMESPACED[k](self.ctx, stmt, namespace)
            return [obj] if obj is not None else []
        if k == "namespace":
            ns = build_namespace(self.ctx, stmt)
            if ns is None:
                return []
            out = [ns]
            for s in stmt.block or ():
                if s.kind == "quota":
                    out.append(build_quota(self.ctx, s, ns.name))
                elif s.kind == "limits":
                    out.append(build_limits(self.ctx, s, ns.name))
                elif s.kind in ("load", "hpa"):
                    self.autoscaling(s, ns.name)
                elif s.kind not in ("labels", "annotations", "yaml"):
                    out.extend(self.objects_of(s, ns.name))
            return out
        if k == "storageclass":
            return [o for o in [build_storageclass(self.ctx, stmt)] if o]
        if k == "pv":
            return [o for o in [build_pv(self.ctx, stmt)] if o]
        self.ctx.error(stmt, f"`{stmt.keyword}` cannot be created or applied by the timeline")
        return []

    def top(self, stmt: Stmt, doc: Document) -> None:
        """A statement of a file, its `$NAME`s replaced first (an expectation keeps its text as written)."""
        got = self.dollars.get(id(doc))  # read once a file, not once a statement
        if got is None or got[0] is not doc:
            got = self.dollars[id(doc)] = (doc, "$" in doc.source.text)
        self.stmt(self.params.substitute(stmt) if got[1] else stmt, doc, stmt)

    def declare(self, doc: Document, seen: set) -> None:
        """The params of a file and of the files it includes, before any statement is read: a `$NAME` may come
        before its `param`, or in another file. Each include is parsed once (include() takes it from here)."""
        for s in doc.stmts:
            if s.kind == "param":
                self.params.declare(s)
            elif s.kind == "include":
                try:
                    path = self.loader.path(s, doc)
                except IncludeRefused:
                    continue  # include() says why, at the include
                if str(path) in seen:
                    continue
                seen.add(str(path))
                try:
                    inc = parse_document(*self.loader.open(s, doc, path))
                except (OSError, UnicodeDecodeError, KdslError, IncludeRefused):
                    continue  # include() says why, at the include
                self.loader.parsed[str(path)] = inc
                self.declare(inc, seen)

    def _room_for(self, node, stmt: Stmt) -> bool:
        """Pools are expanded node by node by the checks and the engine: the whole scenario's count is bounded
        as one pool's is, before anything expands it."""
        total = sum(map(_count, self.nodes)) + _count(node)
        if total > MAX_POOL:
            self.ctx.error(stmt, f"the scenario has {total:,} nodes with this {'pool' if _count(node) > 1 else 'node'}, "
                                 f"more than the {MAX_POOL:,} kdsl simulates (Kubernetes supports clusters of up "
                                 "to 5,000 nodes)")
            return False
        return True

    def stmt(self, stmt: Stmt, doc: Document, written: Stmt | None = None) -> None:
        k = stmt.kind
        if k == "param":
            return  # declared by declare()
        if k == "cluster":
            if self.cluster is not None:
                self.ctx.error(stmt, "the scenario has two `cluster` statements")
            self.cluster = build_cluster(self.ctx, stmt)
            for s in stmt.block or ():
                if s.kind in ("node", "nodes"):
                    self.stmt(s, doc)
                elif s.kind in ("storageclass", "pv"):
                    made = self.objects_of(s, None)
                    self.objects.extend(made)
                    self.cluster = attrs.evolve(self.cluster, provisioners=self.cluster.provisioners + tuple(
                        o.provisioner for o in made if o.kind == "StorageClass"
                        and o.provisioner not in self.cluster.provisioners))
                else:
                    self.ctx.error(s, f"`{s.keyword}` is not allowed in a cluster block",
                                   expected=["`node`, `nodes`, `storageclass` or `pv`"])
        elif k in ("node", "nodes"):
            node = build_node(self.ctx, stmt)
            if node is not None and self._room_for(node, stmt):
                self.nodes.append(node)
        elif k == "user":
            user = build_user(self.ctx, stmt)
            if user is not None:
                self.users.append(user)
        elif k == "at":
            self.timeline.extend(build_at(self.ctx, stmt, self.objects_of))
        elif k == "run":
            if self.run_ms is not None:
                self.ctx.error(stmt, "the scenario has two `run` statements")
            self.run_ms = build_run(self.ctx, stmt)
        elif k.startswith("expect"):
            exp = build_expect(self.ctx, stmt, line_text(written or stmt))
            if exp is not None:
                self.expectations.append(exp)
        elif k == "include":
            self.include(stmt, doc)
        elif k == "measure":
            measure = build_measure(self.ctx, stmt, line_text(stmt))
            if measure is not None:
                self.measures.append(measure)
        elif k in ("load", "hpa"):
            self.autoscaling(stmt, None)
        else:
            self.objects.extend(self.objects_of(stmt, None))

    def autoscaling(self, stmt: Stmt, namespace: str | None) -> None:
        if stmt.kind == "load":
            load = build_load(self.ctx, stmt, namespace)
            if load is not None:
                self.loads.append(load)
        else:
            hpa = build_hpa(self.ctx, stmt, namespace)
            if hpa is not None:
                self.autoscalers.append(hpa)

    def include(self, stmt: Stmt, doc: Document) -> None:
        target = stmt.args[0].text
        try:
            path = self.loader.path(stmt, doc)
        except IncludeRefused as exc:
            self._refused(stmt, target, str(exc))
            return
        chain = self.loader.chain
        if len(chain) > MAX_INCLUDE_DEPTH:
            self._refused(stmt, target, f"includes nest deeper than {MAX_INCLUDE_DEPTH} files")
            return
        if str(path) in chain:
            names = " -> ".join(Path(p).name for p in chain[chain.index(str(path)):] + [str(path)])
            self.ctx.error(stmt, f"include cycle: {names}")
            return
        first = self.loader.read.get(str(path))
        if first is not None:  # each file is read once: a diamond (two files include a third) is fine
            if first.file == doc.name:
                self.ctx.warn(stmt.args[0], f"\"{target}\" is already included at {first}; it is read once")
            return
        inc = self.loader.parsed.pop(str(path), None)
        if inc is None:
            inc = self.read_include(stmt, doc, target, path)
            if inc is None:
                return
        self.loader.read[str(path)] = stmt.span
        self.ctx.sources[inc.name] = inc.source
        if inc.made:
            self.ctx.made = {**self.ctx.made, **inc.made}  # (a document's own map is left as it is)
        chain.append(str(path))
        self.files.append(inc.name)
        self.documents.append(inc)
        for s in inc.stmts:
            self.top(s, inc)
        chain.pop()

    def _refused(self, stmt: Stmt, target: str, why: str) -> None:
        """An include not read: the error names the path as written and why, never the file's content."""
        self.ctx.error(stmt.args[0], f"cannot include \"{target}\": {why}")
        self.unreadable = True

    def read_include(self, stmt: Stmt, doc: Document, target: str, path: Path) -> Document | None:
        try:
            text, name = self.loader.open(stmt, doc, path)
        except IncludeRefused as exc:
            self._refused(stmt, target, str(exc))
            return None
        except OSError as exc:
            self._refused(stmt, target, exc.strerror or type(exc).__name__)
            return None
        except UnicodeDecodeError as exc:
            self.ctx.error(stmt.args[0], f"cannot include \"{target}\": it is not UTF-8 text "
                                         f"(byte 0x{exc.object[exc.start]:02x} at offset {exc.start})")
            self.unreadable = True
            return None
        self.loader.read[str(path)] = stmt.span
        try:
            return parse_document(text, name)
        except KdslError as exc:
            self.ctx.diagnostics.extend(exc.diagnostics)
            self.unreadable = True
            return None

    def scenario(self) -> Scenario:
        timeline = sorted(self.timeline, key=lambda a: a.at_ms or 0)  # stable: same time keeps text order
        objects = tuple(with_load_annotations(self.objects, self.loads))  # a load is its workload's annotation
        return Scenario(cluster=self.cluster or Cluster(), node_specs=tuple(self.nodes), objects=objects,
                        users=tuple(self.users), timeline=tuple(timeline), expectations=tuple(self.expectations),
                        loads=tuple(self.loads), autoscalers=tuple(self.autoscalers),
                        run_ms=self.run_ms, files=tuple(self.files), params=self.params.params(),
                        measures=tuple(self.measures),
                        source_files=tuple(d.source for d in self.documents),
                        includes=tuple(sorted(self.loader.opened.items())))


@bulk()  # as the parse: many small objects that live as long as the scenario, and no cycle
def build(doc: Document, later=None, params=None, files=None, allow_include=()) -> Scenario:
    """The Scenario a parsed document declares; raises ScenarioError listing every error found.

    Warnings (what Kubernetes would accept but is likely a mistake) are kept on `Scenario.warnings`.
    `later(scenario, alike)` gives more diagnostics once the model's own checks found no error (kdsl.parse
    passes the engine's precheck: the model layer does not know the API server); `alike` is Ctx.alike_of, the
    objects built alike but for their name (alike.py). `params` overrides the
    defaults of declared params (name → Word, kdsl.model.build.params.overrides_of). `files` (a Scenario's
    `includes`, as a dict) is read instead of the disk for every `include`. Includes stay inside the
    folder of `doc` (the working directory without a name) or a folder of `allow_include`.
    """
    ctx = Ctx({doc.name: doc.source})
    ctx.made = doc.made
    loader = Loader(files, Path(doc.name).parent if doc.name else None, allow_include)
    if doc.name:
        loader.chain.append(str(Path(doc.name).resolve()))
    b = _Build(ctx, loader, params)
    b.documents.append(doc)
    if doc.name:
        b.files.append(doc.name)
    b.declare(doc, set(loader.chain))
    for s in doc.stmts:
        b.top(s, doc)
    b.params.finish(doc.name)
    scenario = b.scenario()
    check(ctx, scenario)
    if later is not None and not any(d.severity == "error" for d in ctx.diagnostics):
        ctx.diagnostics.extend(later(scenario, ctx.alike_of))
    ctx.diagnostics = b.params.explain(ctx.diagnostics)
    ctx.mask_secret_values()
    files = {name: i for i, name in enumerate(ctx.sources)}  # in the order they were read

    def order(d: Diagnostic):
        return (d.severity != "error", files.get(d.file, len(files)), d.file or "", d.line or 0, d.column or 0)

    diagnostics = said_once(sorted(ctx.diagnostics, key=order))
    if any(d.severity == "error" for d in diagnostics):
        raise (KdslSyntaxError if b.unreadable else ScenarioError)(diagnostics)
    return attrs.evolve(scenario, warnings=tuple(d for d in diagnostics if d.severity == "warning"))


def _count(node) -> int:
    return node.count if isinstance(node, NodePool) else 1
