"""`uses` and `load` through an export and an import: kdsl's own annotations, read back whole or kept as written."""

from __future__ import annotations

import kdsl
from kdsl.interop import dump_manifests, for_cluster, import_manifests, to_manifests
from kdsl.interop.uses import LOAD, USES
from kdsl.model.names import label_key

SCENARIO = """
namespace shop {
  deployment web replicas=2 {
    container app image=shop/app:1 {
      requests cpu=250m memory=256Mi
      uses cpu=50m memory=200Mi
    }
    container log image=shop/log:1 { uses memory=20Mi }
    init setup image=busybox:1.36 { uses cpu=5m }
  }
  pod solo {
    annotations team=a
    container solo image=nginx:1.25 { uses cpu=1 }
  }
}
load deployment shop/web cpu=2 memory=512Mi
load pod shop/solo memory=64Mi
at 5m: load deployment shop/web cpu=6
"""


def manifests(text: str = SCENARIO) -> dict:
    return {m["metadata"]["name"]: m for m in to_manifests(kdsl.parse(text)) if m["kind"] != "Namespace"}


def test_export_writes_uses_on_the_template_and_load_on_the_workload():
    web, solo = manifests()["web"], manifests()["solo"]
    assert web["metadata"]["annotations"] == {LOAD: "cpu=2,memory=512Mi"}  # the first `load`: the timeline's is not
    assert web["spec"]["template"]["metadata"]["annotations"] == {
        USES: "setup: cpu=5m; app: cpu=50m,memory=200Mi; log: memory=20Mi"}  # init containers first, as in the spec
    assert solo["metadata"]["annotations"] == {"team": "a", USES: "solo: cpu=1", LOAD: "memory=64Mi"}
    assert all(not label_key(k) for k in (USES, LOAD))  # valid annotation names (ValidateQualifiedName)


def test_export_for_a_cluster_carries_them_too():
    out = {m["metadata"]["name"]: m for m in for_cluster(kdsl.parse(SCENARIO)).manifests}
    assert out["web"]["metadata"]["annotations"][LOAD] == "cpu=2,memory=512Mi"
    assert USES in out["web"]["spec"]["template"]["metadata"]["annotations"]


def test_import_reads_them_back_as_uses_and_load_statements():
    scenario = kdsl.parse(SCENARIO)
    back = import_manifests(text=dump_manifests(to_manifests(scenario)))
    assert "uses cpu=50m memory=200Mi" in back.text and "uses memory=20Mi" in back.text
    assert "load deployment shop/web cpu=2 memory=512Mi" in back.text and "load pod shop/solo memory=64Mi" in back.text
    again = kdsl.parse(back.text)
    assert sorted(again.loads, key=lambda ld: ld.name) == sorted(scenario.loads, key=lambda ld: ld.name)
    web = next(o for o in again.objects if o.name == "web")
    assert [c.uses for c in web.template.init_containers + web.template.containers] == [
        c.uses for c in scenario.objects[1].template.init_containers + scenario.objects[1].template.containers]
    assert dict(web.template.annotations) == {} and web.yaml is None  # nothing left over in `yaml`
    # the `load` is the workload's annotation, as the API server stores the exported manifest (the oracle's
    # recordings of test_autoscaling.kdsl): said once in kdsl text, as the `load` statement
    assert dict(next(o for o in again.objects if o.name == "solo").annotations) == {"team": "a", LOAD: "memory=64Mi"}
    assert dict(web.annotations) == {LOAD: "cpu=2,memory=512Mi"} and LOAD not in back.text
    assert [o.annotations for o in again.objects] == [o.annotations for o in scenario.objects]


def test_a_long_container_name_fits_one_annotation():
    name = "c" * 63  # a container's name may be 63 characters: `kdsl.dev/uses-<name>` would not be a valid key
    m = manifests(f"pod p {{ container {name} image=nginx:1.25 {{ uses cpu=10m }} }}\n")["p"]
    assert m["metadata"]["annotations"] == {USES: f"{name}: cpu=10m"}


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    {key}: "{value}"
spec:
  containers:
  - name: app
    image: nginx:1.25
"""


def test_an_annotation_that_does_not_read_whole_stays_an_annotation():
    for key, value in ((USES, "app: cpu=lots"), (USES, "other: cpu=1"), (USES, "app: cpu=1; app: memory=1Gi"),
                       (USES, "app cpu=1"), (LOAD, "cpu=-1"), (LOAD, "gpu=1")):
        back = import_manifests(text=POD.format(key=key, value=value))
        pod = back.objects[0]
        assert dict(pod.annotations)[key] == value, (key, value)
        assert pod.template.containers[0].uses.cpu is None and back.loads == ()


def test_a_load_on_a_kind_no_load_names_stays_in_its_manifest():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    kdsl.dev/load: cpu=1\n"
    back = import_manifests(text=text)
    assert back.loads == () and "kdsl.dev/load" in back.text
