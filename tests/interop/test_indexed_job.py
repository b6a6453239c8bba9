"""An Indexed Job through import, kdsl text and export, its refusals in the API server's words, and its simulated
state as `kubectl get -o yaml` prints it: the pods' index label, annotation, hostname and JOB_COMPLETION_INDEX, the
job's completedIndexes."""

from __future__ import annotations

import pytest
import kdsl
from kdsl.core.errors import KdslError
from kdsl.engine.simulation import Simulation
from kdsl.interop import import_manifests, to_manifests

JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: pi, namespace: default}
spec:
  %s
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: busybox, env: [{name: A, value: "1"}]}]
"""
INDEXED = JOB % "{completions: 3, parallelism: 3, completionMode: Indexed}".strip("{}").replace(", ", "\n  ")


def test_import_reads_the_mode_into_the_language_and_export_writes_it_back():
    imported = import_manifests(text=INDEXED, name="job.yaml")
    assert "mode=Indexed" in imported.text and "completionMode" not in imported.text  # a word, not a yaml block
    [job] = [m for m in to_manifests(kdsl.parse(imported.text)) if m["kind"] == "Job"]
    assert job["spec"]["completionMode"] == "Indexed" and job["spec"]["completions"] == 3


def test_a_non_indexed_job_exports_no_mode_and_an_explicit_one_stays_as_written():
    [job] = [m for m in to_manifests(kdsl.parse("job pi image=busybox")) if m["kind"] == "Job"]
    assert "completionMode" not in job["spec"]  # the API server defaults it (defaults_v1.py)
    imported = import_manifests(text=JOB % "completionMode: NonIndexed", name="job.yaml")
    [job] = [m for m in to_manifests(kdsl.parse(imported.text)) if m["kind"] == "Job"]
    assert job["spec"]["completionMode"] == "NonIndexed"


@pytest.mark.parametrize("spec, message", [
    ("{parallelism: 2, completionMode: Indexed}",
     'Job.batch "pi" is invalid: spec.completions: Required value: when completion mode is Indexed'),
    ("{completions: 2, completionMode: Sometimes}",
     ('Job.batch "pi" is invalid: spec.completionMode: Unsupported value: "Sometimes": supported values: '
      '"NonIndexed", "Indexed"')),
    ("{completions: 2, parallelism: 100001, completionMode: Indexed}",
     ('Job.batch "pi" is invalid: spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 '
      "when completion mode is Indexed")),
])
def test_the_api_servers_refusals_of_a_mode(spec, message):
    text = JOB % spec.strip("{}").replace(", ", "\n  ")
    with pytest.raises(KdslError) as err:
        import_manifests(text=text, name="job.yaml")
    assert message in str(err.value)


def test_an_indexed_job_without_counts_is_taken_as_the_api_server_defaults_it():
    imported = import_manifests(text=JOB % "completionMode: Indexed", name="job.yaml")
    [job] = kdsl.parse(imported.text).objects
    assert (job.completions, job.completion_mode) == (1, "Indexed")


def test_the_simulated_state_shows_each_index_as_kubernetes_stores_it():
    sim = Simulation(kdsl.from_manifests(text=INDEXED)).run(until=2_000)
    items = sim.manifests()["items"]
    pods = sorted((m for m in items if m["kind"] == "Pod"), key=lambda m: m["metadata"]["name"])
    assert [m["metadata"]["name"][:-5] for m in pods] == ["pi-0-", "pi-1-", "pi-2-"]
    for i, pod in enumerate(pods):
        assert pod["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] == str(i)
        assert pod["metadata"]["annotations"] == {"batch.kubernetes.io/job-completion-index": str(i)}
        assert pod["spec"]["hostname"] == f"pi-{i}" and "subdomain" not in pod["spec"]  # the controller sets none
        assert pod["spec"]["containers"][0]["env"] == [
            {"name": "A", "value": "1"},
            {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}}]
    [job] = [m for m in items if m["kind"] == "Job"]
    assert "completedIndexes" not in job["status"]  # omitempty: none has succeeded yet


def test_the_completed_indexes_are_in_the_jobs_status():
    text = "node n1 cpu=4 memory=8Gi\njob pi completions=3 parallelism=2 mode=Indexed { container app image=busybox "
    sim = Simulation(kdsl.parse(text + "{ exit 0 after 5s } }")).run(until=8_000)
    [job] = [m for m in sim.manifests()["items"] if m["kind"] == "Job"]
    assert (job["status"]["completedIndexes"], job["status"]["succeeded"]) == ("0,1", 2)
    sim.run()
    [job] = [m for m in sim.manifests()["items"] if m["kind"] == "Job"]
    assert (job["status"]["completedIndexes"], job["status"]["succeeded"]) == ("0-2", 3)
