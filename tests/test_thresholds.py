"""Thresholds: every built-in rule names the numbers of its condition and who gives them, and a
project may set shequn's own ones (never an article's)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from shequn import Engine
from shequn.cli.main import cli, main
from shequn.errors import ConfigError
from shequn.report.i18n import translate_for
from shequn.rules.ruleset import load_rulesets
from shequn.rulesets import builtin_paths

RULES = [r for rs in load_rulesets(builtin_paths()) for r in rs.rules]
# 12 of 100 members posted this week: above ST201's floor of 10%, below 15%
COMMUNITY = {"community": {"name": "tea lovers"}, "size": {"members": 100, "active_members_7d": 12}}


def st201(report):
    """ST201's finding, folded or not; None when the rule did not fire."""
    for f in report.findings:
        if f.rule == "ST201" or any(r.rule == "ST201" for r in f.related):
            return f
    return None


@pytest.mark.parametrize("rule", [r for r in RULES if "shequn's own" in r.message
                                  or (r.zh is not None and "shequn自己" in (r.zh.message or ""))], ids=lambda r: r.id)
def test_a_message_saying_shequns_own_names_a_shequn_threshold(rule):
    assert any(t.source == "shequn" for t in rule.thresholds.values()), \
        f"{rule.id} says a number is shequn's own but names no threshold with source: shequn"


@pytest.mark.parametrize("rule", [r for r in RULES if r.thresholds], ids=lambda r: r.id)
def test_shequns_own_numbers_are_written_through_placeholders(rule):
    """A message never states a shequn number in digits that a project setting would leave stale."""
    for text in (rule.message, rule.zh.message if rule.zh else None):
        for name, t in rule.thresholds.items():
            if text and t.source == "shequn" and f"{{threshold.{name}}}" not in text:
                assert f"{t.value:g}" not in text.replace("{", " ").replace("}", " ") or t.value in (0, 1), \
                    f"{rule.id}: message states {t.value:g} without {{threshold.{name}}}"


def test_a_project_threshold_changes_the_verdict_and_the_message():
    assert st201(Engine().evaluate(COMMUNITY)) is None
    report = Engine(thresholds={"ST201.active_floor": 0.15}).evaluate(COMMUNITY)
    finding = st201(report)
    assert finding is not None and finding.rule == "ST201"
    assert "fewer than 15%" in finding.message and "15% is shequn's own floor" in finding.message
    assert "10%" not in finding.message
    assert {t.name: (t.value, t.source) for t in finding.thresholds} == {"active_floor": (0.15, "shequn")}
    zh = next(f for f in translate_for(report, "zh").findings if f.rule == "ST201")
    assert "不到15%" in zh.message and "以15%为底线" in zh.message


@pytest.mark.parametrize("setting, fragment", [
    ({"SA101.min_thematic_shares": 4}, "given by the article"),
    ({"ST201.active_flor": 0.15}, "did you mean 'ST201.active_floor'"),
    ({"ST201.active_floor": -1}, "must be a number >= 0"),
    ({"SM153.min_sales": 5}, "cannot be set apart"),
])
def test_settings_that_cannot_be_made_are_config_errors(setting, fragment):
    with pytest.raises(ConfigError) as err:
        Engine(thresholds=setting)
    assert fragment in str(err.value)


def test_unknown_name_and_article_number_together_are_both_named():
    with pytest.raises(ConfigError) as err:
        Engine(thresholds={"SA101.min_thematic_shares": 4, "ST20.active_floor": 0.2})
    text = str(err.value)
    assert "SA101.min_thematic_shares" in text and "did you mean 'ST201.active_floor'" in text


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "tea.yaml").write_text(json.dumps(COMMUNITY), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args):
    return CliRunner().invoke(cli, ["check", "tea.yaml", "--format", "json", *args], catch_exceptions=False)


def test_cli_threshold_option(project):
    assert st201_json(check()) is None
    finding = st201_json(check("--threshold", "ST201.active_floor=0.15"))
    assert finding is not None and "fewer than 15%" in finding["message"]


def run_main(monkeypatch, capsys, *args):
    """`shequn ARGS` as the console script runs it: project defaults read from the working folder."""
    monkeypatch.setattr("sys.argv", ["shequn", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def test_cli_project_thresholds(project, monkeypatch, capsys):
    (project / "shequn.yaml").write_text("thresholds:\n  ST201.active_floor: 0.15\n", encoding="utf-8")
    code, out, err = run_main(monkeypatch, capsys, "check", "tea.yaml", "--format", "json")
    assert code in (0, 1), err
    finding = next((f for f in json.loads(out)["findings"] if f["rule"] == "ST201"), None)
    assert finding is not None and "fewer than 15%" in finding["message"]


@pytest.mark.parametrize("value", ["ST201.active_floor=lots", "ST201.active_floor", "SA101.min_thematic_shares=4",
                                   "ST201.active_flor=0.15"])
def test_cli_bad_threshold_exits_2(project, value):
    result = check("--threshold", value)
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize("setting", ["ST201.active_floor: lots", "SA101.min_thematic_shares: 4"])
def test_cli_bad_project_thresholds_exit_2(project, monkeypatch, capsys, setting):
    (project / "shequn.yaml").write_text(f"thresholds:\n  {setting}\n", encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, "check", "tea.yaml")
    assert code == 2 and "thresholds" in err


def test_rules_show_names_the_thresholds():
    result = CliRunner().invoke(cli, ["rules", "show", "ST201"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Thresholds" in result.output
    assert "active_floor = 0.1" in result.output and "ST201.active_floor" in result.output


def st201_json(result):
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    return next((f for f in data["findings"] if f["rule"] == "ST201"), None)
