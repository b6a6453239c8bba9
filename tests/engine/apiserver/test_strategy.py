"""The registry strategies' writes: a Job's generated selector and labels."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver.strategy import CONTROLLER_UID_LABEL, JOB_NAME_LABEL, generated
from kdsl.engine.simulation import Simulation
from kdsl.interop.state import object_manifest

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"


def run(text: str, until: int | None = 0) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(until)


def test_a_created_job_selects_its_own_uid_and_its_template_carries_the_generated_labels():
    sim = run("job shop/migrate { container run image=busybox { exit 0 after 1s } }")
    job = sim.store.get("Job", "shop", "migrate")
    uid = job.meta.uid
    labels = dict(job.spec.template.labels)
    assert labels[CONTROLLER_UID_LABEL] == labels["controller-uid"] == uid
    assert labels[JOB_NAME_LABEL] == labels["job-name"] == "migrate"
    assert dict(job.spec.selector.match_labels) == {CONTROLLER_UID_LABEL: uid}
    # kdsl text gives the Job its labels (app=migrate, its template's), so `kdsl export` writes them and the API
    # server keeps them as written: SetDefaults_Job copies the template's only to a Job without labels
    assert job.meta.label_dict() == {"app": "migrate"}
    spec = object_manifest(job, sim)["spec"]
    assert spec["selector"] == {"matchLabels": {CONTROLLER_UID_LABEL: uid}} and spec["manualSelector"] is False
    assert generated(job.spec)


JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: mine, namespace: shop%s}
spec:
%s  template:
    metadata: {labels: {team: a, job-name: other}}
    spec:
      restartPolicy: Never
      containers: [{name: run, image: busybox}]
"""


def manifests(text: str) -> Simulation:
    return Simulation(kdsl.from_manifests(text=text)).run(0)


def test_a_generated_label_the_template_sets_is_left_as_set_and_the_pods_carry_the_template_labels():
    sim = manifests(JOB % ("", ""))
    job = sim.store.get("Job", "shop", "mine")
    labels = dict(job.spec.template.labels)
    assert labels["job-name"] == "other" and labels[JOB_NAME_LABEL] == "mine"
    assert labels[CONTROLLER_UID_LABEL] == job.meta.uid
    (pod,) = sim.store.list("Pod", "shop")
    assert pod.meta.label_dict() == labels


def test_a_manual_selector_is_left_as_written():
    sim = manifests(JOB % ("", "  manualSelector: true\n  selector: {matchLabels: {team: a}}\n"))
    job = sim.store.get("Job", "shop", "mine")
    assert CONTROLLER_UID_LABEL not in dict(job.spec.template.labels) and not generated(job.spec)
    spec = object_manifest(job, sim)["spec"]
    assert spec["manualSelector"] is True and spec["selector"] == {"matchLabels": {"team": "a"}}


def test_a_job_without_labels_shows_the_generated_ones_copied_from_its_template():
    sim = manifests(JOB % ("", ""))
    job = sim.store.get("Job", "shop", "mine")
    assert job.meta.label_dict() == dict(job.spec.template.labels)
    bare = JOB.replace("    metadata: {labels: {team: a, job-name: other}}\n", "") % ("", "")
    job = manifests(bare).store.get("Job", "shop", "mine")  # no labels anywhere: no app=NAME either
    assert job.meta.label_dict() == dict(job.spec.template.labels) == {
        CONTROLLER_UID_LABEL: job.meta.uid, JOB_NAME_LABEL: "mine", "controller-uid": job.meta.uid, "job-name": "mine"}
    sim = manifests(JOB % (", labels: {team: b}", ""))
    assert sim.store.get("Job", "shop", "mine").meta.label_dict() == {"team": "b"}
