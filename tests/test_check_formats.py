"""`shequn check` formats, portfolios, baselines and languages; `shequn diff` on the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from support import Page, assert_self_contained, facts, healthier, hostile

from shequn.cli.main import cli


@pytest.fixture(autouse=True)
def only_test_rules(monkeypatch):
    """Only the report tests' ruleset: these tests are about output, not the built-in rules."""
    import shequn.diagnose.engine
    monkeypatch.setattr(shequn.diagnose.engine, "builtin_paths", lambda: [])


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, data in (("sick", facts("Sick group")), ("healthy", healthier("Sick group")), ("hostile", hostile()),
                       ("other", facts("Other group"))):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out[name] = str(path)
    return out


def run(ruleset_path, *args):
    return CliRunner().invoke(cli, [*args, "--ruleset", str(ruleset_path)], catch_exceptions=False)


def test_json_single_and_many(ruleset_path, files):
    one = run(ruleset_path, "check", files["sick"], "--format", "json")
    assert one.exit_code == 1
    assert json.loads(one.stdout)["community"]["name"] == "Sick group"
    many = run(ruleset_path, "check", files["sick"], files["other"], "--format", "json")
    data = json.loads(many.stdout)
    assert [r["community"]["name"] for r in data] == ["Sick group", "Other group"]
    assert all("baseline" not in f for r in data for f in r["findings"])


def test_jsonl_lines_parse(ruleset_path, files):
    result = run(ruleset_path, "check", files["sick"], files["other"], files["healthy"], "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert [json.loads(line)["community"]["name"] for line in lines] == ["Sick group", "Other group", "Sick group"]
    assert result.stderr == ""                                            # no progress bar when not a terminal


def test_html_and_markdown_to_file(ruleset_path, files, tmp_path):
    out = tmp_path / "report.html"
    result = run(ruleset_path, "check", files["hostile"], "--format", "html", "-o", str(out), "--fail-on", "never")
    assert result.exit_code == 0 and result.stdout == ""
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = run(ruleset_path, "check", files["hostile"], "--format", "markdown").stdout
    assert md.startswith("# \\<script\\>alert(1)\\</script\\>")


def test_folder_gives_one_portfolio_page(ruleset_path, files, tmp_path):
    folder = Path(files["sick"]).parent
    html = run(ruleset_path, "check", str(folder), "--format", "html").stdout
    page = Page(html)
    assert len(page.find("tr", class_="community-row")) == 4
    assert {"c1", "c2", "c3", "c4", "overview"} <= page.ids
    md = run(ruleset_path, "check", str(folder), "--format", "markdown").stdout
    assert len([line for line in md.splitlines() if line.startswith("| [")]) == 4


def test_bad_file_reported_and_good_ones_still_rendered(ruleset_path, files, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: {name: X}\nsize: {members: -1, memberz: 3}\n")
    result = run(ruleset_path, "check", files["sick"], str(bad), "--format", "jsonl")
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) >= 2 and all("bad.yaml" in e for e in errors)
    assert "Traceback" not in result.stderr


def test_baseline_marks_new_and_known(ruleset_path, files, tmp_path):
    old = tmp_path / "old.json"
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(old))
    result = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--format", "json")
    marks = {f["rule"]: f["baseline"] for f in json.loads(result.stdout)["findings"]}
    assert marks == {"RPT002": "known", "RPT004": "known", "RPT007": "new"}
    html = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--format", "html").stdout
    assert Page(html).find("span", **{"class": "badge new"})


def test_fail_on_new_exit_codes(ruleset_path, files, tmp_path):
    old = tmp_path / "old.json"
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(old))
    # the same audit again: every finding is known
    same = run(ruleset_path, "check", files["sick"], "--baseline", str(old), "--fail-on-new", "--fail-on", "info")
    assert same.exit_code == 0
    assert run(ruleset_path, "check", files["sick"], "--baseline", str(old), "--fail-on", "critical").exit_code == 1
    # a month later: one new warning (RPT007), nothing new at critical
    later = ["check", files["healthy"], "--baseline", str(old), "--fail-on-new"]
    assert run(ruleset_path, *later, "--fail-on", "warning").exit_code == 1
    assert run(ruleset_path, *later, "--fail-on", "critical").exit_code == 0
    # a baseline of another community (in a list of reports): everything is new
    many = tmp_path / "many.json"
    run(ruleset_path, "check", files["healthy"], files["other"], "--format", "json", "-o", str(many))
    assert run(ruleset_path, "check", files["sick"], "--baseline", str(many), "--fail-on-new").exit_code == 1


def test_baseline_problems_exit_2(ruleset_path, files, tmp_path):
    result = run(ruleset_path, "check", files["sick"], "--fail-on-new")
    assert result.exit_code == 2 and "--baseline" in result.stderr
    missing = run(ruleset_path, "check", files["sick"], "--baseline", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "nope.json" in missing.stderr
    not_facts = tmp_path / "not-facts.yaml"
    not_facts.write_text("community: [1, 2]\n", encoding="utf-8")
    bad = run(ruleset_path, "check", files["sick"], "--baseline", str(not_facts))
    assert bad.exit_code == 2 and "not-facts.yaml" in bad.stderr and "Traceback" not in bad.stderr


def test_a_facts_file_is_a_baseline_as_diff_takes_it(ruleset_path, files):
    """An earlier facts file is evaluated now with the same rules: RPT007 is new, the rest known."""
    result = run(ruleset_path, "check", files["healthy"], "--baseline", files["sick"], "--format", "json")
    marks = {f["rule"]: f["baseline"] for f in json.loads(result.stdout)["findings"]}
    assert marks == {"RPT002": "known", "RPT004": "known", "RPT007": "new"}


def test_baseline_new_findings_first_marked_and_counted_in_text(ruleset_path, files, tmp_path):
    old = tmp_path / "old.json"
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(old))
    data = json.loads(run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--format", "json").stdout)
    assert [f["baseline"] for f in data["findings"]][0] == "new"            # new first, in JSON too
    text = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--fail-on", "never").stdout
    assert "1 new" in text.split("\n\n")[0] or "· 1 new" in text
    assert "RPT007" in text and "[new]" in text and "[known]" in text
    new_line = next(line for line in text.splitlines() if "[new]" in line)
    assert "RPT007" in new_line
    assert text.rstrip().endswith("1 new")                                  # the summary line counts them too
    md = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--format", "markdown").stdout
    assert "**1 new**" in md
    html = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--format", "html").stdout
    assert '<li class="chip new"><b>1</b> new</li>' in html


def test_fail_on_new_names_the_new_findings_on_stderr(ruleset_path, files, tmp_path):
    old = tmp_path / "old.json"
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(old))
    result = run(ruleset_path, "check", files["healthy"], "--baseline", str(old), "--fail-on-new", "--fail-on", "warning",
                 "--format", "json")
    assert result.exit_code == 1
    assert f"{files['healthy']}: new RPT007 warning" in result.stderr
    assert "RPT002" not in result.stderr                                   # known: not named
    quiet = run(ruleset_path, "check", files["sick"], "--baseline", str(old), "--fail-on-new", "--format", "json")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_reports_carry_the_audit_date_and_file_and_diff_names_them(ruleset_path, files, tmp_path, monkeypatch):
    may, june = tmp_path / "may.json", tmp_path / "june.json"
    monkeypatch.setenv("SHEQUN_TODAY", "2026-05-01")
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(may))
    monkeypatch.setenv("SHEQUN_TODAY", "2026-06-01")
    run(ruleset_path, "check", files["healthy"], "--format", "json", "-o", str(june))
    assert json.loads(june.read_text())["audit"] == {"date": "2026-06-01", "facts_file": files["healthy"]}
    text = run(ruleset_path, "diff", str(may), str(june)).stdout
    assert "2026-05-01 (sick.yaml) → 2026-06-01 (healthy.yaml)" in text.splitlines()[1]
    md = run(ruleset_path, "diff", str(may), str(june), "--format", "markdown").stdout
    assert "2026-05-01 (sick.yaml) → 2026-06-01 (healthy.yaml)" in md
    html = run(ruleset_path, "diff", str(may), str(june), "--format", "html").stdout
    assert '<p class="audits"><time>2026-05-01 (sick.yaml) → 2026-06-01 (healthy.yaml)</time></p>' in html
    # facts files compared directly: evaluated today, named by their files
    both = run(ruleset_path, "diff", files["sick"], files["healthy"]).stdout
    assert "2026-06-01 (sick.yaml) → 2026-06-01 (healthy.yaml)" in both


def test_lang_zh(ruleset_path, files):
    html = run(ruleset_path, "check", files["sick"], "--format", "html", "--lang", "zh").stdout
    text = Page(html).all_text
    assert "诊断发现" in text and "下一步行动" in text and "定位不清" in text
    md = run(ruleset_path, "check", files["sick"], "--format", "markdown", "--lang", "zh").stdout
    assert "## 诊断发现" in md
    data = json.loads(run(ruleset_path, "check", files["sick"], "--format", "json", "--lang", "zh").stdout)
    assert data["findings"][0]["title"] == "No positioning statement"      # the JSON contract stays English
    text = run(ruleset_path, "check", files["sick"], "--lang", "zh").stdout
    assert text.index("本周要做") < text.index("严重 (1)")
    assert "1. 定位不清" in text and "健康度" in text
    for english in ("This week", "Health", "Next actions", "Facts still", "critical", "Evidence"):
        assert english not in text, english


def test_the_plan_comes_first_in_every_format(ruleset_path, files):
    text = run(ruleset_path, "check", files["sick"]).stdout
    assert text.index("This week") < text.index("1. No positioning statement") < text.index("Critical (1)")
    md = run(ruleset_path, "check", files["sick"], "--format", "markdown").stdout
    assert md.index("## This week") < md.index("## Findings")
    html = run(ruleset_path, "check", files["sick"], "--format", "html").stdout
    assert html.index('id="report-plan"') < html.index('id="report-findings"')


def test_diff_command(ruleset_path, files, tmp_path):
    old = tmp_path / "old.json"
    run(ruleset_path, "check", files["sick"], "--format", "json", "-o", str(old))
    for new in (files["healthy"],):                                     # a report JSON against a facts file
        result = run(ruleset_path, "diff", str(old), new, "--format", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert [f["rule"] for f in data["resolved"]] == ["RPT001", "RPT003", "RPT005"]
        assert [f["rule"] for f in data["new"]] == ["RPT007", "RPT004"]
    text = run(ruleset_path, "diff", files["sick"], files["healthy"]).stdout
    assert "Resolved findings (3)" in text
    out = tmp_path / "diff.html"
    run(ruleset_path, "diff", files["sick"], files["healthy"], "--format", "html", "-o", str(out))
    assert_self_contained(out.read_text(encoding="utf-8"))
    zh = run(ruleset_path, "diff", files["sick"], files["healthy"], "--format", "markdown", "--lang", "zh").stdout
    assert "## 已解决的问题 (3)" in zh and "定位不清" in zh
    bad = run(ruleset_path, "diff", files["sick"], str(tmp_path / "nope.yaml"))
    assert bad.exit_code == 2
