"""The event log: order kept, identical consecutive events counted, one line each."""

import attrs

from kdsl.engine.events import Event, EventLog, new_event, retold


def ev(t, reason="BackOff", message="Back-off restarting failed container"):
    return Event(time_ms=t, type="Warning", reason=reason, kind="Pod", namespace="shop", name="web",
                 message=message, source="kubelet")


def test_new_event_is_the_event_its_keywords_make():
    made = new_event(1500, "Normal", "Created", "Pod", "shop", "web", "Created container app", "kubelet")
    given = Event(time_ms=1500, type="Normal", reason="Created", kind="Pod", namespace="shop", name="web",
                  message="Created container app", source="kubelet")
    assert type(made) is Event and made == given and attrs.asdict(made) == attrs.asdict(given)


def test_retold_events_are_the_events_evolved_with_the_other_objects_namespace_and_name():
    told = [ev(10), attrs.evolve(ev(20, reason="Pulled", message="pulled"), type="Normal", count=3)]
    again = retold(told, "other", "api-1")
    assert again == [attrs.evolve(e, namespace="other", name="api-1") for e in told]
    assert all(type(e) is Event for e in again) and [attrs.asdict(e) for e in again] == \
        [attrs.asdict(attrs.evolve(e, namespace="other", name="api-1")) for e in told]
    assert told == [ev(10), attrs.evolve(ev(20, reason="Pulled", message="pulled"), type="Normal", count=3)]


def test_repeats_raise_the_count_of_the_last_event():
    log = EventLog()
    log.record(ev(10))
    log.record(ev(20))
    log.record(ev(30, reason="Started", message="Started container app"))
    log.record(ev(40))
    assert [(e.time_ms, e.count) for e in log.events] == [(20, 2), (30, 1), (40, 1)]


def test_text_is_one_line_an_event():
    log = EventLog()
    log.record(ev(1500))
    assert log.text() == (" 1s500ms  shop         Warning BackOff              pod/web: "
                          "Back-off restarting failed container\n")


def test_a_node_event_is_filed_in_default_as_client_go_files_it():
    import kdsl

    sim = kdsl.simulate(kdsl.parse(
        "cluster { node n1 cpu=2 memory=4Gi\n node n2 cpu=2 memory=4Gi }\n"
        "at 10s: fail node n2\nrun 2m\n"
        "expect events default reason=NodeNotReady object=node/n2 count=1\n"
        "expect events kube-system reason=NodeNotReady count=0\n"))
    results = sim.check()
    assert len(results) == 2 and results.passed, [r.found for r in results]
    table = sim.events(namespace="default")
    assert ("NodeNotReady", "node/n2") in set(zip(table["REASON"], table["OBJECT"]))
    assert "default" in set(sim.events()["NAMESPACE"])


def test_expect_events_counts_the_occurrences_up_to_its_moment():
    """A drain's refusals repeat every 5 s with nothing between: the log folds them into one line stamped 35s
    (x6), yet at 20s three of them had happened."""
    import kdsl

    sim = kdsl.simulate(kdsl.parse(
        "node n1\nnode n2\nnamespace shop {\n  deployment web replicas=2 image=nginx:1.25\n"
        "  pdb web-pdb selects app=web minAvailable=2\n}\nat 10s: drain node n1 timeout=30s\nrun 1m\n"
        "expect events default reason=DrainWarning message~\"will retry after 5s\" count=3 at 20s\n"
        "expect events default reason=DrainWarning message~\"will retry after 5s\" count=6\n"))
    results = sim.check()
    assert [r.found for r in results] == ["count=3", "count=6"] and results.passed
