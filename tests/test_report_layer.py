"""The report layer stands alone: a saved report renders without the engine or durable_rules.

Also pins the layer's shape: report models are frozen values, `build` makes
objects `model_copy` can copy, and report modules share helpers through
`views` rather than each other's private names.
"""
from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from shequn.facts.loader import load_facts
from shequn.report.model import Finding, Summary, build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "facts" / "examples" / "new-group-free-giveaways.yaml"   # has findings with zh text
REPORT_PACKAGE = ROOT / "engine" / "report"
NOT_LOADED = ("durable_rules_engine", "shequn.diagnose", "shequn.durable")

RENDER_SAVED = """
import io, json, sys
from pathlib import Path
from rich.console import Console
from shequn.report import html, markdown, text
from shequn.report.i18n import translate_for
from shequn.report.model import Report

report = Report.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
out = {}
for lang in ("en", "zh"):
    r = translate_for(report, lang)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    text.render(r, console, lang=lang)
    out[lang] = {"text": console.file.getvalue(),
                 "markdown": markdown.render(r, lang=lang, generated="2024-06-01"),
                 "html": html.render(r, lang=lang, generated="2024-06-01")}
out["loaded"] = sorted(m for m in sys.modules if m.startswith(%r))
print(json.dumps(out))
""" % (NOT_LOADED,)


@pytest.fixture(scope="module")
def report(engine):
    return engine.evaluate(load_facts(EXAMPLE), today=dt.date(2024, 6, 1))


def test_a_saved_report_renders_without_the_engine(engine, report, tmp_path):
    saved = tmp_path / "report.json"
    saved.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", RENDER_SAVED, str(saved)], capture_output=True, text=True,
                         encoding="utf-8", check=True)
    out = json.loads(run.stdout)
    assert out.pop("loaded") == []
    assert "社群定位不清" in out["zh"]["markdown"] and "社群定位不清" in out["zh"]["html"]
    assert "社群定位不清" not in out["en"]["markdown"]
    from shequn.report import html, markdown                       # the same pages as from the live engine
    from shequn.report.i18n import translate_for
    for lang in ("en", "zh"):
        live = translate_for(report, lang, engine)
        assert out[lang]["markdown"] == markdown.render(live, lang=lang, generated="2024-06-01")
        assert out[lang]["html"] == html.render(live, lang=lang, generated="2024-06-01")
        assert live.community.name in out[lang]["text"]
    assert "本周要做" in out["zh"]["text"] and "This week" not in out["zh"]["text"]


def test_report_models_are_frozen(report):
    with pytest.raises(ValidationError):
        report.discrepancies = []
    with pytest.raises(ValidationError):
        report.findings[0].status = "waived"
    copy = report.model_copy(update={"problems": ["changed"]})
    assert copy.problems == ["changed"] and report.problems != ["changed"]


def test_build_makes_copyable_models_with_defaults():
    summary = build(Summary, score=70, critical=1)
    assert isinstance(summary, Summary) and summary.passed == 0 and summary.waived == 0
    copy = summary.model_copy(update={"score": 80})
    assert (copy.score, copy.critical, summary.score) == (80, 1, 70)
    finding = build(Finding, rule="R1", title="t", kind="practice", severity="info", dimension="content",
                    message="m", evidence={}, advice=["a"], sources=[])
    assert "baseline" not in finding.model_dump()
    assert finding.model_copy(update={"baseline": "new"}).model_dump()["baseline"] == "new"
    assert Finding.model_validate_json(finding.model_dump_json()) == finding


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from module import name` in a file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module or "", alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names]


def test_report_modules_share_no_private_names_and_form_no_cycle():
    modules = {p.stem: _imports(p) for p in REPORT_PACKAGE.glob("*.py") if p.stem != "__init__"}
    for name, imports in modules.items():
        private = [f"{m}.{n}" for m, n in imports if m.startswith("shequn.") and n.startswith("_")]
        assert not private, f"{name} imports private names {private}"
        assert not any(m.startswith(("shequn.diagnose", "shequn.durable")) for m, _ in imports), name
    uses = {name: {m.rsplit(".", 1)[1] for m, _ in imports if m.startswith("shequn.report.")}
            for name, imports in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in uses.get(start, ()))

    cyclic = [name for name in uses if reaches(name, name, set())]
    assert not cyclic, f"report modules importing each other in a cycle: {cyclic}"
