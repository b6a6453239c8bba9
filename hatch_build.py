"""Puts the prebuilt JupyterLab extension into the wheel as shared data, so installing kdsl needs no Node.js."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NAME = "jupyterlab-kdsl"
HOW = "run `make setup` (it builds the extension from labextension/ with Node.js and npm) and build again"


class LabExtensionHook(BuildHookInterface):
    """Wheel builds only: an editable install gets the extension from `make setup`'s link instead."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        built = root / "kdsl" / "labextension"
        if not (built / "package.json").is_file():
            raise RuntimeError(f"kdsl's JupyterLab extension is not built ({built} is missing): {HOW}")
        script = root / "labextension" / "build.py"
        if (root / ".git").exists() and script.is_file():  # a checkout, where the sources are at hand
            spec = importlib.util.spec_from_file_location("kdsl_labextension_build", script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if module.stale():
                raise RuntimeError(f"kdsl's JupyterLab extension is older than its sources: {HOW}")
        build_data["shared_data"][str(built)] = f"share/jupyter/labextensions/{NAME}"
