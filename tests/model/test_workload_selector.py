"""The workload `selector` statement: a label selector that differs from the template's labels, refused at
check time, at the statement, as the API server refuses it (pkg/apis/apps/validation/validation.go)."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.model.base import Requirement, Selector

EMPTY = ("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
         "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for ")
MISMATCH = "`selector` does not match template `labels`"

# (id, text, message, line, column); the case's only error.
CASES = [
    ("not-matching", "deployment web image=nginx {\n  labels app=web version=v1\n  selector app=db\n}",
     'deployment default/web: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", '
     f'"version":"v1"}}: {MISMATCH}', 3, 3),
    ("set-based-not-matching", "statefulset db image=pg { labels app=db; selector app=db tier in (data,cache) }",
     f'statefulset default/db: spec.template.metadata.labels: Invalid value: map[string]string{{"app":"db"}}: '
     f"{MISMATCH}", 1, 42),
    ("default-labels", "daemonset agent image=a { selector app=other }",
     f'daemonset default/agent: spec.template.metadata.labels: Invalid value: map[string]string{{"app":"agent"}}: '
     f"{MISMATCH}", 1, 27),
    ("empty", "deployment web image=nginx { labels app=web; selector }",
     "deployment default/web: " + EMPTY + "deployment", 1, 46),
    ("empty-replicaset", "replicaset web image=nginx { labels app=web; selector }",  # upstream reuses the word
     "replicaset default/web: " + EMPTY + "deployment", 1, 46),
    ("empty-statefulset", "statefulset web image=nginx { selector }",
     "statefulset default/web: " + EMPTY + "statefulset", 1, 31),
    ("empty-rc", "replicationcontroller web image=nginx { selector }",
     "replicationcontroller default/web: spec.selector: Required value", 1, 41),
    ("rc-set-based", "replicationcontroller web image=nginx { selector app in (web) }",
     "the selector of a replicationcontroller is a map of labels: write `key=value` only", 1, 50),
    ("twice", "deployment web image=nginx { selector app=web; selector app=web }",
     "deployment default/web has two selectors", 1, 48),
    ("job", "job once image=busybox { selector app=once }", "`selector` is not allowed in a job", 1, 26),
    ("pod", "pod p image=busybox { selector app=p }", "`selector` is not allowed in a pod", 1, 23),
    ("bad-key", "deployment web image=nginx { labels app=web; selector app=web -bad=x }",
     'deployment default/web: spec.selector.matchLabels: Invalid value: "-bad": name part must consist of '
     "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
     "[A-Za-z0-9]')", 1, 63),
]


@pytest.mark.parametrize("text, message, line, column", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_selector_error(text, message, line, column):
    with pytest.raises(kdsl.ScenarioError) as caught:
        kdsl.parse(text, "s.kdsl")
    [d] = caught.value.errors
    assert (d.message, d.line, d.column) == (message, line, column)


def test_a_selector_narrower_than_the_labels_is_the_workloads_and_its_pods_keep_every_label():
    s = kdsl.parse("cluster c { nodes w count=1 cpu=4 memory=8Gi }\ndeployment web replicas=2 image=nginx {\n  labels app=web version=v1\n"
                   "  selector app=web track notin (canary) !legacy\n}\nrun 30s")
    [web] = s.objects
    assert web.selector == Selector((("app", "web"),), (Requirement("track", "NotIn", ("canary",)),
                                                         Requirement("legacy", "DoesNotExist")))
    assert web.template.labels == (("app", "web"), ("version", "v1"))
    sim = kdsl.simulate(s)
    assert len(sim.pods()) == 2 and set(sim.pods()["STATUS"]) == {"Running"}


def test_without_a_selector_statement_the_selector_is_the_template_labels():
    [web] = kdsl.parse("deployment web image=nginx { labels app=web version=v1 }").objects
    assert web.selector == Selector((("app", "web"), ("version", "v1")))
