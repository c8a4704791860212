"""What users see, pinned: `shequn check` on two example communities, in text, Markdown and JSON.

The expected output is in tests/golden/. A deliberate change of output (a
rule's wording, a renderer's layout) is recorded with

    .venv/bin/python -m pytest tests/test_golden.py --update-golden

and the rewritten files are reviewed in the diff like any other change
(docs/testing.md).
"""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
COMMUNITIES = ["cosmetics-brand-matrix", "new-media-learning-community"]
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}

# The date, width and colour are the only things that vary between runs and machines.
STABLE_ENV = {"SHEQUN_TODAY": "2024-06-01", "COLUMNS": "100", "FORCE_COLOR": None, "NO_COLOR": "1",
              "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}


def check_output(community: str, fmt: str) -> str:
    """`shequn check facts/examples/<community>.yaml --format <fmt>` as a user runs it from the repository."""
    path = f"facts/examples/{community}.yaml"
    result = CliRunner(env=STABLE_ENV).invoke(cli, ["check", path, "--format", fmt, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("community", COMMUNITIES)
def test_check_output_matches_golden(community, fmt, update_golden, monkeypatch):
    monkeypatch.chdir(ROOT)
    got = check_output(community, fmt)
    golden = GOLDEN / f"{community}.{FORMATS[fmt]}"
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8", newline="\n")
        return
    assert golden.is_file(), f"{golden.name} is missing: run pytest --update-golden"
    expected = golden.read_text(encoding="utf-8")
    if got != expected:
        diff = difflib.unified_diff(expected.splitlines(), got.splitlines(), f"golden/{golden.name}", "now",
                                    lineterm="", n=2)
        shown = "\n".join(list(diff)[:80])
        pytest.fail(f"`shequn check` output changed; if that is intended, run pytest --update-golden\n{shown}",
                    pytrace=False)


def test_golden_files_are_all_in_use(update_golden):
    """A golden file nobody compares against would silently pin nothing."""
    if update_golden:
        pytest.skip("the files are being rewritten")
    expected = {f"{c}.{ext}" for c in COMMUNITIES for ext in FORMATS.values()} | {"report.schema.json", "verdicts.schema.json"}
    assert {p.name for p in GOLDEN.iterdir()} == expected


def test_the_pinned_date_is_the_one_shown(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert "Generated 2024-06-01" in check_output(COMMUNITIES[0], "markdown")


def test_report_schema_matches_golden(update_golden):
    """The JSON contract itself: any change to the report model shows up here (docs/report.md, Versions)."""
    import json

    from shequn.report.model import Report
    got = json.dumps(Report.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    golden = GOLDEN / "report.schema.json"
    if update_golden:
        golden.write_text(got, encoding="utf-8", newline="\n")
        return
    assert golden.is_file(), "report.schema.json is missing: run pytest --update-golden"
    assert got == golden.read_text(encoding="utf-8"), \
        "the report's JSON Schema changed: bump SCHEMA_VERSION if a field was renamed or removed, " \
        "record it in docs/report.md, then run pytest --update-golden"


def test_verdicts_schema_matches_golden(update_golden):
    """The verdicts stream's JSON contract (report/verdicts.py; docs/report.md, Verdicts)."""
    import json

    from shequn.report.verdicts import Verdicts
    got = json.dumps(Verdicts.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    golden = GOLDEN / "verdicts.schema.json"
    if update_golden:
        golden.write_text(got, encoding="utf-8", newline="\n")
        return
    assert golden.is_file(), "verdicts.schema.json is missing: run pytest --update-golden"
    assert got == golden.read_text(encoding="utf-8"), \
        "the verdicts' JSON Schema changed: bump VERDICTS_VERSION if a field was renamed or removed, " \
        "record it in docs/report.md, then run pytest --update-golden"
