"""mypy passes (pyproject [tool.mypy]), and what it relies on stays in step with the code."""
from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shequn.facts import model
from shequn.facts.vocabulary import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
LINKS = ROOT / "typecheck" / "shequn"


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (pip install -e '.[test]')")
def test_mypy_passes():
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr


def test_link_tree_mirrors_the_installed_package():
    """typecheck/shequn lets mypy see engine/ as shequn: every module and mapped package must be linked."""
    expected = {p.name for p in (ROOT / "engine").iterdir() if p.name != "__pycache__"}
    expected |= {"facts", "cli", "rulesets"}
    assert {p.name for p in LINKS.iterdir()} == expected
    for link in LINKS.iterdir():
        assert link.is_symlink() and link.exists(), link.name
    assert os.path.samefile(LINKS / "facts", ROOT / "facts")
    assert os.path.samefile(LINKS / "errors.py", ROOT / "engine" / "errors.py")


def test_static_facts_class_has_every_section():
    """The Facts that mypy sees (facts/model.py, under TYPE_CHECKING) lists the vocabulary's sections."""
    tree = ast.parse(Path(model.__file__).read_text(encoding="utf-8"))
    stub = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Facts")
    fields = [s.target.id for s in stub.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    assert fields == list(SECTIONS)
    assert set(fields) <= set(model.Facts.model_fields)
