"""Rich displays: every bundle has text/plain; HTML for scenarios, simulations and objects; no secret shown."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.notebook.reprs import bundle, highlight

from tests.notebook.conftest import LAB, SECRET


@pytest.fixture(scope="module")
def scenario():
    return kdsl.load(LAB)


def test_scenario_bundle(scenario):
    b = scenario._repr_mimebundle_()
    assert b["text/plain"] == scenario.describe()
    assert b["text/plain"].startswith("<Scenario 'lab': 2 Node, 2 Namespace, 4 Pod, 1 Secret")
    html = b["text/html"]
    assert "<h4>Scenario lab</h4>" in html and "<th>Pod (4)</th><td>demo/web, demo/huge, demo/app, tools/shell</td>" in html
    assert "<th>timeline</th><td>at 1m: NodeAction fail worker-2</td>" in html
    assert "<th>run</th><td>3m</td>" in html


def test_simulation_bundle(lab_sim):
    b = lab_sim._repr_mimebundle_()
    assert b["text/plain"] == (f"<Simulation 'lab' at 3m (seed 0): 2 nodes, 1 Pending, 3 Running, "
                               f"{len(lab_sim.log.events)} events>")
    assert 'class="dataframe kdsl-table"' in b["text/html"] and "huge" in b["text/html"]


def test_model_object_bundle(scenario):
    pod = scenario.get("Pod", "demo/web")
    b = pod._repr_mimebundle_()
    assert b["text/plain"] == repr(pod)
    assert "<h4>pod demo/web</h4>" in b["text/html"]
    assert "<th>labels</th><td>app=web</td>" in b["text/html"]
    assert "<th>template.containers[0].image</th><td>nginx:1.25</td>" in b["text/html"]


def test_api_object_bundle(lab_sim):
    pod = lab_sim.store.get("Pod", "demo", "huge")
    b = pod._repr_mimebundle_()
    assert b["text/plain"] == "<Pod demo/huge Pending>"
    assert "<th>condition PodScheduled</th><td>False Unschedulable 0/2 nodes are available" in b["text/html"]
    node = lab_sim.store.get("Node", None, "worker-2")
    assert node._repr_mimebundle_()["text/plain"] == "<Node worker-2>"


def test_secrets_are_redacted_in_every_bundle(scenario, lab_sim):
    model = scenario.get("Secret", "demo/db")
    stored = lab_sim.store.get("Secret", "demo", "db")
    for obj in (scenario, lab_sim, model, stored, *scenario.objects, *lab_sim.store):
        for text in bundle(obj).values():
            assert SECRET not in text
    assert "<td>password=&lt;redacted&gt;</td>" in bundle(model)["text/html"]
    assert "password=&lt;redacted&gt;" in bundle(stored)["text/html"]


def test_any_other_value_is_its_repr():
    assert bundle(42) == {"text/plain": "42"}


def test_highlight_uses_the_kdsl_lexer():
    out = highlight("pod web image=nginx:1.25\n")
    assert out.startswith('<div class="highlight"><pre') and '<span style="color: #008000; font-weight: bold">pod</span>' in out


def test_pygments_finds_the_lexer_by_name_for_rendered_docs():
    from pygments.lexers import get_lexer_by_name

    assert get_lexer_by_name("kdsl").name == "kdsl"


def test_a_secret_yaml_block_is_redacted_in_the_notebook_display():
    hidden = "yaml-b0b0b0-secret"
    scenario = kdsl.parse(f'secret s {{ k = "v-b0b0b0-secret"; yaml "stringData: {{token: {hidden}}}" }}\nrun 1s\n')
    sim = kdsl.simulate(scenario)
    model, stored = scenario.get("Secret", "default/s"), sim.store.get("Secret", "default", "s")
    for obj in (scenario, sim, model, stored):
        for text in bundle(obj).values():
            assert hidden not in text and "v-b0b0b0-secret" not in text
    assert "<td>{stringData: {token: &lt;redacted&gt;}}</td>" in bundle(model)["text/html"]
    assert "<td>{stringData: {token: &lt;redacted&gt;}}</td>" in bundle(stored)["text/html"]
