"""One verdict per rule: the report, the explanation and the rule examples agree.

Each case is a hand-built community on the mini ruleset (tests/data/mini.yaml)
and the verdict it must get from `Engine.evaluate` (as the report states it),
from `Engine.explain`, and from `Probe.outcome`, which judges the rule alone:
without the stage context and without waivers.
"""
import pathlib

import pytest

from shequn.diagnose.engine import Engine
from shequn.diagnose.explain import TRUTH, report_status
from shequn.durable.probe import Probe
from shequn.rules.verdict import Verdict, inapplicable, verdict_of

MINI = pathlib.Path(__file__).parent / "data" / "mini.yaml"
V = Verdict

AT_STAGE_1 = {"governance": {"group_rules": False}}           # an essential of stage 1 violated


def facts(*parts: dict, **sections) -> dict:
    data: dict = {"community": {"name": "t"}}
    for part in parts + (sections,):
        for section, values in part.items():
            data[section] = {**data.get(section, {}), **values} if isinstance(values, dict) else values
    return data


CASES = {
    # name: (rule, facts, report and explanation, probe)
    "violated": ("MINI001", facts(size={"members": 300}, governance={"admins": 1}), V.VIOLATED, V.VIOLATED),
    "passed": ("MINI001", facts(size={"members": 30}, governance={"admins": 1}), V.PASSED, V.PASSED),
    "passed although a fact is unknown": ("MINI001", facts(governance={"admins": 5}), V.PASSED, V.PASSED),
    "not evaluated: a fact unknown": ("MINI001", facts(governance={"admins": 1}), V.NOT_EVALUATED, V.NOT_EVALUATED),
    "not evaluated: a divisor is zero": ("MINI009", facts(size={"members": 100}, governance={"admins": 0},
                                                          conversion={"methods": ["endorsement"]}),
                                         V.NOT_EVALUATED, V.NOT_EVALUATED),
    "not applicable: an action of another stage": ("MINI005", facts(AT_STAGE_1, engagement={"daily_greetings": False}),
                                                   V.NOT_APPLICABLE, V.VIOLATED),
    "an essential of a later stage is still judged": ("MINI006", facts(AT_STAGE_1, conversion={"has_product": False}),
                                                      V.VIOLATED, V.VIOLATED),
    "not applicable: applies is false": ("MINI010", facts(community={"name": "t", "goal": "expand_network"},
                                                          conversion={"rate_90d": 0.01}),
                                         V.NOT_APPLICABLE, V.NOT_APPLICABLE),
    "not evaluated: whether it applies is unknown": ("MINI010", facts(conversion={"rate_90d": 0.01}),
                                                     V.NOT_EVALUATED, V.NOT_EVALUATED),
    "an action of the current stage": ("MINI005", facts(governance={"group_rules": True},
                                                        positioning={"join_benefits_stated": True},
                                                        size={"members": 100, "active_members_7d": 5},
                                                        engagement={"daily_greetings": False}),
                                       V.VIOLATED, V.VIOLATED),
    "waived": ("MINI001", facts(size={"members": 300}, governance={"admins": 1},
                                waivers=[{"rule": "MINI001", "reason": "hiring", "expires": "2099-01-01"}]),
               V.WAIVED, V.VIOLATED),
}


@pytest.fixture(scope="module")
def mini():
    return Engine([MINI], builtin=False)


@pytest.fixture(scope="module")
def probe():
    return Probe()


@pytest.mark.parametrize("case", CASES)
def test_report_explanation_and_probe_agree(mini, probe, case):
    rule_id, data, expected, alone = CASES[case]
    rule = mini.rule(rule_id)
    report = mini.evaluate(data)
    explanation = mini.explain(data, rule_id)
    assert report_status(report, rule_id) == expected
    assert explanation.outcome is expected
    # the probe judges the condition alone: the explanation's truth with no stage context
    assert probe.outcome(rule, {**data, "stage": {"current": report.stage.current}}) is alone
    applies = TRUTH.get(explanation.applies_tree.outcome) if explanation.applies_tree is not None else True
    assert verdict_of(rule, TRUTH.get(explanation.tree.outcome), None, applies) is alone


def test_not_applicable_says_why(mini):
    e = mini.explain(CASES["not applicable: an action of another stage"][1], "MINI005")
    assert e.reason == "an action of stage 2; the community is at stage 1"
    e = mini.explain(CASES["not applicable: applies is false"][1], "MINI010")
    assert e.reason == "it does not apply to this community"
    assert e.applies_tree is not None and e.applies_tree.outcome == "false"
    assert "applies: community.goal == \"sell_products\"" in e.render()
    assert mini.explain(CASES["violated"][1], "MINI001").reason == ""


def test_a_rule_reading_the_stage_is_judged_on_the_inferred_stage(mini, probe):
    data = facts(AT_STAGE_1, community={"name": "t", "declared_stage": 3})
    rule = mini.rule("MINI007")
    assert report_status(mini.evaluate(data), "MINI007") is V.VIOLATED
    assert mini.explain(data, "MINI007").outcome is V.VIOLATED
    assert probe.outcome(rule, {**data, "stage": {"current": 1}}) is V.VIOLATED
    assert probe.outcome(rule, {**data, "stage": {"current": 3}}) is V.PASSED


def test_verdict_of():
    rule = Engine([MINI], builtin=False).rule("MINI005")        # an action of stage 2
    assert [verdict_of(rule, t) for t in (True, False, None)] == [V.VIOLATED, V.PASSED, V.NOT_EVALUATED]
    assert [verdict_of(rule, t, 2) for t in (True, False, None)] == [V.VIOLATED, V.PASSED, V.NOT_EVALUATED]
    assert {verdict_of(rule, t, 1) for t in (True, False, None)} == {V.NOT_APPLICABLE}
    assert inapplicable(rule, 2) == ""


def test_verdicts_are_their_strings():
    assert [str(v) for v in Verdict] == ["violated", "passed", "not_evaluated", "not_applicable", "waived"]
    assert f"{V.NOT_EVALUATED}" == "not_evaluated" and V.PASSED == "passed"
