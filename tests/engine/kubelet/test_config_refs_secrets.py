"""Secret values never leave kdsl unasked: every table, event, log line, repr, str, model dump, notebook display,
rejection and CLI output of scenarios that use Secrets in every way — their entries and their `yaml` blocks — is
searched for them (and for their base64 forms)."""

from __future__ import annotations

import base64

import kdsl
from kdsl.cli import main
from kdsl.engine.kubelet import config_refs
from kdsl.model.scenario import scenario_data, to_data
from kdsl.notebook.reprs import bundle
from tests.unchecked import unchecked

VALUES = ["pw-7f3a9c-secret", "tok-51d2e8-secret", "key-c0ffee-secret", "late-9b9b9b-secret", "upd-4242-secret",
          "yaml-5e5e5e-secret"]
HUGE = "huge-e1e1-" + "z" * 1_048_576  # rejected: more than 1 MiB

SCENARIO = f'''
cluster c {{ node n1 cpu=4 memory=8Gi }}
namespace shop
secret shop/db {{
  password = "{VALUES[0]}"; login = "app"
  yaml """
stringData:
  extra: {VALUES[5]}
"""
}}
secret shop/api type=basic-auth immutable {{ token = "{VALUES[1]}"; 1bad = "{VALUES[2]}" }}
pod shop/web {{
  container app image=nginx:1.25 {{
    env PW from secret db.password
    env URL="postgres://app:$(PW)@db"
    env from secret api prefix=API_
    env MISSING from secret late.value
    mount creds at /etc/creds readonly
  }}
  volume creds secret=db
}}
pod shop/other {{
  container app image=nginx:1.25 {{ env from secret api; env T from secret api.token; env X from secret db.nope }}
}}
at 20s: create secret shop/late {{ value = "{VALUES[3]}" }}
at 30s: apply {{ secret shop/api type=basic-auth immutable {{ token = "{VALUES[4]}" }} }}
at 40s: create secret shop/huge {{ a = "{HUGE}" }}
expect pod shop/web phase=Running by 40s
expect events shop reason=InvalidEnvironmentVariableNames
expect events shop reason=FailedCreate
'''


def leaks(text: str) -> list[str]:
    found = []
    for v in VALUES + [HUGE[:20]]:
        for form in (v, base64.b64encode(v.encode()).decode()[:12]):
            if form in text:
                found.append(form)
    return found


# The two refused writes (30s, 40s) are `kdsl check` errors: the CLI runs the scenario without them.
RUNNABLE = "".join(line for line in SCENARIO.splitlines(keepends=True)
                   if not line.startswith(("at 30s", "at 40s", "expect events shop reason=FailedCreate")))


def test_secret_values_appear_in_no_output(tmp_path, capsys):
    scenario = unchecked(SCENARIO)  # as the model builds it: the API server refuses the two writes at run time
    sim = kdsl.simulate(scenario)
    assert [r.passed for r in sim.check()] == [True, True, True]
    outputs = {
        "scenario repr": repr(scenario) + repr(scenario.objects) + scenario.describe() + str(scenario.objects),
        "model dump": repr(scenario_data(scenario)) + repr([to_data(o) for o in sim.store]),
        "notebook": "".join(v for o in (scenario, sim, *scenario.objects, *sim.store) for v in bundle(o).values()),
        "event log": sim.log.text() + repr(sim.log.events),
        "tables": repr(sim.pods()) + repr(sim.nodes()) + "".join(repr(sim.pods(at=t)) for t in (0, 10_000, 25_000)),
        "store": repr(sim.state()) + repr(list(sim.store)) + repr(sim.store.history),
        "rejections": repr(sim.rejections),
        "kubelet": repr(sim.kubelets.runs) + repr(sim.kubelets.held.__dict__),
        "environment": repr(config_refs.environment(sim, "shop/web", "app")),
        "results": repr(sim.check()),
    }
    assert [r.message for r in sim.rejections] == [
        'Secret "api" is invalid: data: Forbidden: field is immutable when `immutable` is set',
        'Secret "huge" is invalid: data: Too long: may not be more than 1048576 bytes']
    path, runnable = tmp_path / "secrets.kdsl", tmp_path / "runnable.kdsl"
    path.write_text(SCENARIO)
    runnable.write_text(RUNNABLE)
    for argv in (["run", str(runnable)], ["run", str(runnable), "--at", "25s"], ["test", str(runnable)],
                 ["check", "-v", str(runnable)], ["check", str(path)], ["run", str(path)]):
        main(argv)
        got = capsys.readouterr()
        outputs[" ".join(argv[:1] + argv[-1:])] = got.out + got.err
    assert "Running" in outputs[f"run {runnable}"] and "2 passed" in outputs[f"test {runnable}"]
    # `kdsl check` names the refused Secrets, never their values.
    assert 'error: Secret "api" is invalid: data: Forbidden' in outputs[f"check {path}"]
    assert 'error: Secret "huge" is invalid: data: Too long' in outputs[f"run {path}"]
    assert {name: leaks(text) for name, text in outputs.items() if leaks(text)} == {}
    # ... while the values are there, asked for by name
    db = sim.store.get("Secret", "shop", "db").spec
    assert db.reveal("password") == VALUES[0] and VALUES[5] in db.yaml  # the block as written, read by its name
    assert "yaml='{stringData: {extra: <redacted>}}'" in repr(db)
    env = config_refs.environment(sim, "shop/web", "app")
    assert env.value("PW") == VALUES[0] and env.value("URL") == f"postgres://app:{VALUES[0]}@db"
    assert env.value("API_token") == VALUES[1] and env.value("MISSING") == VALUES[3]
    assert env.value("API_1bad") == VALUES[2]  # with the prefix, a valid name
    skipped = [e.message for e in sim.log.events if e.reason == "InvalidEnvironmentVariableNames"]
    assert skipped[0] == ("Keys [1bad] from the EnvFrom secret shop/api were skipped since they are considered "
                          "invalid environment variable names.")


def test_a_diagnostic_that_quotes_a_line_holding_a_secret_value_masks_the_value(tmp_path, capsys):
    path = tmp_path / "bad.kdsl"
    path.write_text(f'secret Bad_Name {{ k = "{VALUES[0]}" }}\nsecret s type=bogus {{\n  "a b" = "{VALUES[1]}"\n'
                    f'  k = """{VALUES[2]}\n{VALUES[3]}"""\n  k = "x"\n}}\nconfigmap c {{ "a b" = "shown" }}\n')
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert leaks(err) == [] and err.count("error:") == 5
    assert f'    secret Bad_Name {{ k = {"*" * (len(VALUES[0]) + 2)} }}\n           ^~~~~~~~\n' in err
    assert 'configmap c { "a b" = "shown" }' in err  # a ConfigMap's values are not secret


def test_a_stored_secret_repr_redacts_its_yaml_block():
    sim = kdsl.simulate(kdsl.parse(f'secret s {{ k = "{VALUES[0]}"; yaml "stringData: {{t: {VALUES[5]}}}" }}\nrun 1s\n'))
    stored = sim.store.get("Secret", "default", "s")
    shown = repr(stored) + str(stored) + repr(sim.store.history) + repr(sim.state())
    assert leaks(shown) == [] and "yaml='{stringData: {t: <redacted>}}'" in repr(stored)
    assert stored.spec.reveal("k") == VALUES[0]
