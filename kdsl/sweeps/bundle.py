"""What a run depends on, as one value a worker can take: the scenario's text, its includes' text, a digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import attrs

from kdsl.core.errors import UsageError
from kdsl.model.scenario import Scenario


@attrs.frozen(slots=True)
class Bundle:
    """The first file's name and text and every include read ((including file, target) → (text, name)): a
    worker builds the scenario from it, on this machine or on another that does not share its disk."""

    name: str | None
    text: str = attrs.field(repr=False)
    includes: tuple = attrs.field(repr=False)
    digest: str

    @classmethod
    def of(cls, scenario: Scenario) -> Bundle:
        """The bundle of a scenario kdsl.load or kdsl.parse read (the first of its source files is the text
        it was read from)."""
        if not scenario.source_files:
            raise UsageError("this Scenario was not read from kdsl text (kdsl.load or kdsl.parse): a sweep "
                             "plays a scenario from its text")
        first = scenario.source_files[0]
        h = hashlib.sha256()
        for part in (first.name or "", first.text, *(p for (k, v) in scenario.includes for p in (*k, *v))):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return cls(first.name, first.text, scenario.includes, h.hexdigest())

    @property
    def files(self) -> dict:
        return dict(self.includes)

    @property
    def label(self) -> str:
        """The scenario's file name for headings (`shop.kdsl`), or `<text>`."""
        return Path(self.name).name if self.name else "<text>"
