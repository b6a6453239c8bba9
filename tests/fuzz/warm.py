"""Imported by the fuzz workers' fork server: the parser's tables and the API schemas load once, before any fork."""

from tests.fuzz.harness import _warm

_warm()
