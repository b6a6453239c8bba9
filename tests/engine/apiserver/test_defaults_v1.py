"""The SetDefaults_* functions on objects as v1 writes them; the expected values are the v1.34.4 API server's
(tests/oracle/recorded)."""

from __future__ import annotations

from kdsl.engine.apiserver.defaults_v1 import defaulted


def service(**spec) -> dict:
    return defaulted({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                      "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}, **spec}})["spec"]


def test_a_cluster_ip_service():
    assert service(clusterIP="10.96.0.10") == {
        "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "selector": {"app": "web"},
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}], "sessionAffinity": "None", "type": "ClusterIP"}


def test_externally_reachable_services():
    lb = service(type="LoadBalancer")
    assert (lb["externalTrafficPolicy"], lb["allocateLoadBalancerNodePorts"]) == ("Cluster", True)
    node_port = service(type="NodePort", ports=[{"port": 80, "targetPort": "http", "protocol": "UDP"}])
    assert node_port["ports"] == [{"port": 80, "targetPort": "http", "protocol": "UDP"}]
    assert "allocateLoadBalancerNodePorts" not in node_port and node_port["externalTrafficPolicy"] == "Cluster"
    assert service(sessionAffinity="ClientIP")["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_headless_and_external_name_services():
    selectorless = service(clusterIP="None", selector=None)
    assert (selectorless["ipFamilyPolicy"], selectorless["ipFamilies"]) == ("RequireDualStack", ["IPv4", "IPv6"])
    assert service(clusterIP="None")["ipFamilies"] == ["IPv4"]
    external = service(type="ExternalName", externalName="db.example.com")
    assert "ipFamilies" not in external and "internalTrafficPolicy" not in external


def test_a_pod_and_its_containers():
    pod = defaulted({"kind": "Pod", "spec": {"containers": [{
        "name": "app", "image": "nginx", "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "1"}},
        "readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 5},
        "livenessProbe": {"grpc": {"port": 9000}},
        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}],
        "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}}, {"name": "scratch"}, {"name": "h",
                                                                                       "hostPath": {"path": "/x"}}]}})
    spec = pod["spec"]
    c = spec["containers"][0]
    assert (spec["dnsPolicy"], spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["schedulerName"],
            spec["enableServiceLinks"], spec["securityContext"]) == ("ClusterFirst", "Always", 30,
                                                                     "default-scheduler", True, {})
    assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"]) == (
        "Always", "/dev/termination-log", "File")
    assert c["resources"]["requests"] == {"cpu": "1"} and c["ports"][0]["protocol"] == "TCP"
    assert c["readinessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "periodSeconds": 5,
                                   "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
    assert c["livenessProbe"]["grpc"] == {"port": 9000, "service": ""}
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert spec["volumes"] == [{"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 420}},
                               {"name": "scratch", "emptyDir": {}}, {"name": "h", "hostPath": {"path": "/x",
                                                                                                "type": ""}}]


def test_a_template_gets_the_spec_defaults_but_not_the_pods():
    d = defaulted({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
        {"name": "a", "image": "nginx:1.25", "resources": {"limits": {"cpu": "1"}}}]}}}})["spec"]
    assert (d["replicas"], d["revisionHistoryLimit"], d["progressDeadlineSeconds"]) == (1, 10, 600)
    assert d["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    pod = d["template"]["spec"]
    assert "enableServiceLinks" not in pod and "requests" not in pod["containers"][0]["resources"]
    assert pod["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert defaulted({"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}})["spec"]["strategy"] == {
        "type": "Recreate"}


def test_sets_and_daemons():
    s = defaulted({"kind": "StatefulSet", "spec": {"volumeClaimTemplates": [
        {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]}})["spec"]
    assert (s["podManagementPolicy"], s["updateStrategy"], s["persistentVolumeClaimRetentionPolicy"]) == (
        "OrderedReady", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        {"whenDeleted": "Retain", "whenScaled": "Retain"})
    assert s["volumeClaimTemplates"][0] == {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                            "metadata": {"name": "data"}, "status": {"phase": "Pending"},
                                            "spec": {"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem"}}
    onDelete = defaulted({"kind": "StatefulSet", "spec": {"updateStrategy": {"type": "OnDelete"}}})["spec"]
    assert onDelete["updateStrategy"] == {"type": "OnDelete"}
    ds = defaulted({"kind": "DaemonSet", "spec": {}})["spec"]
    assert ds["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}


def test_jobs_and_cron_jobs():
    job = defaulted({"kind": "Job", "spec": {}})["spec"]
    assert job == {"completions": 1, "parallelism": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
                   "suspend": False, "podReplacementPolicy": "TerminatingOrFailed", "manualSelector": False}
    queue = defaulted({"kind": "Job", "spec": {"parallelism": 3, "podFailurePolicy": {"rules": []},
                                               "backoffLimitPerIndex": 1}})["spec"]
    assert "completions" not in queue and queue["backoffLimit"] == 2 ** 31 - 1
    assert queue["podReplacementPolicy"] == "Failed"  # any podFailurePolicy, even without rules
    cron = defaulted({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}})["spec"]
    assert (cron["concurrencyPolicy"], cron["suspend"], cron["successfulJobsHistoryLimit"],
            cron["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
    assert "backoffLimit" not in cron["jobTemplate"]["spec"]  # SetDefaults_Job is for Jobs only


def test_storage_and_the_rest():
    pv = defaulted({"kind": "PersistentVolume", "spec": {"hostPath": {"path": "/mnt"}}})["spec"]
    assert pv == {"hostPath": {"path": "/mnt", "type": ""}, "persistentVolumeReclaimPolicy": "Retain",
                  "volumeMode": "Filesystem"}
    assert defaulted({"kind": "StorageClass"}) == {"kind": "StorageClass", "reclaimPolicy": "Delete",
                                                   "volumeBindingMode": "Immediate"}
    assert defaulted({"kind": "Namespace", "metadata": {"name": "dev"}})["spec"] == {"finalizers": ["kubernetes"]}
    assert defaulted({"kind": "Secret"})["type"] == "Opaque"
    limits = defaulted({"kind": "LimitRange", "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"},
                                                                    "min": {"memory": "64Mi"}}]}})
    assert limits["spec"]["limits"][0] == {"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"},
                                           "default": {"cpu": "2"},
                                           "defaultRequest": {"cpu": "2", "memory": "64Mi"}}
    binding = defaulted({"kind": "RoleBinding", "subjects": [{"kind": "User", "name": "a"},
                                                             {"kind": "ServiceAccount", "name": "b"}]})
    assert [s.get("apiGroup") for s in binding["subjects"]] == ["rbac.authorization.k8s.io", None]
    policy = defaulted({"kind": "NetworkPolicy", "spec": {"egress": [{"ports": [{"port": 53}]}]}})["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"] and policy["egress"][0]["ports"][0]["protocol"] == "TCP"
