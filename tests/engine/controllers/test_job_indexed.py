"""Indexed Jobs: a pod per completion index, named, labelled and given JOB_COMPLETION_INDEX as Kubernetes does; the
completed indexes as intervals; a failed index's pod replaced by one with the same index."""

from __future__ import annotations

import pytest
import yaml

import kdsl
from kdsl.engine.controllers.job_indexed import (INDEX_KEY, completion_index, first_pending, generate_name, parse,
                                                  to_string, total, with_indexes)
from kdsl.engine.simulation import Simulation

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"
INDEX_ENV = {"name": "JOB_COMPLETION_INDEX",
             "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}}


def run(text: str, until: int | None = None) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(until)


def pods(sim, at: int | None = None) -> list:
    """Every pod the job made, in order of creation (finished pods are deleted once counted, so from the log)."""
    names = [e.message.removeprefix("Created pod: ") for e in sim.log.events if e.reason == "SuccessfulCreate"
             if at is None or e.time_ms <= at]
    return [sim.store.at(("Pod", "shop", n), next(e.time_ms for e in sim.log.events if e.name == n)) for n in names]


@pytest.mark.parametrize("indexes, text", [
    ([], ""), ([0, 1, 2], "0-2"), ([1, 3, 4, 5], "1,3-5"), ([3, 4], "3,4"), ([0, 2, 4], "0,2,4"),
    ([0, 1, 3, 4, 5, 9], "0,1,3-5,9")])
def test_succeeded_indexes_are_written_as_intervals(indexes, text):
    intervals = with_indexes((), indexes)
    assert to_string(intervals) == text and total(intervals) == len(indexes)
    assert parse(text, 10) == intervals


def test_new_indexes_merge_into_the_intervals_read_back():
    assert to_string(with_indexes(parse("0,1,5-7", 10), [2, 4, 9])) == "0-2,4-7,9"
    assert to_string(with_indexes(parse("3-5", 10), [4])) == "3-5"  # an index counts once


def test_reading_intervals_cuts_them_at_completions_and_skips_corrupt_ones():
    assert parse("0-3,x,5-9,12", 7) == ((0, 3), (5, 6))
    assert parse("1,2,3", 10) == ((1, 3),)
    assert parse("", 3) == ()


def test_first_pending_indexes_skip_the_running_and_the_succeeded():
    assert first_pending([], parse("0,2", 6), 3, 6) == [1, 3, 4]
    assert first_pending([], parse("0-5", 6), 2, 6) == []
    assert first_pending([], (), 9, 3) == [0, 1, 2]


def test_a_pod_name_prefix_keeps_its_index_when_the_job_name_is_long():
    assert generate_name("pi", 12) == "pi-12-"
    prefix = generate_name("j" * 60, 7)
    assert len(prefix) == 58 and prefix.endswith("j-7-")


def test_an_indexed_job_runs_one_pod_per_index_and_completes_with_every_index():
    sim = run("job shop/work completions=3 parallelism=3 mode=Indexed { container run image=busybox "
              "{ exit 0 after 20s } }")
    status = sim.store.get("Job", "shop", "work").status
    assert (status.succeeded, status.failed, status.completed_indexes) == (3, 0, "0-2")
    assert status.condition("Complete").reason == "CompletionsReached"
    made = pods(sim)
    assert [completion_index(p) for p in made] == [0, 1, 2]
    for i, pod in enumerate(made):
        assert pod.name.startswith(f"work-{i}-") and len(pod.name) == len(f"work-{i}-") + 5
        assert pod.meta.label_dict()[INDEX_KEY] == dict(pod.meta.annotations)[INDEX_KEY] == str(i)
        template = pod.spec.template
        assert (template.hostname, template.subdomain) == (f"work-{i}", None)
        assert yaml.safe_load(template.containers[0].yaml)["env"] == [INDEX_ENV]


def test_the_index_variable_goes_to_every_container_after_its_env_unless_it_has_one():
    sim = run("""job shop/work completions=2 mode=Indexed {
  init setup image=busybox { exit 0 after 1s }
  container run image=busybox { env A=1; exit 0 after 5s }
  container own image=busybox { env JOB_COMPLETION_INDEX=7; exit 0 after 5s }
}""")
    template = pods(sim)[0].spec.template
    assert yaml.safe_load(template.init_containers[0].yaml)["env"] == [INDEX_ENV]
    run_c, own = template.containers
    assert [e.name for e in run_c.env] == ["A"] and yaml.safe_load(run_c.yaml)["env"] == [INDEX_ENV]
    assert own.yaml is None  # addCompletionIndexEnvVariable leaves a container that names the variable itself


def test_a_failed_index_is_replaced_by_a_pod_with_the_same_index():
    sim = run("job shop/work completions=3 parallelism=3 mode=Indexed { container run image=busybox "
              "{ exit 0 after 30s } }", 10_000)
    victim = next(p for p in pods(sim) if completion_index(p) == 1)
    sim.delete("Pod", "shop", victim.name, "kubectl")
    sim.run()
    made = pods(sim)
    assert [completion_index(p) for p in made] == [0, 1, 2, 1]
    assert made[3].name.startswith("work-1-") and made[3].spec.template.hostname == "work-1"
    status = sim.store.get("Job", "shop", "work").status
    assert (status.succeeded, status.failed, status.completed_indexes) == (3, 1, "0-2")


def test_failing_pods_retry_their_index_until_the_backoff_limit():
    sim = run("job shop/work completions=2 mode=Indexed backoff=1 { container run image=busybox "
              "{ exit 1 after 2s } }")
    assert [completion_index(p) for p in pods(sim)] == [0, 0]  # parallelism 1: index 0 first, and again
    status = sim.store.get("Job", "shop", "work").status
    assert (status.failed, status.succeeded, status.completed_indexes) == (2, 0, "")
    assert status.condition("Failed").reason == "BackoffLimitExceeded"


def test_indexes_succeed_in_any_order_and_the_status_says_which():
    sim = run("job shop/work completions=4 parallelism=2 mode=Indexed { container run image=busybox "
              "{ exit 0 after 10s } }", 13_000)
    status = sim.store.get("Job", "shop", "work").status
    assert (status.succeeded, status.completed_indexes, status.active) == (2, "0,1", 2)
    assert sorted(completion_index(p) for p in pods(sim, 13_000)) == [0, 1, 2, 3]


def test_a_non_indexed_job_has_no_index():
    sim = run("job shop/work completions=2 parallelism=2 { container run image=busybox { exit 0 after 5s } }")
    assert all(completion_index(p) == -1 and p.spec.template.hostname is None and p.spec.template.containers[0].yaml
               is None for p in pods(sim))
    assert sim.store.get("Job", "shop", "work").status.completed_indexes == ""
