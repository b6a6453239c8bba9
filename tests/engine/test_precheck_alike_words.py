"""Objects built alike but for a few words (kdsl/model/build/alike_words.py: the name, label values, images, the
namespace) are checked once an entry (a namespace, for the model's checks of references) but for those words, by the
model's checks and by the precheck: every diagnostic is that of checking each on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.engine import precheck as prechecking
from kdsl.engine.apiserver import validation
from kdsl.lang import parse_document
from kdsl.model.build import checks
from kdsl.model.build import scenario as building
from tests.engine.test_precheck_alike import _outcome
from tests.model.test_alike_words import EXTRAS, IMAGES, LABELS, NAMES, _text

CONTAINERS = ["port http 8080", 'env A="1"\nmount v at /x', "readiness http /h port=8080 delay=5s\nstart 3s",
              "shutdown 40s", "env DB from secret creds.password", "env C from configmap cfg.key", "port Bad_Port 80",
              "env 1A=\"x\"", "requests cpu=2\nlimits cpu=1", "mount nowhere at /y", "readiness http /h port=api"]


# Runs of the usual statement (most are made from an entry, checked and validated on their words), now and then one
# with other words (another namespace, an invalid name) or another statement.
USUAL = ("team-1", "web-{i}", "web-{i}", "registry.example.com/team-1/web-{i}:1.{i}", "busybox")
OTHER = st.tuples(st.sampled_from(["team-1", "team-2", "team-2", "web-0", None]), st.sampled_from(NAMES + ["Bad_Name"]),
                  st.sampled_from(LABELS), st.sampled_from(IMAGES), st.sampled_from(IMAGES))
STMTS = st.lists(st.one_of(*[st.just(USUAL)] * 4, st.just(("team-2", *USUAL[1:])),
                           st.sampled_from(IMAGES).map(lambda x: (*USUAL[:3], x, USUAL[4])),
                           st.just((USUAL[0], "Bad_Name-{i}", "{name}", *USUAL[3:])), OTHER),
                 min_size=3, max_size=12)


@settings(max_examples=120, deadline=None)
@given(kind=st.sampled_from(["deployment", "statefulset", "daemonset", "replicaset", "job", "pod"]),
       extras=EXTRAS, container=st.sampled_from(CONTAINERS), stmts=STMTS, config=st.booleans())
def test_objects_alike_but_for_words_are_checked_as_each_on_its_own(kind, extras, container, stmts, config):
    head = {"deployment": " replicas=3", "statefulset": " replicas=3", "replicaset": " replicas=2"}.get(kind, "")
    text = _text(kind, head, extras, container, stmts)
    if config:  # the references found in one namespace (team-1) and not in the others
        text = 'configmap team-1/cfg { key = "v" }\nsecret team-1/creds { password = "x" }\n' + text
    assert _outcome(text, False) == _outcome(text, True)


def test_parse_benchmarks_deployments_are_checked_once_an_entry(monkeypatch):
    stmts = [(f"team-{n}", f"web-{d}", "{name}", f"registry.example.com/team-{n}/web-{d}:1.{d}", "busybox")
             for n in range(1, 6) for d in range(20)]
    text = _text("deployment", " replicas=3", [], "port http 8080\nenv C from configmap cfg.key", stmts)
    text = "".join(f'configmap team-{n}/cfg {{ key = "v" }}\n' for n in range(1, 6)) + text
    templates, writes = [], []
    monkeypatch.setattr(checks, "_template", lambda *a: templates.append(a) or _template(*a))
    monkeypatch.setattr(validation, "registry", lambda *a: writes.append(a) or registry(*a))
    building.build(parse_document(text, "alike.kdsl"), later=prechecking.precheck)
    # built: team-1's web-0 and web-1, team-2's web-0 (whose namespace differs: a wider entry); made and checked, the
    # first of each namespace made (its references are looked up there): team-1's web-2, then each web-1 or web-0
    assert [(a[1].namespace, a[1].name) for a in templates] == [
        ("team-1", "web-0"), ("team-1", "web-1"), ("team-1", "web-2"), ("team-2", "web-0"), ("team-2", "web-1"),
        ("team-3", "web-0"), ("team-4", "web-0"), ("team-5", "web-0")]
    # validated: those built, and the first made of each entry; the others pass on their words
    assert [(a[0].meta.namespace, a[0].name) for a in writes if a[0].kind == "Deployment"] == [
        ("team-1", "web-0"), ("team-1", "web-1"), ("team-1", "web-2"), ("team-2", "web-0"), ("team-2", "web-1")]


_template, registry = checks._template, validation.registry
