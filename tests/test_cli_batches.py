"""Many communities in one run, standard input, and typos caught: what a CI pipeline relies on."""
from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

import shequn
from shequn.cli.main import cli
from shequn.facts import FactsError

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXPORT = str(ROOT / "facts" / "examples" / "exports" / "telegram_result.json")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_facts_from_standard_input():
    result = run("check", "-", "--format", "json", "--fail-on", "never",
                 input='{"community": {"name": "piped"}, "size": {"members": "1,200"}}')
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["community"]["name"], report["community"]["members"]) == ("piped", 1200)


def test_bad_standard_input_is_a_clear_error():
    result = run("check", "-", input="size: {members: many}\n")
    assert result.exit_code == 2 and "<stdin>" in result.stderr and "size.members" in result.stderr


def test_an_export_among_facts_files_is_a_community_of_its_own(tmp_path):
    a = write(tmp_path, "a.yaml", "community: {name: Alpha}\nsize: {members: 50}\n")
    b = write(tmp_path, "b.yaml", "community: {name: Beta}\nsize: {members: 60}\n")
    result = run("check", a, b, EXPORT, "--format", "json", "--fail-on", "never")
    reports = json.loads(result.stdout)
    assert [r["community"]["name"] for r in reports] == ["Alpha", "Beta", "Open Robotics Study Group"]
    assert [r["community"]["members"] for r in reports][:2] == [50, 60]     # nothing measured leaks into them


def test_a_bad_file_never_loses_the_good_ones(tmp_path):
    good = write(tmp_path, "good.yaml", "community: {name: Good}\nsize: {members: 50}\n")
    bad = write(tmp_path, "bad.yaml", "community: {name: Bad}\nsize: {members: many}\n")
    result = run("check", good, bad, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 2
    assert [r["community"]["name"] for r in json.loads(result.stdout)] == ["Good"]
    assert "bad.yaml" in result.stderr and "size.members" in result.stderr


def test_evaluate_many_keeps_the_good_items():
    engine = shequn.Engine()
    items = [{"community": {"name": "a"}}, {"size": {"members": "many"}}, {"community": {"name": "c"}}]
    got = list(engine.evaluate_many(items, on_error="yield"))
    assert [type(x).__name__ for x in got] == ["Report", "FactsError", "Report"]
    assert [r.community.name for r in engine.evaluate_many(items, on_error="skip")] == ["a", "c"]
    with pytest.raises(FactsError):
        list(engine.evaluate_many(items))
    with pytest.raises(ValueError, match="on_error"):
        list(engine.evaluate_many(items, on_error="ignore"))


@pytest.mark.parametrize("selector, suggestion", [("NMX", "NM"), ("nm601", "NM601"), ("governace", "governance")])
def test_an_unknown_selector_exits_2_with_a_suggestion(tmp_path, selector, suggestion):
    facts = write(tmp_path, "f.yaml", "community: {name: F}\n")
    result = run("check", facts, "--select", selector)
    assert result.exit_code == 2 and f"did you mean '{suggestion}'" in result.stderr


def test_a_waiver_for_a_rule_that_does_not_exist_is_a_problem():
    report = shequn.Engine().evaluate({"community": {"name": "x"}, "waivers": [{"rule": "NM901x", "reason": "r"}]})
    assert report.problems == ["waivers: rule 'NM901x' does not exist (did you mean 'NM901'?)"]


def test_rules_list_typos_exit_2():
    assert run("rules", "list", "--dimension", "gov").exit_code == 2
    result = run("rules", "list", "--doc", "six-aspect")
    assert result.exit_code == 2 and "did you mean 'six-aspects'" in result.stderr


def test_concise_is_one_line_per_open_finding(tmp_path):
    facts = write(tmp_path, "g.yaml", "community: {name: G}\ngovernance: {group_rules: false}\n")
    result = run("check", facts, "--format", "concise", "--fail-on", "never")
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{facts}: ") for line in lines)
    assert any(" NM201 warning " in line for line in lines)


def test_statistics_count_findings_by_rule(tmp_path):
    a = write(tmp_path, "a.yaml", "community: {name: A}\ngovernance: {group_rules: false}\n")
    b = write(tmp_path, "b.yaml", "community: {name: B}\ngovernance: {group_rules: false}\n")
    text = run("check", a, b, "--statistics", "--fail-on", "never").stdout
    assert text.splitlines()[0].split()[:3] == ["2", "NM201", "warning"]
    data = json.loads(run("check", a, b, "--statistics", "--format", "json", "--fail-on", "never").stdout)
    assert {"rule": "NM201", "count": 2, "severity": "warning", "title": data[0]["title"]} in data


def test_piping_into_head_stops_quietly():
    import subprocess
    import sys
    script = ("import sys; from shequn.cli.main import main; "
              "sys.argv = ['shequn', 'check', 'facts/examples/', '--format', 'markdown', '--fail-on', 'never']; main()")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)                      # like `head -c 10`: read a little, then go away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Broken pipe" not in err and "Traceback" not in err


def test_rules_show_in_chinese_with_placeholders_in_words():
    text = run("rules", "show", "ST201", "--lang", "zh").stdout
    assert text.startswith("ST201: 真正参与的成员太少") and "检查什么" in text and "怎么做" in text
    assert "{" not in text.split("条件")[0]                      # no raw {fact} placeholder before the condition
    assert "‹近7天发言人数›" in text and "10%" in text
    english = run("rules", "show", "ST201").stdout
    assert "‹members who posted in the last 7 days›" in english and "{size." not in english.split("Condition")[0]
