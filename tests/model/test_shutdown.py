"""The container's `shutdown T`: its model, its errors and warning, and what it leaves as it was."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.engine.controllers.deployment_util import compute_hash
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from kdsl.model.pods import Behaviour
from kdsl.model.scenario import to_data

TEXT = "deployment web replicas=2 {\n  container app image=shop/app:1 {\n    shutdown 20s\n  }\n}\n"


def _container(text: str):
    return kdsl.parse(text, "t.kdsl").objects[0].template.containers[0]


def test_shutdown_is_the_time_from_sigterm_to_exit():
    assert _container(TEXT).behaviour == Behaviour(shutdown_ms=20_000)
    assert _container("pod p image=x:1").behaviour.shutdown_ms == 0  # not written: it exits at once


def test_it_survives_fmt():
    formatted = format_document(parse_document(TEXT, "t.kdsl"))
    assert "    shutdown 20s\n" in formatted
    assert kdsl.parse(formatted, "t.kdsl") == kdsl.parse(TEXT, "t.kdsl")


def test_a_template_without_it_keeps_its_repr_hash_and_dump():
    """pod-template-hash is the repr's hash: every scenario written before `shutdown` keeps its pod names."""
    plain = _container("pod p image=x:1").behaviour
    assert repr(plain) == ("Behaviour(start_ms=0, ready_after_ms=None, exit_code=None, exit_after_ms=None, "
                           "hang_after_ms=None, unready_after_ms=None, oom_after_ms=None, pull_fails=False, "
                           "pull_ms=None)")
    assert "shutdown_ms" not in to_data(plain)
    slow = Behaviour(shutdown_ms=20_000)
    assert repr(slow).endswith(", shutdown_ms=20000)") and to_data(slow)["shutdown_ms"] == 20_000
    a, b = (kdsl.parse(t, "t.kdsl").objects[0].template for t in (TEXT, TEXT.replace("20s", "5s")))
    assert compute_hash(a, None) != compute_hash(b, None)  # a new shutdown time is a new template: a rollout


@pytest.mark.parametrize("body,message,column", [
    ("shutdown soon", "`shutdown`: `soon` is not a duration; use ms, s, m, h or d, e.g. `30s` or `1m30s`", 14),
    ("shutdown 5s\n    shutdown 6s",
     "the container already says how long its process takes to exit after SIGTERM (`shutdown`)", 5),
])
def test_errors_are_located(body, message, column):
    text = f"pod p {{\n  container app image=x:1 {{\n    {body}\n  }}\n}}"
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(text, "t.kdsl")
    (d,) = info.value.errors
    assert (d.message, d.column) == (message, column)


def test_a_shutdown_longer_than_the_grace_is_a_warning():
    text = "pod p {\n  grace 10s\n  container app image=x:1 {\n    shutdown 20s\n  }\n}"
    (w,) = kdsl.parse(text, "t.kdsl").warnings
    assert (w.line, w.message) == (3, "pod default/p: container app takes 20s to exit after SIGTERM, longer than the "
                                      "pod's grace period of 10s: the kubelet kills it (SIGKILL, exit 137) when the "
                                      "grace period ends; `grace 20s` in the pod lets it finish")
    assert not kdsl.parse(text.replace("20s", "10s"), "t.kdsl").warnings
