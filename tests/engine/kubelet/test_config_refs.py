"""ConfigMaps and Secrets as pods consume them (k8s-semantics §8, oracles 56-59): env, envFrom, volumes,
`optional`, CreateContainerConfigError and its retries."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.apiserver.request import Request, handle
from kdsl.engine.kubelet import config_refs
from kdsl.engine.kubelet.config_refs import Env, resolve
from kdsl.engine.objects import ApiObject, Meta, Running, Waiting
from kdsl.engine.store import Store
from kdsl.model.config import ConfigMap, Secret
from tests.unchecked import unchecked


def run(text: str, **kw):
    # Built without the precheck: some tests watch the API server refuse what `kdsl check` reports too.
    return kdsl.simulate(unchecked(text), **kw)


def pod_at(sim, t: int, name: str = "p", ns: str = "default"):
    return sim.state(t)[("Pod", ns, name)]


def state_of(sim, t: int, name: str = "p", container: str = "app"):
    pod = pod_at(sim, t, name)
    return next(s for s in pod.status.init_container_statuses + pod.status.container_statuses
                if s.name == container)


def events(sim, ns: str = "default") -> list[tuple[int, str, str]]:
    return [(e.time_ms, e.reason, e.message) for e in sim.log.events if e.namespace == ns and e.kind == "Pod"]


def store_with(*objects) -> Store:
    store = Store()
    for o in objects:
        store.put(ApiObject(kind=o.kind, meta=Meta(name=o.name, namespace=o.namespace), spec=o), now=0)
    return store


def container(body: str):
    return kdsl.parse(f"pod p {{\n container app image=nginx:1.25 {{\n{body}\n}}\n}}").objects[0].template.containers[0]


ORACLE_56 = """
node n1
pod p {
  container app image=nginx:1.25 {
    env MODE from configmap cfg key=mode
  }
}
at 30s: create configmap default/cfg { other = "x" }
at 45s: apply { configmap cfg { other = "x"; mode = "fast" } }
"""


def test_oracle_56_missing_configmap_then_missing_key_then_the_container_starts_in_the_same_pod():
    sim = run(ORACLE_56)
    uid = pod_at(sim, 0).meta.uid
    s = state_of(sim, 20_000)
    assert s.state == Waiting("CreateContainerConfigError", 'configmap "cfg" not found')
    pod = pod_at(sim, 20_000)
    assert pod.status.phase == "Pending" and sim.pods(at=20_000).iloc[0]["STATUS"] == "CreateContainerConfigError"
    # the ConfigMap appears at 30s without the key: the next sync (1s + 3 x 10s) says so
    assert state_of(sim, 30_500).state.reason == "CreateContainerConfigError"
    assert state_of(sim, 31_000).state == Waiting("CreateContainerConfigError",
                                                  "couldn't find key mode in ConfigMap default/cfg")
    # the key appears at 45s: the next sync after the failure at 31s is 51s
    assert state_of(sim, 50_999).state.reason == "CreateContainerConfigError"
    assert state_of(sim, 51_000).state == Running(51_000)
    end = pod_at(sim, 51_000)
    assert end.meta.uid == uid and end.status.phase == "Running" and state_of(sim, 51_000).restart_count == 0
    assert [e for e in events(sim) if e[1] in ("Failed", "Started")] == [
        (1_000, "Failed", 'Error: configmap "cfg" not found'),
        (31_000, "Failed", "Error: couldn't find key mode in ConfigMap default/cfg"),
        (51_000, "Started", "Started container app"),
    ]
    assert config_refs.environment(sim, "default/p", "app").value("MODE") == "fast"


def test_oracle_56_secret_messages():
    sim = run("node n1\npod p { container app image=nginx:1.25 { env PW from secret creds.password } }\n"
              'at 30s: create secret default/creds { user = "u" }\n')
    assert state_of(sim, 10_000).state.message == 'secret "creds" not found'
    assert state_of(sim, 31_000).state.message == "couldn't find key password in Secret default/creds"


def test_oracle_57_an_optional_reference_to_a_missing_object_or_key_starts_without_the_variable():
    sim = run('node n1\nconfigmap other { a = "1" }\n'
              "pod p { container app image=nginx:1.25 {\n"
              "  env MODE from configmap cfg.mode optional\n  env B from configmap other.b optional\n"
              "  env A from configmap other.a\n  env from secret creds optional\n} }\n")
    assert state_of(sim, 1_000).state == Running(1_000)
    assert pod_at(sim, 1_000).status.phase == "Running"
    env = config_refs.environment(sim, "p", "app")
    assert env.names() == ("A",) and env.value("MODE") is None
    assert not [e for e in events(sim) if e[1] == "Failed"]


def test_oracle_58_a_missing_configmap_volume_holds_the_pod_in_container_creating_until_it_exists():
    sim = run("node n1\npod p image=nginx:1.25 { volume cfg configmap=cfg }\n"
              'at 30s: create configmap default/cfg { mode = "x" }\n')
    pod = pod_at(sim, 20_000)
    assert pod.status.phase == "Pending" and sim.pods(at=20_000).iloc[0]["STATUS"] == "ContainerCreating"
    assert (0, "FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found') in events(sim)
    assert pod_at(sim, 40_000).status.phase == "Running"


def test_oracle_58_an_optional_volume_mounts_empty_and_a_secret_volume_waits_the_same_way():
    sim = run("node n1\npod a image=nginx:1.25 { volume cfg configmap=cfg optional }\n"
              "pod b image=nginx:1.25 { volume creds secret=creds }\n")
    assert pod_at(sim, 5_000, "a").status.phase == "Running"
    assert pod_at(sim, 5_000, "b").status.phase == "Pending"
    assert (0, "FailedMount", 'MountVolume.SetUp failed for volume "creds" : secret "creds" not found') in events(sim)


def secret_request(verb: str, secret: Secret, view) -> object:
    obj = ApiObject(kind="Secret", meta=Meta(name=secret.name, namespace=secret.namespace), spec=secret)
    return handle(Request(verb=verb, kind="Secret", object=obj), view)


def test_oracle_59_string_data_wins_is_stored_as_base64_and_never_kept():
    store = store_with()
    # data: {p: cGFzcw==} is "pass" decoded; stringData: {p: other}
    result = secret_request("create", Secret(name="s", namespace="default", data=(("p", "pass"),),
                                             string_data=(("p", "other"), ("q", "new"))), store)
    stored = result.object.spec
    assert stored.string_data == () and stored.reveal("p") == "other" and stored.reveal("q") == "new"
    assert dict(stored.encoded())["p"] == "b3RoZXI="  # base64("other")


def test_oracle_59_a_secret_of_more_than_1_mib_is_rejected_and_exactly_1_mib_passes():
    store = store_with()
    big = secret_request("create", Secret(name="big", namespace="default",
                                          data=(("a", "x" * 1_048_000), ("b", "y" * 577))), store)
    assert big.code == 422
    assert big.message == 'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes'
    ok = secret_request("create", Secret(name="ok", namespace="default", data=(("a", "x" * 1_048_576),)), store)
    assert ok.object.name == "ok"
    cm = ConfigMap(name="cm", namespace="default", data=(("a", "x" * 1_048_577),))
    res = handle(Request(verb="create", kind="ConfigMap",
                         object=ApiObject(kind="ConfigMap", meta=Meta(name="cm", namespace="default"), spec=cm)), store)
    assert res.message == 'ConfigMap "cm" is invalid: []: Too long: may not be more than 1048576 bytes'


def test_an_immutable_secret_keeps_its_data_and_its_flag_and_no_secret_changes_type():
    sim = run('secret s immutable { p = "v1" }\nat 10s: apply { secret s immutable { p = "v2" } }\n'
              'at 20s: apply { secret s { p = "v1" } }\n'
              'secret t { k = "v" }\nat 30s: apply { secret t type=tls { k = "v" } }\n')
    assert [r.message for r in sim.rejections] == [
        'Secret "s" is invalid: data: Forbidden: field is immutable when `immutable` is set',
        'Secret "s" is invalid: immutable: Forbidden: field is immutable when `immutable` is set',
        'Secret "t" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable',
    ]
    assert sim.store.get("Secret", "default", "s").spec.reveal("p") == "v1"


def test_env_overrides_env_from_prefixes_apply_and_invalid_names_are_skipped_with_an_event():
    sim = run('node n1\nconfigmap cfg { MODE = "a"; 1st = "x"; 2nd = "y"; ok.name = "z" }\n'
              'secret creds { PW = "s3cr3t" }\n'
              "pod p { container app image=nginx:1.25 {\n  env from configmap cfg\n"
              "  env from secret creds prefix=DB_\n  env MODE=\"b\"\n  env URL=\"$(MODE)/$(DB_PW)/$$(MODE)\"\n} }\n")
    env = config_refs.environment(sim, "p", "app")
    assert env.items[:3] == (("MODE", "b"), ("ok.name", "z"), ("DB_PW", "s3cr3t"))
    assert env.value("URL") == "b/s3cr3t/$(MODE)"
    assert "s3cr3t" not in repr(env) and repr(env).startswith("Env(MODE='b', ok.name='z', DB_PW=<redacted>")
    assert (1_000, "InvalidEnvironmentVariableNames", "Keys [1st, 2nd] from the EnvFrom configMap default/cfg "
            "were skipped since they are considered invalid environment variable names.") in events(sim)
    assert state_of(sim, 1_000).state == Running(1_000)


def test_resolve_stops_at_the_first_missing_reference_in_kubelet_order():
    c = container("env A from configmap one.a\nenv from secret two\nenv B from configmap one.b")
    res = resolve(c, "dev", store_with().get)
    assert res.env is None and res.error == 'secret "two" not found'  # envFrom is read before env
    res = resolve(c, "dev", store_with(Secret(name="two", namespace="dev"), ConfigMap(name="one", namespace="dev",
                                                                                        data=(("a", "1"),))).get)
    assert res.error == "couldn't find key b in ConfigMap dev/one"
    assert config_refs.references(c) == (("Secret", "two"), ("ConfigMap", "one"))


def test_a_change_that_leaves_the_reference_missing_fails_again_on_the_rhythm_and_only_then():
    sim = run("node n1\npod p { container app image=nginx:1.25 { env MODE from configmap cfg.mode } }\n"
              'at 12s: create configmap default/unrelated { a = "1" }\n'
              'at 25s: create configmap default/cfg { a = "1" }\n'
              'at 26s: apply { configmap cfg { a = "2" } }\n')
    failed = [e for e in sim.log.events if e.reason == "Failed"]
    # 1s: not found; nothing happens at 12s (another object); 25s and 26s -> one retry at 31s
    assert [(e.time_ms, e.message, e.count) for e in failed] == [
        (1_000, 'Error: configmap "cfg" not found', 1),
        (31_000, "Error: couldn't find key mode in ConfigMap default/cfg", 1)]
    assert sim.now == 31_000  # nothing else is planned: no polling while it waits


def test_a_restart_that_finds_its_configmap_gone_waits_and_keeps_its_restart_count():
    sim = run('node n1\nconfigmap cfg { mode = "a" }\n'
              "pod p { container app image=nginx:1.25 { env MODE from configmap cfg.mode; exit 1 after 5s } }\n"
              "at 3s: delete configmap default/cfg\n"
              'at 20s: apply { configmap cfg { mode = "b" } }\nrun 40s\n')
    s = state_of(sim, 10_000)
    assert s.state == Waiting("CreateContainerConfigError", 'configmap "cfg" not found')
    assert s.last_state.exit_code == 1 and s.restart_count == 0
    assert pod_at(sim, 10_000).status.phase == "Running"  # a container that has run keeps the pod Running
    s = state_of(sim, 26_000)  # failed at 6s: the syncs fall at 16s, 26s ...
    assert s.state == Running(26_000) and s.restart_count == 1
    assert config_refs.environment(sim, "p", "app", at=27_000).value("MODE") == "b"


def test_an_init_container_that_cannot_be_configured_holds_the_pod_in_init():
    sim = run("node n1\npod p {\n  init setup image=busybox:1.36 { env X from secret s.x; exit 0 after 1s }\n"
              "  container app image=nginx:1.25\n}\n")
    row = sim.pods(at=5_000, wide=True).iloc[0]
    assert row["STATUS"] == "Init:CreateContainerConfigError" and row["PHASE"] == "Pending"


def test_a_held_container_is_forgotten_when_its_pod_is_deleted():
    sim = run("node n1\npod p { container app image=nginx:1.25 { env X from configmap cfg.x } }\n"
              "at 5s: delete pod default/p\n"
              'at 30s: create configmap default/cfg { x = "1" }\n')
    assert sim.kubelets.held.failed == {} and sim.kubelets.held.by_ref == {}
    assert ("Pod", "default", "p") not in sim.state()


def test_environment_of_a_container_that_has_not_started_is_none():
    sim = run("node n1\npod p { container app image=nginx:1.25 { env X from configmap cfg.x } }\n")
    assert config_refs.environment(sim, "p", "app") is None
    assert Env((("A", "1"),)).value("A") == "1"


@pytest.mark.parametrize("body", (
    "container app image=x:1",
    "container app image=x:1 { env MODE=\"fast\" }",
    "container app image=x:1 { env MODE from configmap cfg.mode }",
    "container app image=x:1 { env from secret creds }",
    "init setup image=x:1 { env from configmap cfg; exit 0 after 1s }\ncontainer app image=x:1",
    "init setup image=x:1 { env A=\"1\"; exit 0 after 1s }\ncontainer app image=x:1\n"
    "container b image=x:1 { env PW from secret creds.password }",
    "init setup image=x:1 { exit 0 after 1s }\ncontainer app image=x:1 { env A=\"1\" }",
))
def test_uses_config_answers_as_any_container_naming_one(body):
    # uses_config's loops against the plain question, asked of every container
    t = kdsl.parse(f"pod p {{\n{body}\n}}").objects[0].template
    plain = any(c.env_from or any(e.source_kind for e in c.env) for c in t.init_containers + t.containers)
    assert config_refs.uses_config(t) == plain
    assert plain == ("from" in body)
