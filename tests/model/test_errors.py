"""Meaning errors and warnings: text that parses but says something Kubernetes would refuse (or
would accept while it is probably a mistake). Each case states the exact message and its place.

The build reports every error at once (sorted by place) in one ScenarioError; warnings are kept on
`Scenario.warnings`, each said once, naming both objects.
"""

import pytest

import kdsl
from kdsl.cli import main

# apimachinery's messages (pkg/util/validation), word for word.
SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
             "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
         "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
           "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
           "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
QUALIFIED = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
             "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
CONFIG_KEY = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
              "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
NOT_A_DURATION = "is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`"
LONG = "a" * 254
LONG_LABEL = "v" * 64

# (id, text, message, line, column, suggestion); the case's only error.
CASES = [
    # attributes: near misses get the attribute meant, others the list of what the statement takes
    ("misspelt-attribute", "deployment web replica=3 image=nginx:1.25",
     "unknown attribute `replica` for deployment default/web", 1, 16, "`replicas=`"),
    ("misspelt-container-attribute", "deployment web {\n  container nginx imgae=nginx:1.25\n}",
     "unknown attribute `imgae` for container nginx of deployment default/web", 2, 19, "`image=`"),
    ("misspelt-shorthand-image", "deployment web replicas=3 imgae=nginx:1.25",
     "unknown attribute `imgae` for deployment default/web", 1, 27, "`image=`"),
    ("shorthand-attribute-without-image", "deployment web cpu=100m {\n  container c image=nginx:1.25\n}",
     "`cpu=` on the head of deployment default/web describes its one container, which needs `image=` there too; "
     "or write it inside a `container` block", 1, 16, None),
    ("container-without-image", "deployment web {\n  container nginx\n}",
     "container nginx of deployment default/web needs `image=`", 2, 3, None),
    ("misspelt-required-attribute", "deployment web image=nginx:1.25\nat 1m: scale default/web replica=3",
     "unknown attribute `replica` for scale", 2, 26, "`replicas=`"),
    ("misspelt-selects", "service web selcts app=web ports 80\ndeployment web image=nginx:1.25",
     "unexpected `selcts` in service default/web", 1, 13, "`selects`"),
    ("attribute-given-twice", "deployment web image=nginx:1.25 { container c image=a:1 image=b:1 }",
     "`image` is given twice in container of deployment default/web", 1, 57, None),
    ("comparison-for-an-attribute", "deployment web replicas>=1 image=nginx:1.25",
     "`replicas` takes `=`, not `>=`, in deployment default/web", 1, 16, None),
    # values: what each attribute reads, with a hint for the usual slips
    ("quantity-capital-k", "deployment web image=nginx:1.25 cpu=1K",
     "`cpu` of deployment default/web: `1K` is not a quantity (the decimal kilo suffix is a lower-case `k`; "
     "`Ki` is 1024)", 1, 37, None),
    ("quantity-unknown-suffix", "node worker-1 memory=16GB",
     "`memory` of node worker-1: `16GB` is not a quantity (suffixes: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei)",
     1, 22, None),
    ("duration-without-unit",
     "deployment web image=nginx:1.25 {\n  container c image=nginx:1.25 {\n    readiness http / port=80 delay=5\n"
     "  }\n}",
     f"`delay` of readiness probe of container c of deployment default/web: `5` {NOT_A_DURATION} "
     "(write `5s` for seconds)", 3, 36, None),
    ("timeline-time-without-unit", "at 5: scale default/web replicas=2\ndeployment web image=nginx:1.25",
     f"time of the action: `5` {NOT_A_DURATION} (write `5s` for seconds)", 1, 4, None),
    ("negative-replicas", "deployment web replicas=-1 image=nginx:1.25",
     "`replicas` of deployment default/web: -1 is less than 0", 1, 25, None),
    ("huge-number", "deployment web replicas=" + "9" * 5000 + " image=nginx:1.25",
     "`replicas` of deployment default/web: `99999999999999999999...` is too large a number", 1, 25, None),
    ("huge-exponent", "deployment web image=nginx:1.25 cpu=1e99999999",
     "`cpu` of deployment default/web: `1e99999999` is out of range", 1, 37, None),
    ("port-out-of-range", "service web selects app=web ports 80->70000\ndeployment web image=nginx:1.25",
     "service default/web: 70000 is not a port number (1-65535)", 1, 35, None),
    # names (Kubernetes' words; the caret under the name)
    ("name-with-capitals-and-underscore", "deployment My_App image=nginx:1.25",
     f'Deployment "My_App" is invalid: metadata.name: Invalid value: "My_App": {SUBDOMAIN}', 1, 12, None),
    ("name-too-long", f"deployment {LONG} image=nginx:1.25",
     f'Deployment "{LONG}" is invalid: metadata.name: Invalid value: "{LONG}": must be no more than 253 characters',
     1, 12, None),
    ("service-name-starting-with-digit", "service 1web selects app=web ports 80\ndeployment web image=nginx:1.25",
     f'Service "1web" is invalid: metadata.name: Invalid value: "1web": {DNS1035}', 1, 9, None),
    ("namespace-name-with-dot", "namespace a.b",
     f'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": {LABEL}', 1, 11, None),
    ("container-name", "deployment web {\n  container Nginx image=nginx:1.25\n}",
     f'deployment default/web: container name: Invalid value: "Nginx": {LABEL}', 2, 13, None),
    ("node-name", "node worker_1 cpu=4",
     f'Node "worker_1" is invalid: metadata.name: Invalid value: "worker_1": {SUBDOMAIN}', 1, 6, None),
    ("empty-namespace-part", "deployment /web image=nginx:1.25",
     "`/web` has nothing before `/`; write NAMESPACE/NAME, or NAME alone", 1, 12, None),
    # labels (the caret under the key or the value)
    ("label-key", 'deployment web image=nginx:1.25 {\n  labels "app name"=web\n}',
     f'deployment default/web: metadata.labels: Invalid value: "app name": {QUALIFIED}', 2, 10, None),
    ("label-key-prefix", "deployment web image=nginx:1.25 {\n  labels Example.com/app=web\n}",
     'deployment default/web: metadata.labels: Invalid value: "Example.com/app": prefix part ' + SUBDOMAIN,
     2, 10, None),
    ("label-value", "namespace shop {\n  labels team=-web\n}",
     f'namespace shop: metadata.labels: Invalid value: "-web": {LABEL_VALUE}', 2, 15, None),
    ("label-value-too-long", f"node worker-1 {{\n  labels zone={LONG_LABEL}\n}}",
     f'node worker-1: metadata.labels: Invalid value: "{LONG_LABEL}": must be no more than 63 characters', 2, 15, None),
    ("node-selector-value", "deployment web image=nginx:1.25 {\n  node-selector disk=ssd_\n}",
     f'deployment default/web: spec.template.spec.nodeSelector: Invalid value: "ssd_": {LABEL_VALUE}',
     2, 22, None),
    ("scheduling-gate-name", "pod web image=nginx:1.25 {\n  gate example.com/\n}",
     'pod default/web: spec.schedulingGates[0]: Invalid value: "example.com/": name part must be non-empty',
     2, 8, None),
    ("scheduling-gate-twice", "deployment web image=nginx:1.25 {\n  gate a.io/x\n  gate a.io/x\n}",
     'deployment default/web: spec.template.spec.schedulingGates[1]: Duplicate value: "a.io/x"', 3, 8, None),
    ("scheduling-gate-without-name", "cronjob nightly schedule=\"0 2 * * *\" image=busybox {\n  gate\n}",
     "gate of cronjob default/nightly needs a gate name, such as example.com/quota", 2, 3, None),
    ("configmap-key", 'configmap web-config {\n  "log level" = "info"\n}',
     f'configmap default/web-config: data[log level]: Invalid value: "log level": {CONFIG_KEY}', 2, 3, None),
    # duplicates and namespaces
    ("duplicate-name", "deployment web image=nginx:1.25\ndeployment web image=nginx:1.26",
     "deployment default/web is declared twice (first declared at t.kdsl:1:1)", 2, 12, None),
    ("duplicate-in-namespace-block", "namespace shop {\n  configmap cfg { a = \"1\" }\n}\nconfigmap shop/cfg",
     "configmap shop/cfg is declared twice (first declared at t.kdsl:2:3)", 4, 11, None),
    ("undeclared-namespace", "deployment shop/web image=nginx:1.25",
     'deployment shop/web: namespaces "shop" not found; declare `namespace shop`', 1, 12, None),
    ("undeclared-namespace-in-expectation", "expect pods shop app=web count=3",
     'namespaces "shop" not found; declare `namespace shop`', 1, 13, None),
    # workloads
    ("surge-and-unavailable-zero",
     "deployment web image=nginx:1.25 {\n  strategy rolling maxSurge=0 maxUnavailable=0\n}",
     "deployment default/web: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
     "may not be 0 when `maxSurge` is 0", 2, 31, None),
    ("daemonset-unavailable-zero", "daemonset agent image=agent:1 {\n  strategy rolling maxUnavailable=0\n}",
     "daemonset default/agent: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
     "may not be 0 when `maxSurge` is 0", 2, 20, None),
    ("restart-never-in-deployment", "deployment web image=nginx:1.25 {\n  restart Never\n}",
     'deployment default/web: spec.template.spec.restartPolicy: Unsupported value: "Never": '
     'supported values: "Always"', 2, 11, None),
    ("restart-never-on-deployment-head", "deployment web image=nginx:1.25 restart=Never",
     'deployment default/web: spec.template.spec.restartPolicy: Unsupported value: "Never": '
     'supported values: "Always"', 1, 41, None),
    ("restart-always-in-job", "job migrate image=shop/migrate:1 {\n  restart Always\n}",
     'job default/migrate: spec.template.spec.restartPolicy: Unsupported value: "Always": '
     'supported values: "OnFailure", "Never"', 2, 11, None),
    # fixed sets of values: taint effects, access modes, verbs, kinds
    ("taint-effect", "node worker-1 {\n  taint dedicated=db:NoSchedul\n}",
     "taint effect: `NoSchedul` is not one of NoExecute, NoSchedule or PreferNoSchedule", 2, 22, "`NoSchedule`"),
    ("toleration-effect", "deployment web image=nginx:1.25 {\n  toleration dedicated=db:NoExecut for=30s\n}",
     "taint effect: `NoExecut` is not one of NoExecute, NoSchedule or PreferNoSchedule", 2, 27, "`NoExecute`"),
    ("taint-without-key", "node worker-1 {\n  taint :NoSchedule\n}",
     'node worker-1: taint key: Invalid value: "": name part must be non-empty', 2, 9, None),
    ("access-mode-near-miss", "pvc data 1Gi access=ReadWriteOnc",
     "`access` of pvc default/data: `ReadWriteOnc` is not an access mode (RWO, ROX, RWX, RWOP)", 1, 21,
     "`ReadWriteOnce`"),
    ("access-mode", "pvc data 1Gi class=standard access=RWZ",
     "`access` of pvc default/data: `RWZ` is not an access mode (RWO, ROX, RWX, RWOP)", 1, 36, None),
    ("verb-in-role", "role developer { allow gett,list on pods }",
     "verb: `gett` is not one of *, bind, create, delete, deletecollection, escalate, get, impersonate, list, "
     "patch, update, use or watch", 1, 24, "`get`"),
    ("kind-in-delete", "deployment web image=nginx:1.25\nat 1m: delete deploymnt default/web",
     "kind: `deploymnt` is not one of clusterrole, clusterrolebinding, clusterrolebindings, clusterroles, "
     "configmap, configmaps, cronjob, cronjobs, daemonset, daemonsets, deployment, deployments, ingress, "
     "ingresses, job, jobs, namespace, namespaces, networkpolicies, networkpolicy, node, nodes, pdb, pdbs, "
     "persistentvolume, persistentvolumeclaim, "
     "persistentvolumeclaims, persistentvolumes, pod, pods, pv, pvc, pvcs, pvs, replicaset, replicasets, "
     "replicationcontroller, replicationcontrollers, role, rolebinding, rolebindings, roles, secret, secrets, "
     "service, serviceaccount, serviceaccounts, services, statefulset, statefulsets, storageclass or "
     "storageclasses", 2, 15, "`deployment`"),
    ("binding-without-role", "rolebinding devs to user:alice",
     "rolebinding default/devs needs exactly one of `role=` or `clusterrole=`", 1, 1, None),
    ("clusterrolebinding-without-clusterrole", "clusterrolebinding all-view to group:dev",
     "clusterrolebinding all-view needs `clusterrole=`", 1, 1, None),
    # networking
    ("service-port-keyword", "service web selects app=web port\ndeployment web image=nginx:1.25",
     "unexpected `port` in selector of service default/web", 1, 29, "`ports`"),
    ("ingress-backend-port", "ingress shop { default -> web:0 }\nservice web selects app=web ports 80\n"
                             "deployment web image=nginx:1.25",
     "backend port of ingress default/shop: 0 is less than 1", 1, 31, None),
    # expectations
    ("expect-misspelt-attribute", "deployment web image=nginx:1.25\nexpect deployment default/web avilable=3",
     "`avilable` is not an attribute of deployment expectations", 2, 31, "`available`"),
    ("expect-string-compared-as-number", "pod web image=nginx:1.25\nexpect pod default/web phase>=Running",
     "`phase` is not a number; compare it with `=`, `!=` or `~`", 2, 24, None),
    ("expect-from-without-always", "deployment web image=nginx:1.25\n"
                                   "expect deployment default/web available=3 from 1m",
     "`from` belongs to `expect always ...`", 2, 43, None),
    ("expect-misspelt-by", "deployment web image=nginx:1.25\nexpect deployment default/web available=3 bye 60s",
     "unknown keyword `bye` in an expectation", 2, 43, "`by`"),
    ("expect-node-without-name", "expect node",
     "expect node needs a NAME", 1, 1, None),
    ("expect-unknown-target", "expect deploymnet default/web available=3",
     "`deploymnet` is not something an expectation can check", 1, 8, "`deployment`"),
    # A round trip found it: both were named `port-443` on export, and the import refused the second name.
    ("service-port-twice", "service web ports 443->80,9100,443->8443",
     "service default/web: spec.ports[2]: Duplicate value: port 443/TCP is already a port of the service", 1, 32,
     None),
    ("service-port-name-twice", "service web ports a:80,a:81",
     'service default/web: spec.ports[1].name: Duplicate value: "a"', 1, 24, None),
]


@pytest.mark.parametrize("text,message,line,column,suggestion", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_scenario_error(text, message, line, column, suggestion):
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    errors = info.value.errors
    assert [(d.message, d.line, d.column) for d in errors] == [(message, line, column)]
    (d,) = errors
    assert d.file == "t.kdsl" and d.suggestion == suggestion
    assert d.line_text == text.split("\n")[line - 1]


def test_unknown_attribute_without_a_near_miss_lists_what_the_statement_takes():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("deployment web replicas=3 image=nginx:1.25 colour=blue", "t.kdsl")
    assert str(info.value) == (
        "t.kdsl:1:44: error: unknown attribute `colour` for deployment default/web\n"
        "    deployment web replicas=3 image=nginx:1.25 colour=blue\n"
        "                                               ^~~~~~\n"
        "  expected `cpu=`, `ephemeral-storage=`, `image=`, `memory=`, `minReady=`, `port=`, `progressDeadline=`, "
        "`pull=`, `replicas=`, `restart=` or `revisionHistoryLimit=`")


def test_expect_with_an_unknown_attribute_lists_the_target_attributes():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("pod web image=nginx:1.25\nexpect pod default/web colour=red", "t.kdsl")
    (d,) = info.value.errors
    assert (d.message, d.line, d.column, d.suggestion) == (
        "`colour` is not an attribute of pod expectations", 2, 24, None)
    assert d.expected == ("`image`, `ip`, `message`, `node`, `pending`, `phase`, `ready`, `reason`, `restarts`, "
                          "`running` or `status`",)


def test_name_error_is_formatted_with_the_caret_under_the_name():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("deployment My_App image=nginx:1.25", "app.kdsl")
    assert str(info.value) == (
        f'app.kdsl:1:12: error: Deployment "My_App" is invalid: metadata.name: Invalid value: "My_App": {SUBDOMAIN}\n'
        "    deployment My_App image=nginx:1.25\n"
        "               ^~~~~~")


def test_every_error_is_reported_at_once_sorted_by_place():
    text = "\n".join([
        "namespace shop",                                                   # 1
        "deployment shop/api image=api:1 cpu=2K",                           # 2: bad quantity
        "deployment shop/api image=api:1",                                  # 3: duplicate
        "service shop/1api selects app=api ports 80",                       # 4: bad service name
        "expect deployment shop/api available=1 bye 60s",                   # 5: misspelt `by`
        "node worker_1",                                                    # 6: bad node name
        "deployment shop/web replica=2 image=web:1 {",                      # 7: misspelt attribute
        "  restart Never",                                                  # 8: restart policy
        "}",
    ])
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    got = [(d.line, d.column, d.message.split(":")[0]) for d in info.value.errors]
    assert got == [
        (2, 37, "`cpu` of deployment shop/api"),
        (3, 12, "deployment shop/api is declared twice (first declared at t.kdsl"),
        (4, 9, 'Service "1api" is invalid'),
        (5, 40, "unknown keyword `bye` in an expectation"),
        (6, 6, 'Node "worker_1" is invalid'),
        (7, 21, "unknown attribute `replica` for deployment shop/web"),
        (8, 11, "deployment shop/web"),
    ]
    assert got == sorted(got)
    assert len(str(info.value).split("error:")) == len(got) + 1


def test_an_invalid_name_is_reported_once():
    # the shorthand names the container (and the default label) after the workload: one mistake, one error
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(f"deployment {LONG} image=nginx:1.25")
    assert len(info.value.diagnostics) == 1


def test_the_shorthand_container_name_says_where_it_comes_from():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("deployment web.v2 image=nginx:1.25", "t.kdsl")
    (d,) = info.value.errors
    assert (d.line, d.column) == (1, 12)
    assert d.message == (f'deployment default/web.v2: container name: Invalid value: "web.v2": {LABEL} '
                         "(the one-container shorthand names the container after the workload; "
                         "write a `container NAME` block to name it)")


def test_a_binding_without_a_role_does_not_also_warn_about_an_undeclared_role():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("rolebinding devs to user:alice")
    assert info.value.warnings == ()


def test_a_bad_backend_is_not_also_a_missing_backend():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("ingress shop { default -> web }")
    assert [d.message for d in info.value.errors] == [
        "an ingress backend is written `SERVICE:PORT` in ingress default/shop"]


# ---- warnings: what Kubernetes accepts at apply time, naming both objects ------------------------

WARNING_CASES = [
    ("undeclared-configmap", "deployment web image=nginx:1.25 {\n  volume config configmap=web-config\n}",
     [(2, 3, "deployment default/web refers to configmap web-config, which is not declared")]),
    ("undeclared-secret",
     "deployment web image=nginx:1.25 {\n  container c image=nginx:1.25 {\n"
     "    env DB_PASSWORD from secret db.password\n  }\n}",
     [(3, 5, "deployment default/web refers to secret db, which is not declared")]),
    ("service-selecting-nothing", "deployment web image=nginx:1.25\nservice api selects app=api ports 80",
     [(2, 1, "service default/api selects app=api, which matches no pod template in namespace default")]),
    ("ingress-to-undeclared-service", "ingress shop { default -> web:80 }",
     [(1, 1, "ingress default/shop routes to service web, which is not declared")]),
    ("undeclared-user", "user alice\nat 1m as bob: delete namespace extra\nnamespace extra",
     [(2, 15, "user bob is not declared; the API server will not authenticate it (401)")]),
    ("one-warning-per-reference",  # mounted, read by two env lines and all keys: said once, at the first place
     "deployment web image=nginx:1.25 {\n  container c image=nginx:1.25 {\n    env A from configmap cfg\n"
     "    env B from configmap cfg\n    env from configmap cfg\n  }\n  volume cfg configmap=cfg\n}",
     [(3, 5, "deployment default/web refers to configmap cfg, which is not declared")]),
]


@pytest.mark.parametrize("text,warnings", [c[1:] for c in WARNING_CASES], ids=[c[0] for c in WARNING_CASES])
def test_warning(text, warnings):
    scenario = kdsl.parse(text, "t.kdsl")
    assert [(w.line, w.column, w.message) for w in scenario.warnings] == warnings
    assert all(w.severity == "warning" and w.file == "t.kdsl" for w in scenario.warnings)


def test_a_declared_reference_is_not_a_warning():
    scenario = kdsl.parse("configmap cfg { A = \"1\" }\nsecret db { password = \"x\" }\n"
                          "deployment web image=nginx:1.25 {\n  container c image=nginx:1.25 {\n"
                          "    env A from configmap cfg\n    env P from secret db.password\n  }\n}\n"
                          "service web selects app=web ports 80")
    assert scenario.warnings == ()


def test_warnings_travel_with_errors_after_them():
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse("service api selects app=api ports 80\ndeployment My_App image=nginx:1.25", "t.kdsl")
    assert [d.severity for d in info.value.diagnostics] == ["error", "warning"]
    assert info.value.diagnostics[1].format().startswith("t.kdsl:1:1: warning: service default/api selects app=api")


# ---- includes ------------------------------------------------------------------------------------

def _write(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name.replace("_", ".")).write_text(text, encoding="utf-8")


def _load_error(tmp_path, monkeypatch, name="a.kdsl"):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.load(name)
    return info.value


def test_include_of_a_missing_file(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='namespace shop\ninclude "base.kdsl"\n')
    err = _load_error(tmp_path, monkeypatch)
    assert type(err) is kdsl.KdslSyntaxError  # a file that cannot be read or parsed is a syntax error
    assert [(d.file, d.line, d.column, d.message) for d in err.diagnostics] == [
        ("a.kdsl", 2, 9, 'cannot include "base.kdsl": No such file or directory')]


def test_include_cycle_names_the_chain(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "b.kdsl"\n', b_kdsl='namespace b\ninclude "c.kdsl"\n', c_kdsl='include "a.kdsl"\n')
    err = _load_error(tmp_path, monkeypatch)
    assert [(d.file, d.line, d.column, d.message) for d in err.diagnostics] == [
        ("c.kdsl", 1, 1, "include cycle: a.kdsl -> b.kdsl -> c.kdsl -> a.kdsl")]


def test_a_file_including_itself_is_a_cycle(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "a.kdsl"\n')
    err = _load_error(tmp_path, monkeypatch)
    assert [d.message for d in err.diagnostics] == ["include cycle: a.kdsl -> a.kdsl"]


def test_include_of_a_file_that_is_not_text(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "blob.bin"\n')
    (tmp_path / "blob.bin").write_bytes(b"kdsl\xd0\x00")
    err = _load_error(tmp_path, monkeypatch)
    assert [(d.line, d.column, d.message) for d in err.diagnostics] == [
        (1, 9, 'cannot include "blob.bin": it is not UTF-8 text (byte 0xd0 at offset 4)')]


def test_errors_in_an_included_file_name_that_file(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "b.kdsl"\ndeployment My_App image=x:1\n',
           b_kdsl="namespace shop\ndeploymnet web\n")
    err = _load_error(tmp_path, monkeypatch)
    assert [(d.file, d.line, d.column, d.message, d.suggestion) for d in err.diagnostics] == [
        ("a.kdsl", 2, 12, f'Deployment "My_App" is invalid: metadata.name: Invalid value: "My_App": {SUBDOMAIN}',
         None),
        ("b.kdsl", 2, 1, "unknown keyword `deploymnet`", "`deployment`"),
    ]


def test_a_file_included_twice_is_read_once(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "ns.kdsl"\ninclude "ns.kdsl"\n', ns_kdsl="namespace shop\n")
    monkeypatch.chdir(tmp_path)
    scenario = kdsl.load("a.kdsl")
    assert [(w.line, w.column, w.message) for w in scenario.warnings] == [
        (2, 9, '"ns.kdsl" is already included at a.kdsl:1:1; it is read once')]


def test_a_diamond_of_includes_is_fine(tmp_path, monkeypatch):
    _write(tmp_path, a_kdsl='include "b.kdsl"\ninclude "c.kdsl"\n', b_kdsl='include "ns.kdsl"\n',
           c_kdsl='include "ns.kdsl"\n', ns_kdsl="namespace shop\n")
    monkeypatch.chdir(tmp_path)
    scenario = kdsl.load("a.kdsl")
    assert scenario.warnings == ()


def test_load_of_a_file_that_is_not_text(tmp_path):
    (tmp_path / "blob.kdsl").write_bytes(b"namespace shop\n\xd0\x00")
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.load(tmp_path / "blob.kdsl")
    assert info.value.diagnostics[0].message == (
        f"cannot read {tmp_path / 'blob.kdsl'}: it is not UTF-8 text (byte 0xd0 at offset 15)")


# ---- the command line ----------------------------------------------------------------------------

def test_check_prints_the_formatted_message_and_exits_1(tmp_path, monkeypatch, capsys):
    (tmp_path / "bad.kdsl").write_text("deployment web replica=3 image=nginx:1.25\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "bad.kdsl"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("bad.kdsl:1:16: error: unknown attribute `replica` for deployment default/web\n"
                   "    deployment web replica=3 image=nginx:1.25\n"
                   "                   ^~~~~~~\n"
                   "  did you mean `replicas=`?\n"
                   "bad.kdsl: 1 error\n")


def test_check_prints_a_syntax_error_and_exits_1(tmp_path, monkeypatch, capsys):
    (tmp_path / "bad.kdsl").write_text("deploymnet web\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "bad.kdsl"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bad.kdsl:1:1: error: unknown keyword `deploymnet`\n    deploymnet web\n    ^~~~~~~~~~\n")
    assert "  did you mean `deployment`?\n" in err


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_a_file_that_is_not_text_is_an_error_and_not_a_traceback(tmp_path, monkeypatch, capsys, command):
    (tmp_path / "blob.kdsl").write_bytes(b"namespace shop\n\xd0\x00")
    monkeypatch.chdir(tmp_path)
    assert main([command, "blob.kdsl"]) == 1
    assert capsys.readouterr().err == (
        "blob.kdsl: error: cannot read: it is not UTF-8 text (byte 0xd0 at offset 15)\n")


def test_check_prints_warnings_and_exits_0(tmp_path, monkeypatch, capsys):
    (tmp_path / "ok.kdsl").write_text("service api selects app=api ports 80\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "-q", "ok.kdsl"]) == 0
    assert capsys.readouterr().err.startswith(
        "ok.kdsl:1:1: warning: service default/api selects app=api, which matches no pod template")
