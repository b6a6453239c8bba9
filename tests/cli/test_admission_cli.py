"""`kdsl run` and `kdsl explain` on pods the kubelet rejected (pkg/kubelet/lifecycle/predicate.go): the STATUS
column and the explanation give the reason and message."""

from __future__ import annotations

import kdsl
from kdsl.cli import main

MANIFESTS = "".join(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: {n}, namespace: default}}
spec:
  nodeName: worker-1
  containers: [{{name: app, image: nginx, resources: {{requests: {{memory: 4Gi}}}}}}]
""" for n in "abc")
CLUSTER = "cluster c {\n  node worker-1 cpu=4 memory=8Gi\n}\n"
SCENARIO = CLUSTER + "namespace shop\n" + "".join(
    f'pod shop/{n} image=nginx memory=4Gi {{ yaml "spec: {{nodeName: worker-1}}" }}\n' for n in "abc") + "run 30s\n"
MESSAGE = "Node didn't have enough resource: memory, requested: 4294967296, used: 8589934592, capacity: 8589934592"


def test_kdsl_run_of_manifests_shows_the_third_pod_out_of_memory(tmp_path, capsys):
    path, cluster = tmp_path / "big.yaml", tmp_path / "cluster.kdsl"
    path.write_text(MANIFESTS)
    cluster.write_text(CLUSTER)
    sim = kdsl.simulate(kdsl.from_manifests(str(path), cluster=CLUSTER))
    assert sim.store.get("Pod", "default", "c").status.reason == "OutOfmemory"
    assert main(["run", str(path), "--cluster", str(cluster)]) == 0
    out = capsys.readouterr().out
    assert [line.split()[:4] for line in out.splitlines() if line.startswith("default ")] == [
        ["default", "a", "1/1", "Running"], ["default", "b", "1/1", "Running"], ["default", "c", "0/1", "OutOfmemory"]]
    assert f"Warning OutOfmemory          pod/c: {MESSAGE}" in out


def test_kdsl_explain_says_why_the_kubelet_rejected_it(tmp_path, capsys):
    path = tmp_path / "big.kdsl"
    path.write_text(SCENARIO)
    assert main(["explain", str(path), "pod", "shop/c"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"c is Failed: OutOfmemory: Pod was rejected: {MESSAGE}." in said
