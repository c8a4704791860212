"""`rules test`: every rule's examples through durable_rules, failures with the explanation, coverage."""
from __future__ import annotations

import yaml

from shequn.rules.verdict import Verdict
from shequn.durable.probe import Probe
from shequn.authoring.examples import run_examples
from shequn.rules.ruleset import load_ruleset, load_rulesets
from shequn.rulesets import builtin_paths


def ruleset(tmp_path, when="size.members > 150 and governance.admins < 2", trigger=None, no_trigger=None):
    rule = {"id": "MY001", "title": "t", "kind": "practice", "severity": "warning", "dimension": "scale", "when": when,
            "message": "m", "advice": ["a"], "sources": [{"doc": "six-aspects", "quote": "150"}],
            "examples": {"trigger": trigger if trigger is not None else [{"size": {"members": 200}, "governance": {"admins": 1}}],
                         "no_trigger": no_trigger if no_trigger is not None else [{"size": {"members": 100}}]}}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "version": 1, "rules": [rule]}, sort_keys=False), encoding="utf-8")
    return load_ruleset(path)


def test_builtin_examples_all_pass():
    run = run_examples(load_rulesets(builtin_paths()))
    assert run.results and not run.failures, run.render()


def test_passing_examples(tmp_path):
    run = run_examples([ruleset(tmp_path)])
    assert [r.actual for r in run.results] == [Verdict.VIOLATED, Verdict.PASSED]
    assert run.failures == [] and "2/2 examples of 1 rules" in run.render()


def test_failure_carries_the_explanation_and_line(tmp_path):
    run = run_examples([ruleset(tmp_path, no_trigger=[{"size": {"members": 300}, "governance": {"admins": 1}}])])
    (f,) = run.failures
    assert (f.which, f.index, f.expected, f.actual) == ("no_trigger", 1, Verdict.PASSED, Verdict.VIOLATED)
    assert f.line > 0 and f.file.endswith("mine.yaml")
    assert f.explanation.outcome == "true"
    text = run.render()
    assert "expected passed, got violated" in text and "size.members = 300" in text
    assert run.to_dict()["failures"][0]["explanation"]["children"][0]["values"] == {"size.members": 300}


def test_not_evaluated_example_fails(tmp_path):
    run = run_examples([ruleset(tmp_path, trigger=[{"size": {"members": 300}}])])
    (f,) = run.failures
    assert f.actual == "not_evaluated" and "governance.admins = unknown" in run.render()


def test_invalid_example_is_reported_not_raised(tmp_path):
    run = run_examples([ruleset(tmp_path, trigger=[{"size": {"members": -1}}])])
    (f,) = run.failures
    assert f.actual == "invalid" and f.problems


def test_coverage_counts_branches(tmp_path):
    run = run_examples([ruleset(tmp_path)], coverage=True)
    (c,) = run.coverage
    # branches: the and, size.members > 150, governance.admins < 2 — each true and false
    assert c.total == 6
    assert c.exercised
    assert "'governance.admins < 2' never false" in c.uncovered()
    summary = run.to_dict()["coverage"]
    assert summary["rules_exercised"] == 1 and summary["branches_total"] == 6
    assert "condition branches exercised" in run.render()


def test_coverage_flags_rules_without_examples_both_ways(tmp_path):
    run = run_examples([ruleset(tmp_path, no_trigger=[])], coverage=True)
    assert not run.coverage[0].exercised and "no no_trigger example" in run.render()


def test_probe_survives_a_first_example_that_fires_nothing(tmp_path):
    """durable_rules 2.0.28 can crash when the first fact a new ruleset sees matches no rule;
    every compiled program carries a rule that always fires (program.SEEN)."""
    rule = ruleset(tmp_path, when="size.members > 150").rules[0]
    probe = Probe()
    assert probe.outcome(rule, {"size": {"members": 1}}) == Verdict.PASSED
    assert probe.outcome(rule, {"size": {"members": 151}}) == Verdict.VIOLATED
