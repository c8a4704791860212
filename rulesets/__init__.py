"""The built-in rulesets, shipped as YAML files beside this module."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def builtin_paths() -> list[Path]:
    """The built-in ruleset files, in a stable order."""
    folder = resources.files(__name__)
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))
