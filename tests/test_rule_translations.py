"""Every built-in rule speaks Chinese: title, message and advice, with the English message's placeholders."""
from shequn.rules.ruleset import PLACEHOLDER, load_rulesets
from shequn.rulesets import builtin_paths
import pytest
RULES = [r for rs in load_rulesets(builtin_paths()) for r in rs.rules]
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_builtin_rule_has_chinese(rule):
    assert rule.zh is not None and rule.zh.title and rule.zh.message and rule.zh.advice, f"{rule.id} lacks Chinese"
    assert len(rule.zh.advice) == len(rule.advice)
    assert set(PLACEHOLDER.findall(rule.zh.message)) == set(PLACEHOLDER.findall(rule.message))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.zh.title + rule.zh.message)


def test_rules_list_json_carries_the_chinese_text():
    import json
    from click.testing import CliRunner
    from shequn.cli.main import cli

    listed = json.loads(CliRunner().invoke(cli, ["rules", "list", "--format", "json"], catch_exceptions=False).output)
    by_id = {r["id"]: r for r in listed}
    assert all("zh" in r for r in listed)
    nm101 = next(r for r in RULES if r.id == "NM101")
    assert by_id["NM101"]["zh"] == {"title": nm101.zh.title, "message": nm101.zh.message, "advice": nm101.zh.advice}
    shown = json.loads(CliRunner().invoke(cli, ["rules", "show", "NM101", "--format", "json"], catch_exceptions=False).output)
    assert shown["zh"] == by_id["NM101"]["zh"]
