"""--lang zh for explain and facts init, `lang` as a project setting, --config naming the project file,
and shell completion."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from shequn.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
COPY = str(ROOT / "facts/examples/copywriting-community.yaml")


def run(*args: str, **kw):
    return CliRunner(**kw).invoke(cli, list(args), catch_exceptions=False)


def test_explain_in_chinese():
    text = run("explain", COPY, "ST301", "--lang", "zh").stdout
    assert text.splitlines()[0] == "ST301: 新成员留存太少"                      # the rule's Chinese title
    assert "结论：无法评估（缺少事实）" in text and "阶段：第 3 阶段（推断）" in text
    assert "要评估这条规则，还需收集：30天留存率（retention.retention_30d）" in text
    english = run("explain", COPY, "ST301").stdout
    assert "outcome: not evaluated" in english and "to evaluate it, collect: retention.retention_30d" in english


def test_facts_init_in_chinese_loads_and_names_facts_in_chinese(tmp_path):
    text = run("facts", "init", "--lang", "zh").stdout
    assert text.startswith("## shequn 事实文件")
    assert "# 取值之一：wechat（微信）、wecom（企业微信）" in text                  # values named, keys kept
    assert "这个社群叫什么名字？（必填）" in text
    assert "#   platform:" in text and "platform（" not in text
    data = yaml.safe_load(text)
    assert data == {"community": {"name": ""}}                                # still a facts file as it is
    english = run("facts", "init").stdout
    assert "the group's or matrix's name (required)" in english and "社群" not in english


def test_lang_is_a_project_setting_for_every_command_with_lang(tmp_path, monkeypatch):
    (tmp_path / "shequn.yaml").write_text("lang: zh\n", encoding="utf-8")
    from shequn.project import default_map
    defaults = default_map(tmp_path)
    assert defaults["check"]["lang"] == defaults["diff"]["lang"] == defaults["explain"]["lang"] == "zh"
    assert defaults["rules"]["show"]["lang"] == defaults["facts"]["questions"]["lang"] == "zh"
    assert defaults["facts"]["init"]["lang"] == "zh"
    shown = CliRunner().invoke(cli, ["rules", "show", "ST301"], default_map=defaults, catch_exceptions=False).stdout
    assert "新成员留存太少" in shown
    # the command line still wins
    english = CliRunner().invoke(cli, ["rules", "show", "ST301", "--lang", "en"], default_map=defaults).stdout
    assert "新成员留存太少" not in english


def test_a_bad_lang_setting_is_refused(tmp_path):
    from shequn.project import ProjectError, default_map
    (tmp_path / "shequn.yaml").write_text("lang: fr\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="'lang' must be one of en, zh"):
        default_map(tmp_path)


def test_config_names_the_project_file(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text("lang: zh\nfail_on: never\n", encoding="utf-8")
    result = run("--config", str(team), "check", COPY)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("1 个社群：")
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[tool.shequn]\nformat = "concise"\nfail-on = "never"\n', encoding="utf-8")
    concise = run("--config", str(toml), "check", COPY)
    assert concise.exit_code == 0 and concise.stdout.startswith(f"{COPY}: ")


@pytest.mark.parametrize("content, name, words", [
    (None, "missing.yaml", "no such project file"),
    ("lang: fr\n", "bad.yaml", "'lang' must be one of en, zh"),
    ('[project]\nname = "x"\n', "pyproject.toml", "no [tool.shequn] table"),
])
def test_a_bad_config_exits_2(tmp_path, content, name, words):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check", COPY])
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("shell, mark", [("bash", "_shequn_completion"), ("zsh", "#compdef shequn"),
                                         ("fish", "complete --no-files --command shequn")])
def test_the_completion_script_is_produced(shell, mark):
    result = CliRunner(env={"_SHEQUN_COMPLETE": f"{shell}_source"}).invoke(cli, [], prog_name="shequn")
    assert result.exit_code == 0 and mark in result.stdout


def test_completion_completes_commands_and_options():
    env = {"_SHEQUN_COMPLETE": "bash_complete", "COMP_WORDS": "shequn ch", "COMP_CWORD": "1"}
    assert "plain,check" in CliRunner(env=env).invoke(cli, [], prog_name="shequn").stdout.splitlines()
    env = {"_SHEQUN_COMPLETE": "bash_complete", "COMP_WORDS": "shequn check x.yaml --format j", "COMP_CWORD": "4"}
    out = CliRunner(env=env).invoke(cli, [], prog_name="shequn").stdout.splitlines()
    assert {"plain,json", "plain,jsonl", "plain,junit"} <= set(out)
