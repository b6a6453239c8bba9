"""Syntax → model: each statement's meaning, Kubernetes' defaults, and the checks after building."""

from kdsl.model.build.scenario import build

__all__ = ["build"]
