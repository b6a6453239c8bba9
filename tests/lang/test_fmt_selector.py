"""`kdsl fmt` on the workload `selector` statement: its canonical form (a golden file) and a stable round trip."""

from __future__ import annotations

import kdsl
from kdsl.lang.fmt import format_document
from kdsl.lang.parser import parse_document
from tests.golden import check_golden

MESSY = """\
deployment web   replicas=3 image=nginx:1.27 {
  labels app=web   version=v1 track=stable
    selector   app = web   track notin ( canary )   version exists  !legacy   # narrower than the labels
}
statefulset db replicas=2 image=postgres:16 service=db { labels app=db tier=data ; selector app=db tier in (data,cache) }
replicationcontroller old image=nginx:1.25 {labels app=old version=v0;selector "app"=old}
"""


def test_the_selector_statement_formats_to_its_golden_form_and_means_the_same():
    formatted = format_document(parse_document(MESSY, "selector.kdsl"))
    check_golden("lang/fmt-selector.kdsl", formatted)
    assert kdsl.parse(formatted) == kdsl.parse(MESSY)
    assert format_document(parse_document(formatted, "selector.kdsl")) == formatted
