"""LimitRanger: the LimitRange's own defaulting, container defaults, the annotation, min and max."""

from __future__ import annotations

from kdsl.engine.apiserver import limitranger, wrap
from kdsl.model.nodes import LimitRange
from tests.engine.apiserver.helpers import Cluster, container, message, pod

MI = 2**20


def limits(**sections) -> LimitRange:
    return LimitRange(name="limits", namespace="dev", **{k: tuple(v.items()) for k, v in sections.items()})


def test_effective_limits_follow_set_defaults_limit_range_item():
    lr = limits(max={"cpu": 2000, "memory": 512 * MI}, min={"cpu": 50})
    eff = limitranger.effective(lr)
    assert eff.default == {"cpu": 2000, "memory": 512 * MI}  # default limit = max
    assert eff.default_request == {"cpu": 2000, "memory": 512 * MI}  # default request = default limit
    eff = limitranger.effective(limits(min={"cpu": 50}))
    assert eff.default == {} and eff.default_request == {"cpu": 50}  # else the min


def test_request_defaults_to_the_default_limit_when_only_default_is_given():
    c = Cluster("namespace dev {\n  limits default cpu=500m memory=256Mi\n}")
    made = c.create(pod()).object.spec.template.containers[0]
    assert (made.requests.cpu, made.requests.memory, made.limits.cpu, made.limits.memory) == (
        500, 256 * MI, 500, 256 * MI)


def test_defaults_fill_only_what_is_missing_and_are_annotated():
    lr = limits(default={"cpu": 500, "memory": 256 * MI}, default_request={"cpu": 100, "memory": 128 * MI})
    web = wrap(pod("web", "dev", container("app", cpu=250), container("side", limit_memory=64 * MI),
                   init_containers=(container("init"),)))
    out = limitranger.mutate(web, [lr])
    app, side = out.spec.template.containers
    assert (app.requests.cpu, app.requests.memory, app.limits.cpu) == (250, 128 * MI, 500)
    assert (side.requests.memory, side.limits.memory, side.requests.cpu) == (64 * MI, 64 * MI, 100)
    assert out.spec.template.init_containers[0].limits.cpu == 500
    assert dict(out.meta.annotations)["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory request for container app; cpu, memory limit for container app; "
        "cpu request for container side; cpu limit for container side; cpu, memory request for init container "
        "init; cpu, memory limit for init container init")


def test_nothing_to_default_leaves_the_pod_as_it_was():
    web = wrap(pod("web", "dev", container(cpu=100, memory=MI, limit_cpu=100, limit_memory=MI)))
    assert limitranger.mutate(web, [limits(default={"cpu": 500})]) is web


def test_min_and_max_messages():
    lr = limits(min={"cpu": 100}, max={"cpu": 1000, "memory": 512 * MI})
    assert limitranger.violations(wrap(pod("x", "dev", container(cpu=50, limit_cpu=500, limit_memory=MI))),
                                  lr) == "minimum cpu usage per Container is 100m, but request is 50m"
    both = limitranger.violations(wrap(pod("x", "dev", container(cpu=1500, limit_cpu=2000, limit_memory=MI * 1024))),
                                  lr)
    assert both == ("[maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is "
                    "512Mi, but limit is 1Gi]")
    no_limit = limitranger.violations(wrap(pod("x", "dev", container(cpu=200))), lr)
    assert no_limit == ("[maximum cpu usage per Container is 1.  No limit is specified, maximum memory usage per "
                        "Container is 512Mi.  No limit is specified]")
    no_request = limitranger.violations(wrap(pod("x", "dev", container())), limits(min={"memory": MI}))
    assert no_request == "minimum memory usage per Container is 1Mi.  No request is specified"


def test_a_request_above_the_max_is_refused_even_when_the_limit_fits():
    lr = limits(max={"cpu": 1000})
    assert limitranger.violations(wrap(pod("x", "dev", container(cpu=1500, limit_cpu=1000))), lr) == (
        "maximum cpu usage per Container is 1, but request is 1500m")


def test_the_first_limitrange_refusing_is_reported_through_the_api():
    c = Cluster("namespace dev").add(
        LimitRange(name="a-roomy", namespace="dev", max=(("cpu", 4000),)),
        LimitRange(name="b-tight", namespace="dev", max=(("cpu", 1000),)))
    assert message(c.create(pod("x", "dev", container(limit_cpu=2000)))) == (
        'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2')


def test_updates_are_not_limited():
    c = Cluster("namespace dev")
    stored = c.apply(pod("x", "dev", container(limit_cpu=2000)))
    c.add(LimitRange(name="tight", namespace="dev", max=(("cpu", 1000),)))
    assert not hasattr(c.ask("update", "Pod", object=stored), "code")


def test_max_limit_request_ratio_refuses_a_missing_request_a_missing_limit_and_a_ratio_above_it():
    # limitRequestRatioConstraint (plugin/pkg/admission/limitranger/admission.go); the words are the v1.34.4
    # recordings' (tests/oracle/recorded/admission.json, admission/limitrange/ratio/*)
    lr = limits(max_ratio={"cpu": 2000})
    head = "cpu max limit to request ratio per Container is 2, but "
    assert limitranger.violations(wrap(pod("p", "dev", container())), lr) == (
        head + "no request is specified or request is 0")
    assert limitranger.violations(wrap(pod("p", "dev", container(cpu=250))), lr) == (
        head + "no limit is specified or limit is 0")
    assert limitranger.violations(wrap(pod("p", "dev", container(cpu=50, limit_cpu=3000))), lr) == (
        head + "provided ratio is 60.000000")
    assert limitranger.violations(wrap(pod("p", "dev", container(cpu=500, limit_cpu=1000))), lr) is None
    odd = limits(max_ratio={"cpu": 1500})  # Go's Quantity prints 1.5 as 1500m
    assert limitranger.violations(wrap(pod("p", "dev", container(cpu=500, limit_cpu=1000))), odd) == (
        "cpu max limit to request ratio per Container is 1500m, but provided ratio is 2.000000")


def test_the_ratio_is_written_in_kdsl_and_refused_at_create():
    c = Cluster("namespace dev {\n  limits ratio cpu=2\n}")
    got = c.create(pod("p", "dev", container(cpu=100, limit_cpu=500)))
    assert message(got) == ('pods "p" is forbidden: cpu max limit to request ratio per Container is 2, but '
                            "provided ratio is 5.000000")
