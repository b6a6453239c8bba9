"""Workload statements over several lines alike but for their name, label values and images are built from the first
one's object (kdsl/model/build/alike_words.py): the scenario, its spans and every message are those of building each
statement on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kdsl.lang import parse_document
from kdsl.model.build import alike_fit, alike_words
from kdsl.model.build import scenario as building
from kdsl.model.build.workloads import build_workload
from tests.model.test_alike import _same

# Words chosen to meet each other and the statement's other words: a label value that is the name, a key or another
# value of the statement, a name that is the namespace, images with and without a tag; a few invalid ones. `{i}` is
# the statement's number, `{name}` and `{label}` its name and label value.
NAMES = ["web-{i}", "web-{i}", "web-{i}", "web-{i}", "{label}", "app", "frontend", "zone", "team-1", "http"]
LABELS = ["web-{i}", "web-{i}", "web-{i}", "{name}", "{name}", "app", "frontend", "zone", "web-0", "http", "a" * 63]
IMAGES = ["registry.example.com/team-1/web-{i}:1.{i}", "registry.example.com/team-1/web-{i}:1.{i}", "reg/web-{i}",
          "reg/{name}:latest", "{name}", "{label}", "nginx:latest", "busybox", "img@sha256:abc", "web-0", "frontend",
          "localhost:5000/app", '"spaced image"']
EXTRAS = st.lists(st.sampled_from([
    "selector app=web-0", "spread topology=zone app=web-1", "spread topology=zone app=web-3",
    "spread topology=zone maxSkew=1", "volume v emptydir",
    "init setup image={image2}", "toleration dedicated=web:NoExecute for=300s", "strategy rolling maxSurge=25%",
    "annotations note=web-0", "node-selector zone=a", 'yaml """\n    spec:\n      minReadySeconds: 5\n    """',
    "container side image={image2} {{ env B from configmap cfg.key }}", "labels extra={label}",
    "priority 5", "serviceaccount builder"]), max_size=3)


def _stmts(names: list[str], labels: list[str]):
    """Statements of one form (a scenario's are alike), now and then with another image, or of another form."""
    form = st.tuples(st.sampled_from(names), st.sampled_from(labels), st.sampled_from(IMAGES), st.sampled_from(IMAGES))
    spaces = st.sampled_from(["team-1", "team-1", "team-2", "web-0", None])

    def statements(usual):
        image = st.sampled_from(IMAGES).map(lambda x: (*usual[:2], x, usual[3]))
        one = st.one_of(st.just(usual), st.just(usual), st.just(usual), image, form)
        return st.lists(st.tuples(spaces, one), min_size=2, max_size=8).map(lambda xs: [(ns, *f) for ns, f in xs])
    return form.flatmap(statements)


STMTS = st.one_of(_stmts(NAMES, LABELS), _stmts(NAMES, LABELS), _stmts(NAMES + ["Bad_Name", "ns/web-{i}"], LABELS),
                  _stmts(NAMES, LABELS + ["_bad", "a" * 64]))


def _text(kind: str, head: str, extras: list[str], container: str, stmts) -> str:
    out: list[str] = []
    open_ns, seen = None, set()
    order = list(dict.fromkeys(ns for ns, *_ in stmts))  # a namespace's statements together: each declared once
    for i, (ns, name, label, image, image2) in sorted(enumerate(stmts), key=lambda x: order.index(x[1][0])):
        if ns != open_ns:
            if open_ns is not None:
                out.append("}")
            if ns is not None:
                out.append(f"namespace {ns} {{")
            open_ns = ns
        name = name.format(i=i, label=label.format(i=i, name="n"))
        name = name if (ns, name) not in seen else f"{name}-{i}"  # mostly one object each: no error for twice
        seen.add((ns, name))
        label = label.format(i=i, name=name)
        image, image2 = image.format(i=i, name=name, label=label), image2.format(i=i, name=name, label=label)
        out += [f"  {kind} {name}{head} {{", f"    labels app={label} tier=frontend",
                *(f"    {x.format(image2=image2, label=label)}" for x in extras),
                *(["    volume v emptydir"] if "mount v" in container and "volume v emptydir" not in extras else []),
                f"    container app image={image} {{", *(f"      {x}" for x in container.splitlines()), "    }",
                "  }"]
    if open_ns is not None:
        out.append("}")
    return "\n".join(out) + "\n"


@settings(max_examples=120, deadline=None)
@given(kind=st.sampled_from(["deployment", "statefulset", "daemonset", "replicaset", "job", "pod", "cronjob"]),
       head=st.sampled_from(["fits", "fits", "fits", "", " image=busybox", " replicas=x"]),
       extras=EXTRAS, container=st.sampled_from(["port http 8080", 'env A="1"\nmount v at /x',
                                                  "readiness http /h port=8080 delay=5s\nstart 3s", "shutdown 40s",
                                                  "env DB from secret creds.password"]),
       stmts=STMTS)
def test_statements_alike_but_for_words_build_as_each_on_its_own(kind, head, extras, container, stmts):
    if head == "fits":
        head = {"cronjob": ' schedule="*/5 * * * *"', "deployment": " replicas=3", "statefulset": " replicas=3",
                "replicaset": " replicas=2"}.get(kind, "")
    _same(_text(kind, head, extras, container, stmts))


def test_parse_benchmarks_deployments_are_built_from_one_entry(monkeypatch):
    stmts = [(f"team-{n}", f"web-{d}", "{name}", f"registry.example.com/team-{n}/web-{d}:1.{d}", "busybox")
             for n in range(1, 6) for d in range(20)]
    text = _text(
        "deployment", " replicas=3", ["volume config configmap=app-config", "spread topology=zone maxSkew=1"],
        'port http 8080\nenv LOG_LEVEL="info"\nmount config at /etc/app readonly\nliveness tcp port=8080', stmts)
    calls = []
    with monkeypatch.context() as m:
        m.setattr(alike_words, "build_workload", lambda *a: calls.append(a) or build_workload(*a))
        building.build(parse_document(text, "alike.kdsl"))
    # the first two (web-0, web-1 of team-1), and team-2's web-0, the first in another namespace
    assert [(a[2], a[1].head[1].text) for a in calls] == [("team-1", "web-0"), ("team-1", "web-1"),
                                                          ("team-2", "web-0")]
    _same(text)


def _deployments(lines: list[tuple[str, str]], extra: str = "") -> str:
    return "namespace team-1 {\n" + "".join(
        f"  deployment web-{i} replicas=3 {{\n    labels app={label} tier=frontend\n{extra}"
        f"    container app image={image} {{\n      port http 8080\n    }}\n  }}\n"
        for i, (label, image) in enumerate(lines)) + "}\n"


def test_an_image_whose_default_pull_policy_differs_is_built_on_its_own():
    images = ["reg/web:1", "reg/web:2", "reg/web:3", "reg/web:latest", "reg/web", "reg/web@sha256:abc", "reg/web:4"]
    text = _deployments([(f"web-{i}", image) for i, image in enumerate(images)])
    _same(text)
    pulls = [o.template.containers[0].image_pull_policy for o in building.build(parse_document(text, "a.kdsl")).objects
             if o.kind == "Deployment"]
    assert pulls == ["IfNotPresent"] * 3 + ["Always", "Always", "IfNotPresent", "IfNotPresent"]


def test_a_label_value_that_is_another_word_of_the_statement_is_built_on_its_own():
    # web-3's spread selects its own labels: the default selector (None), which the first two do not have
    text = _deployments([(f"web-{i}", f"reg/web:{i}") for i in range(6)],
                        "    spread topology=zone app=web-3 tier=frontend\n")
    _same(text)
    spreads = [o.template.spread[0].selector for o in building.build(parse_document(text, "a.kdsl")).objects
               if o.kind == "Deployment"]
    assert [s is None for s in spreads] == [False, False, False, True, False, False]


# An entry's compiled fit (alike_words.fit_of) against the plain path (alike_words.fits): texts drawn from a few
# words so that they meet each other, the first statement's and the statement's other words; images with a tag,
# latest or none (what the pull policy reads), label values invalid or not, names with a `/`.
FIT_WORDS = ["web-0", "web-1", "team-1", "frontend", "reg/web:1.0", "reg/web:latest", "reg/web", "busybox", "_bad",
             "a" * 64, "ns/web", "default"]


@st.composite
def _fit_cases(draw):
    roles = draw(st.lists(st.sampled_from(["name", "label", "image"]), min_size=1, max_size=5))
    slots = tuple(((i,), r) for i, r in enumerate(roles))
    words = st.sampled_from(FIT_WORDS)
    old = tuple(draw(st.lists(words, min_size=len(roles) + 1, max_size=len(roles) + 1)))
    varying = frozenset(draw(st.sets(st.integers(0, len(roles)))))
    others = frozenset(draw(st.sets(words, max_size=4)))
    # mostly the first one's texts with a few changed: equal, WIDER and each kind of refusal are all met
    texts = tuple(draw(st.one_of(st.just(t), st.just(t), words)) for t in old)
    return slots, old, varying, others, texts


@settings(max_examples=600, deadline=None)
@given(_fit_cases())
def test_an_entrys_compiled_fit_says_what_the_plain_path_says(case):
    slots, old, varying, others, texts = case
    pulls = alike_fit.readings(slots, old)  # as Entry.learn: the first statement's readings
    plain = alike_fit.fits(texts, slots, old, pulls, alike_fit.pattern_of(old), varying, others)
    assert alike_fit.fit_of(slots, old, varying)(pulls, others, texts) is plain
