"""`kdsl explain FILE [--at T] pod NS/NAME`: the words of sim.why, wrapped; a wrong pod or moment is located."""

from __future__ import annotations

from kdsl.cli import main

SCENARIO = """cluster c {
  node worker-1 cpu=2 memory=8Gi
  node worker-2 cpu=2 memory=8Gi
  node worker-3 cpu=4 memory=8Gi { taint dedicated=db:NoSchedule }
}
namespace shop
pod shop/filler-1 image=nginx cpu=1 { node-selector kubernetes.io/hostname=worker-1 }
pod shop/filler-2 image=nginx cpu=500m { node-selector kubernetes.io/hostname=worker-2 }
pod shop/web image=nginx cpu=2
at 1m: add node large cpu=4 memory=8Gi
run 2m
"""


def _file(tmp_path):
    path = tmp_path / "shop.kdsl"
    path.write_text(SCENARIO)
    return str(path)


def test_explain_prints_why_the_pod_waits_at_a_moment(tmp_path, capsys):
    path = _file(tmp_path)
    assert main(["explain", path, "--at", "30s", "pod", "shop/web"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"# {path} at 30s (seed 0): shop/web is Pending"
    assert all(len(line) <= 100 for line in lines[1:])
    text = " ".join(lines[1:])
    assert text.startswith("web is Pending since 0s: 0 of 3 nodes fit. worker-1 and worker-2 lack CPU (the pod "
                           "requests 2; the most free is 1.5 on worker-2).")
    assert text.endswith("It would fit with a request of at most 1.5 CPU, a toleration for dedicated=db, or a node "
                         "with 2 free CPU.")


def test_explain_at_the_end_says_the_pod_is_fine(tmp_path, capsys):
    assert main(["explain", _file(tmp_path), "pod", "shop/web"]) == 0
    out = capsys.readouterr().out
    assert "shop/web is Running" in out and "web is Running and Ready since 1m1s: it runs on large" in out


def test_an_unknown_pod_is_located_on_the_command_line_with_a_suggestion(tmp_path, capsys):
    path = _file(tmp_path)
    assert main(["explain", path, "pod", "shop/wbe"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "kdsl explain: error: no pod shop/wbe at 2m; did you mean shop/web?"
    assert err[1] == f"    kdsl explain {path} pod shop/wbe"
    assert err[2] == "    " + " " * len(f"kdsl explain {path} pod ") + "^~~~~~~~"


def test_a_bad_moment_is_located_too(tmp_path, capsys):
    path = _file(tmp_path)
    assert main(["explain", path, "pod", "shop/web", "--at", "soon"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("kdsl explain: error: --at=`soon` is not a duration")
    assert err[2] == "    " + " " * len(f"kdsl explain {path} pod shop/web --at ") + "^~~~"


def test_a_file_that_does_not_parse_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.kdsl"
    bad.write_text("pod web image=nginx cpu=lots\n")
    assert main(["explain", str(bad), "pod", "web"]) == 1
    assert "bad.kdsl:1:" in capsys.readouterr().err
