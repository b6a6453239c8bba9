"""A pod's containers on the kubelet: the oracles of k8s-semantics.md for phases, reasons, conditions,
STATUS strings and times (containers start at START = 1 s, when the sandbox is ready)."""

from __future__ import annotations

from kdsl.engine.kubelet.pod import Config
from kdsl.engine.kubelet.runtime import apply, new_pod, next_event, run_pod, with_condition
from kdsl.engine.objects import Condition, Running, Terminated, Waiting

from .helpers import START, columns, cond, play, state, template


def restarts(trace, name):
    """(exit time, restart time) of every restart of a container, from the statuses."""
    out = []
    for pod in trace.states:
        s = pod.ctr(name).status
        if isinstance(s.state, Running) and s.last_state is not None:
            pair = (s.last_state.finished_ms, s.state.started_ms)
            if not out or out[-1] != pair:
                out.append(pair)
    return out


def waits(trace, name):
    return [(start - exit_) // 1000 for exit_, start in restarts(trace, name)]


def test_oracle_01_never_exit_1_fails_with_error():
    tr = play("restart Never\ncontainer app image=busybox:1.36 { exit 1 after 5s }", 60_000)
    end = START + 5_000
    assert tr.status(end - 1).phase == "Running"
    assert tr.status(end).phase == "Failed"
    assert state(tr, end, "app").state == Terminated(exit_code=1, reason="Error", started_ms=START, finished_ms=end)
    assert cond(tr, end, "ContainersReady") == ("False", "PodFailed", "")
    assert cond(tr, end, "Ready") == ("False", "PodFailed", "")
    assert tr.status(end).condition("Ready").last_transition_ms == end
    assert columns(tr, end) == ("0/1", "Error", "0")
    assert tr.last.sandbox == "gone" and cond(tr, end, "PodReadyToStartContainers")[0] == "False"


def test_oracle_02_onfailure_exit_0_succeeds_completed():
    tr = play("restart OnFailure\ncontainer app image=busybox:1.36 { exit 0 after 5s }", 60_000)
    end = START + 5_000
    assert tr.status(end).phase == "Succeeded"
    assert cond(tr, end, "ContainersReady") == ("False", "PodCompleted", "")
    assert cond(tr, end, "Ready") == ("False", "PodCompleted", "")
    assert cond(tr, end, "Initialized") == ("True", "PodCompleted", "")  # even without init containers
    assert columns(tr, end) == ("0/1", "Completed", "0")
    assert tr.status(60_000).phase == "Succeeded"


def test_oracle_03_onfailure_exit_1_crash_loop_back_off():
    tr = play("restart OnFailure\ncontainer app image=busybox:1.36 { crash after 5s }", 60_000)
    first, second = START + 5_000, START + 10_000
    # the first exit restarts at once (no back-off entry yet): restartCount 1, lastState the exit
    s = state(tr, first, "app")
    assert s.restart_count == 1 and s.state == Running(first)
    assert s.last_state == Terminated(1, "Error", START, first)
    # the second exit waits 10 s: Error until the kubelet's next sync, then CrashLoopBackOff
    assert state(tr, second, "app").state == Terminated(1, "Error", first, second)
    assert columns(tr, second) == ("0/1", "Error", "1")
    for t in (second + 1_000, second + 9_999):
        s = state(tr, t, "app")
        assert s.state == Waiting("CrashLoopBackOff", "back-off 10s restarting failed container=app pod=p_default(u1)")
        assert s.last_state == Terminated(1, "Error", first, second) and not s.ready
        assert columns(tr, t) == ("0/1", "CrashLoopBackOff", "1")
        assert cond(tr, t, "Ready") == ("False", "ContainersNotReady", "containers with unready status: [app]")
        assert tr.status(t).phase == "Running"
    assert state(tr, second + 10_000, "app").restart_count == 2
    assert any(e.reason == "BackOff" and e.message == "Back-off restarting failed container app in pod p_default(u1)"
               for e in tr.events)


def test_oracle_04_always_exit_0_restarts_with_doubling_back_off():
    tr = play("restart Always\ncontainer app image=busybox:1.36 { exit 0 after 1s }", 2_000_000)
    assert waits(tr, "app")[:9] == [0, 10, 20, 40, 80, 160, 300, 300, 300]
    assert {s.status.phase for s in tr.states[3:]} == {"Running"}
    exit2 = restarts(tr, "app")[1][0]
    assert columns(tr, exit2)[1] == "Completed"
    assert columns(tr, exit2 + 1_000)[1] == "CrashLoopBackOff"


def test_oracle_05_back_off_forgotten_after_600s_of_running():
    # runs of 599 s keep the back-off growing; runs of 601 s find it expired (client-go hasExpired:
    # more than 2 x 300 s since it was last raised), so every exit restarts at once, as a first exit does
    assert waits(play("container app image=x:1 { crash after 599s }", 3_000_000), "app")[:4] == [0, 10, 20, 40]
    assert waits(play("container app image=x:1 { crash after 601s }", 3_000_000), "app")[:4] == [0, 0, 0, 0]


def test_oracle_06_two_containers_never():
    body = "restart Never\ncontainer a image=x:1 { exit 0 after 5s }\ncontainer b image=x:1 { %s after 20s }"
    tr = play(body % "crash", 60_000)
    assert tr.status(START + 5_000).phase == "Running"
    assert columns(tr, START + 5_000) == ("1/2", "NotReady", "0")  # a Completed, b still running
    assert tr.status(START + 20_000).phase == "Failed"
    assert columns(tr, START + 20_000) == ("0/2", "Completed", "0")  # the first container in spec order wins
    tr = play(body % "exit 0", 60_000)
    assert tr.status(START + 20_000).phase == "Succeeded"


def test_oracle_07_init_exit_1_never_fails_init_error():
    tr = play("restart Never\ninit init image=busybox:1.36 { crash after 2s }\ncontainer app image=nginx:1.25", 60_000)
    end = START + 2_000
    assert tr.status(end - 1).phase == "Pending" and columns(tr, end - 1)[1] == "Init:0/1"
    assert tr.status(end).phase == "Failed"
    assert columns(tr, end) == ("0/1", "Init:Error", "0")
    assert state(tr, end, "app").state == Waiting("PodInitializing")
    assert cond(tr, end, "Initialized") == ("False", "ContainersNotInitialized",
                                           "containers with incomplete status: [init]")
    assert cond(tr, end, "Ready") == ("False", "PodFailed", "")
    assert state(tr, 60_000, "init").restart_count == 0


def test_oracle_08_init_exit_1_always_back_off_pending():
    tr = play("restart Always\ninit init image=busybox:1.36 { crash after 2s }\ncontainer app image=nginx:1.25", 60_000)
    first, second = START + 2_000, START + 4_000
    assert state(tr, first, "init").restart_count == 1  # the first exit restarts at once
    assert columns(tr, second)[1] == "Init:Error"
    t = second + 1_000
    assert tr.status(t).phase == "Pending"
    assert columns(tr, t) == ("0/1", "Init:CrashLoopBackOff", "1")
    assert state(tr, t, "init").state.reason == "CrashLoopBackOff"
    assert state(tr, t, "app").state == Waiting("PodInitializing")
    assert cond(tr, t, "Initialized") == ("False", "ContainersNotInitialized",
                                         "containers with incomplete status: [init]")
    assert state(tr, second + 10_000, "init").restart_count == 2


def test_oracle_09_two_init_containers_count_up_then_pod_initializing():
    tr = play("init one image=busybox:1.36 { exit 0 after 5s }\ninit two image=busybox:1.36 { exit 0 after 5s }\n"
              "container app image=nginx:1.25 { pull 10s }", 60_000)
    assert columns(tr, 0)[1] == "Init:0/2"  # before the sandbox: every container Waiting PodInitializing
    assert columns(tr, START)[1] == "Init:0/2" and isinstance(state(tr, START, "one").state, Running)
    assert columns(tr, START + 5_000)[1] == "Init:1/2" and isinstance(state(tr, START + 5_000, "two").state, Running)
    done = START + 10_000
    assert cond(tr, done - 1, "Initialized") == ("False", "ContainersNotInitialized",
                                                "containers with incomplete status: [two]")
    assert cond(tr, done, "Initialized") == ("True", "", "")
    assert tr.status(done).condition("Initialized").last_transition_ms == done
    assert columns(tr, done) == ("0/1", "PodInitializing", "0")
    assert columns(tr, done + 9_999)[1] == "PodInitializing"
    assert columns(tr, done + 10_000) == ("1/1", "Running", "0")
    assert state(tr, done, "one").ready and state(tr, done, "two").ready  # completed init containers


def test_oracle_10_image_pull_fails_err_image_pull_then_back_off():
    tr = play("container app image=nginx:doesnotexist { pull fails }", 120_000)
    assert state(tr, START, "app").state.reason == "ErrImagePull"
    assert state(tr, START + 1_000, "app").state == Waiting("ImagePullBackOff",
                                                            'Back-off pulling image "nginx:doesnotexist"')
    # retries 10 s, then 20 s, then 40 s after each failure; ErrImagePull for the sync after each
    failures = tr.times(lambda s: s.state.reason == "ErrImagePull", "app")
    assert failures == [START, START + 10_000, START + 30_000, START + 70_000]
    for t in (START, START + 5_000, START + 100_000):
        assert tr.status(t).phase == "Pending"
        assert cond(tr, t, "PodScheduled")[0] == "True"
        assert cond(tr, t, "Ready") == ("False", "ContainersNotReady", "containers with unready status: [app]")
    assert columns(tr, START + 5_000) == ("0/1", "ImagePullBackOff", "0")
    reasons = [(e.reason, e.message) for e in tr.events]
    assert ("BackOff", 'Back-off pulling image "nginx:doesnotexist"') in reasons
    assert ("Failed", "Error: ErrImagePull") in reasons and ("Failed", "Error: ImagePullBackOff") in reasons


def test_oracle_11_oom_killed_alternates_with_crash_loop_back_off():
    tr = play("container app image=x:1 { limits memory=64Mi\noom after 30s }", 200_000)
    first, second = START + 30_000, START + 60_000
    assert state(tr, first, "app").last_state == Terminated(137, "OOMKilled", START, first)
    assert state(tr, second, "app").state == Terminated(137, "OOMKilled", first, second)
    assert [columns(tr, t)[1] for t in (second, second + 1_000, second + 10_000, second + 40_000,
                                        second + 41_000)] == \
        ["OOMKilled", "CrashLoopBackOff", "Running", "OOMKilled", "CrashLoopBackOff"]


def test_oracle_12_readiness_gate_missing_false_true():
    gate = "example.com/gate"
    pod = new_pod(template("container app image=x:1"), 0, name="p", readiness_gates=(gate,))
    tr = run_pod(pod, 10_000)
    assert cond(tr, START, "ContainersReady") == ("True", "", "")
    assert cond(tr, START, "Ready") == ("False", "ReadinessGatesNotReady",
                                        f'corresponding condition of pod readiness gate "{gate}" does not exist.')
    pod = with_condition(tr.last, Condition(type=gate, status="False", last_transition_ms=10_000), 10_000)
    ready = pod.status.condition("Ready")
    assert (ready.status, ready.reason, ready.message) == (
        "False", "ReadinessGatesNotReady", f'the status of pod readiness gate "{gate}" is not "True", but False')
    pod = with_condition(pod, Condition(type=gate, status="True", last_transition_ms=20_000), 20_000)
    ready = pod.status.condition("Ready")
    assert (ready.status, ready.reason, ready.last_transition_ms) == ("True", "", 20_000)


def test_oracle_13_sandbox_not_created_container_creating():
    tr = play("container app image=nginx:1.25", 10_000)
    for t in (0, START - 1):
        assert cond(tr, t, "PodReadyToStartContainers") == ("False", "", "")
        assert state(tr, t, "app").state == Waiting("ContainerCreating")
        assert columns(tr, t) == ("0/1", "ContainerCreating", "0")
        assert tr.status(t).phase == "Pending"
    assert cond(tr, START, "PodReadyToStartContainers") == ("True", "", "")
    assert tr.status(START).phase == "Running" and columns(tr, START) == ("1/1", "Running", "0")


def test_oracle_80_delete_grace_30s_terminating_then_removed():
    body = "container app image=nginx:1.25"
    tr = play(body, 100_000, delete_at_ms=10_000, sigterm_ms={"app": None})  # the process ignores SIGTERM
    deleting = tr.at(10_000)
    assert deleting.deadline_ms - deleting.deletion_ms == 30_000
    assert columns(tr, 10_000)[1] == "Terminating" and columns(tr, 39_999)[1] == "Terminating"
    assert isinstance(state(tr, 39_999, "app").state, Running)
    assert state(tr, 40_000, "app").state == Terminated(137, "Error", START, 40_000)
    assert tr.at(40_000).removed and tr.status(40_000).phase == "Failed"
    assert ("Killing", "Stopping container app") in [(e.reason, e.message) for e in tr.events]
    # a process that honours SIGTERM ends at once (143), and the object goes with it
    tr = play(body, 100_000, delete_at_ms=10_000)
    assert state(tr, 10_000, "app").state == Terminated(143, "Error", START, 10_000) and tr.at(10_000).removed
    # --grace-period=0: killed and removed at once, even a process that ignores SIGTERM
    tr = play(body, 100_000, delete_at_ms=10_000, grace_ms=0, sigterm_ms={"app": None})
    assert state(tr, 10_000, "app").state.exit_code == 137 and tr.at(10_000).removed


def test_next_event_and_apply_are_pure_and_deterministic():
    pod = new_pod(template("container app image=x:1 { crash after 3s }"), 0, name="p")
    a, b = pod, pod
    for _ in range(20):
        sa, sb = next_event(a), next_event(b)
        assert sa == sb
        a, ea = apply(a, sa)
        b, eb = apply(b, sb)
        assert a == b and ea == eb
    assert pod == new_pod(template("container app image=x:1 { crash after 3s }"), 0, name="p")


def test_sandbox_and_pull_times_come_from_the_config():
    tr = play("container app image=x:1", 60_000, config=Config(sandbox_ms=2_000, pull_ms=5_000))
    assert columns(tr, 6_999)[1] == "ContainerCreating" and columns(tr, 7_000)[1] == "Running"
    tr = play("container app image=x:1", 60_000, config=Config(pull_ms=5_000), node_images=("x:1",))
    assert columns(tr, START)[1] == "Running"
    assert ("Pulled", 'Container image "x:1" already present on machine') in [(e.reason, e.message)
                                                                               for e in tr.events]


def test_probe_failures_quote_the_pod_ip_the_loop_assigned():
    pod = new_pod(template("container app image=x:1 { liveness tcp port=80\nhang after 5s }"), 0, name="p")
    tr = run_pod(pod.with_ip("10.244.1.5"), 30_000)
    assert [e.message for e in tr.events if e.reason == "Unhealthy"][0] == \
        "Liveness probe failed: dial tcp 10.244.1.5:80: i/o timeout"


def test_a_sidecar_must_be_started_before_the_next_init_container():
    tr = play("init proxy image=envoy:1 sidecar { startup tcp port=80 period=2s failures=5\nstart 5s }\n"
              "init setup image=busybox:1 { exit 0 after 3s }\ncontainer app image=x:1", 60_000)
    started = START + 6_000  # startup ticks at 0, 2, 4 s fail (refused), 6 s passes
    assert tr.times(lambda s: s.started, "proxy") == [started]
    assert tr.times(lambda s: isinstance(s.state, Running), "setup") == [started]
    assert columns(tr, started - 1) == ("0/2", "Init:0/2", "0")
    assert columns(tr, started) == ("1/2", "Init:1/2", "0")
    assert columns(tr, started + 3_000) == ("2/2", "Running", "0")


def test_sidecars_stop_once_the_regular_containers_are_done():
    tr = play("restart Never\ninit proxy image=envoy:1 sidecar\ncontainer app image=x:1 { exit 0 after 5s }",
              60_000, sigterm_ms={"proxy": 2_000})
    done = START + 5_000
    assert tr.status(done).phase == "Running"  # the sidecar still runs: SIGTERM, 2 s to exit
    assert state(tr, done + 2_000, "proxy").state == Terminated(143, "Error", START, done + 2_000)
    assert tr.status(done + 2_000).phase == "Succeeded"  # a terminated sidecar's exit code does not count
    assert columns(tr, done + 2_000) == ("0/2", "Completed", "0")


def test_a_crashing_sidecar_restarts_whatever_the_pod_policy():
    tr = play("restart Never\ninit proxy image=envoy:1 sidecar { crash after 10s }\ncontainer app image=x:1", 60_000)
    assert state(tr, START + 10_000, "proxy").restart_count == 1
    assert tr.status(START + 20_000).phase == "Running"
    # kubectl reads an unstarted sidecar as unfinished initialization, even with the pod initialized
    assert columns(tr, START + 21_000) == ("1/2", "Init:CrashLoopBackOff", "1")
    assert cond(tr, START + 21_000, "Initialized")[0] == "True"


def test_pull_policies_never_and_always():
    tr = play("container app image=x:1 pull=Never", 30_000)
    assert state(tr, 30_000, "app").state == Waiting(
        "ErrImageNeverPull", 'Container image "x:1" is not present with pull policy of Never')
    assert tr.status(30_000).phase == "Pending" and columns(tr, 30_000)[1] == "ErrImageNeverPull"
    assert columns(play("container app image=x:1 pull=Never", 30_000, node_images=("x:1",)), START)[1] == "Running"
    # Always pulls even an image the node has; the layers are there, so it takes no time
    tr = play("container app image=x:1 pull=Always { pull 8s }", 30_000, node_images=("x:1",))
    assert columns(tr, START)[1] == "Running"
    assert ("Pulled", 'Successfully pulled image "x:1" in 0s') in [(e.reason, e.message) for e in tr.events]
    tr = play("container app image=x:1 pull=Always { pull 8s }", 30_000)
    assert columns(tr, START + 7_999)[1] == "ContainerCreating" and columns(tr, START + 8_000)[1] == "Running"
    assert tr.last.images == frozenset({"x:1"})


def test_new_pod_takes_the_nodes_images_and_sigterm_times_in_any_form():
    # new_pod keeps a frozenset as given and makes none for no images: the same record as from a tuple
    t = template("container app image=x:1\ncontainer side image=y:1")
    base = new_pod(t, 0, name="p", node_images=("x:1",), sigterm_ms={"side": 5_000, "app": None})
    for images in (frozenset({"x:1"}), ["x:1"], ("x:1", "x:1")):
        same = new_pod(t, 0, name="p", node_images=images, sigterm_ms={"app": None, "side": 5_000})
        assert same == base and same.images == frozenset({"x:1"})
        assert same.sigterm_ms == (("app", None), ("side", 5_000))
    for images, sigterm in (((), None), (frozenset(), {}), ([], None)):
        none = new_pod(t, 0, name="p", node_images=images, sigterm_ms=sigterm)
        assert none.images == frozenset() and none.sigterm_ms == () and none.status == base.status


def test_pods_share_their_sandbox_step_and_pull_timer_only_where_they_are_the_same():
    # (bound at, the kubelet's timings, body): two sandboxes at 1 s with other timings, two bound at 0 with their
    # sandboxes at other times, and two pulls that end at 9 s after 8 s and after 4 s
    from kdsl.engine.kubelet import runtime, steps

    pods = ((0, Config(), "container app image=x:1 { pull 8s }"),
            (4_000, Config(), "container app image=y:1 { pull 4s }"),
            (500, Config(sandbox_ms=500), "container app image=x:1 { pull 8s }"),
            (0, Config(sandbox_ms=2_000, pull_ms=2_000), "container app image=z:1"))

    def played(bound, config, body, name):
        return run_pod(new_pod(template(body), bound, name=name, config=config), 30_000)

    together = [played(*p, f"p{i}") for i, p in enumerate(pods)]  # each after the ones before
    for i, p in enumerate(pods):
        runtime._SANDBOX_STEPS.clear()
        steps._PULLED.clear()
        alone = played(*p, f"p{i}")
        assert alone.states == together[i].states and alone.events == together[i].events, p
    sandbox = [next_event(new_pod(template(body), bound, config=config)) for bound, config, body in pods]
    assert sandbox[0] is sandbox[2] and [s.time_ms for s in sandbox] == [1_000, 5_000, 1_000, 2_000]
