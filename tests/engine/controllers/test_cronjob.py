"""The CronJob controller: cron schedules in simulated time, concurrency policies, history limits."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.controllers.cronjob import SCHEDULED_ANNOTATION, CronError, Schedule
from kdsl.engine.simulation import Simulation

NODE = "node n1 cpu=8 memory=16Gi\nnamespace shop\n"
MIN = 60_000


def run(text: str, until: int) -> Simulation:
    return Simulation(kdsl.parse(NODE + text)).run(until)


def events(sim, name, reason=None):
    return [(e.time_ms, e.reason, e.message) for e in sim.log.events
            if e.kind == "CronJob" and e.name == name and (reason is None or e.reason == reason)]


def test_schedules_read_like_robfig_cron():
    every2 = Schedule.parse("*/2 * * * *")
    assert every2.next_after(0) == 2 * MIN and every2.next_after(2 * MIN) == 4 * MIN
    assert Schedule.parse("0 2 * * *").next_after(0) == 2 * 60 * MIN
    assert Schedule.parse("@hourly").next_after(90 * MIN) == 120 * MIN
    # 1970-01-01 was a Thursday: the first Monday 09:30 is the 5th
    assert Schedule.parse("30 9 * * mon").next_after(0) == (4 * 24 * 60 + 9 * 60 + 30) * MIN
    # both day fields restricted: either matches (the 1st, a Thursday, or a Saturday)
    assert Schedule.parse("0 0 1 * 6").next_after(0) == 2 * 24 * 60 * MIN
    with pytest.raises(CronError, match=r"end of range \(61\) above maximum \(59\): 61"):
        Schedule.parse("61 * * * *")
    with pytest.raises(CronError, match="expected exactly 5 fields, found 1"):
        Schedule.parse("hourly")


def test_jobs_are_named_by_their_scheduled_minute_and_annotated():
    sim = run('cronjob shop/tick schedule="*/2 * * * *" { container run image=busybox { exit 0 after 10s } }',
              5 * MIN)
    created = events(sim, "tick", "SuccessfulCreate")
    assert created == [(2 * MIN + 100, "SuccessfulCreate", "Created job tick-2"),
                       (4 * MIN + 100, "SuccessfulCreate", "Created job tick-4")]
    job = sim.store.get("Job", "shop", "tick-2")
    assert dict(job.meta.annotations)[SCHEDULED_ANNOTATION] == "1970-01-01T00:02:00Z"
    (ref,) = job.meta.owners
    assert (ref.kind, ref.name) == ("CronJob", "tick")
    cj = sim.store.get("CronJob", "shop", "tick")
    assert cj.status.last_schedule_ms == 4 * MIN
    assert cj.status.last_successful_ms == sim.store.get("Job", "shop", "tick-4").status.completion_ms
    assert ("SawCompletedJob", "Saw completed job: tick-2, status: Complete") in [e[1:] for e in events(sim, "tick")]


def test_forbid_skips_a_start_while_the_last_job_runs():
    sim = run('cronjob shop/slow schedule="* * * * *" concurrency=Forbid { container run image=busybox '
              '{ exit 0 after 90s } }', 2 * MIN + 1_000)
    assert (2 * MIN + 100, "JobAlreadyActive", "Not starting job because prior execution is running and "
                                               "concurrency policy is Forbid") in events(sim, "slow")
    assert sim.store.get("Job", "shop", "slow-2") is None


def test_replace_deletes_the_running_job_for_the_new_one():
    sim = run('cronjob shop/rep schedule="* * * * *" concurrency=Replace { container run image=busybox '
              '{ exit 0 after 90s } }', 2 * MIN + 1_000)
    assert (2 * MIN + 100, "SuccessfulDelete", "Deleted job rep-1") in events(sim, "rep")
    assert sim.store.get("Job", "shop", "rep-1") is None and sim.store.get("Job", "shop", "rep-2") is not None
    assert [r.name for r in sim.store.get("CronJob", "shop", "rep").status.active] == ["rep-2"]


def test_allow_runs_jobs_side_by_side():
    sim = run('cronjob shop/all schedule="* * * * *" { container run image=busybox { exit 0 after 90s } }',
              2 * MIN + 1_000)
    assert [r.name for r in sim.store.get("CronJob", "shop", "all").status.active] == ["all-1", "all-2"]


def test_history_limits_keep_the_newest_finished_jobs():
    sim = run('cronjob shop/h schedule="* * * * *" successfulJobsHistoryLimit=2 { container run image=busybox '
              '{ exit 0 after 5s } }', 6 * MIN + 1_000)
    assert [j.name for j in sim.store.list("Job", "shop", by_name=True)] == ["h-4", "h-5", "h-6"]
    assert (3 * MIN + 7_100, "SuccessfulDelete", "Deleted job h-1") in events(sim, "h")


def test_suspend_starts_nothing():
    sim = run('cronjob shop/off schedule="* * * * *" suspend image=busybox', 3 * MIN)
    assert sim.store.count("Job", "shop") == 0


@pytest.mark.parametrize(("schedule", "detail"), [
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("every minute", "expected exactly 5 fields, found 2: [every minute]"),  # Go prints the slice so
    ("TZ=UTC * * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")])
def test_a_schedule_robfig_cron_cannot_read_is_refused_as_the_api_server_refuses_it(schedule, detail):
    # validateScheduleFormat (pkg/apis/batch/validation/validation.go); tests/oracle schedule-invalid/CronJob
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(NODE + f'cronjob shop/bad schedule="{schedule}" image=busybox\n')
    assert f'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "{schedule}": {detail}' in str(info.value)
