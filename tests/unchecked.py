"""Scenarios as the model builds them, without kdsl.parse's precheck: for tests of the API server's run-time refusals."""

from __future__ import annotations

from kdsl.lang.parser import parse_document
from kdsl.model.build import build
from kdsl.model.scenario import Scenario


def unchecked(text: str, filename: str | None = None) -> Scenario:
    """The Scenario `text` declares, refusals and all: `kdsl check` would stop at an object the API server
    refuses whatever the run, and these tests want to see the server refuse it."""
    return build(parse_document(text, filename))
