"""A notebook served by Voilà on 127.0.0.1: started, awaited until it answers, stopped with its kernels."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
# A static file of Voilà's own: it answers without starting a kernel, as a GET of the page would.
PROBE = "/voila/static/voila.js"
# Every page load starts a kernel, and closing the tab does not stop it (seen with Voilà 0.5.13): one with no
# page connected that has been idle this long is shut down. A page left open keeps its kernel (cull_connected
# stays False), however long it is read.
CULL_IDLE_S = 120
CULL_INTERVAL_S = 60


class VoilaError(Exception):
    """Voilà could not be started; the message is one line (the log's tail may follow)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    """Whether something listens on HOST:port. SO_REUSEADDR as Tornado sets it, so a port merely in
    TIME_WAIT after a previous dashboard counts as free, as it is for Voilà."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def command(notebook: Path, port: int, root: Path) -> list[str]:
    """Voilà on loopback only, at exactly `port` (no silent move to the next one), with the cells' code
    stripped; its kernels' connection files and the files it may serve are confined to `root`; the kernels of
    closed pages are culled."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={HOST}",
            "--Voila.port_retries=0", "--strip_sources=True", "--show_tracebacks=False", f"--Voila.root_dir={root}",
            f"--Voila.connection_dir_root={root}", f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
            f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}"]


class Voila:
    """A running Voilà process (its own session, so the terminal's Ctrl-C reaches only kdsl, which then
    stops Voilà in order). Voilà shuts its kernels down on SIGTERM."""

    def __init__(self, notebook: Path, port: int, root: Path, log: Path | None):
        env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")])),
               "JUPYTER_PLATFORM_DIRS": "1"}
        self.port = port
        self.log = log
        out = open(log, "wb") if log is not None else None
        try:
            self.process = subprocess.Popen(command(notebook, port, root), cwd=root, env=env, stdin=subprocess.DEVNULL,
                                            stdout=out, stderr=subprocess.STDOUT if out else None,
                                            start_new_session=True)
        finally:
            if out is not None:
                out.close()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Return once Voilà answers HTTP; VoilaError if it exits first or does not answer in time."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise VoilaError(f"Voilà exited with status {self.process.returncode} before serving")
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}{PROBE}", timeout=5).close()
                return
            except urllib.error.HTTPError:  # any HTTP answer means it serves
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise VoilaError(f"Voilà did not answer on port {self.port} within {timeout:.0f}s") from None
                time.sleep(0.25)

    def log_tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def kernels(self) -> list[int]:
        """The process ids of Voilà's children: its kernels (Linux's /proc; empty elsewhere)."""
        return children(self.process.pid)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, on which Voilà shuts its kernels down; if that hangs, SIGKILL to Voilà and to each kernel
        (jupyter_client starts every kernel in a session of its own, so they are not in Voilà's group)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                for pid in [*self.kernels(), self.process.pid]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.process.wait()
        return self.process.returncode


def children(pid: int) -> list[int]:
    """The ids of a process's children, from /proc (Linux); empty where /proc has no such file."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return sorted(set(out))
