"""Load and autoscaling in the model: what `uses`, `load`, `hpa` and `autoscale=` build (with upstream's defaults),
the API server's validation of an HPA, the references they make, and the warning that the engine does not act on
them yet (issue 12). Each error case is the case's only error, with its exact message and place."""

import pytest

import kdsl
from kdsl.model import (HorizontalPodAutoscaler, HPABehavior, Load, ResourceMetric, ScalingPolicy, ScalingRules,
                        SetLoad)

NS = "namespace shop {\n  deployment web replicas=2 image=nginx:1.25 cpu=250m memory=256Mi\n}\n"


def parse(text: str):
    return kdsl.parse(text, "t.kdsl")


def warnings(s) -> list[str]:
    return [w.message for w in s.warnings]


def test_hpa_defaults_are_the_api_servers():
    # pkg/apis/autoscaling/v2/defaults.go: minReplicas 1, cpu 80% when no metric, scale up 0s window with
    # Pods 4 / Percent 100 per 15s (Max), scale down 300s window with Percent 100 per 15s (Max).
    (hpa,) = parse(NS + "hpa shop/web target=deployment/web max=5").autoscalers
    assert (hpa.namespace, hpa.name, hpa.target_kind, hpa.target_name) == ("shop", "web", "Deployment", "web")
    assert (hpa.min_replicas, hpa.max_replicas, hpa.behavior_given) == (1, 5, False)
    assert hpa.metrics == (ResourceMetric(resource="cpu", target_type="Utilization", average_utilization=80),)
    assert hpa.behavior == HPABehavior(
        scale_up=ScalingRules(stabilization_window_seconds=0, select_policy="Max", policies=(
            ScalingPolicy(type="Pods", value=4, period_seconds=15),
            ScalingPolicy(type="Percent", value=100, period_seconds=15))),
        scale_down=ScalingRules(stabilization_window_seconds=300, select_policy="Max", policies=(
            ScalingPolicy(type="Percent", value=100, period_seconds=15),)))
    assert hpa.kind == "HorizontalPodAutoscaler" and hpa.api_version == "autoscaling/v2"


def test_hpa_metrics_percent_is_utilization_a_quantity_is_average_value():
    (hpa,) = parse(NS + "hpa shop/web target=deployment/web min=2 max=10 cpu=500m memory=1Gi").autoscalers
    assert hpa.metrics == (ResourceMetric(resource="cpu", target_type="AverageValue", average_value=500),
                           ResourceMetric(resource="memory", target_type="AverageValue", average_value=2**30))
    (hpa,) = parse(NS + "hpa shop/web target=deployment/web max=10 memory=70%").autoscalers
    assert hpa.metrics == (ResourceMetric(resource="memory", target_type="Utilization", average_utilization=70),)


def test_hpa_rules_fill_what_is_not_given_with_defaults():
    text = NS + ("hpa shop/web target=deployment/web min=2 max=10 cpu=70% {\n"
                 "  scale-down window=60s select=Min policy pods=1 per 60s policy percent=10 per 1m\n}\n")
    (hpa,) = parse(text).autoscalers
    assert hpa.behavior_given
    assert hpa.behavior.scale_up == ScalingRules.scale_up()
    assert hpa.behavior.scale_down == ScalingRules(stabilization_window_seconds=60, select_policy="Min", policies=(
        ScalingPolicy(type="Pods", value=1, period_seconds=60), ScalingPolicy(type="Percent", value=10,
                                                                              period_seconds=60)))
    (hpa,) = parse(NS + "hpa shop/web target=deployment/web max=3 {\n  scale-up select=Disabled\n}").autoscalers
    assert hpa.behavior.scale_up.select_policy == "Disabled"
    assert hpa.behavior.scale_up.policies == ScalingRules.scale_up().policies


def test_hpa_in_a_namespace_block_takes_its_namespace():
    text = "namespace shop {\n  deployment web image=nginx:1.25 cpu=1\n  hpa web target=deployment/web max=3\n}"
    (hpa,) = parse(text).autoscalers
    assert hpa.key == "shop/web"


def test_uses_load_and_set_load():
    text = ("namespace shop {\n  deployment web {\n    container app image=app:1 {\n"
            "      limits memory=512Mi\n      uses cpu=50m memory=1Gi\n    }\n  }\n"
            "  load deployment web memory=1Mi\n}\n"
            "load deployment shop/web cpu=2 memory=512Mi\nat 5m: load deployment shop/web cpu=6\n")
    s = parse(text)
    (c,) = s.objects[1].template.containers
    # use above the limit is allowed, as Kubernetes allows it: that is how a container comes to be OOMKilled
    assert (c.uses.cpu, c.uses.memory, c.limits.memory) == (50, 2**30, 512 * 2**20)
    assert s.loads == (Load(kind="Deployment", namespace="shop", name="web", cpu=0, memory=2**20),
                       Load(kind="Deployment", namespace="shop", name="web", cpu=2000, memory=512 * 2**20))
    assert s.timeline == (SetLoad(at_ms=300_000, load=Load(kind="Deployment", namespace="shop", name="web",
                                                           cpu=6000)),)


def test_autoscaled_pool():
    s = parse("nodes pool count=3 cpu=4 memory=16Gi autoscale=3..10 provision=60s")
    (pool,) = s.node_specs
    assert (pool.count, pool.autoscale, pool.provision_ms) == (3, (3, 10), 60_000)
    (fixed,) = parse("nodes pool count=3").node_specs
    assert (fixed.autoscale, fixed.provision_ms) == (None, 0)


def test_every_form_is_simulated_so_none_is_warned():
    text = ("nodes pool count=3 autoscale=3..10 provision=60s\n"
            "namespace shop {\n  deployment web image=nginx:1.25 cpu=250m {\n    container app image=app:1 {\n"
            "      requests cpu=100m\n      uses cpu=50m\n    }\n  }\n}\n"
            "load deployment shop/web cpu=2\nat 5m: load deployment shop/web cpu=6\n"
            "hpa shop/web target=deployment/web max=10 cpu=70%\n")
    assert [(w.line, w.message) for w in parse(text).warnings] == []
    # `uses`, `load` (kdsl/engine/usage.py), `hpa` (kdsl/engine/controllers/horizontal.py) and `autoscale=`
    # (kdsl/engine/autoscaler/) are simulated: no warning


def test_set_load_alone_is_no_warning():
    assert parse(NS + "at 5m: load deployment shop/web cpu=6").warnings == ()


HPA = "hpa shop/web target=deployment/web "
# (id, text, message, line, column, suggestion): the case's only error.
ERRORS = [
    ("max-below-min", HPA + "min=3 max=2",
     "hpa shop/web: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`", 4, 1, None),
    ("min-zero", HPA + "min=0 max=2",
     "hpa shop/web: spec.minReplicas: Invalid value: 0: must be greater than or equal to 1", 4, 1, None),
    ("utilization-zero", HPA + "max=2 cpu=0%",
     "hpa shop/web: spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
     4, 42, None),
    ("average-value-zero", HPA + "max=2 memory=0",
     'hpa shop/web: spec.metrics[0].resource.target.averageValue: Invalid value: "0": must be positive', 4, 42, None),
    ("window-too-long", HPA + "max=2 {\n  scale-down window=3601s\n}",
     "hpa shop/web: spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: "
     "must be less than or equal to 3600", 5, 3, None),
    ("policy-value-zero", HPA + "max=2 {\n  scale-up policy pods=0 per 15s\n}",
     "hpa shop/web: spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero", 5, 12, None),
    ("policy-period-too-long", HPA + "max=2 {\n  scale-up policy percent=50 per 31m\n}",
     "hpa shop/web: spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1860: "
     "must be less than or equal to 1800", 5, 12, None),
    ("policy-period-zero", HPA + "max=2 {\n  scale-up policy percent=50 per 0s\n}",
     "hpa shop/web: spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: must be greater than zero",
     5, 12, None),
    ("policy-misspelt-type", HPA + "max=2 {\n  scale-up policy pod=1 per 15s\n}",
     "policy type: `pod` is not one of Percent or Pods", 5, 19, "`Pods`"),
    ("policy-without-per", HPA + "max=2 {\n  scale-up policy pods=1 15s\n}",
     "a policy of scale-up of hpa shop/web is written `policy pods=N per DURATION` or `policy percent=N per "
     "DURATION`", 5, 12, None),
    ("select-misspelt", HPA + "max=2 {\n  scale-up select=maximum\n}",
     "select policy: `maximum` is not one of Disabled, Max or Min", 5, 19, "`Max`"),
    ("rule-twice", HPA + "max=2 {\n  scale-up window=0s\n  scale-up window=5s\n}",
     "`scale-up` is given twice in hpa shop/web", 6, 3, None),
    ("target-not-scalable", "hpa shop/web target=daemonset/web max=2",
     "kind of scale target: `daemonset` is not one of Deployment, ReplicaSet, ReplicationController or StatefulSet",
     4, 21, None),
    ("target-without-kind", "hpa shop/web target=web max=2",
     "`target` of hpa shop/web is written KIND/NAME, such as deployment/web", 4, 14, None),
    ("no-target", "hpa shop/web max=2",
     "hpa shop/web needs `target=KIND/NAME` (the workload it scales)", 4, 1, None),
    ("no-max", HPA + "min=2", "hpa shop/web needs `max=`", 4, 1, None),
    ("hpa-twice", HPA + "max=2\n" + HPA + "max=3",
     "hpa shop/web is declared twice (first declared at t.kdsl:4:1)", 5, 5, None),
    ("hpa-unknown-namespace", "hpa shop2/web target=deployment/web max=2",
     'hpa shop2/web: namespaces "shop2" not found; declare `namespace shop2`', 4, 5, None),
    ("load-on-a-misspelt-workload", "load deployment shop/wbe cpu=1",
     'deployments.apps "wbe" not found in namespace shop', 4, 1, "`load deployment shop/web`"),
    ("load-on-another-kind", "load statefulset shop/web cpu=1",
     'statefulsets.apps "web" not found in namespace shop', 4, 1, None),
    ("load-without-use", "load deployment shop/web",
     "load on deployment shop/web needs `cpu=` or `memory=`", 4, 1, None),
    ("load-unknown-attribute", "load deployment shop/web cpu=1 cpus=2",
     "unknown attribute `cpus` for load on deployment shop/web", 4, 32, "`cpu=`"),
    ("set-load-before-creation", "at 1m: load deployment shop/api cpu=1\nat 2m: create deployment shop/api image=x:1",
     'deployments.apps "api" not found in namespace shop (created only at 2m, line 5)', 4, 8, None),
    ("set-load-after-deletion", "at 1m: delete deployment shop/web\nat 2m: load deployment shop/web cpu=1",
     'deployments.apps "web" not found in namespace shop (deleted at 1m, line 4)', 5, 8, None),
    ("autoscale-count-outside", "nodes pool count=2 autoscale=3..5",
     "node pool pool has count=2, outside its autoscale range 3..5; the node group starts within its bounds",
     4, 30, None),
    ("autoscale-max-below-min", "nodes pool count=4 autoscale=5..3",
     "`autoscale` of node pool pool: the maximum 3 is less than the minimum 5", 4, 30, None),
    ("autoscale-not-a-range", "nodes pool count=4 autoscale=5",
     "`autoscale` of node pool pool: `5` is not a range; write MIN..MAX, such as 3..10", 4, 30, None),
    ("hpa-in-apply", "at 1m: apply { hpa shop/web target=deployment/web max=3 }",
     "`hpa` cannot be created or applied by the timeline", 4, 16, None),
    ("provision-without-autoscale", "nodes pool count=4 provision=1m",
     "`provision=` of node pool pool is how long the cluster autoscaler's new nodes take; give the pool "
     "`autoscale=MIN..MAX` too", 4, 1, None),
]


@pytest.mark.parametrize("text,message,line,column,suggestion", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_error(text, message, line, column, suggestion):
    with pytest.raises(kdsl.ScenarioError) as info:
        parse(NS + text)
    errors = [d for d in info.value.diagnostics if d.severity == "error"]
    assert [(d.message, d.line, d.column, d.suggestion) for d in errors] == [(message, line, column, suggestion)]


def test_missing_target_is_a_warning_as_the_api_server_takes_it():
    s = parse(NS + "hpa shop/web target=deployment/wbe max=3")
    assert warnings(s)[0] == "hpa shop/web scales deployment wbe, which is not declared in namespace shop"
    assert s.warnings[0].suggestion == "`target=deployment/web`"


def test_utilization_without_a_request_is_warned():
    s = parse("namespace shop {\n  deployment web image=nginx:1.25\n}\nhpa shop/web target=deployment/web max=3")
    assert warnings(s)[0] == ('hpa shop/web targets cpu utilization, but container web of deployment web has no cpu '
                              'request; the HPA controller reports "missing request for cpu" and does not scale')
    # an AverageValue target needs no request
    s = parse("namespace shop {\n  deployment web image=nginx:1.25\n}\nhpa shop/web target=deployment/web max=3 "
              "cpu=200m")
    assert not any("request" in m for m in warnings(s))


def test_valid_bounds_have_no_error():
    s = parse(NS + HPA + "min=2 max=2 cpu=1% {\n  scale-up window=3600s policy pods=1 per 1800s\n}\n"
              "nodes pool count=3 autoscale=3..3 provision=0s")
    assert s.autoscalers[0].behavior.scale_up.stabilization_window_seconds == 3600
    assert isinstance(s.autoscalers[0], HorizontalPodAutoscaler)
