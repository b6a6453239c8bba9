"""The Job controller: pods to completion, failures with back-off, deadlines, time to live."""

from __future__ import annotations

import kdsl
from kdsl.engine.apiserver.strategy import CONTROLLER_UID_LABEL, JOB_NAME_LABEL
from kdsl.engine.controllers.job_util import Backoff, JobStatus
from kdsl.engine.apiserver.defaults import ALPHABET
from kdsl.engine.simulation import Simulation

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"


def run(text: str, until: int | None = None) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(until)


def job(sim, name, at=None):
    key = ("Job", "shop", name)
    return sim.store.get(*key) if at is None else sim.store.at(key, at)


def events(sim, reason=None, name=None):
    return [(e.time_ms, e.reason, e.message) for e in sim.log.events
            if (reason is None or e.reason == reason) and (name is None or e.name == name)]


def test_a_job_runs_its_completions_one_at_a_time_and_completes():
    sim = run("job shop/migrate completions=2 { container run image=busybox { exit 0 after 20s } }")
    status = job(sim, "migrate").status
    assert (status.succeeded, status.failed, status.active) == (2, 0, 0)
    complete = status.condition("Complete")
    assert (complete.reason, complete.message) == ("CompletionsReached", "Reached expected number of succeeded pods")
    assert status.condition("SuccessCriteriaMet") is not None
    assert status.start_ms == 0 and status.completion_ms == complete.last_transition_ms
    created = events(sim, "SuccessfulCreate", "migrate")
    assert len(created) == 2 and all(m.startswith("Created pod: migrate-") for _, _, m in created)
    # the first pod ends at 21 s (1 s sandbox + 20 s); the controller syncs a second later, batched
    assert created[1][0] == 22_000
    assert events(sim, "Completed", "migrate") == [(complete.last_transition_ms, "Completed", "Job completed")]


def test_pods_are_named_and_labelled_as_kubernetes_does():
    sim = run("job shop/migrate { labels app=mig; container run image=busybox { exit 0 after 1s } }")
    j = job(sim, "migrate")
    (pod,) = sim.store.list("Pod", "shop")
    assert pod.name.startswith("migrate-") and len(pod.name) == len("migrate-") + 5
    assert set(pod.name[len("migrate-"):]) <= set(ALPHABET)
    labels = pod.meta.label_dict()
    assert labels[JOB_NAME_LABEL] == labels["job-name"] == "migrate"
    assert labels[CONTROLLER_UID_LABEL] == labels["controller-uid"] == j.meta.uid
    assert labels["app"] == "mig"
    (ref,) = pod.meta.owners
    assert (ref.kind, ref.name, ref.uid, ref.controller, ref.block_owner_deletion) == (
        "Job", "migrate", j.meta.uid, True, True)


def test_failed_pods_are_replaced_with_exponential_back_off_until_the_backoff_limit():
    sim = run("job shop/bad backoff=2 { container run image=busybox { exit 1 after 5s } }")
    status = job(sim, "bad").status
    assert (status.failed, status.succeeded, status.active) == (3, 0, 0)  # backoffLimit 2: the third failure ends it
    failed = status.condition("Failed")
    assert (failed.reason, failed.message) == ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
    assert status.condition("FailureTarget").reason == "BackoffLimitExceeded"
    assert status.completion_ms is None
    # pods fail 6 s after creation; the next one waits 10 s, then 20 s from the last failure
    assert [t for t, _, _ in events(sim, "SuccessfulCreate", "bad")] == [0, 16_000, 42_000]
    assert events(sim, "BackoffLimitExceeded", "bad") == [(49_000, "BackoffLimitExceeded",
                                                            "Job has reached the specified backoff limit")]
    assert [e.type for e in sim.log.events if e.reason == "BackoffLimitExceeded"] == ["Warning"]


def test_the_back_off_doubles_up_to_ten_minutes_and_a_success_resets_it():
    assert Backoff(1, 0).remaining_ms(0) == 10_000
    assert Backoff(3, 0).remaining_ms(5_000) == 35_000
    assert Backoff(20, 0).remaining_ms(0) == 600_000
    assert Backoff(2, 1_000).after([5_000], [3_000]) == Backoff(0, None)
    assert Backoff(0, None).after([5_000], [7_000, 3_000]) == Backoff(1, 7_000)


def test_parallelism_runs_pods_at_once_and_never_more_than_completions_need():
    sim = run("job shop/wide completions=3 parallelism=5 { container run image=busybox { exit 0 after 10s } }")
    assert [t for t, _, _ in events(sim, "SuccessfulCreate", "wide")] == [0, 0, 0]
    assert job(sim, "wide", 5_000).status.active == 3
    assert job(sim, "wide").status.succeeded == 3


def test_active_deadline_fails_the_job_and_deletes_its_running_pods():
    sim = run("job shop/slow deadline=30s { container run image=busybox { exit 0 after 5m } }")
    status = job(sim, "slow").status
    failed = status.condition("Failed")
    assert (failed.reason, failed.message) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    assert status.failed == 1 and status.active == 0
    assert job(sim, "slow", 30_000).status.condition("FailureTarget") is not None
    assert events(sim, "SuccessfulDelete", "slow")[0][:2] == (30_000, "SuccessfulDelete")
    assert not sim.store.list("Pod", "shop")  # a deleted pod goes once its container stops


def test_restart_on_failure_counts_container_restarts_against_the_backoff_limit():
    sim = run("job shop/flaky backoff=2 { restart OnFailure; container run image=busybox { exit 1 after 1s } }",
              until=600_000)
    failed = job(sim, "flaky").status.condition("Failed")
    assert failed is not None and failed.reason == "BackoffLimitExceeded"
    assert len(events(sim, "SuccessfulCreate", "flaky")) == 1  # the kubelet restarts; no new pod


def test_ttl_after_finished_deletes_the_job_and_then_its_pods():
    sim = run("job shop/once ttl=1m { container run image=busybox { exit 0 after 1s } }")
    done = job(sim, "once", 3_000).status.condition("Complete").last_transition_ms
    assert job(sim, "once", done + 59_999) is not None
    assert job(sim, "once", done + 60_000) is None
    assert sim.store.kind_at("Pod", "shop", done + 60_000) == []


def test_a_quota_refusal_is_an_event_on_the_job_and_is_retried():
    sim = run("""
namespace team { quota pods=1 }
pod team/hog image=nginx
job team/j { container run image=busybox { exit 0 after 1s } }
at 30s: delete pod team/hog
""")
    refused = [e for e in sim.log.events if e.reason == "FailedCreate" and e.kind == "Job"]
    assert refused and refused[0].message.startswith('Error creating: pods "j-')
    assert "exceeded quota: quota" in refused[0].message
    assert sim.store.get("Job", "team", "j").status.condition("Complete") is not None


def test_job_expectations_read_the_counters_and_the_flags():
    sim = run("""
job shop/ok { container run image=busybox { exit 0 after 1s } }
job shop/bad backoff=0 { container run image=busybox { exit 1 after 1s } }
job shop/ok-after-a-failure completions=2 parallelism=2 backoff=3 { container run image=busybox { exit 0 after 1s } }
expect job shop/ok complete succeeded=1 failed=0
expect job shop/bad failed failed=1 active=0
expect job shop/bad complete=false
expect jobs shop count=3
expect job shop/ok failed
""")
    results = sim.check()
    assert [r.passed for r in results] == [True, True, True, True, False], [(r.text, r.found) for r in results]


def test_jobs_and_cronjobs_are_simulated():
    sim = Simulation(kdsl.parse(NODE + "job shop/j image=busybox\ncronjob shop/c schedule=\"@hourly\" image=busybox"))
    assert sim.not_simulated == {}
    assert JobStatus().finished is None


def test_job_completions_10000_parallelism_10000_a_generated_name_that_collides_is_drawn_again(monkeypatch):
    # 10,000 pods of `<job>-<5 random>` make a collision likely; the create then met 409 AlreadyExists, which
    # records no rejection, and the controller read `sim.rejections[-1]` of an empty list (IndexError).
    import kdsl.engine.apiserver.defaults as defaults

    drawn = iter(["migrate-aaaaa", "migrate-aaaaa", "migrate-bbbbb", "migrate-ccccc"])
    monkeypatch.setattr(defaults, "generate_name", lambda base, rng: next(drawn))
    sim = run("job shop/migrate completions=3 parallelism=3 { container run image=busybox { exit 0 after 20s } }",
              10_000)
    pods = sorted(p.name for p in sim.store.list("Pod"))
    assert pods == ["migrate-aaaaa", "migrate-bbbbb", "migrate-ccccc"]
    assert not sim.rejections and not events(sim, "FailedCreate")


def test_naming_generate_free_name_skips_names_already_taken():
    import random

    from kdsl.engine.apiserver.defaults import generate_free_name, generate_name

    first = generate_name("web-", random.Random(3))
    assert generate_free_name("web-", random.Random(3), lambda n: n == first) != first
