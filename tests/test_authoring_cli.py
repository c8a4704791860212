"""explain, rules lint/test, facts questions/init on the command line: output and exit codes."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import load_facts
from shequn.facts.vocabulary import BY_NAME



def write_ruleset(tmp_path, no_trigger=None):
    rule = {"id": "MY001", "title": "Too big for its admins", "kind": "practice", "severity": "warning",
            "dimension": "scale", "when": "size.members > 150 and governance.admins < 2",
            "message": "{size.members} members", "advice": ["Add an admin."],
            "sources": [{"doc": "six-aspects", "quote": "150"}],
            "examples": {"trigger": [{"size": {"members": 200}, "governance": {"admins": 1}}],
                         "no_trigger": no_trigger or [{"size": {"members": 100}}]}}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "version": 1, "rules": [rule]}, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text("community:\n  name: Small group\nsize:\n  members: 120\n", encoding="utf-8")
    return path


# --- explain -----------------------------------------------------------------

def test_explain_text_and_json(run, small, engine):
    rule = engine.rules[0]
    result = run("explain", small, rule.id)
    assert result.exit_code == 0
    assert rule.id in result.output and "outcome:" in result.output and rule.when in result.output
    data = json.loads(run("explain", small, rule.id, "--format", "json").output)
    assert data["rule"] == rule.id and data["condition"]["outcome"] in ("true", "false", "unknown")
    assert data["outcome"] == engine.explain(load_facts(small), rule.id).outcome


def test_explain_unknown_rule_is_bad_input(run, small, engine):
    result = run("explain", small, engine.rules[0].id[:-1] + "9x")
    assert result.exit_code == 2 and result.output.startswith("error: unknown rule")


def test_explain_bad_facts_file(run, tmp_path, engine):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: {name: x}\nsize: {membres: 3}\n", encoding="utf-8")
    result = run("explain", bad, engine.rules[0].id)
    assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output


def test_explain_with_custom_ruleset(run, small, tmp_path):
    path = tmp_path / "mine.yaml"
    write_ruleset(tmp_path)
    result = run("explain", small, "MY001", "--ruleset", path)
    assert result.exit_code == 0 and "size.members = 120" in result.output and "governance.admins = unknown" in result.output


# --- rules lint ----------------------------------------------------------------

def test_lint_clean_and_broken(run, tmp_path):
    write_ruleset(tmp_path)
    assert run("rules", "lint", tmp_path / "mine.yaml").exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text((tmp_path / "mine.yaml").read_text().replace("size.members > 150", "size.member > 150"))
    result = run("rules", "lint", broken)
    assert result.exit_code == 1
    assert re.search(r"broken\.yaml:\d+:\d+: rule MY001: unknown fact 'size.member' \(did you mean 'size.members'\?\)",
                     result.output)
    data = json.loads(run("rules", "lint", broken, "--format", "json").output)
    assert data[0]["code"] == "unknown-fact" and data[0]["line"] and data[0]["column"]


def test_lint_missing_path_is_usage_error(run, tmp_path):
    result = run("rules", "lint", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "error:" in result.output


def test_lint_builtins_clean(run):
    from shequn.rulesets import builtin_paths
    assert run("rules", "lint", *builtin_paths()).exit_code == 0


# --- rules test ------------------------------------------------------------------

def test_rules_test_builtins_with_coverage(run):
    result = run("rules", "test", "--coverage")
    assert result.exit_code == 0 and "coverage:" in result.output
    data = json.loads(run("rules", "test", "--format", "json").output)
    assert data["failed"] == 0 and data["examples"] > 0


def test_rules_test_failure_exit_1(run, tmp_path):
    write_ruleset(tmp_path, no_trigger=[{"size": {"members": 300}, "governance": {"admins": 1}}])
    result = run("rules", "test", tmp_path / "mine.yaml")
    assert result.exit_code == 1 and "expected passed, got violated" in result.output


def test_rules_test_broken_ruleset_exit_2(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: 1\nrules:\n  - id: X1\n", encoding="utf-8")
    result = run("rules", "test", bad)
    assert result.exit_code == 2 and all(line.startswith("error: ") for line in result.output.splitlines())


# --- facts questions ---------------------------------------------------------------

def test_questions_for_name_and_members_are_ranked(run, small):
    result = run("facts", "questions", small, "--format", "json")
    assert result.exit_code == 0
    questions = json.loads(result.output)
    assert len(questions) >= 5
    order = {"stage": 0, "applicability": 1, "rules": 2}
    ranks = [order[q["decides"]] for q in questions]
    assert ranks == sorted(ranks) and questions[0]["decides"] == "stage"      # what places the stage comes first
    first = [q["fact"] for q in questions[:6]]
    assert "size.active_members_7d" in first                                 # the stage-2 essential
    assert not any(f.startswith("offer.") for f in first)                    # no pricing before there is a product
    assert all(q["question"].endswith("?") for q in questions)
    assert "size.members" not in {q["fact"] for q in questions}
    text = run("facts", "questions", small, "--limit", "3").output
    assert text.startswith("1. ") and "unlocks" in text and "4. " not in text


def test_questions_without_facts_list_every_fact(run):
    questions = json.loads(run("facts", "questions", "--format", "json").output)
    names = {q["fact"] for q in questions}
    assert names == {n for n, f in BY_NAME.items() if not f.derived and n != "community.name"}


# --- facts init ----------------------------------------------------------------------

SAMPLE = {"text": '"a parents\' group"', "bool": "true", "count": "3", "number": "2.5", "amount": "99",
          "share": "0.2", "stage": "2"}


def _fill(template: str) -> str:
    """Uncomment every fact and give it a valid value, as an operator would."""
    out, section, group = [], None, None
    for line in template.splitlines():
        if line.startswith("##") or not line.strip():
            out.append(line)
            continue
        live = line[2:] if line.startswith("# ") else line
        m = re.match(r"^( *)([a-z0-9_]+):(.*)$", live)
        indent, key = len(m.group(1)) // 2, m.group(2)
        if indent == 0:
            section, group = key, None
            out.append(f"{key}:")
            continue
        if indent == 1:
            group = None
        name = f"{section}.{key}" if indent == 1 else f"{section}.{group}.{key}"
        fact = BY_NAME.get(name)
        if fact is None:                       # a group line: traffic.source_shares
            group = key
            out.append(f"{'  ' * indent}{key}:")
            continue
        if name == "community.name":
            value = '"Parents of Hangzhou"'
        elif fact.kind == "enum":
            value = fact.values[0]
        elif fact.kind == "enumlist":
            value = f"[{fact.values[0]}]"
        elif group == "source_shares":
            value = "0.1"
        else:
            value = SAMPLE[fact.kind]
        out.append(f"{'  ' * indent}{key}: {value}")
    return "\n".join(out) + "\n"


def test_facts_init_loads_as_is_and_after_filling_in(run, tmp_path):
    out = tmp_path / "acme.yaml"
    result = run("facts", "init", "-o", out)
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert load_facts(out).community.name == ""
    for fact in BY_NAME.values():
        if not fact.derived:
            assert f"{fact.key.split('.')[-1]}:" in text and fact.meaning in text
    filled = tmp_path / "filled.yaml"
    filled.write_text(_fill(text), encoding="utf-8")
    facts = load_facts(filled)
    flat = facts.flat(derived=False)
    assert facts.community.name == "Parents of Hangzhou"
    assert {n for n, f in BY_NAME.items() if not f.derived} <= set(flat)
    assert run("check", filled, "--fail-on", "never").exit_code == 0


def test_facts_init_refuses_to_overwrite(run, tmp_path):
    out = tmp_path / "acme.yaml"
    out.write_text("x", encoding="utf-8")
    result = run("facts", "init", "-o", out)
    assert result.exit_code == 2 and "already exists" in result.output
    assert run("facts", "init", "-o", out, "--force").exit_code == 0


def test_facts_init_to_stdout(run):
    result = run("facts", "init")
    assert result.exit_code == 0 and yaml.safe_load(result.output) == {"community": {"name": ""}}


# --- the guide's ruleset works as the guide says ---------------------------------------

def test_guide_ruleset_lints_clean_tests_green_and_shows_in_check(run, tmp_path):
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    seeds = root.parent / "shared" / "seeds"
    guide = (root / "docs" / "writing-rulesets.md").read_text(encoding="utf-8")
    block = guide.split("## The whole file")[1].split("```yaml\n")[1].split("```")[0]
    path = tmp_path / "our-rules.yaml"
    path.write_text(block, encoding="utf-8")
    sources = ["--sources", seeds] if seeds.is_dir() else []
    lint = run("rules", "lint", path, *sources)
    assert lint.exit_code == 0, lint.output
    test = run("rules", "test", path, "--coverage")
    assert test.exit_code == 0 and "100.0%" in test.output, test.output
    acme = tmp_path / "acme.yaml"
    acme.write_text("community: {name: Acme}\nsize: {members: 240}\ngovernance: {admins: 1}\n", encoding="utf-8")
    report = json.loads(run("check", acme, "--ruleset", path, "--select", "OUR", "--format", "json",
                            "--fail-on", "never").output)
    assert [f["rule"] for f in report["findings"]] == ["OUR001"]
    assert pathlib.Path(path).exists()
