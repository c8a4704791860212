"""Every built-in rule carries examples that must and must not trigger it; run them all."""
import pytest

from shequn.durable.probe import Probe
from shequn.rules.verdict import Verdict
from shequn.rules.ruleset import load_rulesets
from shequn.rulesets import builtin_paths

RULES = [r for rs in load_rulesets(builtin_paths()) for r in rs.rules]
PROBE = Probe()


def test_there_are_builtin_rules():
    assert len(RULES) >= 20


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_examples_both_ways(rule):
    assert rule.examples.trigger, f"{rule.id} has no example that triggers it"
    assert rule.examples.no_trigger, f"{rule.id} has no example that must not trigger it"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_trigger_examples_trigger(rule):
    for i, example in enumerate(rule.examples.trigger):
        assert PROBE.outcome(rule, example) == Verdict.VIOLATED, f"{rule.id} trigger example {i + 1} did not trigger: {example}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_no_trigger_examples_pass(rule):
    for i, example in enumerate(rule.examples.no_trigger):
        assert PROBE.outcome(rule, example) == Verdict.PASSED, f"{rule.id} no_trigger example {i + 1} did not pass: {example}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_missing_facts_are_not_evaluated(rule):
    """With no facts at all a rule is never violated nor passed (unknown is not zero or false)."""
    outcome = PROBE.outcome(rule, {"stage": {"current": rule.stage or 1}})
    assert outcome == Verdict.NOT_EVALUATED, f"{rule.id} decided '{outcome}' without any facts"
