"""`kdsl trace FILE pod NS/NAME [--at T]`: a pod's journey, one line a step; a wrong pod or moment is located."""

from __future__ import annotations

from kdsl.cli import main
from tests.golden import check_golden

SCENARIO = """node n1 cpu=2 memory=4Gi
namespace shop
pod shop/web {
  container web image=nginx:1.25 {
    readiness http / port=80 delay=2s
    pull 3s
  }
}
"""


def _file(tmp_path):
    path = tmp_path / "shop.kdsl"
    path.write_text(SCENARIO)
    return str(path)


def test_trace_prints_every_step_to_ready(tmp_path, capsys):
    assert main(["trace", _file(tmp_path), "pod", "shop/web"]) == 0
    out = capsys.readouterr().out.replace(str(tmp_path), "TMP")
    check_golden("cli/trace-web.txt", out)
    assert out.splitlines()[0] == "# TMP/shop.kdsl to 14s (seed 0): pod shop/web, Ready"


def test_trace_stops_at_a_moment(tmp_path, capsys):
    assert main(["trace", _file(tmp_path), "pod", "shop/web", "--at", "2s"]) == 0
    out = capsys.readouterr().out
    assert "pod shop/web, ContainerCreating" in out.splitlines()[0]
    assert "Pulled" not in out and out.rstrip().endswith("not Ready at 2s: ContainerCreating")


def test_an_unknown_pod_is_located_on_the_command_line(tmp_path, capsys):
    path = _file(tmp_path)
    assert main(["trace", path, "pod", "shop/wbe"]) == 1
    err = capsys.readouterr().err
    assert "kdsl trace: error: no pod shop/wbe" in err and "web" in err
    assert err.splitlines()[2].index("^") == err.splitlines()[1].index("shop/wbe")


def test_a_bad_moment_is_located(tmp_path, capsys):
    assert main(["trace", _file(tmp_path), "pod", "shop/web", "--at", "soon"]) == 1
    err = capsys.readouterr().err
    assert "--at" in err and "^" in err


def test_trace_draws_the_journey_as_swim_lanes(tmp_path, capsys):
    out = tmp_path / "web.svg"
    assert main(["trace", _file(tmp_path), "pod", "shop/web", "-o", str(out)]) == 0
    svg = out.read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    for lane in ("client", "kube-apiserver", "etcd", "kube-scheduler", "kubelet", "outcome"):
        assert f">{lane}</text>" in svg
    lines = capsys.readouterr().out.splitlines()[1:]  # a step a line, after the heading
    assert 0 < svg.count("<circle") < len(lines)  # a mark a lane's run of steps at one moment
    assert main(["trace", _file(tmp_path), "pod", "shop/web", "-o", str(tmp_path / "web.png")]) == 1
    assert "give a FILE.svg" in capsys.readouterr().err
