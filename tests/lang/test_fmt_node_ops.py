"""`kdsl fmt` of the node maintenance actions and of `add node` with a block: canonical, and the same meaning."""

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document

LOOSE = """node n1
at 1m:  label node n1 zone = b   disk-
at 2m: taint   node n1 dedicated=gpu:NoExecute other:NoSchedule
at 3m as bob : untaint node n1 dedicated:NoExecute other
at 4m: add node n4 cpu=4 memory=16Gi { labels zone=b; taint dedicated=gpu:NoSchedule }
"""

CANONICAL = """node n1
at 1m: label node n1 zone=b disk-
at 2m: taint node n1 dedicated=gpu:NoExecute other:NoSchedule
at 3m as bob: untaint node n1 dedicated:NoExecute other
at 4m: add node n4 cpu=4 memory=16Gi {
  labels zone=b
  taint dedicated=gpu:NoSchedule
}
"""


def test_fmt_writes_the_canonical_form_and_keeps_the_meaning():
    out = format_document(parse_document(LOOSE))
    assert out == CANONICAL
    assert format_document(parse_document(out)) == out
    assert kdsl.parse(out) == kdsl.parse(LOOSE)
