"""Import keeps what it reads: a workload's selector as written (never widened to the template's labels) and
the order of named lists (env, ports, containers, volumes), through kdsl text and back to manifests."""

from __future__ import annotations

import pytest
import yaml

import kdsl
from kdsl.core.errors import KdslError
from kdsl.interop import import_manifests, to_manifests
from kdsl.interop.patch import SAME, merge, residual

NARROW = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, version: v1}
    spec:
      containers:
      - {name: web, image: nginx}
"""


def roundtrip(text: str) -> tuple[str, dict]:
    imported = import_manifests(text=text, name="app.yaml")
    [m] = [m for m in to_manifests(kdsl.parse(imported.text)) if m["kind"] == yaml.safe_load(text)["kind"]]
    return imported.text, m


SELECTORS = [
    # (kind, the selector as written, the kdsl statement)
    ("Deployment", {"matchLabels": {"app": "web"}}, "selector app=web"),
    ("StatefulSet", {"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "track", "operator": "NotIn", "values": ["canary"]}, {"key": "version", "operator": "Exists"}]},
     "selector app=web track notin (canary) version exists"),
    ("DaemonSet", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]},
     "selector app in (web,api)"),
    ("ReplicaSet", {"matchLabels": {"version": "v1"}}, "selector version=v1"),
    ("ReplicationController", {"app": "web"}, "selector app=web"),
]


@pytest.mark.parametrize("kind, sel, statement", SELECTORS, ids=[s[0] for s in SELECTORS])
def test_a_selector_narrower_than_the_labels_is_imported_as_written(kind, sel, statement):
    doc = yaml.safe_load(NARROW)
    doc["kind"] = kind
    doc["apiVersion"] = "v1" if kind == "ReplicationController" else "apps/v1"
    doc["spec"]["selector"] = sel
    if kind == "StatefulSet":
        doc["spec"]["serviceName"] = "web"
    text, m = roundtrip(yaml.safe_dump(doc))
    assert f"  labels app=web version=v1\n  {statement}\n" in text
    assert m["spec"]["selector"] == sel
    assert m["spec"]["template"]["metadata"]["labels"] == {"app": "web", "version": "v1"}


def test_a_selector_equal_to_the_labels_goes_unsaid():
    text, m = roundtrip(NARROW.replace("matchLabels: {app: web}", "matchLabels: {version: v1, app: web}"))
    assert "selector" not in text
    assert m["spec"]["selector"] == {"matchLabels": {"app": "web", "version": "v1"}}


def test_a_manifest_whose_selector_does_not_match_its_labels_is_refused_by_the_import_in_the_api_servers_words():
    with pytest.raises(KdslError) as caught:  # ValidateDeploymentSpec, worded as 1.33 (Go's %#v) and 1.34 (JSON)
        import_manifests(text=NARROW.replace("matchLabels: {app: web}", "matchLabels: {app: db}"))
    assert caught.value.diagnostics[0].message == (
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", '
        '"version":"v1"}: `selector` does not match template `labels`')
    with pytest.raises(KdslError, match=r'Invalid value: \{"app":"web","version":"v1"\}: `selector` does not match'):
        import_manifests(text=NARROW.replace("matchLabels: {app: web}", "matchLabels: {app: db}"), kube_version="1.34")


ORDERED = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: nginx
    ports:
    - {name: http, containerPort: 80}
    - {name: probe, containerPort: 8081, hostIP: 127.0.0.1, hostPort: 8081}
    - {name: admin, containerPort: 9000}
    env:
    - {name: A, value: "1"}
    - name: POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - {name: C, valueFrom: {configMapKeyRef: {name: cfg, key: c}}}
    - name: LIMIT
      valueFrom: {resourceFieldRef: {resource: limits.cpu}}
    - {name: E, value: "5"}
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: info, mountPath: /etc/info}
    - {name: tmp, mountPath: /tmp}
  - {name: b, image: busybox}
  - {name: c, image: redis}
  volumes:
  - {name: cfg, configMap: {name: cfg}}
  - name: info
    downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
  - {name: tmp, emptyDir: {}}
"""


def test_env_ports_containers_volumes_and_mounts_keep_their_order():
    text, m = roundtrip(ORDERED)
    names = lambda items: [i["name"] for i in items]  # noqa: E731
    original = yaml.safe_load(ORDERED)["spec"]
    [a, b, c] = m["spec"]["containers"]
    assert names([a, b, c]) == ["a", "b", "c"]
    assert names(a["env"]) == ["A", "POD", "C", "LIMIT", "E"]
    assert a["env"] == original["containers"][0]["env"]
    assert names(a["ports"]) == ["http", "probe", "admin"]
    assert names(m["spec"]["volumes"]) == ["cfg", "info", "tmp"]
    assert [x["name"] for x in a["volumeMounts"]] == ["cfg", "info", "tmp"]
    assert "$setElementOrder" in text  # the fieldRef env is kept in `yaml`, with the order it stood in


def test_set_element_order_is_strategic_merge_patchs_directive():
    generated = {"env": [{"name": "A"}, {"name": "C"}]}
    original = {"env": [{"name": "A"}, {"name": "B", "x": 1}, {"name": "C"}]}
    patch = residual(original, generated)
    assert patch == {"$setElementOrder/env": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                     "env": [{"name": "B", "x": 1}]}
    assert merge(generated, patch) == original
    assert residual({"env": [{"name": "A"}, {"name": "C"}]}, generated) is SAME  # same order: nothing to say
    assert residual({"env": [{"name": "C"}, {"name": "A"}]}, generated) == {
        "$setElementOrder/env": [{"name": "C"}, {"name": "A"}]}


def test_an_object_keeps_exactly_its_own_labels_through_kdsl_text():
    # a pod without labels stays without; a Deployment's labels are its own, not its template's (issue 16)
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: app, image: nginx}\n"
    text, m = roundtrip(pod)
    assert "labels" not in m["metadata"] and "labels: null" in text
    text, m = roundtrip(NARROW)
    assert "labels" not in m["metadata"] and m["spec"]["template"]["metadata"]["labels"] == {"app": "web",
                                                                                          "version": "v1"}
    own = NARROW.replace("metadata: {name: web}", "metadata: {name: web, labels: {team: a}}")
    assert roundtrip(own)[1]["metadata"]["labels"] == {"team": "a"}


def test_a_limit_range_ratio_reads_as_a_ratio_section():
    lr = ("apiVersion: v1\nkind: LimitRange\nmetadata: {name: limits, namespace: dev}\nspec:\n  limits:\n"
          "  - type: Container\n    maxLimitRequestRatio: {cpu: '2', memory: 1500m}\n")
    text, m = roundtrip(lr)
    assert "limits name=limits ratio cpu=2 memory=1500m\n}" in text
    assert m["spec"]["limits"] == [{"type": "Container", "maxLimitRequestRatio": {"cpu": "2", "memory": "1500m"}}]


def test_a_priority_class_name_stays_in_yaml_and_reaches_the_template():
    # kdsl text has no word for priorityClassName: the yaml block keeps it, the Priority admission plugin reads it
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec:\n  priorityClassName: high\n"
           "  containers:\n  - {name: app, image: nginx}\n")
    imported = import_manifests(text=pod, name="app.yaml")
    [obj] = imported.objects
    [parsed] = kdsl.parse(imported.text).objects
    assert obj.template.priority_class == parsed.template.priority_class == "high" and obj == parsed
    assert roundtrip(pod)[1]["spec"]["priorityClassName"] == "high"


@pytest.mark.parametrize("own", [None, {"team": "a"}, {"sidecar.istio.io/inject": "true", "team": "a"}])
def test_a_workload_keeps_its_own_annotations_apart_from_its_templates(own):
    # microservices-demo's frontend: only the template is annotated, and the API server stores the Deployment without
    meta = "metadata: {name: web}" if own is None else f"metadata: {{name: web, annotations: {own}}}"
    text = NARROW.replace("metadata: {name: web}", meta).replace(
        "      labels: {app: web, version: v1}", "      labels: {app: web, version: v1}\n"
                                                 "      annotations: {sidecar.istio.io/inject: 'true'}")
    _, m = roundtrip(text)
    assert m["metadata"].get("annotations") == own
    assert m["spec"]["template"]["metadata"]["annotations"] == {"sidecar.istio.io/inject": "true"}
    web = next(o for o in kdsl.from_manifests(text=text).objects if o.name == "web")
    assert (dict(web.annotations), dict(web.template.annotations)) == (own or {}, {"sidecar.istio.io/inject": "true"})
