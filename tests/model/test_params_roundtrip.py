"""Params round trip (Hypothesis): `kdsl fmt` keeps each `$NAME` as written, and a scenario parsed with overrides
is the scenario whose text has the literal values written in place of the `$NAME`s."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document

# (param name, the place it stands in, the values it may take as written in kdsl and as given to params=)
SLOTS = {
    "workers": st.integers(1, 4).map(str),
    "cpu": st.sampled_from(["2", "4", "3500m", "1.5"]),
    "memory": st.sampled_from(["4Gi", "16Gi", "8G", "1000Mi"]),
    "replicas": st.integers(0, 5).map(str),
    "image": st.sampled_from(["nginx:1.25", "nginx:1.27", "registry.local/shop/web:2"]),
    "tier": st.sampled_from(["front", "back", '"two words"', '""']),
    "surge": st.sampled_from(["1", "25%", "0"]),
    "fail_at": st.sampled_from(["30s", "2m", "1m30s", "500ms"]),
    "until": st.sampled_from(["5m", "10m", "1h"]),
}
TEMPLATE = """\
cluster shop { nodes pool count={workers} cpu={cpu} memory={memory} }
namespace shop {
  deployment web replicas={replicas} image={image} {
    annotations note={tier}
    strategy rolling maxSurge={surge}
  }
}
at {fail_at}: fail node pool-1
run {until}
"""


def _fill(values: dict) -> str:
    out = TEMPLATE
    for name, text in values.items():
        out = out.replace("{" + name + "}", text)
    return out


@settings(max_examples=60, deadline=None)
@given(defaults=st.fixed_dictionaries(SLOTS), given_=st.fixed_dictionaries(SLOTS),
       used=st.sets(st.sampled_from(sorted(SLOTS))), overridden=st.sets(st.sampled_from(sorted(SLOTS))))
def test_overrides_mean_the_literal_and_fmt_keeps_uses(defaults, given_, used, overridden):
    decls = "".join(f"param {n} = {defaults[n]}\n" for n in sorted(used))
    text = decls + _fill({n: (f"${n}" if n in used else defaults[n]) for n in SLOTS})
    params = {n: given_[n] for n in sorted(used & overridden)}
    literal = _fill({n: params.get(n, defaults[n]) for n in SLOTS})

    with_params = kdsl.parse(text, "t.kdsl", params=params)
    assert with_params == kdsl.parse(literal, "t.kdsl")
    assert with_params.param_values == {n: kdsl.parse(f'namespace x {{ configmap c {{ k = {v} }} }}').objects[-1]
                                        .data[0][1] for n in sorted(used)
                                        for v in [params.get(n, defaults[n])]}

    formatted = format_document(parse_document(text, "t.kdsl"))
    for n in used:
        assert f"${n}" in formatted
    assert format_document(parse_document(formatted, "t.kdsl")) == formatted
    assert kdsl.parse(formatted, "t.kdsl", params=params) == with_params
