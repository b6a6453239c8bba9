"""A job's `mode=Indexed` (spec.completionMode): built into the model, kept by `kdsl fmt`, and refused where the
API server refuses it (pkg/apis/batch/validation/validation.go), at the statement."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.interop.emit import emit
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document


def only(text: str):
    [obj] = kdsl.parse(text).objects
    return obj


@pytest.mark.parametrize("text, mode", [
    ("job work image=busybox", "NonIndexed"),
    ("job work image=busybox completions=3 mode=Indexed", "Indexed"),
    ("job work image=busybox completions=3 mode=indexed", "Indexed"),  # as every choice, without regard to case
    ("job work image=busybox completions=3 completionMode=Indexed", "Indexed"),  # Kubernetes' own name
    ("job work image=busybox mode=NonIndexed", "NonIndexed"),
])
def test_the_mode_is_the_jobs_completion_mode(text, mode):
    assert only(text).completion_mode == mode


def test_a_cronjobs_job_takes_the_mode_too():
    cron = only('cronjob nightly schedule="0 2 * * *" completions=2 mode=Indexed image=busybox')
    assert cron.job.completion_mode == "Indexed"


def test_fmt_writes_the_mode_after_the_counts_and_means_the_same():
    messy = "job   work  mode=indexed   completions=3 parallelism=2 image=busybox\n"
    formatted = format_document(parse_document(messy, "j.kdsl"))
    assert formatted == "job work mode=indexed completions=3 parallelism=2 image=busybox\n"
    assert kdsl.parse(formatted) == kdsl.parse(messy)
    text = emit(kdsl.parse(messy).objects)  # the model written as kdsl text names the mode as Kubernetes does
    assert "job work completions=3 parallelism=2 mode=Indexed" in text
    assert kdsl.parse(text).objects == kdsl.parse(messy).objects


# (id, text, the one error's message, its column); every error is on line 1
ERRORS = [
    ("completions", "job work image=busybox parallelism=2 mode=Indexed",
     "job default/work: spec.completions: Required value: when completion mode is Indexed", 1),
    ("cronjob", 'cronjob c schedule="* * * * *" parallelism=2 mode=Indexed image=busybox',
     "cronjob default/c: spec.jobTemplate.spec.completions: Required value: when completion mode is Indexed", 1),
    ("parallelism", "job work image=busybox completions=3 parallelism=100001 mode=Indexed",
     ("job default/work: spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when "
      "completion mode is Indexed"), 38),
    ("unknown-mode", "job work image=busybox mode=Sometimes",
     "`mode` of job default/work: `Sometimes` is not one of Indexed or NonIndexed", 29),
]


def error_of(text: str) -> tuple:
    try:
        kdsl.parse(text, "j.kdsl")
    except kdsl.ScenarioError as exc:
        return tuple((d.message, d.line, d.column) for d in exc.errors)
    raise AssertionError(f"no error for {text!r}")


@pytest.mark.parametrize("text, message, column", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_a_mode_the_api_server_refuses_is_refused_at_its_statement(text, message, column):
    assert error_of(text) == ((message, 1, column),)


def test_an_indexed_job_without_parallelism_needs_no_completions():
    # SetDefaults_Job gives completions 1 when neither count is set, so the API server takes it
    job = only("job work image=busybox mode=Indexed")
    assert (job.completions, job.parallelism, job.completion_mode) == (1, 1, "Indexed")
