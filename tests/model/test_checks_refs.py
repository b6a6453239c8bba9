"""References Kubernetes accepts but that match nothing are warnings that name both objects and the place: named
target, probe and backend ports, ConfigMap and Secret keys, node selectors, required node affinity and taints
against every node the scenario has, and expectations about objects nothing declares. Each case states the
exact message, place and suggestion; each negative case is the same construct, valid, with no warning."""

import pytest

import kdsl

WEB = "deployment web {\n  container web image=nginx:1.25 { port http 80 }\n}\n"
NODES = "node worker-1 { labels disk=hdd }\nnode worker-2 { labels disk=hdd }\n"
TAINTED = "node worker-1 { taint dedicated=db:NoSchedule }\nnode worker-2 { taint dedicated=db:NoExecute }\n"
CM = "configmap web-config { level = info\n  mode = fast }\n"


def _env(line: str) -> str:
    return f"deployment web {{\n  container web image=nginx:1.25 {{\n    {line}\n  }}\n}}\n"


def _probe(line: str) -> str:
    return f"deployment web {{\n  container web image=nginx:1.25 {{\n    port http 80\n    {line}\n  }}\n}}\n"


# (id, text, message, line, column, suggestion): the case's only diagnostic, a warning.
CASES = [
    ("service-target-port-name-nothing-names", WEB + "service web selects app=web ports 80->htp",
     "service default/web: target port htp of port 80 is named by no container port of the pods it selects "
     "(deployment default/web: http); the service gets no endpoints for port 80 — name a container port htp or "
     "target a number", 4, 35, "`80->http`"),
    ("service-target-port-of-another-protocol",
     "deployment dns {\n  container dns image=coredns:1.11 { port dns 53/UDP }\n}\n"
     "service dns selects app=dns ports 53->dns",
     "service default/dns: target port dns of port 53 is a TCP port, and the pods it selects (deployment "
     "default/dns) name dns only as a UDP port; the service gets no endpoints for port 53 — give the service port "
     "the same protocol", 4, 35, "`53->dns/UDP`"),
    ("probe-port-name-the-container-lacks", _probe("readiness http /healthz port=htp"),
     "deployment default/web: the readiness probe of container web uses port htp, which container web does not "
     "name (its ports: 80/http); the probe would always fail — name a container port htp or give the number",
     4, 5, "`port=http`"),
    ("ingress-backend-port-number-the-service-lacks",
     WEB + "service web selects app=web ports 80->http\ningress front {\n  rule shop.example / -> web:8080\n}",
     "ingress default/front: rule shop.example/ sends to port 8080 of service default/web, which has no such port "
     "(its ports: 80/http); requests would get 503 — use one of the service's ports", 6, 3, None),
    ("ingress-backend-port-name-the-service-lacks",
     WEB + "service web selects app=web ports http:80->http\ningress front {\n  rule / -> web:htp\n}",
     "ingress default/front: rule / sends to port htp of service default/web, which has no such port (its ports: "
     "80/http); requests would get 503 — use one of the service's ports", 6, 3, "`web:http`"),
    ("ingress-default-backend-port-the-service-lacks",
     WEB + "service web selects app=web ports 80->http\ningress front {\n  default -> web:81\n}",
     "ingress default/front: default backend sends to port 81 of service default/web, which has no such port (its "
     "ports: 80/http); requests would get 503 — use one of the service's ports", 5, 1, None),
    ("configmap-key-the-configmap-lacks", CM + _env("env LOG from configmap web-config.levl"),
     "deployment default/web: env LOG of container web: couldn't find key levl in ConfigMap default/web-config "
     "(its keys: level, mode); the container would not start (CreateContainerConfigError) — add the key, or mark "
     "the env `optional`", 5, 5, "`web-config.level`"),
    ("configmap-key-defaults-to-the-env-name", CM + _env("env LEVEL from configmap web-config"),
     "deployment default/web: env LEVEL of container web: couldn't find key LEVEL in ConfigMap default/web-config "
     "(its keys: level, mode); the container would not start (CreateContainerConfigError) — add the key, or mark "
     "the env `optional`", 5, 5, None),
    ("secret-key-the-secret-lacks", "secret db { password = \"s3cr3t\" }\n" + _env("env PW from secret db.pasword"),
     "deployment default/web: env PW of container web: couldn't find key pasword in Secret default/db (its keys: "
     "password); the container would not start (CreateContainerConfigError) — add the key, or mark the env "
     "`optional`", 4, 5, "`db.password`"),
    ("node-selector-no-node-has", NODES + "deployment web image=nginx:1.25 { node-selector disk=ssd }",
     "deployment default/web: no node matches its node selector disk=ssd (nodes: worker-1, worker-2); its pods can "
     "never be scheduled — label a node to match, or change the pod template", 3, 1, None),
    ("required-node-affinity-no-node-satisfies",
     NODES + "deployment web image=nginx:1.25 { affinity node zone in (a,b) }",
     "deployment default/web: no node matches its required node affinity zone in (a,b) (nodes: worker-1, "
     "worker-2); its pods can never be scheduled — label a node to match, or change the pod template", 3, 1, None),
    ("required-node-affinity-terms-are-ored",
     NODES + "deployment web image=nginx:1.25 {\n  node-selector disk=hdd\n  affinity node zone in (a,b)\n"
             "  affinity node gpu exists\n}",
     "deployment default/web: no node matches its node selector disk=hdd and required node affinity zone in (a,b) "
     "or gpu (nodes: worker-1, worker-2); its pods can never be scheduled — label a node to match, or change the "
     "pod template", 3, 1, None),
    ("a-selector-of-a-cronjob", NODES + "cronjob nightly schedule=\"0 3 * * *\" image=busybox:1.36 "
                                        "{ node-selector disk=ssd }",
     "cronjob default/nightly: no node matches its node selector disk=ssd (nodes: worker-1, worker-2); its pods "
     "can never be scheduled — label a node to match, or change the pod template", 3, 1, None),
    ("every-node-has-a-taint-the-pod-does-not-tolerate", TAINTED + "deployment web image=nginx:1.25",
     "deployment default/web: every node it may run on has a taint it does not tolerate (worker-1 has "
     "dedicated=db:NoSchedule, worker-2 has dedicated=db:NoExecute); its pods can never be scheduled — add "
     "`toleration dedicated=db:NoSchedule` or remove the taint", 3, 1, None),
    ("the-nodes-the-selector-picks-are-tainted",
     TAINTED + "node worker-3 { labels disk=hdd }\ndeployment web image=nginx:1.25 { node-selector "
               "kubernetes.io/hostname=worker-1 }",
     "deployment default/web: every node it may run on has a taint it does not tolerate (worker-1 has "
     "dedicated=db:NoSchedule); its pods can never be scheduled — add `toleration dedicated=db:NoSchedule` or "
     "remove the taint", 4, 1, None),
    ("expect-an-object-nothing-declares", WEB + "expect deployment default/wbe available=1",
     "expect deployment default/wbe: nothing declares or creates deployment default/wbe, so the expectation can "
     "only fail", 4, 19, "`default/web`"),
    ("expect-a-pod-past-the-ordinals", "statefulset db replicas=2 image=postgres:16\nexpect pod default/db-2 ready",
     "expect pod default/db-2: nothing declares or creates pod default/db-2, so the expectation can only fail",
     2, 12, None),
    ("expect-a-node-nothing-declares", NODES + "expect node worker-3 ready",
     "expect node worker-3: nothing declares or creates node worker-3, so the expectation can only fail",
     3, 13, "`worker-2`"),
    ("expect-a-route-to-a-service-nothing-declares", WEB + "expect route shop.example/ -> default/api",
     "expect route shop.example/ -> default/api: nothing declares or creates service default/api, so the route "
     "can never reach it", 4, 1, None),
]


@pytest.mark.parametrize("text,message,line,column,suggestion", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reference_warning(text, message, line, column, suggestion):
    scenario = kdsl.parse(text, "t.kdsl")
    assert [(w.severity, w.message, w.line, w.column, w.suggestion) for w in scenario.warnings] == \
        [("warning", message, line, column, suggestion)]


# The same constructs, valid: no warning.
VALID = [
    ("service-target-port-named", WEB + "service web selects app=web ports 80->http"),
    ("service-target-port-number", WEB + "service web selects app=web ports 80->8080"),
    ("service-target-port-named-by-a-pod", "pod p image=nginx:1.25 { labels app=p\n  container c image=nginx:1.25 "
                                           "{ port web 80 } }\nservice p selects app=p ports 80->web"),
    ("service-target-port-of-the-same-protocol",
     "deployment dns {\n  container dns image=coredns:1.11 { port dns 53/UDP }\n}\n"
     "service dns selects app=dns ports 53->dns/UDP"),
    ("service-without-a-selector", "service ext ports 80->http"),
    ("probe-port-named", _probe("readiness http /healthz port=http")),
    ("probe-port-number", _probe("liveness tcp port=80")),
    ("ingress-backend-port-number",
     WEB + "service web selects app=web ports 80->http\ningress front {\n  rule shop.example / -> web:80\n}"),
    ("ingress-backend-port-name",
     WEB + "service web selects app=web ports http:80->http\ningress front {\n  rule / -> web:http\n"
           "  default -> web:80\n}"),
    ("configmap-key-held", CM + _env("env LOG from configmap web-config.level")),
    ("configmap-key-by-the-key-attribute", CM + _env("env LOG from configmap web-config key=mode")),
    ("configmap-key-optional", CM + _env("env LOG from configmap web-config.levl optional")),
    ("secret-key-held", "secret db { password = \"s3cr3t\" }\n" + _env("env PW from secret db.password")),
    ("configmap-key-added-by-a-later-apply",
     CM + _env("env LOG from configmap web-config.debug") + "at 1m: apply { configmap web-config { debug = on } }"),
    ("node-selector-a-node-has", NODES + "deployment web image=nginx:1.25 { node-selector disk=hdd }"),
    ("node-selector-of-the-hostname", NODES + "deployment web image=nginx:1.25 "
                                              "{ node-selector kubernetes.io/hostname=worker-2 }"),
    ("node-selector-a-pool-has", "nodes pool count=2 { labels disk=ssd }\n"
                                 "deployment web image=nginx:1.25 { node-selector disk=ssd }"),
    ("node-selector-an-added-node-has", NODES + "deployment web image=nginx:1.25 "
                                                "{ node-selector kubernetes.io/hostname=fast }\nat 1m: add node fast"),
    ("required-node-affinity-one-term-satisfies",
     NODES + "deployment web image=nginx:1.25 {\n  affinity node zone in (a,b)\n  affinity node disk exists\n}"),
    ("no-node-declared", "deployment web image=nginx:1.25 { node-selector disk=ssd }"),
    ("a-toleration-for-the-taint", TAINTED + "deployment web image=nginx:1.25 { toleration dedicated=db }"),
    ("one-node-untainted", TAINTED + "node worker-3\ndeployment web image=nginx:1.25"),
    ("a-prefer-no-schedule-taint", "node a { taint spot=true:PreferNoSchedule }\ndeployment web image=nginx:1.25"),
    ("a-lifecycle-taint", "node a { taint node.kubernetes.io/unreachable:NoExecute }\n"
                          "deployment web image=nginx:1.25"),
    ("expect-a-declared-object", WEB + "expect deployment default/web available=1"),
    ("expect-a-statefulset-ordinal-and-claim",
     "statefulset db replicas=1 { claim data 1Gi\n container db image=postgres:16 { mount data at /d } }\n"
     "expect pod default/db-0 ready\nexpect pvc default/data-db-0 bound"),
    ("expect-a-created-object", "at 1m: create pod p image=nginx:1.25\nexpect pod default/p running"),
    ("expect-an-added-node", "node a\nat 1m: add node b\nexpect node b ready"),
    ("expect-a-selection", "expect pods default app=web count=0"),
    ("expect-a-route-to-a-declared-service", WEB + "service web selects app=web ports 80->http\n"
                                                   "expect route shop.example/ -> default/web"),
]


@pytest.mark.parametrize("text", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_reference_valid(text):
    assert kdsl.parse(text, "t.kdsl").warnings == ()
