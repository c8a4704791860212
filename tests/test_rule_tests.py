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


def test_a_failing_example_points_at_its_own_line(tmp_path):
    """The second trigger example fails: the line is that example's, not the first one's nor `examples:`."""
    rs = ruleset(tmp_path, trigger=[{"size": {"members": 200}, "governance": {"admins": 1}},
                                    {"size": {"members": 20}, "governance": {"admins": 1}}])
    (f,) = run_examples([rs]).failures
    lines = (tmp_path / "mine.yaml").read_text(encoding="utf-8").splitlines()
    assert f.index == 2 and "members: 20" in "\n".join(lines[f.line - 1:f.line + 2])
    assert "members: 200" not in lines[f.line - 1]


def test_not_applicable_examples_are_run(tmp_path):
    path = tmp_path / "na.yaml"
    path.write_text(yaml.safe_dump({"name": "na", "version": 1, "rules": [{
        "id": "NA001", "title": "t", "kind": "practice", "severity": "info", "dimension": "conversion",
        "applies": 'community.goal == "sell_products"', "when": "conversion.rate_90d < 0.02", "message": "m",
        "advice": ["a"], "sources": [{"doc": "six-aspects", "quote": "abc"}],
        "examples": {"trigger": [{"community": {"goal": "sell_products"}, "conversion": {"rate_90d": 0.01}}],
                     "no_trigger": [{"community": {"goal": "sell_products"}, "conversion": {"rate_90d": 0.1}}],
                     "not_applicable": [{"community": {"goal": "expand_network"}, "conversion": {"rate_90d": 0.01}},
                                        {"community": {"goal": "sell_products"}, "conversion": {"rate_90d": 0.01}}]}}]},
                                   sort_keys=False), encoding="utf-8")
    run = run_examples([load_ruleset(path)])
    (f,) = run.failures                                 # the second not_applicable example does apply
    assert (f.which, f.index, f.actual) == ("not_applicable", 2, Verdict.VIOLATED)
