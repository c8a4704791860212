"""`shequn check` text as a terminal user and a pipe see it: width, no trailing spaces, hanging indents,
an overview for many files, one summary line at the end, and each finding naming its rule page."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "facts" / "examples").glob("*.yaml"))
THREE = ["facts/examples/copywriting-community.yaml", "facts/examples/cosmetics-brand-matrix.yaml",
         "facts/examples/jd-seller.yaml"]


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def check(*args: str, columns: str | None = None):
    env = {"COLUMNS": columns, "NO_COLOR": "1", "FORCE_COLOR": None, "TTY_COMPATIBLE": None}
    return CliRunner(env=env).invoke(cli, ["check", *args, "--fail-on", "never"], catch_exceptions=False)


def test_piped_text_has_no_trailing_spaces():
    text = check(*EXAMPLES).stdout
    assert text.count("\n") > 500
    bad = [n for n, line in enumerate(text.splitlines(), 1) if line != line.rstrip()]
    assert not bad, f"lines with trailing spaces: {bad[:10]}"


@pytest.mark.parametrize("columns", ["60", "140"])
def test_width_follows_columns(columns):
    lines = check(THREE[0], columns=columns).stdout.splitlines()
    widest = max(len(line) for line in lines)
    assert widest == int(columns)                      # the header panel fills the width, and nothing is wider


def test_without_columns_a_pipe_gets_100():
    lines = check(THREE[0]).stdout.splitlines()
    assert max(len(line) for line in lines) == 100


def test_wrapped_lines_keep_their_indent():
    """At 60 columns advice, plan items and finding titles wrap under their own text, never under the mark."""
    lines = check(THREE[1], columns="60").stdout.splitlines()
    wrapped = 0
    for before, line in zip(lines, lines[1:]):
        arrow = before.find("→ ")
        if arrow >= 0 and before[:arrow].strip() == "" and line.strip() and not line.lstrip().startswith(("→", "“")):
            if line.startswith(" " * (arrow + 2)) or line[:arrow + 2].strip():
                continue
            pytest.fail(f"advice wrapped out of its indent:\n{before}\n{line}")
    for before, line in zip(lines, lines[1:]):
        if re.match(r"^[✖▲●] [A-Z]+\d+  ", before) and line.startswith("  ") and not line.startswith("    "):
            wrapped += 1                                # a title's second line, under the title
    for n, line in enumerate(lines):
        if re.match(r"^\d+\. ", line) and n + 1 < len(lines) and lines[n + 1].strip():
            assert lines[n + 1].startswith("   "), f"a plan item wrapped under its number:\n{line}\n{lines[n + 1]}"
    assert any(re.match(r"^ {5,}\S", line) for line in lines)          # some advice did wrap at 60 columns
    assert wrapped >= 1


def test_many_files_start_with_an_overview_and_end_with_one_summary_line():
    result = check(*THREE)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Community", "Overall", "Stage", "Critical", "Warning"]
    reports = json.loads(check(*THREE, "--format", "json").stdout)
    for row, report in zip(lines[1:4], reports):
        assert row.startswith(report["community"]["name"])
        s = report["summary"]
        assert row.split()[-2:] == [str(s["critical"]), str(s["warning"])]
        assert (str(s["score"]) if s["score"] is not None else "–") in row.split()
    critical = sum(1 for r in reports if r["summary"]["critical"])
    warnings = sum(r["summary"]["warning"] for r in reports)
    assert lines[-1] == f"3 communities: {critical} with critical findings, {warnings} warnings"
    assert sum(line.startswith("3 communities:") for line in lines) == 1


def test_one_file_has_no_overview_but_the_summary_line():
    lines = check(THREE[0]).stdout.splitlines()
    assert not lines[0].startswith("Community")
    assert re.fullmatch(r"1 community: [01] with critical findings, \d+ warnings?", lines[-1])


def test_with_output_the_summary_line_goes_to_stderr(tmp_path):
    out = tmp_path / "report.txt"
    result = check(*THREE, "-o", str(out))
    assert result.stdout == ""
    assert result.stderr.startswith("3 communities: ")
    assert "3 communities:" not in out.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").startswith("Community")


def test_summary_line_in_chinese():
    last = check(*THREE, "--lang", "zh").stdout.splitlines()[-1]
    assert re.fullmatch(r"3 个社群：\d 个有严重问题，共 \d+ 条警告", last)


def test_every_finding_names_its_rule_page():
    text = check(THREE[1]).stdout
    report = json.loads(check(THREE[1], "--format", "json").stdout)
    for f in report["findings"]:
        if f["status"] == "open":
            assert f"rule page: shequn rules show {f['rule']}" in text
