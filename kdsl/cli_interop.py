"""`kdsl import`, `kdsl export`, and `kdsl run` on manifests: the CLI side of the interop package."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from kdsl.core import limits
from kdsl.core.errors import KdslError, UsageError
from kdsl.interop import dump_manifests, for_cluster, from_manifests, import_manifests
from kdsl.interop.reader import SUFFIXES
from kdsl.interop.schemas import KUBE_VERSIONS

EXPORT_NOTE = ("Exported by `kdsl export` from {name}. Left out, as they are not Kubernetes objects: the timeline,\n"
               "the expectations, the users and the containers' simulated behaviour.")


def is_manifests(path: str) -> bool:
    return Path(path).suffix in SUFFIXES


def scenario_reader(cluster: str | None, kube_version: str | None = None):
    """A parse function for `kdsl run`: kdsl text as usual, manifests (.yaml/.yml/.json) imported onto
    the --cluster file's nodes and classes (default: interop.DEFAULT_CLUSTER), each document checked as
    Kubernetes `kube_version` (--kube-version, default 1.33) decodes it."""
    import kdsl

    if cluster:
        _read_cluster(cluster)  # an unreadable file is a usage error before anything runs

    def parse(text: str, name: str, params=None, allow_include=()):
        if is_manifests(name):
            if params:
                raise UsageError(f"{name}: -p sets a param of a kdsl scenario; manifests declare none")
            # the cluster file is read as a scenario of its own: its errors at its lines, its includes beside it
            prefix = kdsl.load(cluster, allow_include=allow_include) if cluster else None
            if name == "<stdin>":
                return from_manifests(text=text, cluster=prefix, kube_version=kube_version)
            return from_manifests(name, cluster=prefix, kube_version=kube_version)
        return kdsl.parse(text, name, params=params, allow_include=allow_include)

    return parse


def _read_cluster(path: str) -> str:
    """The --cluster file's text; an OSError (cmd_run's usage error) when it cannot be read or is not UTF-8."""
    try:
        return limits.read_text(path)
    except UnicodeDecodeError as exc:
        raise OSError(f"it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None


def _write(command: str, output: str, write) -> int:
    """`write()` into -o OUTPUT: 0, or 2 with a usage error when the place cannot be written (a missing
    folder, a file where a folder should be), as for any option kdsl cannot use."""
    try:
        write()
    except OSError as exc:
        print(f"kdsl {command}: error: cannot write -o {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def cmd_import(args) -> int:
    """Manifests to kdsl: warnings to stderr, the kdsl text to stdout or -o FILE. A document the API server
    of --kube-version would refuse is an error, in its words, at its line and column."""
    if not known_version("import", args.kube_version):
        return 1
    try:
        imported = import_manifests(args.paths, namespace=args.namespace, kube_version=args.kube_version)
    except KdslError as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    for w in imported.warnings:
        print(w.format(), file=sys.stderr)
    if args.output:
        return _write("import", args.output, lambda: Path(args.output).write_text(imported.text, encoding="utf-8"))
    sys.stdout.write(imported.text)
    return 0


def export_header(name: str, kube_version: str, notes) -> str:
    """The comment an export starts with: where it came from, for which release, and each note of
    `for_cluster` (what it left out or mapped), wrapped."""
    lines = [EXPORT_NOTE.format(name=name), f"Kubernetes {kube_version}."]
    lines += [textwrap.fill(note, 112, subsequent_indent="  ") for note in notes]
    return "\n".join(lines)


def cmd_export(args) -> int:
    """A scenario to manifests for `kubectl apply` (kdsl.interop.for_cluster): one multi-document YAML
    (stdout or -o FILE.yaml), or a file per object (-o DIR), in install order. --kube-version picks the
    API versions' schema to check against in tests; kdsl writes the versions every release from 1.25 on serves."""
    import kdsl

    if not known_version("export", args.kube_version):
        return 1
    try:
        from kdsl.cli_params import given  # -p, shared by every command that reads a scenario

        params, allow = given(args), tuple(args.allow_include)
        scenario = (kdsl.load(args.file, params=params, allow_include=allow) if args.file != "-"
                    else kdsl.parse(sys.stdin.read(), "<stdin>", params=params, allow_include=allow))
        exported = for_cluster(scenario, include_nodes=args.include_nodes, provisioner=args.provisioner)
    except UsageError as exc:
        print(f"kdsl export: {exc.format()}", file=sys.stderr)
        return 1
    except (KdslError, OSError) as exc:
        print(exc.format() if isinstance(exc, KdslError) else f"{args.file}: error: cannot read: {exc}",
              file=sys.stderr)
        return 1
    note = export_header(args.file, args.kube_version or scenario.cluster.kube_version, exported.notes)
    out = args.output
    if out and not out.endswith((".yaml", ".yml")):
        folder = Path(out)

        def write_folder():
            folder.mkdir(parents=True, exist_ok=True)
            for i, (obj, m) in enumerate(zip(exported.objects, exported.manifests), 1):
                name = f"{i:03d}-{obj.kind.lower()}-{getattr(obj, 'namespace', None) or 'cluster'}-{obj.name}.yaml"
                # kinds and names are checked as Kubernetes checks them, so none holds a `/`; kept in DIR anyway
                if Path(name).name != name or name.startswith("."):
                    raise OSError(f"{name!r} is not a file name inside {folder}")
                (folder / name).write_text(dump_manifests([m], note), encoding="utf-8")

        if _write("export", out, write_folder):
            return 2
        print(f"wrote {len(exported.objects)} manifests to {folder}", file=sys.stderr)
        return 0
    text = dump_manifests(exported.manifests, note)
    if out:
        return _write("export", out, lambda: Path(out).write_text(text, encoding="utf-8"))
    sys.stdout.write(text)
    return 0


def known_version(command: str, version: str | None) -> bool:
    if version is not None and version not in KUBE_VERSIONS:
        verb = "writes" if command == "export" else "reads"
        print(f"kdsl {command}: --kube-version {version}: kdsl {verb} manifests for Kubernetes "
              f"{KUBE_VERSIONS[0]} to {KUBE_VERSIONS[-1]} (give it as 1.3x)", file=sys.stderr)
        return False
    return True


def add_commands(sub) -> None:
    i = sub.add_parser("import", help="read Kubernetes manifests and print them as kdsl",
                       description="Read YAML or JSON manifests (files or folders) and print kdsl; what kdsl has no "
                                   "words for is kept in `yaml` blocks and `manifest` statements.")
    i.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="manifest files or folders")
    i.add_argument("-o", "--output", metavar="FILE", help="write the kdsl text to FILE")
    i.add_argument("-n", "--namespace", help="the namespace of objects that name none (kubectl's -n)")
    i.add_argument("--kube-version", metavar="1.3x", help="the Kubernetes version whose API server checks each "
                                                          "document (default: 1.33, as a scenario's)")
    i.set_defaults(func=cmd_import)
    e = sub.add_parser("export", help="write a scenario's objects as Kubernetes manifests",
                       description="Write the Kubernetes objects of a scenario as YAML manifests for `kubectl "
                                   "apply` on an existing cluster: no Nodes, no status, Namespaces and "
                                   "cluster-scoped objects first, then helm's install order.")
    e.add_argument("file", metavar="FILE", help="a scenario file (- for standard input)")
    e.add_argument("-o", "--output", metavar="DIR|FILE.yaml", help="a folder (a file per object) or a YAML file")
    e.add_argument("--kube-version", metavar="1.3x", help="the Kubernetes version the manifests are for "
                                                          "(default: the scenario's)")
    e.add_argument("--include-nodes", action="store_true", help="write the Nodes too, with their capacity "
                                                                "(for a KWOK cluster; see docs/interop.md)")
    e.add_argument("--provisioner", metavar="NAME", help="write kdsl's `dynamic` provisioner as NAME (e.g. "
                                                         "rancher.io/local-path, ebs.csi.aws.com); without it "
                                                         "those StorageClasses are left out")
    from kdsl.cli_params import add_param_option

    add_param_option(e)
    e.set_defaults(func=cmd_export)
