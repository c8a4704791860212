"""The Engine on a small test ruleset: outcomes, stages, isolation, threads."""
import concurrent.futures
import pathlib

import pytest

import durable_rules_engine

from shequn.errors import RulesetErrors
from shequn.diagnose.engine import Engine
from shequn.facts import FactsError

MINI = pathlib.Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def mini():
    return Engine([MINI], builtin=False)


def facts(**sections):
    sections.setdefault("community", {"name": "t"})
    return sections


def outcome(report, rule_id):
    if any(f.rule == rule_id for f in report.findings):
        return "violated"
    if rule_id in report.passed:
        return "passed"
    if any(n.rule == rule_id for n in report.not_evaluated):
        return "not_evaluated"
    return "absent"


def test_three_valued_outcomes(mini):
    r = mini.evaluate(facts(size={"members": 300}, governance={"admins": 1}))
    assert outcome(r, "MINI001") == "violated"
    assert r.findings[0].evidence == {"size.members": 300, "governance.admins": 1}
    assert "300 members and 1 admins" in [f.message for f in r.findings]
    r = mini.evaluate(facts(size={"members": 300}, governance={"admins": 3}))
    assert outcome(r, "MINI001") == "passed"
    r = mini.evaluate(facts(size={"members": 300}))
    assert outcome(r, "MINI001") == "not_evaluated"
    assert {"rule": "MINI001", "missing": ["governance.admins"]} in [n.model_dump() for n in r.not_evaluated]


def test_false_conjunct_decides_despite_unknown(mini):
    """`a and b` with a false is passed even though b is unknown (Kleene)."""
    r = mini.evaluate(facts(size={"members": 20}))
    assert outcome(r, "MINI001") == "passed"
    r = mini.evaluate(facts(traffic={"entry_threshold": "paid"}))
    assert outcome(r, "MINI008") == "passed"


def test_true_disjunct_decides_despite_unknown(mini):
    r = mini.evaluate(facts(conversion={"methods": ["social_chain"]}))
    assert outcome(r, "MINI009") == "violated"
    r = mini.evaluate(facts(conversion={"methods": ["endorsement"]}))
    assert outcome(r, "MINI009") == "not_evaluated"        # the second branch is unknown
    r = mini.evaluate(facts(conversion={"methods": ["endorsement"]}, size={"members": 100}, governance={"admins": 1}))
    assert outcome(r, "MINI009") == "passed"


def test_empty_list_is_known(mini):
    r = mini.evaluate(facts(conversion={"methods": []}))
    assert outcome(r, "MINI009") == "violated"


def test_zero_divisor_is_unknown_not_infinite(mini):
    r = mini.evaluate(facts(conversion={"methods": ["endorsement"]}, size={"members": 100}, governance={"admins": 0}))
    assert outcome(r, "MINI009") == "not_evaluated"


def test_stage_inference_by_forward_chaining(mini):
    r = mini.evaluate(facts())
    # nothing known: stage 1 is not passed, but nothing is violated, so it may be as far as 5
    assert (r.stage.current, r.stage.at_most, r.stage.completed) == (1, 5, [])
    assert r.stage.blockers == [] and r.actions == []               # unknown essentials are not failures
    assert [(c.rule, c.stage, c.missing) for c in r.stage.to_confirm] == [
        ("MINI002", 1, ["governance.group_rules"]), ("MINI003", 1, ["positioning.join_benefits_stated"]),
        ("MINI004", 2, ["size.active_members_7d", "size.members"]), ("MINI006", 3, ["conversion.has_product"])]
    assert r.stage.to_confirm[0].questions == ["Are there written group rules?"]

    r = mini.evaluate(facts(governance={"group_rules": True}, positioning={"join_benefits_stated": True},
                            size={"members": 100, "active_members_7d": 2}, engagement={"daily_greetings": False}))
    assert (r.stage.current, r.stage.name, r.stage.completed, r.stage.at_most) == (2, "activity", [1], 2)
    assert r.stage.blockers == ["MINI004"] and r.stage.to_confirm == []
    assert [a.rule for a in r.actions] == ["MINI004", "MINI005"]   # blocker first, then the stage's action
    assert not any(f.rule == "MINI005" for f in r.findings)        # actions are not findings

    r = mini.evaluate(facts(governance={"group_rules": True}, positioning={"join_benefits_stated": True},
                            size={"members": 100, "active_members_7d": 40}, engagement={"daily_greetings": False},
                            conversion={"has_product": True}))
    assert (r.stage.current, r.stage.completed, r.stage.at_most) == (5, [1, 2, 3, 4, 5], 5)
    assert r.actions == []                                          # stage 2 actions no longer apply


def test_known_problems_of_later_stages_are_findings(mini):
    r = mini.evaluate(facts(conversion={"has_product": False}))
    assert (r.stage.current, r.stage.at_most) == (1, 3)             # stage 3 has a violated essential
    finding = next(f for f in r.findings if f.rule == "MINI006")
    assert finding.stage == 3 and finding.evidence == {"conversion.has_product": False}
    assert [c.rule for c in r.stage.to_confirm] == ["MINI002", "MINI003", "MINI004"]   # stages 1-3 only
    assert not any(a.rule == "MINI006" for a in r.actions)          # not an action of the current stage


def test_declared_stage_beyond_reached_is_a_finding(mini):
    r = mini.evaluate(facts(community={"name": "t", "declared_stage": 4}, governance={"group_rules": True},
                            positioning={"join_benefits_stated": True}))
    assert r.stage.current == 2 and r.stage.declared == 4
    finding = next(f for f in r.findings if f.rule == "MINI007")
    assert finding.message == "declared 4, reached 2"
    r = mini.evaluate(facts(community={"name": "t", "declared_stage": 1}))
    assert outcome(r, "MINI007") == "passed"


def test_scores_and_coverage(mini):
    r = mini.evaluate(facts(community={"name": "t", "goal": "expand_network"}, size={"members": 300},
                            governance={"admins": 1, "group_rules": True}))
    # governance: MINI001 warning violated (2), MINI002 critical passed (3), MINI011 info passed (1) -> 4/6
    assert r.scores["governance"] == 67 and r.coverage["governance"] == 1.0
    # positioning: MINI003 and MINI007 unknown -> nothing judged, no score; conversion: MINI010 does not apply,
    # MINI006 (2), MINI008 (3), MINI009 (1, 300/1 admins is not > 500 and methods unknown) unknown
    assert r.scores["positioning"] is None and r.coverage["positioning"] == 0.0
    assert r.coverage["conversion"] == 0.0 and r.coverage["traffic"] is None     # no rule of traffic applies
    # overall: judged 2 + 3 + 1 = 6 of 6 + positioning 2 + 2 + engagement 2 + conversion 2 + 3 + 1 = 18 -> 0.33
    assert (r.summary.judged, r.summary.applicable, r.summary.coverage) == (3, 9, 0.33)
    assert r.summary.score == 67                                    # coverage >= 0.3 and 3 rules judged


def test_no_score_when_too_little_is_known(mini):
    r = mini.evaluate(facts(size={"members": 20}))
    assert r.summary.judged == 1 and r.summary.score is None       # MINI001 passed: one rule is not a score
    assert all(v is None for v in r.scores.values())
    r = mini.evaluate(facts())
    assert r.summary.score is None and r.summary.coverage == 0.0


def test_a_rule_that_does_not_apply_is_left_out(mini):
    selling = facts(community={"name": "t", "goal": "sell_products"}, conversion={"rate_90d": 0.01})
    assert outcome(mini.evaluate(selling), "MINI010") == "violated"
    networking = facts(community={"name": "t", "goal": "expand_network"}, conversion={"rate_90d": 0.01})
    r = mini.evaluate(networking)
    assert "MINI010" in r.not_applicable and outcome(r, "MINI010") == "absent"
    assert r.summary.applicable == 9                                # 11 rules less MINI005 (an action), MINI010
    unknown = mini.evaluate(facts(conversion={"rate_90d": 0.01}))
    assert {"rule": "MINI010", "missing": ["community.goal"]} in [n.model_dump() for n in unknown.not_evaluated]
    goal = next(q for q in unknown.questions if q.fact == "community.goal")
    assert goal.decides == "applicability"


def test_one_finding_per_cause_with_priority(mini):
    r = mini.evaluate(facts(size={"members": 300}, governance={"admins": 1, "group_rules": False},
                            positioning={"join_benefits_stated": True}))
    # MINI002 (critical 30 + blocker of stage 1: 15) leads MINI011 (same cause: no rules)
    rules = next(f for f in r.findings if f.rule == "MINI002")
    assert rules.priority == 45 and [x.rule for x in rules.related] == ["MINI011"]
    assert not any(f.rule == "MINI011" for f in r.findings)
    # MINI001: warning 20 + minefield 5 + members 300 twice the 150 -> distance 1 -> 10
    assert next(f for f in r.findings if f.rule == "MINI001").priority == 35
    assert [f.rule for f in r.findings] == ["MINI002", "MINI001"]
    assert [(p.rule, p.why) for p in r.plan] == [("MINI002", "blocker"), ("MINI001", "finding")]
    assert r.plan[1].evidence == {"size.members": 300, "governance.admins": 1}


def test_plan_takes_stage_actions_and_never_two_of_one_cause(mini):
    r = mini.evaluate(facts(governance={"group_rules": True}, positioning={"join_benefits_stated": True},
                            size={"members": 100, "active_members_7d": 2}, engagement={"daily_greetings": False},
                            conversion={"has_product": False}))
    # MINI004 blocker (warning 20 + 15 + 2 posters vs 10% of 100: distance 0.8 -> 8) = 43, MINI006 later
    # essential (20 + 5) = 25, MINI005 action (info 10 + 8) = 18
    assert [(p.rule, p.why) for p in r.plan] == [("MINI004", "blocker"), ("MINI006", "finding"), ("MINI005", "action")]
    assert all(p.evidence for p in r.plan)


def test_questions_place_the_stage_first(mini):
    r = mini.evaluate(facts(size={"members": 300}))
    assert [(q.fact, q.decides) for q in r.questions[:4]] == [
        ("governance.group_rules", "stage"), ("positioning.join_benefits_stated", "stage"),
        ("size.active_members_7d", "stage"), ("conversion.has_product", "stage")]
    assert next(q for q in r.questions if q.fact == "community.goal").decides == "applicability"


def test_selection_does_not_change_the_stage():
    data = facts(governance={"group_rules": False, "admins": 1}, positioning={"join_benefits_stated": True},
                 size={"members": 300}, community={"name": "t", "declared_stage": 4})
    everything = Engine([MINI], builtin=False).evaluate(data)
    only = Engine([MINI], builtin=False, select=["MINI001", "MINI007"]).evaluate(data)
    assert (only.stage.current, only.stage.at_most) == (everything.stage.current, everything.stage.at_most) == (1, 1)
    assert only.stage.blockers == ["MINI002"]
    assert {f.rule for f in only.findings} == {"MINI001", "MINI007"}


def test_an_unknown_selector_is_an_error_with_a_suggestion():
    from shequn.errors import SelectionError
    with pytest.raises(SelectionError, match=r"select 'MINIX' matches no rule \(did you mean 'MINI'\?\)"):
        Engine([MINI], builtin=False, select=["MINIX"])
    with pytest.raises(SelectionError, match=r"ignore 'mini001'.*did you mean 'MINI001'"):
        Engine([MINI], builtin=False, ignore=["mini001"])


def test_waivers(mini):
    data = facts(size={"members": 300}, governance={"admins": 1},
                 waivers=[{"rule": "MINI001", "reason": "two admins being hired", "expires": "2099-01-01"}])
    r = mini.evaluate(data)
    f = next(f for f in r.findings if f.rule == "MINI001")
    assert f.status == "waived" and f.waiver["reason"] == "two admins being hired"
    assert r.summary.warning == 0 and r.summary.waived == 1
    data["waivers"][0]["expires"] = "2000-01-01"
    r = mini.evaluate(data)
    assert next(f for f in r.findings if f.rule == "MINI001").status == "open"
    assert r.problems == ["waiver for MINI001 expired on 2000-01-01: the finding is open again"]


def test_dict_input_is_validated(mini):
    with pytest.raises(FactsError):
        mini.evaluate({"community": {"name": "t"}, "size": {"members": "many"}})


def test_evaluations_are_isolated(mini):
    sick = facts(size={"members": 300}, governance={"admins": 1})
    empty = facts()
    reports = list(mini.evaluate_many([sick, empty, sick, empty]))
    assert [outcome(r, "MINI001") for r in reports] == ["violated", "not_evaluated"] * 2


def test_the_session_is_left_empty(mini):
    """Sessions are reused: after an evaluation, nothing it asserted is left in its session."""
    for members in (300, 5, 300):
        mini.evaluate(facts(size={"members": members}, governance={"admins": 1}))
    assert mini._matcher.sessions == 1
    sid = mini._matcher._free[0]
    assert durable_rules_engine.get_facts(mini._matcher._handle, sid) == "[]"


def test_engines_do_not_share_rules(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(MINI.read_text().replace("name: mini", "name: other").replace("MINI0", "OTHER0"))
    a, b = Engine([MINI], builtin=False), Engine([other], builtin=False)
    data = facts(size={"members": 300}, governance={"admins": 1})
    assert {f.rule for f in a.evaluate(data).findings} == {"MINI001"}
    assert {f.rule for f in b.evaluate(data).findings} == {"OTHER001"}


def test_select_and_ignore():
    only = Engine([MINI], builtin=False, select=["MINI00"], ignore=["conversion", "MINI001"])
    ids = {r.id for r in only.rules}
    assert "MINI001" not in ids and "MINI008" not in ids and "MINI002" in ids


def test_threads_share_one_engine(mini):
    cases = [facts(size={"members": 100 + i}, governance={"admins": i % 3}) for i in range(200)]
    expected = [mini.evaluate(c).model_dump() for c in cases]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda c: mini.evaluate(c).model_dump(), cases))
    assert got == expected


def test_many_rules_and_missing_facts_do_not_overflow_the_matcher(tmp_path):
    """durable's matcher keeps at most 64 pending nodes; wide rulesets must still run."""
    rules = []
    names = ["size.members", "governance.admins", "content.topic_discussions_per_week", "activities.online_per_month",
             "engagement.messages_per_day", "leadership.opinion_leaders", "offer.price_yuan", "retention.leaves_per_month"]
    for i in range(240):
        a, b = names[i % 8], names[(i * 3 + 1) % 8]
        rules.append(f"""  - id: W{i:03d}
    title: wide {i}
    kind: practice
    severity: info
    dimension: scale
    when: {a} > {i % 7} or {b} < {i % 5} and not governance.group_rules
    message: m
    advice: [a]
    sources: [{{doc: nine-minefields, quote: q q q}}]
""")
    path = tmp_path / "wide.yaml"
    path.write_text("name: wide\nversion: 1\nrules:\n" + "".join(rules))
    engine = Engine([path], builtin=False)
    full = facts(size={"members": 10}, governance={"admins": 1, "group_rules": False},
                 content={"topic_discussions_per_week": 3}, activities={"online_per_month": 2},
                 engagement={"messages_per_day": 4}, leadership={"opinion_leaders": 1}, offer={"price_yuan": 9},
                 retention={"leaves_per_month": 3})
    for data in (full, facts()):
        r = engine.evaluate(data)
        folded = sum(len(f.related) for f in r.findings)
        assert len(r.findings) + folded + len(r.passed) + len(r.not_evaluated) == 240


def test_broken_ruleset_reports_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""name: bad
version: 1
rules:
  - id: B1X
    title: one
    kind: minefield
    severity: high
    dimension: traffic
    when: size.member > 3
    message: m
    advice: [a]
    sources: [{doc: nowhere, quote: abc}]
  - id: B2X
    title: two
    kind: practice
    severity: info
    dimension: traffic
    when: size.members >
    message: "{size.memberz}"
    advice: [a]
    sources: [{doc: nine-minefields, quote: abc}]
  - id: B2X
    title: dup
    kind: practice
    severity: info
    dimension: traffic
    when: size.members > 1
    message: m
    advice: [a]
    sources: [{doc: nine-minefields, quote: abc}]
""")
    with pytest.raises(RulesetErrors) as info:
        Engine([bad], builtin=False)
    text = [str(e) for e in info.value.errors]
    assert any("severity" in t and f"{bad}:7" in t for t in text)
    assert any("unknown fact 'size.member'" in t and f"{bad}:9:11" in t for t in text)
    assert any("expected a fact" in t and f"{bad}:18:" in t for t in text)
    assert any("unknown fact '{size.memberz}'" in t for t in text)
    assert any("duplicate rule id 'B2X'" in t for t in text)


def test_reports_sharing_parts_stay_independent():
    """Reports share their rules' unchanging parts (advice, sources, not-evaluated entries, questions): changing a copy
    of one report, as translating it does, leaves the other reports as they were."""
    from shequn.report.i18n import translate_for

    engine = Engine()
    group = {"community": {"name": "g", "platform": "wechat"}, "size": {"members": 600}}
    first, second = engine.evaluate(group), engine.evaluate({**group, "community": {"name": "h", "platform": "wechat"}})
    assert first.not_evaluated and first.not_evaluated[0] is second.not_evaluated[0]    # shared, not rebuilt
    before = [r.model_dump_json() for r in (first, second)]
    zh = translate_for(first, "zh", engine)
    assert zh.model_dump_json() != before[0]
    copied = first.model_copy(update={"problems": ["x"], "audit": None})
    assert copied.problems == ["x"] and first.problems == second.problems == []
    assert [r.model_dump_json() for r in (first, second)] == before
