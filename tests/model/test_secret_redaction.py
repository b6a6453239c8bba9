"""A Secret's `yaml` block is as secret as its entries: redacted in repr, str and the model dump, never quoted."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.model.scenario import scenario_data, to_data

VALUE = "yaml-0d0d0d-secret"
TEXT = f'''secret s {{
  password = "pw-0d0d0d-secret"
  yaml """
stringData:
  token: {VALUE}
metadata:
  annotations: {{note: {VALUE}}}
"""
}}
'''


def test_a_secret_yaml_block_is_redacted_in_repr_str_and_the_model_dump():
    scenario = kdsl.parse(TEXT)
    secret = scenario.get("Secret", "default/s")
    shown = repr(secret) + str(secret) + repr(scenario_data(scenario)) + repr(scenario.objects)
    assert VALUE not in shown and "pw-0d0d0d-secret" not in shown
    assert "yaml='{stringData: {token: <redacted>}, metadata: {annotations: {note: <redacted>}}}'" in repr(secret)
    assert to_data(secret)["yaml"] == "{stringData: {token: <redacted>}, metadata: {annotations: {note: <redacted>}}}"
    assert VALUE in secret.yaml and secret.reveal("password") == "pw-0d0d0d-secret"  # asked for by name


def test_a_configmap_yaml_block_is_still_shown():
    cm = kdsl.parse('configmap c { k = "v"; yaml "immutable: true" }').get("ConfigMap", "default/c")
    assert "yaml='immutable: true'" in repr(cm) and to_data(cm)["yaml"] == "immutable: true"


@pytest.mark.parametrize("block", [f'"{VALUE}"', f'"a: [{VALUE}"', f'"- {VALUE}"'])
def test_a_secret_yaml_block_that_is_not_a_mapping_is_an_error_that_never_quotes_it(block):
    with pytest.raises(kdsl.ScenarioError) as caught:
        kdsl.parse(f"secret s {{\n  yaml {block}\n}}\n")
    text = str(caught.value)
    assert "the yaml block of secret default/s is" in text and VALUE not in text
    assert f"  yaml {'*' * len(block)}\n" in text
