"""sim.diff(t1, t2): objects added, removed and changed between two moments, each field as kubectl's YAML names it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kdsl
from kdsl.interop.diff import flatten
from kdsl.interop.state import object_manifest
from kdsl.core.errors import NotFoundError, UsageError
from kdsl.views.display import is_missing, text
from kdsl.views.export import write
from tests.golden import check_golden

SCENARIO = Path(__file__).with_name("diff.kdsl")
# The scenario's four windows: each holds one story (diff.kdsl's timeline) and nothing of the others.
WINDOWS = {"rollout": ("20s", "1m30s"), "scale": ("1m50s", "2m30s"), "node-loss": ("2m50s", "4m30s"),
           "secret": ("4m50s", "5m10s")}


@pytest.fixture(scope="module")
def sim():
    return kdsl.simulate(kdsl.load(SCENARIO))


def rows(df) -> list[tuple]:
    """The rows with every missing value as None (a column of counts holds pandas' NA)."""
    return [tuple(None if is_missing(v) else v for v in r) for r in df.itertuples(index=False)]


def fields(df, kind: str, name: str) -> dict:
    """FIELD -> (OLD, NEW) of one changed object."""
    return {r[4]: (r[5], r[6]) for r in rows(df) if r[1] == kind and r[3] == name and r[0] == "changed"}


@pytest.mark.parametrize("story", WINDOWS)
def test_golden(sim, story):
    check_golden(f"interop/diff-{story}.txt", text(sim.diff(*WINDOWS[story])))


def test_rollout_adds_a_replicaset_scales_the_old_one_down_and_replaces_the_pods(sim):
    df = sim.diff(*WINDOWS["rollout"])
    assert list(df.columns) == ["CHANGE", "KIND", "NAMESPACE", "NAME", "FIELD", "OLD", "NEW"]
    web = fields(df, "Deployment", "web")
    assert web["spec.template.spec.containers[name=web].image"] == ("nginx:1.25", "nginx:1.26")
    assert web["metadata.annotations[deployment.kubernetes.io/revision]"] == ("1", "2")
    assert web["metadata.generation"] == (1, 2) and web["status.observedGeneration"] == (1, 2)
    [new_rs] = [r.NAME for r in df.itertuples() if r.CHANGE == "added" and r.KIND == "ReplicaSet"]
    assert new_rs in web["status.conditions[type=Progressing].message"][1]
    [old_rs] = {r.NAME for r in df.itertuples() if r.CHANGE == "changed" and r.KIND == "ReplicaSet"}
    old = fields(df, "ReplicaSet", old_rs)
    assert old["spec.replicas"] == (2, 0) and old["status.replicas"] == (2, 0)
    assert old["status.readyReplicas"] == (2, None)  # omitempty: a zero count is not written
    pods = [(r.CHANGE, r.NAME.rsplit("-", 1)[0]) for r in df.itertuples() if r.KIND == "Pod"]
    assert sorted(pods) == [("added", new_rs), ("added", new_rs), ("removed", old_rs), ("removed", old_rs)]
    # an added or removed object is one row, with no field
    assert all(r[4:] == (None, None, None) for r in rows(df) if r[0] != "changed")


def test_scale(sim):
    df = sim.diff(*WINDOWS["scale"])
    web = fields(df, "Deployment", "web")
    assert web["spec.replicas"] == (2, 3)
    assert {k: web[f"status.{k}"] for k in ("replicas", "readyReplicas", "availableReplicas")} == {
        "replicas": (2, 3), "readyReplicas": (2, 3), "availableReplicas": (2, 3)}
    assert [r.CHANGE for r in df.itertuples() if r.KIND == "Pod"] == ["added"]
    assert set(df["KIND"]) == {"Deployment", "Pod", "ReplicaSet"}


def test_node_loss(sim):
    df = sim.diff(*WINDOWS["node-loss"])
    node = fields(df, "Node", "worker-2")
    assert node["status.conditions[type=Ready].status"] == ("True", "Unknown")
    assert node["status.conditions[type=Ready].reason"] == ("KubeletReady", "NodeStatusUnknown")
    assert node["spec.taints[key=node.kubernetes.io/unreachable,effect=NoExecute]"] == (
        None, '{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}')
    assert not any("lastHeartbeatTime" in f for f in df["FIELD"].dropna())  # every heartbeat rewrites it
    assert df.loc[df["KIND"] == "Node", "NAMESPACE"].isna().all()
    lost = {p.name for p in sim.store.list("Pod") if p.spec.template.node_name == "worker-2"}
    ready = {r.NAME: (r.OLD, r.NEW) for r in df.itertuples() if r.FIELD == "status.conditions[type=Ready].status"
             and r.KIND == "Pod"}
    assert ready == {name: ("True", "False") for name in lost} and lost
    assert fields(df, "Deployment", "web")["status.conditions[type=Available].status"] == ("True", "False")


def test_a_secret_change_shows_which_keys_changed_never_a_value(sim):
    df = sim.diff(*WINDOWS["secret"])
    secret = fields(df, "Secret", "db-credentials")
    assert secret["data.password"] == ("<redacted>", "<redacted>")
    assert secret["data.token"] == (None, "<redacted>")  # a key added
    shown = text(df) + write(df, "csv") + write(df, "json") + write(sim.diff("0s"), "csv")
    for value in ("s3cr3t", "n3w-s3cr3t", "t0k3n"):
        assert value not in shown and base64.b64encode(value.encode()).decode() not in shown


def test_namespace_and_kind_filters(sim):
    df = sim.diff("0s", namespace="shop", kind="deploy")
    assert "NAMESPACE" not in df.columns  # as kubectl -n prints it
    assert set(df["KIND"]) == {"Deployment"}
    assert set(sim.diff("0s", kind="nodes")["NAME"]) == {"worker-2"}
    assert "Node" not in set(sim.diff("2m50s", "4m30s", namespace="shop")["KIND"])  # cluster-scoped
    assert sim.diff("0s", namespace="default").empty


def test_bad_arguments_say_what_is_wrong(sim):
    with pytest.raises(NotFoundError, match="'deplo' is not a kind kdsl stores; did you mean Deployment?"):
        sim.diff("0s", kind="deplo")
    with pytest.raises(NotFoundError, match="no namespace shp in this run; did you mean shop?"):
        sim.diff("0s", namespace="shp")
    with pytest.raises(UsageError, match="t1=`soon` is not a duration"):
        sim.diff("soon")
    cut = kdsl.simulate(kdsl.load(SCENARIO), until="1m")  # the run stops with the scale still to come
    with pytest.raises(UsageError, match=r"t2='2m' is after the end of the run \(1m\), which stopped with work"):
        cut.diff("0s", "2m")


def test_an_object_made_again_under_its_name_is_removed_and_added():
    sim = kdsl.simulate(kdsl.parse("node n1\nnamespace db {\n  statefulset pg replicas=1 image=postgres:16\n}\n"
                                   "at 30s: delete pod db/pg-0\nrun 1m\n"))
    df = sim.diff("20s", "1m", kind="pods")
    assert rows(df) == [("removed", "Pod", "db", "pg-0", None, None, None),
                        ("added", "Pod", "db", "pg-0", None, None, None)]


def test_a_quota_counts_usage_at_each_moment():
    sim = kdsl.simulate(kdsl.parse("node n1\nnamespace q {\n  quota pods=10\n"
                                   "  deployment web replicas=1 image=nginx:1.25\n}\n"
                                   "at 30s: scale q/web replicas=3\nrun 1m\n"))
    df = sim.diff("10s", "1m", kind="resourcequotas")  # the quota is not written: its usage is counted then
    assert fields(df, "ResourceQuota", "quota") == {"status.used.pods": ("1", "3")}


def test_flatten_names_list_items_by_their_natural_key():
    pod = {"metadata": {"labels": {"app": "web", "kubernetes.io/hostname": "n1"}},
           "spec": {"containers": [{"name": "web", "command": ["sh", "-c"],
                                    "ports": [{"name": "http", "containerPort": 80}],
                                    "env": [{"name": "MODE", "value": "a"}],
                                    "volumeMounts": [{"name": "v", "mountPath": "/a"},
                                                     {"name": "v", "mountPath": "/b"}]}],
                    "tolerations": [{"key": "k", "effect": "NoSchedule"}, {"key": "k", "effect": "NoExecute"}],
                    "hostIPs": [{"ip": "10.0.0.1"}]},
           "status": {"conditions": [{"type": "Ready", "status": "True", "lastProbeTime": None}]}}
    c = "spec.containers[name=web]"
    assert flatten(pod) == [
        ("metadata.labels.app", "web"), ("metadata.labels[kubernetes.io/hostname]", "n1"),
        (f"{c}.name", "web"), (f"{c}.command", '["sh", "-c"]'), (f"{c}.ports[name=http].name", "http"),
        (f"{c}.ports[name=http].containerPort", 80), (f"{c}.env[name=MODE].name", "MODE"),
        (f"{c}.env[name=MODE].value", "a"), (f"{c}.volumeMounts[mountPath=/a].name", "v"),
        (f"{c}.volumeMounts[mountPath=/a].mountPath", "/a"), (f"{c}.volumeMounts[mountPath=/b].name", "v"),
        (f"{c}.volumeMounts[mountPath=/b].mountPath", "/b"),
        ("spec.tolerations[key=k,effect=NoSchedule].key", "k"),
        ("spec.tolerations[key=k,effect=NoSchedule].effect", "NoSchedule"),
        ("spec.tolerations[key=k,effect=NoExecute].key", "k"),
        ("spec.tolerations[key=k,effect=NoExecute].effect", "NoExecute"),
        ("spec.hostIPs[0].ip", "10.0.0.1"),
        ("status.conditions[type=Ready].type", "Ready"), ("status.conditions[type=Ready].status", "True")]


def test_changes_inside_list_items_name_the_item():
    from kdsl.interop.diff import _compare

    def changes(old, new):
        out: list = []
        _compare(old, new, "", out)
        return out

    c = {"name": "web", "image": "a", "command": ["sh"], "ports": [{"containerPort": 80}, {"containerPort": 81}],
         "env": [{"name": "A", "value": "1"}]}
    c2 = {**c, "image": "b", "command": ["sh", "-c"], "ports": [{"containerPort": 80, "protocol": "UDP"}],
          "env": [{"name": "A", "value": "2"}]}
    assert changes({"spec": {"containers": [c]}}, {"spec": {"containers": [c2]}}) == [
        ("spec.containers[name=web].image", "a", "b"),
        ("spec.containers[name=web].command", '["sh"]', '["sh", "-c"]'),
        ("spec.containers[name=web].ports[containerPort=80].protocol", None, "UDP"),
        ("spec.containers[name=web].ports[containerPort=81]", '{"containerPort": 81}', None),
        ("spec.containers[name=web].env[name=A].value", "1", "2")]
    assert changes({"replicas": 1}, {"replicas": True}) == [("replicas", 1, True)]  # 1 == True to Python only
    assert changes({"a": "x"}, {"a": {"b": 1}}) == [("a", "x", None), ("a.b", None, 1)]


@settings(max_examples=25, deadline=None)
@given(t=st.integers(0, 6 * 60_000))
def test_nothing_changes_between_a_moment_and_itself(sim, t):
    assert sim.diff(t, t).empty


@settings(max_examples=15, deadline=None)
@given(t1=st.integers(0, 6 * 60_000), t2=st.integers(0, 6 * 60_000))
def test_each_old_and_new_is_the_state_at_that_moment_and_backwards_is_the_mirror(sim, t1, t2):
    forward, backward = sim.diff(t1, t2), sim.diff(t2, t1)
    mirror = {"added": "removed", "removed": "added", "changed": "changed"}
    assert sorted((mirror[c], k, ns, n, f or "", repr(b), repr(a)) for c, k, ns, n, f, a, b in rows(backward)) == \
        sorted((c, k, ns, n, f or "", repr(a), repr(b)) for c, k, ns, n, f, a, b in rows(forward))
    states = [sim.store.state_at(t) for t in (t1, t2)]
    leaves = {}
    for change, kind, namespace, name, field, old, new in rows(forward):
        key = (kind, namespace, name)
        if change == "added":
            assert key not in states[0] and key in states[1]
        elif change == "changed" and kind != "Secret":
            if key not in leaves:
                leaves[key] = [dict(flatten(object_manifest(s[key], sim, t))) for s, t in zip(states, (t1, t2))]
            was, now = leaves[key]
            if field in was or field in now:  # a leaf: its values at the two moments
                assert (was.get(field), now.get(field)) == (old, new)
            else:  # a list item on one side only, as one row: its leaves are on that side alone
                inside = [{f for f in side if f.startswith(field + ".")} for side in (was, now)]
                assert [bool(s) for s in inside] == [old is not None, new is not None]
                assert (old is None) != (new is None)



def test_a_secret_made_from_a_manifest_hides_the_copy_kubectl_apply_keeps_too():
    from kdsl.engine.objects import wrap
    from kdsl.interop.diff import object_changes
    from kdsl.model.config import Secret

    applied = '{"data": {"password": "czNjcjN0"}}'
    old = wrap(Secret(name="db", namespace="shop", data=(("password", "s3cr3t"),)), uid="u")
    new = wrap(Secret(name="db", namespace="shop", data=(("password", "n3w"),),
                      annotations=(("kubectl.kubernetes.io/last-applied-configuration", applied),)), uid="u")
    assert object_changes(old, new, None, 0, 0) == [
        ("metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]", None, "<redacted>"),
        ("data.password", "<redacted>", "<redacted>")]
