"""HorizontalPodAutoscalers through import and export: a real autoscaling/v2 manifest (and a v1 one, read as v2)
imports into a working `hpa` statement, and import(export(s)) gives the scenario's HPAs back."""

from __future__ import annotations

import kdsl
from kdsl.interop import dump_manifests, for_cluster, from_manifests, import_manifests, to_manifests
from kdsl.model import HorizontalPodAutoscaler, ResourceMetric, ScalingPolicy, ScalingRules

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.25", resources: {requests: {cpu: 250m}}}
"""
V2 = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies: [{type: Pods, value: 1, periodSeconds: 60}]
"""
V1 = """---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: old, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 50
"""


def test_a_v2_manifest_imports_into_an_hpa_statement():
    imported = import_manifests(text=DEPLOYMENT + V2)
    assert "  hpa web target=deployment/web min=2 max=10 cpu=70% memory=500Mi {\n" \
           "    scale-up window=0s select=Max policy pods=4 per 15s policy percent=100 per 15s\n" \
           "    scale-down window=60s select=Max policy pods=1 per 60s\n  }\n" in imported.text
    assert not any("HorizontalPodAutoscaler" in w.message for w in imported.warnings)
    (hpa,) = from_manifests(text=DEPLOYMENT + V2).autoscalers
    assert hpa.metrics == (ResourceMetric(resource="cpu", target_type="Utilization", average_utilization=70),
                           ResourceMetric(resource="memory", target_type="AverageValue",
                                          average_value=500 * 2**20))
    # the API server fills what the manifest leaves out of a rule (defaults.go)
    assert hpa.behavior.scale_up == ScalingRules.scale_up()
    assert hpa.behavior.scale_down == ScalingRules(stabilization_window_seconds=60, select_policy="Max", policies=(
        ScalingPolicy(type="Pods", value=1, period_seconds=60),))
    assert hpa.yaml is None


def test_a_v1_manifest_is_read_as_v2():
    (hpa,) = from_manifests(text=DEPLOYMENT + V1).autoscalers
    assert (hpa.key, hpa.min_replicas, hpa.max_replicas, hpa.behavior_given) == ("shop/old", 1, 4, False)
    assert hpa.metrics == (ResourceMetric(resource="cpu", target_type="Utilization", average_utilization=50),)
    assert hpa.yaml is None  # targetCPUUtilizationPercentage is the metric, not a field kept aside


def test_an_hpa_kdsl_cannot_say_stays_a_manifest():
    pods_metric = V2.replace("type: Resource\n    resource: {name: cpu", "type: Pods\n    pods: {metric: {name: qps}")
    pods_metric = pods_metric.replace("target: {type: Utilization, averageUtilization: 70}}",
                                      "target: {type: AverageValue, averageValue: '1k'}}")
    imported = import_manifests(text=DEPLOYMENT + pods_metric)
    assert "manifest" in imported.text and "hpa web" not in imported.text


def test_import_of_export_gives_the_hpas_back():
    text = ("namespace shop {\n  deployment web replicas=2 image=nginx:1.25 cpu=250m memory=256Mi\n"
            "  hpa web target=deployment/web min=2 max=10 cpu=70% {\n    scale-down window=120s select=Min "
            "policy pods=1 per 60s policy percent=10 per 30s\n  }\n"
            "  hpa mem target=deployment/web max=3 memory=1Gi\n}\n")
    s = kdsl.parse(text)
    back = import_manifests(text=dump_manifests(to_manifests(s)))
    hpas = tuple(o for o in back.objects if isinstance(o, HorizontalPodAutoscaler))
    assert hpas == s.autoscalers
    assert kdsl.parse(back.text).autoscalers == s.autoscalers


def test_export_for_a_cluster_writes_the_hpas():
    s = kdsl.parse("namespace shop { deployment web image=nginx:1.25 cpu=250m }\n"
                   "hpa shop/web target=deployment/web max=3")
    (m,) = [m for m in for_cluster(s).manifests if m["kind"] == "HorizontalPodAutoscaler"]
    assert m == {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                 "metadata": {"name": "web", "namespace": "shop"},
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                          "minReplicas": 1, "maxReplicas": 3,
                          "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                              "type": "Utilization", "averageUtilization": 80}}}]}}


def test_state_manifest_carries_the_controllers_status():
    # kubectl get hpa -o yaml after the 30 s sync: 800% of the cpu request read, a step from 2 to 4
    sim = kdsl.simulate(kdsl.parse("node n1 cpu=4 memory=8Gi\nnamespace shop\n"
                                   "deployment shop/web replicas=2 image=shop/web:1 cpu=100m memory=128Mi\n"
                                   "load deployment shop/web cpu=1600m\n"
                                   "hpa shop/web target=deployment/web min=2 max=10 cpu=70%\n"), until=30_000)
    [hpa] = [i for i in sim.manifests()["items"] if i["kind"] == "HorizontalPodAutoscaler"]
    status = hpa["status"]
    assert (status["currentReplicas"], status["desiredReplicas"], status["lastScaleTime"]) == (
        2, 4, "1970-01-01T00:00:30Z")
    assert status["currentMetrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "current": {"averageUtilization": 800, "averageValue": "800m"}}}]
    assert [(c["type"], c["status"], c["reason"]) for c in status["conditions"]] == [
        ("AbleToScale", "True", "SucceededRescale"), ("ScalingActive", "True", "ValidMetricFound"),
        ("ScalingLimited", "True", "ScaleUpLimit")]
    # before the first sync: the empty status, whose desiredReplicas has no omitempty (autoscaling/v2)
    assert [i for i in sim.manifests(at=10_000)["items"]
            if i["kind"] == "HorizontalPodAutoscaler"][0]["status"] == {"desiredReplicas": 0}
