"""Builds containers from `container` / `init` statements: ports, resources, env, mounts, probes, behaviour."""

from __future__ import annotations

import attrs

from kdsl.core.values import digits
from kdsl.core import values as v
from kdsl.core.errors import suggest
from kdsl.lang.syntax import Kw, Stmt, Word
from kdsl.model.pods import PROBE_ORDER, Behaviour, Container, EnvFrom, EnvVar, Mount, Port, Probe, Resources
from kdsl.model.build.context import Ctx, Head, pick

PULL_POLICIES = {"always": "Always", "ifnotpresent": "IfNotPresent", "never": "Never"}
PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "sctp": "SCTP"}


def port_number(text: str) -> int:
    n = v.integer(text, minimum=1)
    if n > 65535:
        raise v.BadValue(f"{n} is not a port number (1-65535)")
    return n


def resources(ctx: Ctx, head: Head) -> Resources:
    cpu = head.take("cpu", v.millicores)
    memory = head.take("memory", v.byte_count)
    eph = head.take("ephemeral-storage", v.byte_count)
    return Resources(cpu=cpu, memory=memory, ephemeral_storage=eph)


def _merged(base: Resources, more: Resources) -> Resources:
    """`requests` in a container's block adds to the head's `cpu=` `memory=`; what it names wins."""
    given = {f.name: getattr(more, f.name) for f in attrs.fields(Resources) if getattr(more, f.name) is not None}
    return attrs.evolve(base, **given)


def _port(ctx: Ctx, stmt: Stmt, what: str) -> Port:
    head = Head(ctx, stmt, f"port of {what}")
    words = list(head.words)
    head.words = []
    name, number, protocol = None, None, "TCP"
    if len(words) == 2:
        name = words[0].text
        words = words[1:]
    if len(words) != 1:
        ctx.error(stmt, f"a port is written `port [NAME] NUMBER[/TCP|/UDP]` in {what}")
    else:
        text = words[0].text
        if "/" in text:
            text, proto = text.split("/", 1)
            protocol = pick(ctx, Word(proto, span=words[0].span), PROTOCOLS, "protocol", "TCP")
        number = ctx.convert(Word(text, span=words[0].span), port_number, f"port of {what}")
    host = head.take("host", port_number)
    head.done()
    return Port(number=number or 0, name=name, protocol=protocol, host_port=host)


def _env(ctx: Ctx, stmt: Stmt, what: str, env: list, env_from: list) -> None:
    if stmt.kind == "env_value":
        attr = stmt.head[1]
        env.append(EnvVar(name=attr.key.text, value=attr.text, span=stmt.span))
        return
    args = stmt.args
    kw_source = next(p.text for p in stmt.head if isinstance(p, Kw) and p.text in ("configmap", "secret"))
    if stmt.kind == "env_ref":
        var, ref, rest = args[0], args[1], args[2:]
        head = Head(ctx, stmt, f"env {var.text} of {what}", rest)
        # `name.key` splits at the first dot; with a key= attribute the whole word is the name.
        key = head.take("key", str)
        if key is not None:
            name = ref.text
        else:
            name, dot, key = ref.text.partition(".")
            key = key if dot else var.text
        optional = head.flag("optional") is not None
        head.done()
        env.append(EnvVar(name=var.text, source_kind=kw_source, source_name=name, source_key=key,
                          optional=optional, span=stmt.span))
    else:
        ref, rest = args[0], args[1:]
        head = Head(ctx, stmt, f"env from {kw_source} {ref.text} of {what}", rest)
        prefix = head.take("prefix", str, "")
        optional = head.flag("optional") is not None
        head.done()
        env_from.append(EnvFrom(source_kind=kw_source, source_name=ref.text, prefix=prefix, optional=optional,
                                span=stmt.span))


def _mount(ctx: Ctx, stmt: Stmt, what: str) -> Mount:
    vol, path, rest = stmt.args[0], stmt.args[1], stmt.args[2:]
    head = Head(ctx, stmt, f"mount {vol.text} of {what}", rest)
    read_only = head.flag("readonly", "ro") is not None
    sub = head.take("subpath", str, None, "subPath")
    head.done()
    if not path.text.startswith("/"):
        ctx.error(path, f"mount path `{path.text}` of {what} must be absolute (start with `/`)")
    return Mount(volume=vol.text, path=path.text, read_only=read_only, sub_path=sub, span=stmt.span)


def _probe(ctx: Ctx, stmt: Stmt, what: str) -> Probe:
    kind, handler = stmt.head[0].text, stmt.head[1].text
    head = Head(ctx, stmt, f"{kind} probe of {what}", stmt.head[2:])
    path, command = None, ()
    if handler == "http":
        w = head.word()
        path = w.text if w else "/"
    elif handler == "exec":
        command = tuple(w.text for w in head.words)
        head.words = []
        if not command:
            ctx.error(stmt, f"an exec probe needs a command, e.g. `{kind} exec \"pg_isready\"`")
    port_at = head.attrs.get("port")
    port = head.take("port", _port_or_name)
    if handler == "grpc" and isinstance(port, str):
        # GRPCAction.port is an int32 (k8s.io/api/core/v1/types.go): the API server cannot decode a name there
        ctx.error(port_at.value if port_at else stmt, f"{kind} grpc probe of {what}: `port={port}` must be a number "
                                                      "(a grpc probe has no named ports; http and tcp probes do)")
    if handler in ("http", "tcp", "grpc") and port is None:
        ctx.error(stmt, f"{kind} {handler} probe of {what} needs `port=`")
    probe = Probe(
        kind=kind, handler=handler, path=path, port=port, command=command,
        scheme=head.choice("scheme", {"http": "HTTP", "https": "HTTPS"}, "HTTP"),
        initial_delay_ms=head.take("delay", v.duration_ms, 0),
        period_ms=head.take("period", _positive_duration, 10_000),
        timeout_ms=head.take("timeout", _positive_duration, 1_000),
        success_threshold=head.take("successes", _positive_int, 1),
        failure_threshold=head.take("failures", _positive_int, 3),
        span=stmt.span,
    )
    if kind != "readiness" and probe.success_threshold != 1:
        ctx.error(stmt, f"{kind} probes must have successes=1 (Kubernetes validation)")
    head.done()
    return probe


def _port_or_name(text: str) -> int | str:
    return port_number(text) if digits(text) else text


def exit_code(text: str) -> int:
    """A process's exit status: the kernel keeps its low 8 bits (POSIX wait(2), WEXITSTATUS), so 0-255."""
    try:
        return v.integer(text, minimum=0, maximum=255)
    except v.BadValue as exc:
        raise v.BadValue(f"{exc} (a process exits with a status of 0-255)") from None


def _positive_int(text: str) -> int:
    return v.integer(text, minimum=1)


def _positive_duration(text: str) -> int:
    ms = v.duration_ms(text)
    if ms < 1000:
        raise v.BadValue(f"`{text}` is shorter than the minimum of 1s")
    return ms


def _behaviour(ctx: Ctx, stmt: Stmt, b: dict) -> None:
    k, args = stmt.kind, stmt.args

    def dur(w: Word) -> int | None:
        return ctx.convert(w, v.duration_ms, f"`{stmt.keyword}`")

    said = "exit_after_ms" if k in ("exit_after", "fault_after") and stmt.head[0].text in ("exit", "crash") else None
    if said and said in b:  # a process ends one way: `exit` and `crash` are the same line twice
        ctx.error(stmt, "the container already says when its process exits (`exit ... after` or `crash after`)")
        return

    if k == "start_delay":
        b["start_ms"] = dur(args[0])
    elif k == "ready_after":
        b["ready_after_ms"] = dur(args[0])
    elif k == "exit_after":
        b["exit_code"] = ctx.convert(args[0], exit_code, "exit code")
        b["exit_after_ms"] = dur(args[1])
    elif k == "fault_after":
        fault = stmt.head[0].text
        when = dur(args[0])
        if fault == "crash":
            b["exit_code"], b["exit_after_ms"] = 1, when
        else:
            b[f"{fault}_after_ms"] = when
    elif k == "pull_fails":
        b["pull_fails"] = True
    elif k == "pull_time":
        b["pull_ms"] = dur(args[0])
    elif k == "shutdown":
        if "shutdown_ms" in b:
            ctx.error(stmt, "the container already says how long its process takes to exit after SIGTERM (`shutdown`)")
        b["shutdown_ms"] = dur(args[0])


def build_container(ctx: Ctx, stmt: Stmt, owner: str, shorthand: Head | None = None) -> Container | None:
    """A container statement, or (with `shorthand`) the one container a workload's head describes."""
    if shorthand is not None:
        head, name, block = shorthand, owner.split("/")[-1], ()
    else:
        head = Head(ctx, stmt, f"container of {owner}")
        w = head.name()
        name, block = (w.text if w else "?"), stmt.block or ()
        head.what = f"container {name} of {owner}"
    what = head.what
    image = head.take("image", str, None)
    pull = head.choice("pull", PULL_POLICIES, None, "imagePullPolicy")
    ports = []
    port = head.take("port", port_number)
    if port is not None:
        ports.append(Port(number=port))
    requests = resources(ctx, head)
    sidecar = shorthand is None and stmt.kind == "init" and head.flag("sidecar") is not None
    if shorthand is None:
        misspelt = any(suggest(k, ["image"]) for k in head.attrs)  # `imgae=`: done() says which was meant
        head.done()
        if image is None and not misspelt:
            ctx.error(stmt, f"{what} needs `image=`")
    env, env_from, mounts, probes, command, args, beh, limits, yaml = [], [], [], [], (), (), {}, Resources(), None
    seen_probes: dict[str, Stmt] = {}
    uses = Resources()
    for s in block:
        k = s.kind
        if k == "port":
            ports.append(_port(ctx, s, what))
        elif k == "requests":
            h = Head(ctx, s, f"requests of {what}")
            requests = _merged(requests, resources(ctx, h))
            h.done()
        elif k == "limits":
            h = Head(ctx, s, f"limits of {what}")
            limits = resources(ctx, h)
            h.done()
        elif k == "uses":
            h = Head(ctx, s, f"uses of {what}")
            uses = _merged(uses, resources(ctx, h))
            h.done()
        elif k.startswith("env"):
            _env(ctx, s, what, env, env_from)
        elif k == "mount":
            mounts.append(_mount(ctx, s, what))
        elif k == "probe":
            p = _probe(ctx, s, what)
            if p.kind in seen_probes:
                ctx.error(s, f"{what} has two {p.kind} probes")
            seen_probes[p.kind] = s
            probes.append(p)
        elif k in ("command", "args"):
            words = tuple(w.text for w in s.args if isinstance(w, Word))
            if len(words) != len(s.args):
                ctx.error(s, f"`{k}` takes words and strings only")
            command, args = (words, args) if k == "command" else (command, words)
        elif k == "yaml":
            yaml = ctx.yaml_patch(s, what)
        else:
            _behaviour(ctx, s, beh)
    if image is None:
        return None
    return Container.build(name=name, image=image, pull_policy=pull, ports=tuple(ports), requests=requests,
                           limits=limits, uses=uses, env=tuple(env), env_from=tuple(env_from), mounts=tuple(mounts),
                           probes=tuple(sorted(probes, key=lambda p: PROBE_ORDER.index(p.kind))),
                           command=command, args=args,
                           restart_policy="Always" if sidecar else None, behaviour=Behaviour(**beh),
                           yaml=yaml, span=stmt.span)
