"""Hypothesis strategies: valid kdsl scenario texts in many layouts, and the raw material to fuzz with.

`scenarios()` draws a whole scenario as statements (`S`: head tokens and an optional block), then writes
it out with varied spacing: extra spaces and tabs, `key = value` as well as `key=value`, `;` as well as
newlines, blank lines, comments, `\\`-newline continuations, one-line `{ a; b }` blocks, CRLF.

Strings, comments and multi-line strings take any character, the line breaks Python knows besides
"\n" (form feed, \x85, \u2028 ...) included; a multi-line string may end without a newline.

Every drawn scenario is meant to build without errors: names are valid DNS-1123 (DNS-1035 where
Kubernetes asks for it), unique per kind and namespace and never a keyword; every namespace used is
declared; a mount names a volume of its pod; probes, strategies and restart policies are ones the
kind accepts. A text that fails to parse is a bug in kdsl or in these strategies, never noise.
"""

from __future__ import annotations

import itertools

import attrs
from hypothesis import strategies as st

from kdsl.lang.grammar import keyword_terminals
from kdsl.core.values import duration_ms
from kdsl.model.access import RESOURCE_ALIASES, RESOURCE_GROUPS, VERBS
from kdsl.model.nodes import QUOTA_RESOURCES

KEYWORDS = frozenset(v for v in keyword_terminals().values() if v[:1].isalpha())
PUNCTUATION = tuple(sorted(v for v in keyword_terminals().values() if not v[:1].isalpha()))
# Words that mean something where a name or a bare word may stand: flags, kinds, sections, attributes.
SPECIAL = frozenset("""
    none default request min max readonly ro optional paused suspend unschedulable cordoned expandable immutable
    emptydir sidecar headless clusterip nodeport loadbalancer pod pods deployment deployments replicaset replicasets
    statefulset statefulsets daemonset daemonsets job jobs cronjob cronjobs service services pvc pvcs pv pvs node
    nodes namespace configmap secret ingress role clusterrole rolebinding clusterrolebinding serviceaccount
    phase status reason message restarts image ip ready pending running replicas available updated revision
    succeeded failed active complete volume capacity bound claim endpoints notready count events object type
    true false yes no on off in notin exists to as
""".split())
RESERVED = KEYWORDS | SPECIAL

# Characters Python's str.splitlines() breaks lines at besides "\n" (kdsl breaks lines only at "\n").
EXOTIC_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@attrs.define
class S:
    """A statement before layout: head tokens (already spelt) and an optional block."""

    head: list[str]
    block: list[S] | None = None


# ---- small values ------------------------------------------------------------------------------------

_NAME_RE = r"[a-z]([-a-z0-9]{0,8}[a-z0-9])?"
COMMON_NAMES = ("web", "api", "db", "cache", "worker", "shop", "data", "logs", "edge", "batch", "a", "b0", "x-1")
names = st.one_of(st.sampled_from(COMMON_NAMES), st.from_regex(_NAME_RE, fullmatch=True)).filter(
    lambda s: s not in RESERVED)
port_names = st.from_regex(r"[a-z]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True).filter(lambda s: s not in RESERVED)
env_names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True)
label_keys = st.one_of(st.sampled_from(("app", "tier", "zone", "team", "track", "disk")),
                       st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)).filter(lambda s: s not in RESERVED)
some_label_values = st.one_of(st.sampled_from(("web", "v1", "a.b_c", "X-9")),
                              st.from_regex(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?", fullmatch=True))
label_values = st.one_of(some_label_values, st.just(""))
# IsConfigMapKey refuses `.`, `..` and a key starting with `..`; kdsl refuses them as the API server does.
config_keys = st.from_regex(r"[-._a-zA-Z0-9]{1,10}", fullmatch=True).filter(
    lambda s: not s.startswith(("-", "..")) and s != "." and "->" not in s)
images = st.one_of(st.sampled_from(("nginx:1.25", "busybox:1.36", "shop/api:1.4", "postgres:16", "redis",
                                    "ghcr.io/a/b@sha256:0123abcd", "registry.local:5000/team/app:v2")),
                   st.from_regex(r"[a-z]{1,8}(/[a-z]{1,5})?(:[0-9]{1,2}(\.[0-9]{1,2})?)?", fullmatch=True))
durations = st.one_of(st.sampled_from(("0s", "500ms", "5s", "30s", "2m", "1m30s", "1h", "1.5s", "1d", "90s")),
                      st.integers(1, 600).map(lambda n: f"{n}s"))
positive_durations = st.one_of(st.sampled_from(("1s", "5s", "10s", "1m", "2m30s")),
                               st.integers(1, 120).map(lambda n: f"{n}s"))
cpus = st.one_of(st.sampled_from(("100m", "250m", "0.5", "1", "2", "1500m", "4")),
                 st.integers(1, 4000).map(lambda n: f"{n}m"))
memories = st.one_of(st.sampled_from(("64Mi", "128Mi", "1Gi", "2G", "512M", "16Gi", "1e9")),
                     st.integers(1, 4096).map(lambda n: f"{n}Mi"))
limit_cpus = st.sampled_from(("4", "4000m", "8", "16"))  # at least any of `cpus`
limit_memories = st.sampled_from(("16Gi", "32Gi", "17179869184"))  # at least any of `memories`
sizes = st.one_of(st.sampled_from(("1Gi", "5Gi", "10Gi", "100Gi", "500Mi")), st.integers(1, 99).map(lambda n: f"{n}Gi"))
port_numbers = st.one_of(st.sampled_from((80, 443, 8080, 5432, 9100)), st.integers(1, 65535)).map(str)
paths = st.one_of(st.sampled_from(("/", "/api", "/healthz", "/etc/web", "/var/lib/data")),
                  st.from_regex(r"(/[a-z0-9._]{1,6}){1,3}", fullmatch=True))
words = st.sampled_from(("sh", "-c", "run", "--verbose", "echo", "/bin/app", "1", "x.y", "a/b"))


# What a string or a comment may hold: any character but surrogates, with the awkward ones made likely.
text_chars = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from('"\\\n\t#;{}' + EXOTIC_BREAKS))
comment_text = st.text(st.one_of(st.characters(exclude_categories=("Cs",), exclude_characters="\n"),
                                 st.sampled_from('"\\\t#;{}' + EXOTIC_BREAKS)), max_size=16)


# ---- the scenario ---------------------------------------------------------------------------------------

class _Gen:
    """Draws the statements of one scenario, keeping the names it declares consistent and unique."""

    def __init__(self, draw):
        self.draw = draw
        self.taken: set[tuple] = set()
        self.namespaces: list[str] = []
        self.nodes: list[str] = []
        self.users: list[str] = []
        self.workloads: list[tuple[str, str, str, tuple[str, ...]]] = []  # kind, namespace, name, containers
        self.services: list[tuple[str, str]] = []
        # What the API server allocates once: a fixed ClusterIP and each NodePort (taken twice, `kdsl check` refuses).
        self.allocated: set[str] = set()
        self.has_run = False
        # The timeline acts only on what stands at 0s, and never on what it deletes (nor in a namespace it deletes),
        # since `kdsl check` plays it in time order, and the actions are drawn in any order of time.
        self.static: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.acted: set[tuple[str, str]] = set()  # (namespace, name) of what an action targets
        self.deleted: set[tuple[str, str]] = set()
        self.deleted_ns: set[str] = set()
        # spec.paused decides what kubectl refuses (pause twice, resume, restart or undo while paused): a declared
        # paused Deployment and one a pause/resume acts on (at most once) are kept from restart and rollback.
        self.paused: set[tuple[str, str]] = set()
        self.pause_acted: set[tuple[str, str]] = set()
        self.rolled: set[tuple[str, str]] = set()

    # ---- drawing helpers ------------------------------------------------------------------------------
    def __call__(self, strategy):
        return self.draw(strategy)

    def flip(self, p_true: float = 0.5) -> bool:
        return self(st.integers(0, 99)) < p_true * 100

    def pick(self, seq):
        return self(st.sampled_from(list(seq)))

    def one(self, *options):
        """One of the options; a callable is called only when chosen."""
        o = options[self(st.integers(0, len(options) - 1))]
        return o() if callable(o) else o

    def some(self, make, lo: int, hi: int) -> list:
        return [make() for _ in range(self(st.integers(lo, hi)))]

    def fresh(self, kind: str, ns: str | None = None, strategy=names) -> str:
        base = self(strategy)
        name, i = base, 1
        while (kind, ns, name) in self.taken:
            i += 1
            name = f"{base}-{i}"
        self.taken.add((kind, ns, name))
        return name

    def ws(self) -> str:
        return self(st.sampled_from((" ", " ", " ", "  ", "\t")))

    def attr(self, key: str, value: str, op: str = "=") -> str:
        """`key=value` as one token, or spaced `key = value` (the grammar's `attr` rule)."""
        if self.flip(0.8):
            return f"{key}{op}{value}"
        return f"{key}{self.ws()}{op}{self.ws()}{value}"

    def opt(self, out: list[str], key: str, values, p: float = 0.5) -> None:
        """Maybe (with chance p) add `key=VALUE`, VALUE drawn from a strategy or picked from a list."""
        if self.flip(p):
            out.append(self.attr(key, self.pick(values) if isinstance(values, list) else self(values)))

    def colon(self, head: list[str]) -> None:
        """`at 30s:` / `as alice:`: the colon is glued to the word before it, or stands apart."""
        if self.flip(0.8):
            head[-1] += ":"
        else:
            head.append(":")

    def string(self, max_size: int = 12, alphabet=None) -> str:
        """A quoted string literal for random text, with the escapes written in more than one way."""
        text = self(st.text(alphabet or text_chars, max_size=max_size))
        return self.quote(text)

    def quote(self, text: str) -> str:
        out = []
        for i, ch in enumerate(text):
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                raw_ok = nxt and nxt not in '"\\nt\n'
                out.append("\\" if raw_ok and self.flip(0.3) else "\\\\")
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t" if self.flip() else "\t")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def value(self, text: str) -> str:
        """A bare value, sometimes written as a string (an empty value must be)."""
        return self.quote(text) if text == "" or self.flip(0.15) else text

    def key(self, text: str) -> str:
        return self.quote(text) if self.flip(0.1) else text

    def pairs(self, keys=label_keys, values=label_values, lo: int = 0, hi: int = 3) -> list[str]:
        ks = self(st.lists(keys, min_size=lo, max_size=hi, unique=True))
        return [self.attr(self.key(k), self.value(self(values))) for k in ks]

    def ref(self, ns: str, name: str, inside: bool) -> str:
        """How a namespaced object is named: bare inside its namespace block (or in default), else ns/name."""
        if inside:
            return f"{ns}/{name}" if self.flip(0.1) else name
        return name if ns == "default" and self.flip() else f"{ns}/{name}"

    def triple(self, indent: str = "  ") -> str:
        """A multi-line string: lines of YAML-ish text, maybe a line of spaces, maybe no final newline."""
        lines = self(st.lists(st.from_regex(r"[a-z]{1,6}: ?[a-z0-9{}\[\] ]{0,8}", fullmatch=True),
                              min_size=1, max_size=4))
        nested = [("  " * self(st.integers(0, 2)) if i else "") + ln.rstrip() for i, ln in enumerate(lines)]
        if self.flip(0.1):
            nested.insert(1, self.pick(["   ", "", "\t"]))  # an empty line or one of only spaces
        if self.flip(0.1):
            nested[-1] += self.pick(['\\"""', "\\\\", '"', '""'])  # escapes: \""" \\ and lone quotes
        return self.layout(nested, indent)

    def yaml_block(self, indent: str = "  ", container: bool = False) -> str:
        """A `yaml` block's string: a YAML mapping (anything else is an error), in the layouts `triple` uses.
        Its fields are ones kdsl has no words for and the API server accepts (an import refuses unknown
        fields, as the API server does): an object's finalizers, a container's workingDir, tty, ..."""
        plain = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True).filter(  # a string, not YAML's bool or null
            lambda t: t not in ("yes", "no", "true", "false", "on", "off", "null"))
        texts = st.one_of(plain,
                          st.sampled_from(("''", "'say \"hi\"'", "'a\\\\b'", "'q\\\"\"\"'")))
        if not container:  # the one field every kind has that kdsl does not say
            # in flow style: the one-line layout keeps the first line only, and `metadata:` alone would delete it
            finalizers = self(st.lists(texts, min_size=1, max_size=2, unique=True))
            return self.layout([f"metadata: {{finalizers: [{', '.join(finalizers)}]}}"], indent)
        fields = {"workingDir": texts, "tty": st.sampled_from(("true", "false")), "stdinOnce": st.just("true"),
                  "terminationMessagePolicy": st.just("FallbackToLogsOnError")}
        nested = []
        for i, key in enumerate(self(st.lists(st.sampled_from([*fields, "securityContext"]), min_size=1, max_size=3,
                                              unique=True))):
            # not the first key: the one-line layout keeps only the first line, and `key:` alone is a null,
            # which a merge patch reads as "delete key" (nothing to see when kdsl does not write key)
            if key == "securityContext" and i:
                nested += ["securityContext:", f"  runAsNonRoot: {self.pick(['true', 'false'])}"]
            elif key == "securityContext":
                nested.append("securityContext: {}")
            else:
                nested.append(f"{key}: {self(fields[key])}")
        if len(nested) > 1 and self.flip(0.1):
            nested.insert(1, self.pick(["   ", ""]))  # an empty line or one of only spaces
        return self.layout(nested, indent)

    def layout(self, nested: list[str], indent: str) -> str:
        """Lines as a triple-quoted string: a block, open (no final newline), on one line, or empty."""
        form = self.pick(["block"] * 6 + ["open", "one-line", "empty"])
        if form != "block" and nested[-1].endswith('"'):
            nested[-1] += "."  # a quote just before the closing quotes would close the string early
        if form == "one-line":  # `"""a: 1"""` (no newline at all) or `""""""`
            return '"""' + nested[0] + '"""'
        if form == "empty":
            return '""""""'
        body = "\n".join(indent + ln if ln.strip() else ln for ln in nested)
        if form == "open":  # the closing quotes end the last line: the value has no final newline
            return '"""\n' + body + '"""'
        return '"""\n' + body + "\n" + indent + '"""'

    # ---- cluster ----------------------------------------------------------------------------------------
    def node(self) -> S:
        if self.flip(0.3):
            name, count = self(names), self(st.integers(1, 4))
            expanded = [f"{name}-{i}" for i in range(1, count + 1)]
            if any(("Node", None, n) in self.taken for n in [name, *expanded]):
                return self.node_one()
            self.taken.update(("Node", None, n) for n in [name, *expanded])
            self.nodes.extend(expanded)
            head = ["nodes", name, self.attr("count", str(count))]
            if self.flip(0.3):  # a node group of the cluster autoscaler: its count within its bounds
                lo, hi = self(st.integers(0, count)), self(st.integers(count, 12))
                head.append(self.attr("autoscale", f"{lo}..{hi}"))
                self.opt(head, "provision", durations)
        else:
            return self.node_one()
        return S(head + self.node_attrs(), self.node_block())

    def node_one(self) -> S:
        name = self.fresh("Node")
        self.nodes.append(name)
        return S(["node", name] + self.node_attrs(), self.node_block())

    def node_attrs(self) -> list[str]:
        out = []
        self.opt(out, "cpu", cpus)
        self.opt(out, "memory", memories)
        self.opt(out, "pods", st.integers(0, 250).map(str), 0.2)
        if self.flip(0.2):
            out.append(self.attr("images", ",".join(self(st.lists(images, min_size=1, max_size=2)))))
        if self.flip(0.15):
            out.append(self.pick(["unschedulable", "cordoned"]))
        return self(st.permutations(out))

    def node_block(self) -> list[S] | None:
        block = self.meta_block(p=0.4)
        if block is not None:
            block += [S(["taint", self.taint_spec()]) for _ in range(self(st.integers(0, 2)))]
        return block

    def taint_spec(self) -> str:
        key, effect = self(label_keys), self.pick(["NoSchedule", "PreferNoSchedule", "NoExecute", "noschedule"])
        if self.flip():
            return f"{key}={self(some_label_values)}:{effect}"
        return f"{key}:{effect}"

    def storageclass(self) -> S:
        head = ["storageclass", self.fresh("StorageClass")]
        opts = []
        self.opt(opts, "provisioner", ["dynamic", "none", "kubernetes.io/no-provisioner"])
        self.opt(opts, "binding", ["WaitForFirstConsumer", "Immediate", "immediate"])
        self.opt(opts, "reclaim", ["Delete", "Retain", "recycle"])
        if self.flip(0.3):
            opts.append("default")
        if self.flip(0.2):
            opts.append("expandable")
        return S(head + self(st.permutations(opts)), self.meta_block(yaml=True))

    def pv(self) -> S:
        head = ["pv", self.fresh("PersistentVolume"), self(sizes)]
        opts = []
        self.opt(opts, "class", ["standard", "slow", "none"])
        if self.flip():
            opts.append(self.attr("access", ",".join(self(st.lists(st.sampled_from(["RWO", "ROX", "RWX", "RWOP",
                                                                                  "rwx"]), min_size=1, max_size=3,
                                                                   unique=True)))))
        self.opt(opts, "reclaim", ["Retain", "Delete"])
        return S(head + self(st.permutations(opts)), self.meta_block(yaml=True))

    def meta_block(self, yaml: bool = False, p: float = 0.25) -> list[S] | None:
        """Maybe a block of labels, annotations (and yaml)."""
        if not self.flip(p):
            return None
        block = []
        if self.flip():
            block.append(S(["labels", *self.pairs()]))
        if self.flip(0.4):
            block.append(self.annotations())
        if yaml and self.flip(0.3):
            block.append(S(["yaml", self.yaml_block()]))
        return block

    def annotations(self) -> S:
        ks = self(st.lists(st.one_of(label_keys, st.sampled_from(["example.com/note", "a.b/c"])),
                           max_size=3, unique=True))
        return S(["annotations", *[self.attr(self.key(k), self.string() if self.flip(0.9) else self.triple())
                                       for k in ks]])

    def cluster(self) -> S:
        head = ["cluster"]
        if self.flip(0.7):
            head.append(self(names))
            self.opt(head, "nodeGrace", durations, 0.3)
            self.opt(head, "version", ["1.30", "1.33"], 0.2)
        block = None
        if self.flip(0.8):
            block = self.some(lambda: self.pick([self.node, self.node, self.storageclass, self.pv])(), 0, 4)
        return S(head, block)

    # ---- namespaces ---------------------------------------------------------------------------------------
    def namespace(self) -> S:
        name = self.fresh("Namespace")
        self.namespaces.append(name)
        head = ["namespace", name]
        if not self.flip(0.8):
            return S(head)
        block: list[S] = []
        if self.flip(0.4):
            block.append(S(["labels", *self.pairs(lo=1)]))
        if self.flip(0.2):
            block.append(self.annotations())
        if self.flip(0.3):
            block.append(self.quota())
        if self.flip(0.3):
            block.append(self.limits())
        block += self.some(lambda: self.resource(name, inside=True), 0, 3)
        return S(head, self(st.permutations(block)))

    def quota(self) -> S:
        # one name per resource: `cpu` and `requests.cpu` together are an error
        keys = self(st.lists(st.sampled_from(sorted(QUOTA_RESOURCES)), min_size=1, max_size=4,
                             unique_by=lambda k: QUOTA_RESOURCES[k]))
        out = []
        for k in keys:
            v = self(cpus) if k.endswith("cpu") else self(memories) if k.endswith(("memory", "storage")) \
                else str(self(st.integers(0, 50)))
            out.append(self.attr(k, v))
        return S(["quota", *out])

    def limits(self) -> S:
        head = ["limits"]
        for section in self(st.lists(st.sampled_from(["default", "request", "min", "max"]),
                                     min_size=1, max_size=3, unique=True)):
            # `request` and `default-request` are one section: a key given in both is an error
            head.append(self.pick(["request", "default-request"]) if section == "request" else section)
            self.opt(head, "cpu", cpus, 0.8)
            self.opt(head, "memory", memories)
        return S(head)

    def resource(self, ns: str, inside: bool) -> S:
        make = self.pick([self.workload, self.workload, self.workload, self.service, self.ingress, self.data,
                          self.pvc, self.serviceaccount, self.role, self.binding, self.networkpolicy, self.pdb])
        return make(ns, inside)

    def some_namespace(self) -> str:
        return self.pick(["default", *self.namespaces])

    # ---- workloads --------------------------------------------------------------------------------------
    def workload(self, ns: str, inside: bool, kind: str | None = None) -> S:
        kind = kind or self.pick(["deployment", "statefulset", "daemonset", "job", "cronjob", "pod", "replicaset",
                                  "replicationcontroller"])
        name = self.fresh(kind, ns)
        head = [kind, self.ref(ns, name, inside)]
        opts = []
        if kind in ("deployment", "replicaset", "replicationcontroller", "statefulset") and self.flip(0.7):
            opts.append(self.attr("replicas", str(self(st.integers(0, 5)))))
        if kind in ("deployment", "replicaset", "replicationcontroller", "statefulset", "daemonset") \
                and self.flip(0.1):
            opts.append(self.attr("minReady", self(durations)))
        if kind == "deployment":
            self.opt(opts, "progressDeadline", durations, 0.1)
            self.opt(opts, "revisionHistoryLimit", st.integers(0, 10).map(str), 0.1)
            if self.flip(0.1):
                opts.append("paused")
                self.paused.add((ns, name))
        if kind == "statefulset":
            self.opt(opts, "service", names)
            self.opt(opts, "policy", ["OrderedReady", "Parallel", "parallel"], 0.3)
            self.opt(opts, "start", st.integers(0, 3).map(str), 0.1)
        if kind in ("job", "cronjob"):
            for k in ("completions", "parallelism", "backoff"):
                if self.flip(0.3):
                    opts.append(self.attr(k, str(self(st.integers(0, 5)))))
            self.opt(opts, "deadline", durations, 0.1)
        if kind == "cronjob":
            opts.append(self.attr("schedule", self.quote(self.pick(["0 2 * * *", "*/5 * * * *", "@hourly"]))))
            self.opt(opts, "concurrency", ["Allow", "Forbid", "Replace"], 0.3)
            if self.flip(0.1):
                opts.append("suspend")
        shorthand = self.flip(0.4)
        if shorthand:
            opts.append(self.attr("image", self(images)))
            self.opt(opts, "port", port_numbers, 0.4)
            self.opt(opts, "cpu", cpus, 0.4)
            self.opt(opts, "memory", memories, 0.3)
        head += self(st.permutations(opts))
        block = self.pod_block(kind, need_container=not shorthand, used={name} if shorthand else set())
        containers = tuple(s.head[1] for s in block or () if s.head[0] == "container")
        self.workloads.append((kind, ns, name, containers + ((name,) if shorthand else ())))
        return S(head, block)

    def pod_block(self, kind: str, need_container: bool, used: set[str]) -> list[S] | None:
        if not need_container and not self.flip(0.4):
            return None
        block: list[S] = []
        volumes = self(st.lists(names, max_size=2, unique=True))
        claims = []
        if kind == "statefulset" and self.flip():
            claims = [n for n in self(st.lists(names, min_size=1, max_size=2, unique=True)) if n not in volumes]
        mountable = volumes + claims
        if self.flip(0.6):
            labels = self.pairs(lo=1)
            block.append(S(["labels", *labels]))
            if kind in ("deployment", "replicaset", "replicationcontroller", "statefulset", "daemonset") \
                    and self.flip(0.2):  # a selector narrower than the labels (it must match them)
                chosen = self(st.lists(st.sampled_from(labels), min_size=1, max_size=len(labels), unique=True))
                if kind != "replicationcontroller" and self.flip(0.3):  # set-based: a key the labels lack
                    chosen.append("!x-absent")
                block.append(S(["selector", *chosen]))
        if self.flip(0.15):
            block.append(self.annotations())
        strategy = self.strategy(kind)
        if strategy:
            block.append(strategy)
        for _ in range(self(st.integers(1 if need_container else 0, 2))):
            block.append(self.container("container", mountable, used))
        if self.flip(0.15):
            block.append(self.container("init", mountable, used))
        restart = self.restart(kind)
        if restart:
            block.append(restart)
        block += [self.volume(v) for v in volumes]
        for c in claims:
            block.append(S(["claim", c, self(sizes)] + self.some(
                lambda: self.pick([lambda: self.attr("class", self.pick(["standard", "fast"])),
                                   lambda: self.attr("access", self.pick(["RWO", "RWX", "RWO,ROX"]))])(), 0, 1)))
        for make in (self.node_selector, self.toleration, self.affinity, self.spread, self.pod_misc):
            if self.flip(0.15):
                block.append(make())
        if self.flip(0.05):
            block.append(S(["yaml", self.yaml_block()]))
        return self(st.permutations(block))

    def strategy(self, kind: str) -> S | None:
        if kind not in ("deployment", "statefulset", "daemonset") or not self.flip(0.3):
            return None
        if kind == "deployment" and self.flip(0.3):
            return S(["strategy", "recreate"])
        if kind != "deployment" and self.flip(0.3):
            return S(["strategy", self.pick(["ondelete", "OnDelete"])])
        head = ["strategy", self.pick(["rolling", "RollingUpdate"])]
        amounts = st.one_of(st.integers(0, 3).map(str), st.integers(0, 100).map(lambda n: f"{n}%"))
        if kind == "statefulset":
            self.opt(head, "partition", st.integers(0, 3).map(str))
            self.opt(head, "maxUnavailable", st.integers(1, 3).map(str), 0.3)
            return S(head)
        surge = self(amounts) if self.flip() else None
        unavailable = self(amounts) if self.flip() else None
        zero = lambda x: x in ("0", "0%")  # noqa: E731
        if kind == "daemonset":
            if unavailable is not None and zero(unavailable) and (surge is None or zero(surge)):
                surge = "1"
        elif zero(surge or "25%") and zero(unavailable or "25%"):
            unavailable = "1"
        if surge is not None:
            head.append(self.attr("maxSurge", surge))
        if unavailable is not None:
            head.append(self.attr("maxUnavailable", unavailable))
        return S(head)

    def restart(self, kind: str) -> S | None:
        if not self.flip(0.3):
            return None
        if kind in ("job", "cronjob"):
            return S(["restart", self.pick(["Never", "OnFailure", "onfailure"])])
        if kind == "pod":
            return S(["restart", self.pick(["Always", "Never", "OnFailure"])])
        return S(["restart", "Always"])

    def volume(self, name: str) -> S:
        source = self.pick(["configmap", "secret", "pvc", "emptydir", "hostpath"])
        head = ["volume", name]
        if source == "emptydir":
            head.append("emptydir")
        elif source == "hostpath":
            head.append(self.attr("hostpath", self(paths)))
        else:
            head.append(self.attr(source, self(names)))
        if source in ("configmap", "secret") and self.flip(0.2):
            head.append("optional")  # on other sources it is an error (Kubernetes has no such field)
        if source == "pvc" and self.flip(0.1):
            head.append("readonly")  # likewise: a volume's readOnly is a claim's only
        return S(head)

    def node_selector(self) -> S:
        return S(["node-selector", *self.pairs(lo=1)])

    def toleration(self) -> S:
        if self.flip(0.2):
            return S(["toleration", self.one("*", lambda: self(label_keys))])
        spec = self.taint_spec()
        head = ["toleration", spec]
        if spec.endswith(":NoExecute") and self.flip():
            head.append(self.attr("for", self(durations)))
        return S(head)

    def selector(self, lo: int = 0, hi: int = 3, avoid=frozenset()) -> list[str]:
        """Label selector parts: `k=v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k exists`, `!k`, `k`."""
        keys = self(st.lists(label_keys.filter(lambda k: k not in avoid), min_size=lo, max_size=hi, unique=True))
        out = []
        for k in keys:
            form = self.pick(["eq", "eq", "ne", "in", "notin", "exists", "not", "bare"])
            if form == "eq":
                out.append(self.attr(self.key(k), self.value(self(label_values))))
            elif form == "ne":
                out.append(self.attr(k, self(some_label_values), "!="))
            elif form in ("in", "notin"):
                vals = self(st.lists(some_label_values, min_size=1, max_size=3))
                inner = ("," if self.flip(0.8) else f"{self.ws()},{self.ws()}").join(vals)
                pad = "" if self.flip(0.8) else self.ws()
                out.append(f"{k}{self.ws()}{form}{self.ws()}({pad}{inner}{pad})")
            elif form == "exists":
                out.append(f"{k}{self.ws()}exists")
            elif form == "not":
                out.append(f"!{k}" if self.flip(0.8) else f"!{self.ws()}{k}")
            else:
                out.append(k)
        return out

    def affinity(self) -> S:
        target = self.pick(["node", "pods"])
        kind = self.pick(["affinity", "anti-affinity"]) if target == "pods" else "affinity"
        preferred = self.flip()
        head = (["prefer"] + ([kind] if kind == "anti-affinity" or self.flip() else []) if preferred else [kind])
        head.append(target)
        opts = self.selector(lo=1, avoid={"topology", "weight", "namespaces"})  # an empty node term is an error
        if target == "pods":
            opts.append(self.attr("topology", self.pick(["kubernetes.io/hostname", "zone"])))
            if self.flip(0.2):
                opts.append(self.attr("namespaces", ",".join(self(st.lists(names, min_size=1, max_size=2)))))
        if preferred and self.flip(0.7):
            opts.append(self.attr("weight", str(self(st.integers(1, 100)))))
        return S(head + self(st.permutations(opts)))

    def spread(self) -> S:
        opts = [self.attr("topology", self.pick(["zone", "kubernetes.io/hostname"]))]
        self.opt(opts, "maxSkew", st.integers(1, 3).map(str))
        self.opt(opts, "unsatisfiable", ["DoNotSchedule", "ScheduleAnyway"])
        opts += self.selector(hi=1, avoid={"topology", "maxSkew", "unsatisfiable"})
        return S(["spread", *self(st.permutations(opts))])

    def pod_misc(self) -> S:
        which = self.pick(["priority", "serviceaccount", "grace", "gate"])
        if which == "gate":
            return S(["gate", "example.com/" + self(names)])
        if which == "priority":
            return S(["priority", str(self(st.integers(-10, 1_000_000)))])
        if which == "grace":
            return S(["grace", self(durations)])
        return S(["serviceaccount", self(names)])

    # ---- containers -------------------------------------------------------------------------------------
    def container(self, keyword: str, mountable: list[str], used: set[str]) -> S:
        name = base = self(names)
        for i in itertools.count(2):
            if name not in used:
                break
            name = f"{base}-{i}"
        used.add(name)
        head = [keyword, name]
        opts = [self.attr("image", self(images))]
        self.opt(opts, "port", port_numbers, 0.2)
        self.opt(opts, "cpu", cpus, 0.2)
        self.opt(opts, "pull", ["Always", "IfNotPresent", "never"], 0.1)
        if keyword == "init" and self.flip(0.3):
            opts.append("sidecar")
        head += self(st.permutations(opts))
        if not self.flip(0.6):
            return S(head)
        block: list[S] = []
        port_nums: set[str] = set()
        for _ in range(self(st.integers(0, 2))):
            num = self(port_numbers)
            port_nums.add(num)
            spec = num + (self.pick(["/TCP", "/UDP", "/udp"]) if self.flip(0.2) else "")
            p = ["port"] + ([self(port_names)] if self.flip() else []) + [spec]
            self.opt(p, "host", port_numbers, 0.1)
            block.append(S(p))
        for section in ("requests", "limits"):
            if self.flip(0.3):
                # A limit at least every request drawn: requests above limits are refused (`kdsl check`).
                cpu, memory = (cpus, memories) if section == "requests" else (limit_cpus, limit_memories)
                parts = [self.attr("cpu", self(cpu)), self.attr("memory", self(memory))]
                block.append(S([section, *self(st.lists(st.sampled_from(parts), min_size=1, max_size=2,
                                                        unique=True))]))
        if self.flip(0.2):  # use is free of requests and limits (above the limit is how OOM is shown)
            parts = [self.attr("cpu", self(cpus)), self.attr("memory", self(memories))]
            block.append(S(["uses", *self(st.lists(st.sampled_from(parts), min_size=1, max_size=2, unique=True))]))
        block += self.some(self.env, 0, 3)
        for vol in self(st.lists(st.sampled_from(mountable), max_size=2, unique=True)) if mountable else []:
            m = ["mount", vol, "at", self(paths)]
            if self.flip(0.3):
                m.append(self.pick(["readonly", "ro"]))
            self.opt(m, "subpath", names, 0.1)
            block.append(S(m))
        for kind in self(st.lists(st.sampled_from(["readiness", "liveness", "startup"]), max_size=3, unique=True)):
            block.append(self.probe(kind))
        lines = self.some(self.behaviour, 0, 2)
        ends = [ln for ln in lines if ln.head[0] in ("exit", "crash")]
        block += [ln for ln in lines if not any(ln is e for e in ends[1:])]  # a process ends one way: one exit or crash line
        for k in ("command", "args"):
            if self.flip(0.1):
                block.append(S([k, *self.command_words()]))
        if self.flip(0.05):
            block.append(S(["yaml", self.yaml_block(container=True)]))
        return S(head, self(st.permutations(block)))

    def command_words(self) -> list[str]:
        return self.some(lambda: self.string() if self.flip(0.3) else self(words), 1, 3)

    def env(self) -> S:
        form = self.pick(["value", "value", "ref", "from"])
        name = self(env_names)
        if form == "value":
            v = self.one(self.string, self.string, lambda: self(some_label_values), "a,b", self.triple)
            if self.flip(0.7):
                return S(["env", f"{name}={v}"])
            return S(["env", name, "=", v])
        source = self.pick(["configmap", "secret"])
        ref = self(names) + (f".{self(config_keys.filter(lambda k: '.' not in k))}" if self.flip(0.3) else "")
        extra = []
        if form == "ref":
            head = ["env", name, "from", source, ref]
            if self.flip(0.1) and "." not in ref:
                extra.append(self.attr("key", self(config_keys)))
        else:
            head = ["env", "from", source, ref.partition(".")[0]]
            self.opt(extra, "prefix", env_names, 0.2)
        if self.flip(0.2):
            extra.append("optional")
        return S(head + self(st.permutations(extra)))

    def probe(self, kind: str) -> S:
        handler = self.pick(["http", "tcp", "exec", "grpc"])
        head = [kind, handler]
        opts = []
        if handler == "http":
            if self.flip(0.8):
                head.append(self(paths))
            self.opt(opts, "scheme", ["HTTPS", "http"], 0.1)
        if handler == "exec":
            head += self.command_words()
        else:
            named = handler != "grpc" and self.flip(0.5)  # a grpc probe's port is a number
            opts.append(self.attr("port", self(port_names) if named else self(port_numbers)))
        self.opt(opts, "delay", durations, 0.4)
        self.opt(opts, "period", positive_durations, 0.4)
        self.opt(opts, "timeout", positive_durations, 0.2)
        self.opt(opts, "failures", st.integers(1, 30).map(str), 0.3)
        if kind == "readiness" and self.flip(0.2):
            opts.append(self.attr("successes", str(self(st.integers(1, 5)))))
        return S(head + self(st.permutations(opts)))

    def behaviour(self) -> S:
        which = self.pick(["start", "ready", "exit", "fault", "pull fails", "pull"])
        if which == "start":
            return S(["start", self(durations)])
        if which == "ready":
            return S(["ready", "after", self(durations)])
        if which == "exit":
            return S(["exit", str(self(st.integers(0, 255))), "after", self(durations)])
        if which == "fault":
            return S([self.pick(["crash", "hang", "unready", "oom"]), "after", self(durations)])
        if which == "pull fails":
            return S(["pull", "fails"])
        return S(["pull", self(durations)])

    # ---- networking and configuration ---------------------------------------------------------------------
    def service(self, ns: str, inside: bool) -> S:
        name = self.fresh("Service", ns)
        self.services.append((ns, name))
        head = ["service", self.ref(ns, name, inside)]
        stype = self.pick(["", "clusterip", "headless", "nodeport", "loadbalancer"])
        pre = [stype] if stype else []
        if stype in ("", "clusterip") and "10.96.0.10" not in self.allocated and self.flip(0.1):
            self.allocated.add("10.96.0.10")
            pre.append(self.attr("clusterIP", "10.96.0.10"))
        head += self(st.permutations(pre))
        if self.flip(0.9):
            head += ["selects", *self.pairs(lo=1)]  # `selects` alone is an error
        if self.flip(0.9):
            maps = []
            multi = self(st.integers(1, 3))
            used: set[str] = set()  # ValidateService: no port number, and no name (a named target), twice
            for _ in range(multi):
                port = self(port_numbers.filter(lambda n: str(n) not in used))
                used.add(str(port))
                if multi == 1 and self.flip(0.2):
                    port = f"{self(port_names)}:{port}"
                target = self.one("", lambda: self(port_numbers),
                                  lambda: self(port_names.filter(lambda n: n not in used and not n.startswith("port-"))))
                if isinstance(target, str) and target and not target.isdigit():
                    used.add(target)
                node_port = stype in ("nodeport", "loadbalancer") and target and self.flip(0.4)
                spec = port
                if target:
                    arrow = "->" if self.flip(0.8) else f"{self.ws()}->{self.ws()}"
                    if node_port:
                        chosen = self(st.integers(30000, 32767).filter(lambda n: str(n) not in self.allocated))
                        self.allocated.add(str(chosen))
                    spec += arrow + target + (f":{chosen}" if node_port else "")
                if self.flip(0.1):
                    spec += self.pick(["/TCP", "/UDP"])
                maps.append(spec)
            comma = "," if self.flip(0.7) else f"{self.ws()},{self.ws()}"
            head += ["ports", comma.join(maps)]
        return S(head, self.meta_block(yaml=True))

    def ingress(self, ns: str, inside: bool) -> S:
        head = ["ingress", self.ref(ns, self.fresh("Ingress", ns), inside)]
        self.opt(head, "class", ["nginx", "traefik"])
        block: list[S] = []
        for _ in range(self(st.integers(0 if self.flip(0.2) else 1, 3))):
            rule = ["rule"]
            if self.flip(0.7):
                rule.append(self.one("shop.example.com", "*.example.com", "a.b", lambda: self(names) + ".local"))
            path = self(paths)
            rule.append(("=" + ("" if self.flip(0.8) else self.ws()) + path) if self.flip(0.2) else path)
            rule += ["->", self.backend()]
            block.append(S(rule))
        if not block or self.flip(0.2):
            block.append(S(["default", "->", self.backend()]))
        if self.flip(0.2):
            block.append(S(["tls", "shop.example.com", self.attr("secret", self(names))]))
        if self.flip(0.1):
            block.append(S(["labels", *self.pairs()]))
        return S(head, self(st.permutations(block)))

    def backend(self) -> str:
        return f"{self(names)}:{self.one(lambda: self(port_numbers), lambda: self(port_names))}"

    def data(self, ns: str, inside: bool) -> S:
        kind = self.pick(["configmap", "secret"])
        head = [kind, self.ref(ns, self.fresh(kind, ns), inside)]
        if self.flip(0.1):
            head.append("immutable")
        if kind == "secret" and self.flip(0.3):
            head.append(self.attr("type", self.pick(["tls", "Opaque", "basic-auth"])))
        if not self.flip(0.85):
            return S(head)
        block: list[S] = []
        for k in self(st.lists(config_keys, max_size=4, unique=True)):
            key = self.quote(k) if k in RESERVED or self.flip(0.1) else k
            if self.flip(0.8):
                val = self.string(max_size=20)
            elif self.flip(0.2):
                val = self.triple("    ")
            else:
                val = self.one(lambda: self(some_label_values), "a,b", lambda: f"{self.string()},x")
            block.append(S([f"{key}{self.ws() if self.flip(0.7) else ''}={self.ws() if self.flip(0.7) else ''}"
                            f"{val}"]))
        if self.flip(0.1):
            block.append(S(["labels", *self.pairs()]))
        return S(head, self(st.permutations(block)))

    def pvc(self, ns: str, inside: bool) -> S:
        head = ["pvc", self.ref(ns, self.fresh("PersistentVolumeClaim", ns), inside), self(sizes)]
        opts = []
        self.opt(opts, "class", ["standard", "none", "fast"])
        self.opt(opts, "access", ["RWO", "RWX", "ROX,RWX"])
        return S(head + self(st.permutations(opts)), self.meta_block())

    # ---- network policy and disruption budgets --------------------------------------------------------------
    def networkpolicy(self, ns: str, inside: bool) -> S:
        head = ["networkpolicy", self.ref(ns, self.fresh("NetworkPolicy", ns), inside), "selects"]
        head += self.selector(hi=2) or ["all"]
        block = [self.np_allow() for _ in range(self(st.integers(0, 3)))]
        if self.flip(0.3):
            block.append(S(["isolate", ",".join(self(st.lists(st.sampled_from(["ingress", "egress", "Egress"]),
                                                             min_size=1, max_size=2, unique_by=str.lower)))]))
        extra = self.meta_block(yaml=True) or []
        return S(head, self(st.permutations(block + extra)) if block or extra or self.flip(0.2) else None)

    def np_allow(self) -> S:
        direction = self.pick(["ingress", "egress"])
        head = ["allow", direction]
        peer = self.pick(["", "pods", "namespaces", "both", "cidr"])
        if peer:
            head.append("from" if direction == "ingress" else "to")
        if peer in ("pods", "namespaces", "both"):
            head += ["namespaces", *(self.selector(hi=2) or ["all"])] if peer != "pods" else []
            head += ["pods", *(self.selector(hi=2) or ["all"])] if peer != "namespaces" else []
        elif peer == "cidr":
            cidr, excepts = self.pick([("10.0.0.0/8", ["10.1.0.0/16", "10.2.0.0/16"]), ("0.0.0.0/0", ["10.0.0.0/8"]),
                                       ("192.168.1.0/24", ["192.168.1.128/25"]), ("2001:db8::/32", ["2001:db8::/48"])])
            head += ["cidr", cidr]
            if self.flip():
                head += ["except", ",".join(excepts[:self(st.integers(1, len(excepts)))])]
        if self.flip(0.7):
            ports = []
            for _ in range(self(st.integers(1, 3))):
                low = self(st.integers(1, 65000))
                port = self.one(lambda: self(port_numbers), lambda: self(port_names),
                                lambda: f"{low}-{low + self(st.integers(0, 535))}")
                ports.append(port + self.pick(["", "", "/TCP", "/UDP", "/SCTP", "/udp"]))
            head += ["ports", ",".join(ports)]
        return S(head)

    def pdb(self, ns: str, inside: bool) -> S:
        budget = self.one(lambda: str(self(st.integers(0, 5))), lambda: f"{self(st.integers(0, 100))}%")
        opts = [self.attr(self.pick(["minAvailable", "maxUnavailable"]), budget)]
        if self.flip(0.9):  # without a selector: a warning, never an error
            opts += ["selects", *self.selector(avoid={"minAvailable", "maxUnavailable"})]
        return S(["pdb", self.ref(ns, self.fresh("PodDisruptionBudget", ns), inside), *opts], self.meta_block())

    # ---- access control -------------------------------------------------------------------------------------
    def user(self) -> S:
        name = self.fresh("User")
        self.users.append(name)
        opts = []
        if self.flip():
            opts.append(self.attr("token", f"t-{self(st.integers(0, 999))}"))
        if self.flip():
            opts.append(self.attr("groups", ",".join(self(st.lists(names, min_size=1, max_size=3)))))
        return S(["user", name, *self(st.permutations(opts))])

    def serviceaccount(self, ns: str, inside: bool) -> S:
        return S(["serviceaccount", self.ref(ns, self.fresh("ServiceAccount", ns), inside)])

    def role(self, ns: str | None, inside: bool) -> S:
        cluster = ns is None
        name = self.fresh("ClusterRole" if cluster else "Role", ns)
        head = ["clusterrole", name] if cluster else ["role", self.ref(ns, name, inside)]
        resources = sorted(RESOURCE_GROUPS) + sorted(RESOURCE_ALIASES)
        block = []
        for _ in range(self(st.integers(0, 3))):
            verbs = self(st.lists(st.sampled_from(VERBS), min_size=1, max_size=3, unique=True))
            res = self(st.lists(st.sampled_from(resources), min_size=1, max_size=3, unique=True))
            rule = ["allow", ",".join(verbs), "on", ",".join(res)]
            if self.flip(0.1):
                rule.append(self.attr("names", ",".join(self(st.lists(names, min_size=1, max_size=2)))))
            block.append(S(rule))
        return S(head, block if block or self.flip() else None)

    def binding(self, ns: str | None, inside: bool) -> S:
        cluster = ns is None
        name = self.fresh("ClusterRoleBinding" if cluster else "RoleBinding", ns)
        head = ["clusterrolebinding", name] if cluster else ["rolebinding", self.ref(ns, name, inside)]
        if cluster or self.flip(0.3):
            head.append(self.attr("clusterrole", self.one("view", "edit", lambda: self(names))))
        else:
            head.append(self.attr("role", self(names)))
        subjects = []
        for _ in range(self(st.integers(1, 3))):
            kind = self.pick(["user", "group", "serviceaccount", "sa"])
            who = self(names)
            if kind in ("serviceaccount", "sa") and self.flip():
                who = f"{self.some_namespace()}/{who}"
            subjects.append(f"{kind}:{who}")
        return S(head + ["to", ",".join(subjects)])

    # ---- timeline -----------------------------------------------------------------------------------------
    def at(self) -> S:
        head = ["at", self(durations)]
        if self.users and self.flip(0.2):
            head += ["as", self.pick(self.users)]
        self.colon(head)
        actions = [self.add_node, self.set_image, self.scale, self.rollback, self.delete, self.create, self.apply,
                   self.load, self.rollout]
        if self.nodes:
            actions += [self.node_action, self.node_op]
        action = self.pick(actions)() or self.add_node()  # a load with no workload standing: something else
        return S(head + action.head, action.block)

    def node_action(self) -> S:
        return S([self.pick(["fail", "recover", "cordon", "uncordon", "drain"]), "node", self.pick(self.nodes)])

    def node_op(self) -> S:
        """`label node`, `taint node`, `untaint node` (of a taint the control plane puts there: `kdsl check` cannot
        know whether it stands, so it accepts it, where a taint of the scenario's own must be there)."""
        verb = self.pick(["label", "taint", "untaint"])
        head = [verb, "node", self.pick(self.nodes)]
        if verb == "label":
            keys = self(st.lists(label_keys, min_size=1, max_size=3, unique=True))
            return S(head + [self.attr(self.key(k), self.value(self(label_values))) if self.flip() else f"{k}-"
                             for k in keys])
        if verb == "taint":
            specs = {}
            for _ in range(self(st.integers(1, 2))):
                spec = self.taint_spec()
                specs.setdefault((spec.split("=")[0].split(":")[0], spec.rpartition(":")[2].lower()), spec)
            return S(head + list(specs.values()))
        return S(head + [self.pick(["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready:NoExecute",
                                    "node.kubernetes.io/unschedulable:noschedule"])])

    def add_node(self) -> S:
        name = self.fresh("Node")
        return S(["add", "node", name] + self.node_attrs(), self.node_block())

    def standing(self, kinds) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """The workloads of those kinds that stand at 0s and that no action deletes."""
        return [w for w in self.static if w[0] in kinds and (w[1], w[2]) not in self.deleted
                and w[1] not in self.deleted_ns]

    def target(self, w) -> list[str]:
        """`[kind] ns/name` of a standing workload (a Deployment's kind is often left out)."""
        kind, ns, name, _ = w
        self.acted.add((ns, name))
        if kind == "deployment" and self.flip():
            return [f"{ns}/{name}"]
        return [kind, f"{ns}/{name}"]

    def set_image(self) -> S:
        fitting = self.standing(["deployment", "statefulset", "daemonset", "replicaset", "pod"])
        if not fitting:
            return self.add_node()
        w = self.pick(fitting)
        containers = self(st.lists(st.sampled_from(w[3]), min_size=1, max_size=2, unique=True)) if w[3] else ["*"]
        return S(["set", "image", *self.target(w), *[self.attr(c, self(images)) for c in containers]])

    def scale(self) -> S:
        fitting = self.standing(["deployment", "statefulset", "replicaset", "replicationcontroller"])
        if not fitting:
            return self.add_node()
        return S(["scale", *self.target(self.pick(fitting)), self.attr("replicas", str(self(st.integers(0, 10))))])

    def load(self) -> S:
        fitting = self.standing(["deployment", "statefulset", "replicaset", "replicationcontroller", "daemonset",
                                 "job"])
        if not fitting:
            return None
        w = self.pick(fitting)
        self.acted.add((w[1], w[2]))
        parts = [self.attr("cpu", self(cpus)), self.attr("memory", self(memories))]
        return S(["load", w[0], f"{w[1]}/{w[2]}",
                  *self(st.lists(st.sampled_from(parts), min_size=1, max_size=2, unique=True))])

    def hpa(self) -> S:
        """An HPA on a workload that stands at 0s, valid as the API server validates it."""
        fitting = self.standing(["deployment", "statefulset", "replicaset", "replicationcontroller"])
        if not fitting:
            return None
        kind, ns, target, _ = self.pick(fitting)
        self.acted.add((ns, target))
        lo = self(st.integers(1, 3))
        head = ["hpa", f"{ns}/{self.fresh('HorizontalPodAutoscaler', ns)}", self.attr("target", f"{kind}/{target}"),
                self.attr("max", str(self(st.integers(lo, 10))))]
        if self.flip():
            head.append(self.attr("min", str(lo)))
        if self.flip(0.7):
            head.append(self.attr("cpu", self.pick([f"{self(st.integers(1, 150))}%", self(cpus)])))
        if self.flip(0.3):
            head.append(self.attr("memory", self.pick([f"{self(st.integers(1, 150))}%", self(memories)])))
        if not self.flip(0.3):
            return S(head)
        rules = []
        for direction in self(st.lists(st.sampled_from(["scale-up", "scale-down"]), min_size=1, max_size=2,
                                       unique=True)):
            rule = [direction]
            self.opt(rule, "window", ["0s", "30s", "300s", "5m", "1h"])
            self.opt(rule, "select", ["Max", "Min", "Disabled", "max"], 0.3)
            for _ in range(self(st.integers(0, 2))):
                rule += ["policy", self.attr(self.pick(["pods", "percent"]), str(self(st.integers(1, 200)))), "per",
                         self.pick(["1s", "15s", "60s", "1m", "30m"])]
            rules.append(S(rule))
        return S(head, rules)

    def unpaused(self, kinds) -> list:
        """Standing workloads that are never paused: restart and rollback of a paused Deployment fail the check."""
        return [w for w in self.standing(kinds) if (w[1], w[2]) not in self.paused | self.pause_acted]

    def rollback(self) -> S:
        fitting = self.unpaused(["deployment", "statefulset", "daemonset"])
        if not fitting:
            return self.add_node()
        tail = ["to", "revision", str(self(st.integers(1, 5)))] if self.flip(0.3) else []
        w = self.pick(fitting)
        self.rolled.add((w[1], w[2]))
        return S(["rollback", *self.target(w), *tail])

    def rollout(self) -> S:
        """`rollout restart` of any kind; `rollout pause|resume` of a Deployment, once, as its declaration allows."""
        pausable = [w for w in self.standing(["deployment"]) if (w[1], w[2]) not in self.pause_acted | self.rolled]
        if pausable and self.flip(0.4):
            w = self.pick(pausable)
            self.pause_acted.add((w[1], w[2]))
            return S(["rollout", "resume" if (w[1], w[2]) in self.paused else "pause", *self.target(w)])
        fitting = self.unpaused(["deployment", "statefulset", "daemonset"])
        if not fitting:
            return self.add_node()
        w = self.pick(fitting)
        self.rolled.add((w[1], w[2]))
        return S(["rollout", "restart", *self.target(w)])

    def delete(self) -> S:
        which = self.pick(["one", "many", "cluster"])
        one = [w for w in self.standing(["pod", "deployment", "job"]) if (w[1], w[2]) not in self.acted]
        if which == "one" and one:
            kind, ns, name, _ = self.pick(one)
            self.deleted.add((ns, name))
            return S(["delete", kind, f"{ns}/{name}"])
        if which == "many":  # what a selector matches then, if anything: never an error
            ns = self.pick([n for n in ["default", *self.namespaces] if n not in self.deleted_ns])
            return S(["delete", "pvcs", ns, *self.selector(lo=1)])
        # a namespace deleted once is gone (Terminating, then purged): deleting it again is refused
        spare = [n for n in self.namespaces if n not in self.deleted_ns
                 and n not in {w[1] for w in self.static if (w[1], w[2]) in self.acted}]
        if spare and self.flip():
            ns = self.pick(spare)
            self.deleted_ns.add(ns)
            return S(["delete", "namespace", ns])
        return S(["delete", self.pick(["pvs", "storageclasses"]), *self.selector(lo=1)])

    def create(self) -> S:
        ns = self.some_namespace()
        make = self.pick([self.workload, self.service, self.data, self.pvc, self.serviceaccount, self.networkpolicy,
                          self.pdb])
        obj = make(ns, inside=False)
        if obj.head[1] == obj.head[1].split("/")[-1]:  # `create` has no enclosing namespace: say it
            obj.head[1] = f"{ns}/{obj.head[1]}"
        return S(["create", *obj.head], obj.block)

    def apply(self) -> S:
        block: list[S] = []
        for _ in range(self(st.integers(0, 2))):
            which = self.pick(["namespace", "resource", "storageclass"])
            if which == "namespace":
                block.append(self.namespace())
                self.namespaces.pop()  # it stands only from the apply's moment: nothing else may rely on it
            elif which == "storageclass":
                block.append(self.storageclass())
            else:
                ns = self.some_namespace()
                block.append(self.resource(ns, inside=False))
        return S(["apply"], block)

    def run(self) -> S:
        run = self(durations)
        self.run_s = duration_ms(run) // 1000  # a measure's moments stay within the run (`kdsl check` refuses more)
        return S(["run", run])

    # ---- measures -------------------------------------------------------------------------------------
    def measure(self) -> S:
        kind = self.pick(["min", "max", "mean", "when", "at"])
        head = ["measure", self.fresh("measure"), "="] + (["at", self.moment()] if kind == "at" else [kind])
        form = self.pick(["object", "plural", "node", "events"])
        numeric = {"int", "flag", "bytes"}
        if form == "object":
            target = self.pick(["pod", "deployment", "statefulset", "replicaset", "job", "pvc", "service"])
            fitting = [w for w in self.workloads if w[0] == target]
            ns, name = (self.pick(fitting)[1:3] if fitting and self.flip(0.7)
                        else (self.some_namespace(), self(names)))
            table = self.ATTRS[target]
            reads = self.conditions(target) if kind == "when" else [
                self.pick(sorted(k for k, v in table.items() if v in numeric))]
            head += [target, f"{ns}/{name}", *reads]
        elif form == "node":
            head += ["node", self.pick(self.nodes) if self.nodes else self(names)]
            head += self.conditions("node") if kind == "when" else [self.pick(["ready", "pods", "unschedulable"])]
        elif form == "plural":
            target = self.pick(["pods", "deployments", "services", "jobs"])
            base = target[:-1]
            conds = self.conditions(base) + self.selector(lo=1, avoid=set(self.ATTRS[base]) | {"count"})
            if kind != "when":
                conds.append("count")
            elif self.flip():
                conds.append(self.attr("count", str(self(st.integers(0, 5))), self.pick(["=", ">="])))
            head += [target, self.some_namespace(), *self(st.permutations(conds))]
        else:
            head += ["events", self.some_namespace(), self.attr("reason", self.pick(["Killing", "Scheduled"]))]
            head += ["count"] if kind != "when" else [self.attr("count", str(self(st.integers(0, 5))), ">=")]
        if kind != "at":
            which = self.pick(["", "from", "until", "from-until"])
            a, b = sorted([self.moment(), self.moment()], key=duration_ms)
            head += {"": [], "from": ["from", a], "until": ["until", b], "from-until": ["from", a, "until", b]}[which]
        return S(head)

    def moment(self) -> str:
        return f"{self(st.integers(0, getattr(self, 'run_s', 600)))}s"

    # ---- expectations -----------------------------------------------------------------------------------
    def expect(self) -> S:
        form = self.pick(["object", "object", "plural", "route", "access", "events", "cluster"])
        always = form not in ("access", "events", "cluster") and self.flip(0.25)
        head = ["expect"] + (["always"] if always else [])
        if form == "access":
            user = self.pick(self.users) if self.users and self.flip(0.7) else self(names)
            head += ["as", user]
            self.colon(head)
            head += [self.pick(["can", "cannot"]), self.pick(["get", "list", "create", "delete"]),
                     self.pick(["pods", "services", "deployments", "secrets"])]
            if self.flip(0.7):
                head += ["in", self.some_namespace()]
            return S(head)
        if form == "route":
            dest = "none" if self.flip(0.2) else f"{self.some_namespace()}/{self(names)}"
            url = self.pick(["shop.example.com", "a.b"]) + self.pick(["", "/", "/api", "/x/y"])
            return S(head + ["route", url, "->", dest] + self.timing(always))
        if form == "events":
            conds = []
            self.opt(conds, "reason", ["Killing", "Scheduled", "BackOff"])
            if self.flip(0.3):
                conds.append(self.attr("message", self.string(), "~"))
            self.opt(conds, "type", ["Normal", "Warning"], 0.3)
            if self.flip():
                conds.append(self.attr("count", str(self(st.integers(0, 5))), self.pick([">=", "=", "<", ">"])))
            return S(head + ["events", self.some_namespace()] + self(st.permutations(conds)) + self.timing(False))
        if form == "cluster":
            target = self.pick(["node", "nodes", "pv", "pvs"])
            head.append(target)
            if target in ("node", "pv"):
                head.append(self.pick(self.nodes) if target == "node" and self.nodes else self(names))
            conds = self.conditions("node" if target.startswith("node") else "pv")
            if target in ("nodes", "pvs") and self.flip():
                conds += self.selector(hi=2, avoid=set(self.ATTRS["node"]) | set(self.ATTRS["pv"]) | {"count"})
                conds.append(self.attr("count", str(self(st.integers(0, 5))), ">="))
            return S(head + self(st.permutations(conds)) + self.timing(always))
        if form == "plural":
            target = self.pick(["pods", "deployments", "replicasets", "services", "pvcs", "jobs"])
            base = target[:-1]
            conds = self.conditions(base) + self.selector(lo=1, avoid=set(self.ATTRS[base]) | {"count"})
            if self.flip(0.2):  # a label key that clashes with an attribute is written quoted
                conds.append(self.attr(f'"{self.pick(sorted(self.ATTRS[base]))}"', self(some_label_values)))
            if self.flip(0.7):
                conds.append(self.attr("count", str(self(st.integers(0, 5))), self.pick(["=", ">=", "<="])))
            return S(head + [target, self.some_namespace()] + self(st.permutations(conds)) + self.timing(always))
        target = self.pick(["pod", "deployment", "statefulset", "daemonset", "replicaset", "job", "pvc", "service"])
        fitting = [w for w in self.workloads if w[0] == target]
        ns, name = (self.pick(fitting)[1:3] if fitting and self.flip(0.7)
                    else (self.some_namespace(), self(names)))
        conds = self.conditions(target)
        return S(head + [target, f"{ns}/{name}"] + self(st.permutations(conds)) + self.timing(always))

    _INT = ["=", "!=", ">=", "<=", ">", "<"]
    ATTRS = {
        "pod": {"phase": "Running|Pending|Succeeded", "status": "CrashLoopBackOff|Completed", "reason": "Unschedulable",
                "message": "~", "restarts": "int", "node": "worker-1", "image": "nginx:1.25", "ip": "10.244.0.5",
                "ready": "flag", "pending": "flag", "running": "flag"},
        "deployment": {"replicas": "int", "ready": "int", "available": "int", "updated": "int", "revision": "int",
                       "image": "nginx:1.25"},
        "job": {"succeeded": "int", "failed": "int", "active": "int", "complete": "flag"},
        "pvc": {"phase": "Bound|Pending", "volume": "pv-1", "capacity": "bytes", "bound": "flag"},
        "pv": {"phase": "Bound|Available", "claim": "shop/data"},
        "service": {"endpoints": "int", "notready": "int", "clusterip": "10.96.0.1"},
        "node": {"ready": "flag", "status": "Ready|NotReady", "pods": "int", "unschedulable": "flag",
                 "group": "general"},
    }
    ATTRS["statefulset"] = ATTRS["daemonset"] = ATTRS["replicaset"] = ATTRS["deployment"]

    def conditions(self, base: str) -> list[str]:
        table = self.ATTRS[base]
        out = []
        for key in self(st.lists(st.sampled_from(sorted(table)), max_size=3, unique=True)):
            kind = table[key]
            if kind == "flag":
                out.append(key if self.flip(0.7) else self.attr(key, self.pick(["true", "false", "no"])))
            elif kind == "int":
                out.append(self.attr(key, str(self(st.integers(0, 9))), self.pick(self._INT)))
            elif kind == "bytes":
                out.append(self.attr(key, self(sizes), self.pick(self._INT)))
            elif kind == "~":
                out.append(self.attr(key, self.string(), "~"))
            else:
                value = self.pick(kind.split("|"))
                out.append(self.attr(key, self.value(value), self.pick(["=", "!=", "~"])))
        return out

    def timing(self, always: bool) -> list[str]:
        if always:
            which = self.pick(["", "from", "from-until", "until"])
            if which == "from":
                return ["from", self(durations)]
            if which == "until":
                return ["until", self(durations)]
            if which == "from-until":
                a, b = sorted([self(st.integers(0, 600)), self(st.integers(0, 600))])
                return ["from", f"{a}s", "until", f"{b}s"]
            return []
        which = self.pick(["", "at", "by"])
        return [which, self(durations)] if which else []

    # ---- the whole scenario ---------------------------------------------------------------------------
    def scenario(self) -> list[S]:
        out: list[S] = []
        if self.flip(0.6):
            out.append(self.cluster())
        out += self.some(self.node, 0, 1)
        out += self.some(self.namespace, 0, 2)
        out += self.some(self.user, 0, 2)
        out += self.some(lambda: self.resource(self.some_namespace(), inside=False), 0, 3)
        out += self.some(lambda: self.role(None, False), 0, 1)
        out += self.some(lambda: self.binding(None, False), 0, 1)
        self.static = list(self.workloads)
        out += [s for s in self.some(self.load, 0, 1) + self.some(self.hpa, 0, 2) if s is not None]
        out += self.some(self.at, 0, 3)
        if self.flip(0.4):
            out.append(self.run())
        out += self.some(self.expect, 0, 4)
        out += self.some(self.measure, 0, 2)
        # Declarations may come in any order (a namespace may follow what it holds); keep most in place.
        if self.flip(0.2):
            out = self(st.permutations(out))
        return out


@st.composite
def scenario_statements(draw) -> list[S]:
    return _Gen(draw).scenario()


# ---- layout ----------------------------------------------------------------------------------------------

class _Layout:
    """Writes statements out with varied spacing, separators, blank lines and comments."""

    def __init__(self, draw):
        self.draw = draw
        self.unit = self.pick(["  ", "  ", "    ", "\t", " "])  # one indent step

    def pick(self, seq):
        return self.draw(st.sampled_from(seq))

    def flip(self, p: float) -> bool:
        return self.draw(st.integers(0, 99)) < p * 100

    def fill(self, template: str, indent: str = "") -> str:
        """A layout template: `N` a newline (sometimes CRLF), `C` a comment, `I` the indent."""
        out = []
        for ch in template:
            if ch == "N":
                out.append("\r\n" if self.flip(0.05) else "\n")
            elif ch == "C":
                out.append("#" + self.draw(comment_text))
            elif ch == "I":
                out.append(indent)
            else:
                out.append(ch)
        return "".join(out)

    _GAPS = (" ",) * 12 + ("  ", "\t", " \\NI    ", " \f")

    def head(self, tokens: list[str], indent: str) -> str:
        gaps = self._GAPS
        out = tokens[0]
        for t in tokens[1:]:
            out += self.fill(self.pick(gaps), indent) + t
        return out

    # What ends a statement in a multi-line block, up to the next statement's indent.
    _SEPS = ("NI",) * 8 + ("NNI", "N \t NI", ";", "; ", " ; ", " ;NI", "  CNI", "\tCNI", "NICNI", "NNCNNI")

    def stmt(self, s: S, depth: int) -> str:
        indent = self.unit * depth
        text = self.head(s.head, indent)
        if s.block is None:
            return text
        open_ = self.fill(self.pick([" {", " {", "{", "  {", " \\NI{"]), indent)
        if not s.block and self.flip(0.5):
            return text + open_ + self.fill(self.pick(["}", " }", "NI}", " ; }"]), indent)
        if self.flip(0.3):  # one line: `{ a; b }`
            inner = ""
            for i, c in enumerate(s.block):
                inner += self.stmt(c, depth + 1)
                if i < len(s.block) - 1:
                    inner += self.pick(["; ", ";", " ; ", " ;  "])
            return text + open_ + self.pick([" ", "", " ; "]) + inner + self.pick([" ", "", ";", "; "]) + "}"
        return text + open_ + self.block(s.block, depth + 1) + indent + "}"

    def block(self, stmts: list[S], depth: int) -> str:
        indent = self.unit * depth
        out = self.fill(self.pick(["NI", "NI", "  CNI", " ;NI", "NNI", "NICNI", "NNICNNI"]), indent)
        for i, s in enumerate(stmts):
            out += self.stmt(s, depth)
            if i < len(stmts) - 1:
                out += self.fill(self.pick(self._SEPS), indent)
        return out + self.fill(self.pick(["N", "N", "  CN", ";N", "NICN", "NN", "NNICNN"]), indent)

    def document(self, stmts: list[S]) -> str:
        out = self.fill(self.pick(["", "", "N", "CN", "NNCNN"]))
        for i, s in enumerate(stmts):
            out += self.stmt(s, 0)
            if i < len(stmts) - 1:
                out += self.fill(self.pick(self._SEPS))
        return out + self.fill(self.pick(["", "N", "N", "NN", "  C", "NCN"]))


@st.composite
def layout(draw, stmts: list[S]) -> str:
    return _Layout(draw).document(stmts)


def scenarios() -> st.SearchStrategy[str]:
    """Valid kdsl texts: whole scenarios, laid out in many ways."""
    return scenario_statements().flatmap(layout)


# ---- raw material for fuzzing -----------------------------------------------------------------------------

FUZZ_TOKENS = tuple(sorted(KEYWORDS)) + PUNCTUATION + (
    "web", "shop/web", "nginx:1.25", "80->8080", "replicas=3", "cpu=250m", "memory=128Mi", "30s", "1m30s", "25%",
    '"s3cr3t"', '"a\\"b"', '"""\nx: 1\n"""', "app=web", "count>=1", 'message~"x"', "in", "(a,b)", "!key", "/api",
    "=/login", "*.example.com", "user:alice", "a,b", "\\\n", "#c\n", ";", "\n", " ", "\t", "{", "}", "=", ":",
)
FUZZ_ALPHABET = "".join(sorted(set("abcdefgnprstxyz019 \t\n;{}#\"=(),<>!~:-/.*%\\_@'") | {"\r", "\f", "é", "\x85"}))


def token_soup() -> st.SearchStrategy[str]:
    """Text made of the language's own keywords, punctuation and typical values, in random order."""
    return st.lists(st.sampled_from(FUZZ_TOKENS), max_size=40).map(lambda ts: " ".join(ts))


def random_text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(FUZZ_ALPHABET, max_size=80), token_soup(),
                     st.lists(st.sampled_from(FUZZ_TOKENS), max_size=40).map("".join))


# Values that make a builder's conversions work: signs, zero, huge, fractions, units, empty, odd characters.
TRICKY_VALUES = ("", '""', "0", "-1", "+1", "1.5", "1e3", "1e999", "99999999999999999999", "0x10", "NaN", "inf",
                 "-0", "0%", "150%", "%", "1.5%", "0s", "-5s", "1m-1s", "500ms", "0.5ms", "5", "5Gi", "5gi", "5K", "5Ki",
                 "0m", "1n", "Always", "none", "*", "a,b", ",", "a,", "/", "a/b/c", "a:b:c", "x:NoSchedule", ":",
                 "-", "--", "é", "a..b", ".", "A", "UPPER", "x" * 70, '"\\n"', "web:80", "80:30080", "http",
                 "\u0668", "\u00b2", "1.\u0665", "\\")  # an Arabic-Indic 8, a superscript 2, a backslash
_TOKEN_RE = r'"""(?:[^"\\]|\\.|"(?!""))*"""|\s+|"(?:[^"\\\n]|\\.)*"|[^\s{};#"]+|.'
_WORD_RE = r'(?<=\s)[^\s;{}#"=<>~!(),]+(?=[\s;{}])'
_ATTR_VALUE_RE = r'(?<=[=<>~])(?:"(?:[^"\\\n]|\\.)*"|[^\s;{}#"=<>~!]+)'


@st.composite
def mutated(draw, base: st.SearchStrategy[str] | None = None) -> str:
    """A valid scenario with a few characters or tokens deleted, inserted, swapped or duplicated,
    or an attribute's value replaced by a tricky one (which keeps the syntax, and tests the builders)."""
    import re

    text = draw(base or scenarios())
    for _ in range(draw(st.integers(1, 4))):
        unit = draw(st.sampled_from(["char", "token", "token", "value", "word"]))
        if unit in ("value", "word"):  # an attribute's value, or a bare word that is not a keyword
            spots = list(re.finditer(_ATTR_VALUE_RE if unit == "value" else _WORD_RE, text))
            spots = [m for m in spots if m.group() not in KEYWORDS]
            if spots:
                m = draw(st.sampled_from(spots))
                text = text[:m.start()] + draw(st.sampled_from(TRICKY_VALUES)) + text[m.end():]
            continue
        pieces = list(text) if unit == "char" else re.findall(_TOKEN_RE, text, re.S)
        op = draw(st.sampled_from(["delete", "insert", "swap", "duplicate"]))
        if not pieces:
            pieces = [""]
        i = draw(st.integers(0, len(pieces) - 1))
        if op == "delete":
            del pieces[i]
        elif op == "insert":
            new = draw(st.sampled_from(FUZZ_ALPHABET)) if unit == "char" else draw(st.sampled_from(FUZZ_TOKENS))
            pieces.insert(i, new)
        elif op == "swap":
            j = draw(st.integers(0, len(pieces) - 1))
            pieces[i], pieces[j] = pieces[j], pieces[i]
        else:
            pieces.insert(i, pieces[i])
        text = "".join(pieces)
    return text
