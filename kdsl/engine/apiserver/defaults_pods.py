"""The core/v1 defaults of a pod spec (pkg/apis/core/v1/defaults.go), applied to a pod or template as v1 writes it."""

from __future__ import annotations

from kdsl.model.names import unreadable

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
# SetDefaults_Probe, in the order the fields are checked.
PROBE_DEFAULTS = (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3))
# SetDefaults_PodSpec: the fields every pod spec, in a pod or a template, gets.
POD_SPEC_DEFAULTS = (("dnsPolicy", "ClusterFirst"), ("restartPolicy", "Always"),
                     ("terminationGracePeriodSeconds", 30), ("schedulerName", "default-scheduler"))
# v1.SecretVolumeSourceDefaultMode and its siblings: 0644.
DEFAULT_MODE = 0o644
MODED = ("secret", "configMap", "downwardAPI", "projected")
VOLUME_SOURCES = ("hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
                  "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
                  "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
                  "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
                  "image")


def default_pod(pod: dict) -> dict:
    """A Pod: SetDefaults_Pod (requests from limits, enableServiceLinks, host-network ports) and the spec's."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return pod
    for c in _containers(spec):
        resources = c.get("resources")
        if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
            requests = resources.setdefault("requests", {})
            if isinstance(requests, dict):
                for key, value in resources["limits"].items():
                    requests.setdefault(key, value)
    spec.setdefault("enableServiceLinks", True)
    if spec.get("hostNetwork") is True:
        for c in _containers(spec):
            for p in _dicts(c.get("ports")):
                if not p.get("hostPort") and "containerPort" in p:
                    p["hostPort"] = p["containerPort"]
    default_pod_spec(spec)
    return pod


def default_template(template) -> None:
    """A PodTemplateSpec inside a workload: only the spec's defaults (SetDefaults_Pod is for pods alone)."""
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        default_pod_spec(template["spec"])


def default_pod_spec(spec: dict) -> None:
    for key, value in POD_SPEC_DEFAULTS:
        if spec.get(key) in (None, ""):
            spec[key] = value
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    for c in _containers(spec):
        _container(c)
    for v in _dicts(spec.get("volumes")):
        _volume(v)


def _container(c: dict) -> None:
    """SetDefaults_Container, and the defaults of what a container holds (ports, probes, env)."""
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = "Always" if _tag(str(c.get("image") or "")) == "latest" else "IfNotPresent"
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    for p in _dicts(c.get("ports")):
        if not p.get("protocol"):
            p["protocol"] = "TCP"  # the ContainerPort's declarative default
    for name in PROBES:
        if isinstance(c.get(name), dict):
            _probe(c[name])
    lifecycle = c.get("lifecycle")
    for hook in _dicts(list(lifecycle.values())) if isinstance(lifecycle, dict) else ():
        _handler(hook)
    for e in _dicts(c.get("env")):
        ref = (e.get("valueFrom") or {}).get("fieldRef") if isinstance(e.get("valueFrom"), dict) else None
        if isinstance(ref, dict) and not ref.get("apiVersion"):
            ref["apiVersion"] = "v1"  # SetDefaults_ObjectFieldSelector


def _probe(probe: dict) -> None:
    for key, value in PROBE_DEFAULTS:
        if not probe.get(key):
            probe[key] = value
    _handler(probe)
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""  # GRPCAction.Service: +default=""


def _handler(handler: dict) -> None:
    http = handler.get("httpGet")
    if isinstance(http, dict):  # SetDefaults_HTTPGetAction
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _volume(v: dict) -> None:
    """SetDefaults_Volume (an emptyDir when no source is named) and the sources' own defaults."""
    if not any(k in v for k in VOLUME_SOURCES):
        v["emptyDir"] = {}
    for key in MODED:
        source = v.get(key)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = DEFAULT_MODE
    host = v.get("hostPath")
    if isinstance(host, dict) and host.get("type") is None:
        host["type"] = ""  # SetDefaults_HostPathVolumeSource: HostPathUnset
    ephemeral = v.get("ephemeral")
    template = ephemeral.get("volumeClaimTemplate") if isinstance(ephemeral, dict) else None
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        template["spec"].setdefault("volumeMode", "Filesystem")


def _containers(spec: dict) -> list[dict]:
    return _dicts(spec.get("initContainers")) + _dicts(spec.get("containers"))


def _dicts(items) -> list[dict]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _tag(image: str) -> str:
    """parsers.ParseImageName's tag: `latest` when none is given (a digest names no tag)."""
    if "@" in image or unreadable(image):
        return ""  # a digest, or no reference at all (ParseImageName's error): no tag, so IfNotPresent
    name = image.rsplit("/", 1)[-1]
    return name.rsplit(":", 1)[1] if ":" in name else "latest"
