"""names.py's answers for many values at once (all_pass) and its one-match path for port names agree with its rules
checked value by value."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from kdsl.model import names

RULES = [names.dns1123_label, names.dns1123_subdomain, names.dns1035_label]
# the characters the rules tell apart, and lengths on either side of their bounds
VALUE = st.one_of(st.text(alphabet="ab09-._A\n", max_size=8), st.integers(60, 66).map(lambda n: "a" * n),
                  st.integers(250, 256).map(lambda n: "a." * (n // 2) + "a" * (n % 2)))


@given(rule=st.sampled_from(RULES), values=st.lists(VALUE, max_size=6))
@example(rule=names.dns1123_label, values=["p1", "p2\n"])  # `$` passes a value ending in a newline: not all_pass's
@example(rule=names.dns1123_label, values=["a\nb", "c"])  # two labels in one value are no label
@example(rule=names.dns1035_label, values=["web", "0web"])
@example(rule=names.dns1123_subdomain, values=["a.b", "a..b"])
def test_all_pass_is_each_value_passing(rule, values):
    each = all(not rule(v) for v in values)
    if any("\n" in v for v in values):
        assert not names.all_pass(rule, values) or not values
    else:
        assert names.all_pass(rule, values) == each


def test_all_pass_knows_only_its_rules():
    assert not names.all_pass(names.path_segment, ["a"]) and names.all_pass(names.path_segment, [])


@given(st.text(alphabet="ab09-_A\n", max_size=17))
@example("http")
@example("a--b")
@example("-http")
@example("8080")
@example("abcdefghijklmnop")
def test_a_port_name_answered_in_one_match_as_by_its_rules(value):
    assert names.port_name(value) == names._port_name_rules(value)
