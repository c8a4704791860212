"""What a consultant signs, on every example community: the invariants of the diagnosis (docs/scoring.md).

Each example of facts/examples/ and a name-and-size-only community go through the built-in rulesets;
whatever the community, the report must hold these.
"""
from __future__ import annotations

import pathlib

import pytest

from shequn.diagnose.engine import Engine
from shequn.diagnose.rule_info import cause_of
from shequn.facts.loader import load_facts

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def report(request, engine):
    return engine.evaluate(load_facts(request.param))


def test_nothing_to_do_without_evidence(report):
    assert all(a.evidence for a in report.actions)
    assert all(p.evidence for p in report.plan)


def test_plan_is_short_and_one_per_cause(report, engine):
    assert len(report.plan) <= 5
    if any(f.status == "open" for f in report.findings):
        assert report.plan, "open findings but nothing to do this week"
    causes = [cause_of(engine.rule(p.rule)) for p in report.plan]
    assert len(causes) == len(set(causes))


def test_no_two_findings_of_one_cause_and_no_equal_conditions(report, engine):
    causes = [(cause_of(engine.rule(f.rule)), f.status) for f in report.findings]
    assert len(causes) == len(set(causes))
    conditions = [(engine.rule(f.rule).applies, engine.rule(f.rule).when) for f in report.findings]
    assert len(conditions) == len(set(conditions))


def test_stage_bounds(report, engine):
    st = report.stage
    assert 1 <= st.current <= st.at_most <= 5
    for rule_id in st.blockers:                      # blockers are violated essentials of the current stage
        rule = engine.rule(rule_id)
        assert rule.gate and rule.stage == st.current
        assert any(f.rule == rule_id or rule_id in [r.rule for r in f.related] for f in report.findings)
    for c in st.to_confirm:                          # only unknown essentials up to at_most
        assert st.current <= c.stage <= st.at_most and c.missing
        assert c.rule not in report.passed and c.rule not in st.blockers


def test_known_problems_of_later_stages_are_reported(report, engine):
    reported = {f.rule for f in report.findings} | {r.rule for f in report.findings for r in f.related}
    for rule in engine.rules:
        if rule.gate and rule.stage > report.stage.current and rule.id not in reported:
            assert rule.id in report.passed or rule.id in report.not_applicable or \
                any(n.rule == rule.id for n in report.not_evaluated)


def test_findings_by_priority(report):
    open_ = [f.priority for f in report.findings if f.status == "open"]
    assert open_ == sorted(open_, reverse=True)


def test_scores_only_with_enough_facts(report):
    s = report.summary
    if s.score is not None:
        assert s.coverage >= 0.3 and s.judged >= 3
    for dimension, score in report.scores.items():
        if score is not None:
            assert report.coverage[dimension] >= 0.3


def test_name_and_size_only_has_no_score_and_an_unconfirmed_stage(engine):
    for members in (80, 120, 2000):
        r = engine.evaluate({"community": {"name": "x"}, "size": {"members": members}})
        assert r.summary.score is None and all(v is None for v in r.scores.values())
        assert r.stage.current == 1 and r.stage.at_most == 5 and r.stage.to_confirm
        assert r.actions == [] and r.plan == [] and r.findings == []
        assert r.questions[0].decides == "stage"


def test_a_selection_never_moves_the_stage(engine):
    data = load_facts(ROOT / "facts" / "examples" / "paid-knowledge-planet.yaml")
    everything = engine.evaluate(data)
    for select in (["NM"], ["NM", "governance"], ["SA101"]):
        only = Engine(select=select).evaluate(data)
        assert (only.stage.current, only.stage.at_most) == (everything.stage.current, everything.stage.at_most)
