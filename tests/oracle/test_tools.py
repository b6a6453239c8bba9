"""The oracle suite's own machinery: cases up to date and well formed, the normaliser, the comparer, and a replay
that agrees with itself but not with a changed answer — so the comparison cannot pass vacuously."""

from __future__ import annotations

import copy
import fnmatch
import json

import pytest

from tests.oracle import make_cases
from tests.oracle.compare import differences, report
from tests.oracle.normalise import NOT_COMPARED, Names, normal_object
from tests.oracle.normalise_steps import normal_result
from tests.oracle.replay import replay
from tests.oracle.suite import cases, compared, expected_difference, known_differences, params

OPS = {"create", "update", "patch", "delete", "sar", "settle"}


def test_case_files_are_up_to_date():
    stale = [area for area, built in make_cases.all_cases().items()
             if (make_cases.CASES / f"{area}.json").read_text(encoding="utf-8") != make_cases.render(built)]
    assert not stale, f"run `uv run python tests/oracle/make_cases.py`: {stale} out of date"


def test_cases_follow_the_contract():
    total = 0
    for area in make_cases.AREAS:
        ids = [c["id"] for c in cases(area)]
        assert len(ids) == len(set(ids))
        for c in cases(area):
            assert c["area"] == area and c["id"].startswith(area + "/")
            assert set(c) >= {"id", "area", "namespaces", "nodes", "setup", "steps"}
            assert c["steps"] and all(s["op"] in OPS for s in c["steps"])
            assert all(n["kind"] == "Node" for n in c["nodes"])
        total += len(ids)
    assert total >= 500  # the bar


def test_every_validation_rule_is_broken_on_every_kind_it_governs():
    ids = {c["id"] for c in cases("validation")}
    assert "validation/invalid/label-value-invalid/Deployment" in ids
    assert "validation/invalid/requests-above-limits-cpu/CronJob" in ids
    assert "validation/update/selector-immutable/DaemonSet" in ids
    assert sum(i.startswith("validation/corpus/") for i in ids) == 113  # every corpus object


def test_differences_name_real_cases():
    every = [c["id"] for area in make_cases.AREAS for c in cases(area)]
    for pattern, reason in known_differences().items():
        assert any(fnmatch.fnmatchcase(i, pattern) for i in every), f"{pattern} matches no case"
        assert reason.strip()


def test_areas_without_a_recording_are_skipped_with_the_reason(monkeypatch):
    from tests.oracle import suite

    monkeypatch.setattr(suite, "recording", lambda area: None)
    p = params("rbac")[0]
    assert [m.kwargs["reason"] for m in p.marks] == ["no recording: run `make oracle`"]


def test_a_listed_case_is_strict_xfail(monkeypatch):
    from tests.oracle import suite

    case = cases("admission")[0]
    monkeypatch.setattr(suite, "recording", lambda area: {"cases": {case["id"]: {}}})
    monkeypatch.setattr(suite, "known_differences", lambda: {"admission/limitrange/*": "on purpose: because"})
    mark = params("admission")[0].marks[0]
    assert mark.name == "xfail" and mark.kwargs == {"strict": True, "reason": "on purpose: because"}
    assert expected_difference("admission/quota/pods-exceeded") is None


def test_differences_name_each_path():
    a = {"steps": [{"code": 201, "object": {"spec": {"containers": [{"image": "a"}]}}}]}
    b = copy.deepcopy(a)
    assert differences(a, b) == []
    b["steps"][0]["object"]["spec"]["containers"][0]["image"] = "b"
    b["steps"][0]["extra"] = 1
    assert differences(a, b) == [("steps[0].extra", "<missing>", 1),
                                 ("steps[0].object.spec.containers[0].image", "a", "b")]
    assert "steps[0].object.spec.containers[0].image: Kubernetes 'a', kdsl 'b'" in report(differences(a, b))


# A Deployment's ReplicaSet and pod as Kubernetes names and stores them.
RS = {"kind": "ReplicaSet", "metadata": {"name": "web-7d4b9c8f6d", "namespace": "apps", "uid": "u1",
                                         "labels": {"pod-template-hash": "7d4b9c8f6d"},
                                         "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "u0",
                                                              "controller": True}]}}
POD = {"kind": "Pod", "metadata": {"name": "web-7d4b9c8f6d-x2k9p", "namespace": "apps", "uid": "u2",
                                   "resourceVersion": "812", "creationTimestamp": "2026-12-06T10:00:00Z",
                                   "deletionTimestamp": "2026-12-06T10:05:00Z",
                                   "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d", "controller-uid": "u1"},
                                   "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d4b9c8f6d", "uid": "u1",
                                                        "controller": True}]},
       "spec": {"nodeName": "n1", "dnsPolicy": "ClusterFirst", "serviceAccount": "default",
                "preemptionPolicy": "PreemptLowerPriority", "containers": [
                    {"name": "app", "image": "nginx", "imagePullPolicy": "IfNotPresent"}]},
       "status": {"phase": "Running", "startTime": "2026-12-06T10:00:01Z"}}


def test_generated_names_times_and_identity_are_normalised():
    names = Names()
    names.learn(RS)
    names.learn(POD)
    pod = normal_object(POD, names)
    assert pod["metadata"]["name"] == "web-rs1-*"
    assert pod["metadata"]["labels"]["pod-template-hash"] == "rs1"
    assert pod["metadata"]["ownerReferences"] == [{"kind": "ReplicaSet", "name": "web-rs1", "controller": True}]
    assert "uid" not in pod["metadata"] and "resourceVersion" not in pod["metadata"]
    assert pod["metadata"]["deletionTimestamp"] == "<time>"
    assert "startTime" not in pod["status"]  # the kubelet's (KUBELET_WRITTEN)
    assert pod["metadata"]["labels"]["controller-uid"] == "<uid of ReplicaSet web-rs1>"
    assert names.text('Created pod: web-7d4b9c8f6d-x2k9p') == "Created pod: web-rs1-*"


def test_only_the_listed_fields_are_left_out():
    case = {"id": "controllers/x", "steps": [{"op": "create"}]}
    bare = {**POD, "metadata": {k: v for k, v in POD["metadata"].items() if k != "ownerReferences"}}
    result = {"steps": [{"code": 201, "status": "Success", "object": bare}]}
    obj = normal_result(case, result)["steps"][0]["object"]
    assert "serviceAccount" not in obj["spec"] and "preemptionPolicy" not in obj["spec"]
    assert obj["spec"]["nodeName"] == "n1" and obj["status"]["phase"] == "Running"  # compared
    owned = normal_result(case, {"steps": [{"code": 201, "status": "Success", "object": POD}]})["steps"][0]["object"]
    assert "nodeName" not in owned["spec"]  # TIES: a controller's pod lands where equal nodes tie
    # The API server's defaults are compared: kdsl writes them (kdsl/engine/apiserver/defaults_v1.py).
    assert obj["spec"]["dnsPolicy"] == "ClusterFirst" and obj["spec"]["containers"][0]["imagePullPolicy"]
    assert all(reason.strip() for reason in NOT_COMPARED.values())


SAMPLES = ["validation/invalid/requests-above-limits-cpu/Deployment", "validation/valid/Deployment",
           "admission/limitrange/default-both/pod-none", "admission/quota/pods-exceeded",
           "rbac/rbac-extra.kdsl/user/alice/pods/web", "scheduling/taints/tolerate-equal",
           "scheduling/preemption/lower-priority-victim", "controllers/deployment/scale-up",
           "controllers/statefulset/ordered-create"]


@pytest.mark.parametrize("case_id", SAMPLES)
def test_the_comparison_sees_a_changed_answer(case_id):
    """kdsl's own answer, as if recorded, agrees with kdsl (the replay is deterministic); changing one field of
    it makes the comparison fail at that field's path."""
    case = next(c for c in cases(case_id.split("/")[0]) if c["id"] == case_id)
    recorded = json.loads(json.dumps(replay(case)))
    assert compared(case, recorded) == []
    changed = copy.deepcopy(recorded)
    step = changed["steps"][0]
    if "allowed" in step:
        step["allowed"] = not step["allowed"]
        want = "steps[0].allowed"
    elif step.get("status") == "Failure":
        step["message"] += "!"
        want = "steps[0].message"
    else:
        step["object"]["metadata"]["labels"] = {"changed": "yes"}
        want = "steps[0].object.metadata.labels"
    assert any(path.startswith(want) for path, _, _ in compared(case, changed))


def test_a_settle_compares_what_controllers_made():
    case = next(c for c in cases("controllers") if c["id"] == "controllers/deployment/scale-up")
    recorded = json.loads(json.dumps(replay(case)))
    settle = recorded["steps"][1]
    assert any(w["kind"] == "Pod" and w["type"] == "ADDED" for w in settle["writes"])
    settle["writes"] = [w for w in settle["writes"] if w["kind"] != "ReplicaSet"]
    settle["events"] = settle["events"][1:]
    paths = [p for p, _, _ in compared(case, recorded)]
    assert any(p.startswith("steps[1].created") for p in paths)
    assert any(p.startswith("steps[1].events") for p in paths)


def test_the_fidelity_page_shows_the_current_agreement():
    from tests.oracle import agreement

    text = agreement.DOC.read_text(encoding="utf-8")
    shown = text[text.index(agreement.START):text.index(agreement.END) + len(agreement.END)]
    assert shown == agreement.block(), "run `uv run python tests/oracle/agreement.py --write`"


def test_the_token_volume_is_the_only_volume_left_out():
    pod = copy.deepcopy(POD)
    pod["spec"]["volumes"] = [{"name": "kube-api-access-x7k2p", "projected": {}}, {"name": "data", "emptyDir": {}}]
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "kube-api-access-x7k2p", "mountPath": "/var/run"}]
    obj = normal_object(pod, Names())
    assert obj["spec"]["volumes"] == [{"name": "data", "emptyDir": {}}]
    assert "volumeMounts" not in obj["spec"]["containers"][0]


def test_an_empty_map_is_absent_but_an_empty_string_is_a_value():
    obj = normal_object({"kind": "Deployment", "metadata": {"name": "web"}, "status": {}, "spec": {"paused": False,
                                                                                                   "x": ""}},
                        Names())
    from tests.oracle.normalise import drop_not_compared

    assert drop_not_compared(obj, "object") == {"kind": "Deployment", "metadata": {"name": "web"},
                                                "spec": {"paused": False, "x": ""}}


def test_limitranger_refusals_are_compared_in_one_order():
    from tests.oracle.normalise_steps import limit_order

    a = ('pods "p" is forbidden: [minimum memory usage per Container is 32Mi, but request is 16Mi, '
         'minimum cpu usage per Container is 100m, but request is 50m]')
    b = ('pods "p" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, '
         'minimum memory usage per Container is 32Mi, but request is 16Mi]')
    assert limit_order(a) == limit_order(b) == b
    assert limit_order('pods "p" is forbidden: exceeded quota: q') == 'pods "p" is forbidden: exceeded quota: q'


def test_a_controllers_pod_is_compared_without_its_node_but_a_daemonsets_with_it():
    def pod(name, owner_kind, owner):
        return {"kind": "Pod", "metadata": {"name": name, "namespace": "apps", "ownerReferences": [
            {"kind": owner_kind, "name": owner, "controller": True}]}, "spec": {"nodeName": "n2"}}

    writes = [{"rv": i, "type": "ADDED", "kind": "Pod", "namespace": "apps", "name": p["metadata"]["name"],
               "object": p} for i, p in enumerate([pod("db-0", "StatefulSet", "db"), pod("agent-x2k9p", "DaemonSet",
                                                                                         "agent")])]
    events = [{"type": "Normal", "reason": "Scheduled", "kind": "Pod", "name": "db-0", "source": "default-scheduler",
               "message": "Successfully assigned apps/db-0 to n2"}]
    case = {"id": "controllers/x", "steps": [{"op": "settle"}]}
    settle = normal_result(case, {"steps": [{"writes": writes, "events": events, "scheduling": {}}]})["steps"][0]
    assert "nodeName" not in settle["objects"]["Pod apps/db-0"].get("spec", {})
    assert settle["objects"]["Pod apps/agent-*"][0]["spec"]["nodeName"] == "n2"
    assert settle["events"] == ["Normal Scheduled Pod/db-0: Successfully assigned apps/db-0 to <node>"]


@pytest.mark.parametrize("node, shown", [("n1", "one of n1|n2|n3"), ("n3", "one of n1|n2|n3"), ("n4", "n4")])
def test_a_tied_pod_is_compared_as_one_of_its_tied_nodes_and_any_other_node_as_itself(node, shown):
    from tests.oracle.normalise_steps import TIED_NODES
    assert TIED_NODES["scheduling/interpod/self-affinity-first-pod"] == {"sched/new": ("n1", "n2", "n3")}
    pod = {"kind": "Pod", "metadata": {"name": "new", "namespace": "sched"}, "spec": {"nodeName": node}}
    result = {"steps": [{}, {
        "writes": [{"rv": 1, "type": "MODIFIED", "kind": "Pod", "namespace": "sched", "name": "new", "object": pod}],
        "events": [{"type": "Normal", "reason": "Scheduled", "kind": "Pod", "name": "new", "source": "default-scheduler",
                    "message": f"Successfully assigned sched/new to {node}"}],
        "scheduling": {"sched/new": {"feasible": ["n1", "n2", "n3"], "node": node}}}]}
    case = {"id": "scheduling/interpod/self-affinity-first-pod", "steps": [{"op": "create", "object": pod}, {"op": "settle"}]}
    settle = normal_result(case, result)["steps"][1]
    assert settle["objects"]["Pod sched/new"]["spec"]["nodeName"] == shown
    assert settle["scheduling"]["sched/new"]["node"] == shown
    assert settle["scheduling"]["sched/new"]["feasible"] == ["n1", "n2", "n3"]
    assert settle["events"] == [f"Normal Scheduled Pod/new: Successfully assigned sched/new to {shown}"]
    untied = normal_result({**case, "id": "scheduling/fit/cpu-and-memory"}, result)["steps"][1]
    assert untied["scheduling"]["sched/new"]["node"] == node
