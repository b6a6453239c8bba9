"""The bugs the Hypothesis round trip (test_roundtrip_hypothesis.py) found, each as a minimal explicit case:
import(export(s)) gives s back, or kdsl refuses at build time, with a located error, what an export could
not give back."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.interop import dump_manifests, import_manifests, to_manifests
from kdsl.core.errors import KdslError
from kdsl.lang.fmt import text_word


def back(text: str):
    scenario = kdsl.parse(text)
    return scenario, import_manifests(text=dump_manifests(to_manifests(scenario)))


def error(text: str) -> str:
    with pytest.raises(KdslError) as exc:
        kdsl.parse(text)
    return str(exc.value)


def test_node_images_come_back_as_images():
    s, b = back("node web images=nginx:1.25,nginx:1.25,redis\n")
    assert b.nodes[0].images == ("nginx:1.25", "nginx:1.25", "redis")
    assert b.nodes[0].yaml is None


def test_real_node_images_are_read_by_tag_and_the_rest_kept():
    b = import_manifests(text="apiVersion: v1\nkind: Node\nmetadata: {name: n}\nstatus:\n  images:\n"
                              "  - names: [nginx@sha256:abc, nginx:1.25]\n    sizeBytes: 10\n")
    assert b.nodes[0].images == ("nginx:1.25",)
    assert "sizeBytes: 10" in b.nodes[0].yaml


@pytest.mark.parametrize("source", ["emptydir", "hostpath=/data", "pvc=data"])
def test_optional_on_a_volume_without_that_field_is_refused(source):
    message = error(f"pod a image=nginx {{ volume v {source} optional }}\n")
    assert "1:21: error: `optional` applies only to a configmap or secret volume, not to volume v" in message


@pytest.mark.parametrize("source", ["emptydir", "configmap=c", "secret=s", "hostpath=/data"])
def test_readonly_on_a_volume_other_than_a_claim_is_refused(source):
    message = error(f"pod a image=nginx {{ volume v {source} readonly }}\n")
    assert "error: `readonly` applies only to a pvc volume, not to volume v" in message
    assert "`mount ... readonly`" in message


def test_optional_configmap_and_readonly_claim_come_back():
    s, b = back("pod a image=nginx { volume c configmap=c optional; volume d pvc=d readonly }\n")
    assert b.objects[0].template.volumes == s.objects[0].template.volumes


@pytest.mark.parametrize("path", ["/login", "/a b", '/q"x', "/#x", "/x->y"])
def test_exact_and_prefix_ingress_paths_come_back(path):
    s, b = back(f"ingress i {{ rule a.b ={text_word(path)} -> web:80; rule {text_word(path)} -> web:80 }}\n")
    assert b.objects[0].rules == s.objects[0].rules
    assert [(r.path, r.path_type) for r in b.objects[0].rules] == [(path, "Exact"), (path, "Prefix")]
    assert kdsl.parse(b.text).objects[0].rules == s.objects[0].rules


def test_emit_quotes_what_is_not_a_bare_word():
    assert [text_word(x) for x in ["nginx:1.25", "a:", "x->y", "a b", "", "-c", "a\n"]] == \
        ["nginx:1.25", '"a:"', '"x->y"', '"a b"', '""', '"-c"', '"a\\n"']


@pytest.mark.parametrize("body, says", [
    ('"- a"', "is a list"),
    ('"x:1"', "is a single value ('x:1')"),
    ('"a: ["', "is not YAML: while parsing a flow node"),
])
@pytest.mark.parametrize("where", ["pod a image=nginx {{ yaml {} }}", "pod a image=nginx {{ container b image=x {{ yaml {} }} }}",
                                   "node n {{ yaml {} }}", "service s {{ yaml {} }}"])
def test_a_yaml_block_that_is_not_a_mapping_is_refused(where, body, says):
    message = error(where.format(body) + "\n")
    assert "error: the yaml block of " in message and says in message
    assert "^" in message  # located


def test_an_empty_yaml_block_is_nothing():
    s, b = back('pod a image=nginx { yaml "" }\n')
    assert b.objects[0].yaml is None


def test_a_pv_without_a_source_comes_back_without_yaml():
    s, b = back("pv data 1Gi access=RWO\n")
    assert b.objects[0].yaml is None and b.objects[0] == s.objects[0]


def test_a_quota_resource_given_twice_is_refused():
    assert "error: `requests.cpu` gives requests.cpu of quota quota a second time" in \
        error("namespace web { quota cpu=1 requests.cpu=2 }\n")


def test_a_limits_key_given_twice_is_refused():
    assert "error: `request cpu` is given twice in limits limits" in \
        error("namespace web { limits request cpu=100m default-request cpu=200m }\n")


def test_selects_without_pairs_is_refused():
    assert "error: `selects` of service default/web needs key=value pairs" in error("service web selects ports 80\n")


@pytest.mark.parametrize("line", ["affinity node", "prefer node weight=2"])
def test_a_node_term_without_requirements_is_refused(line):
    assert f"error: `{line.split(' weight')[0]}` of pod default/a needs a requirement" in \
        error(f"pod a image=nginx {{ {line} }}\n")


def test_a_spread_selector_equal_to_the_pod_labels_is_the_default():
    s, b = back("pod a image=nginx { labels app=a tier=x; spread topology=zone tier=x app=a }\n")
    assert s.objects[0].template.spread[0].selector is None
    assert b.objects[0].template.spread == s.objects[0].template.spread


def test_probes_are_kept_in_one_order():
    s, b = back("pod a { container a image=nginx { startup tcp port=80; liveness tcp port=80; readiness tcp port=80 } }\n")
    assert [p.kind for p in s.objects[0].template.containers[0].probes] == ["readiness", "liveness", "startup"]
    assert b.objects[0].template.containers[0].probes == s.objects[0].template.containers[0].probes


@pytest.mark.parametrize("arg", ["\x85", "a\u2028b", "c\u2029"])
def test_unicode_line_breaks_survive_yaml(arg):
    s, b = back(f'pod a {{ container a image=nginx {{ args "{arg}" }} }}\n')
    assert b.objects[0].template.containers[0].args == (arg,)


def test_pv_claim_with_a_space_is_written_quoted_so_the_export_reads_back():
    s, b = back('node n1\npv archive-1 1Gi access=RWO claim="a b"\n')
    assert 'claim="default/a b"' in b.text
    assert kdsl.parse(b.text).objects[0].claim == "default/a b"


@pytest.mark.parametrize("host, message", [
    ("a\\b", 'spec.rules[0].host: Invalid value: "a\\\\b": a lowercase RFC 1123 subdomain'),
    ("10.0.0.1", 'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'),
])
def test_ingress_host_with_a_backslash_or_an_ip_is_refused_as_the_api_server_refuses_it(host, message):
    assert message in error(f"node n1\nservice s selects app=x ports 80\ningress web {{\n  rule {host} /x -> s:80\n}}\n")


def test_ingress_tls_host_is_checked_and_a_wildcard_host_passes():
    assert 'spec.tls[0].hosts[0]: Invalid value: "a_b"' in error(
        "node n1\nservice s selects app=x ports 80\ningress web {\n  rule *.example.com /x -> s:80\n"
        "  tls a_b secret=t\n}\n")
    kdsl.parse("node n1\nservice s selects app=x ports 80\ningress web {\n  rule *.example.com /x -> s:80\n"
               "  tls *.example.com secret=t\n}\n")


def test_gt_and_lt_node_requirements_come_back_and_are_written_as_kubernetes_writes_them():
    s, b = back("pod a image=nginx { affinity node gpu>1 cores<64\n prefer node gpu>3 weight=5 }\n")
    pod = to_manifests(s)[0]
    term = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["nodeSelectorTerms"] == [{"matchExpressions": [{"key": "gpu", "operator": "Gt", "values": ["1"]},
                                                               {"key": "cores", "operator": "Lt", "values": ["64"]}]}]
    assert "affinity node gpu>1 cores<64" in b.text and "prefer node gpu>3 weight=5" in b.text
    assert "yaml \"\"\"" not in b.text


@pytest.mark.parametrize("line, message", [
    ("affinity node gpu>x", "`gpu>` compares with one integer in pod default/a, not `x`"),
    ("affinity pods app>1 topology=zone", "`>` cannot select labels in pod default/a; use =, !=, in, notin"),
])
def test_gt_and_lt_take_an_integer_and_only_in_a_node_term(line, message):
    assert message in error(f"pod a image=nginx {{ {line} }}\n")


def test_a_gt_term_kubernetes_would_refuse_stays_in_yaml():
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: nginx}]\n"
                "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                "        nodeSelectorTerms:\n        - matchExpressions: [{key: gpu, operator: Gt, values: ['1', '2']}]\n")
    assert "operator: Gt" in import_manifests(text=manifest).text
