"""The question flow shared by the operator's page and `shequn interview` (shequn.interview)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import FactsError, load_facts
from shequn.facts.vocabulary import BY_NAME
from shequn.interview.fields import describe
from shequn.interview.flow import (BLOCK_SIZE, State, StateError, answer, ask_again, evaluate, facts_yaml, next_block,
                                   overview, remaining)

EXAMPLE = "facts/examples/cosmetics-brand-matrix.yaml"


def started(**sections) -> State:
    return State.of_facts({"community": {"name": "跑步群"}, **sections}, "zh")


def test_a_blank_start_asks_the_name_then_the_reports_questions_in_its_order(engine):
    state = State.empty("zh")
    report = evaluate(engine, state)
    asked = [f.fact for f in remaining(state, report)]
    assert asked[0] == "community.name"
    assert asked[1:] == [q.fact for q in report.questions]
    assert [f.fact for f in next_block(engine, state)] == asked[:BLOCK_SIZE]


def test_the_block_follows_the_ranking_again_after_answers(engine):
    state, errors = answer(started(), {"size.members": "1,200", "governance.group_rules": "有"})
    assert errors == {}
    report = evaluate(engine, state)
    ranked = [q.fact for q in report.questions]
    assert [f.fact for f in next_block(engine, state)] == ranked[:BLOCK_SIZE]
    assert "size.members" not in ranked and "governance.group_rules" not in ranked
    # the stage-deciding questions come before any other
    decides = [q.decides for q in report.questions]
    assert decides == sorted(decides, key=["stage", "applicability", "rules"].index)


def test_dont_know_is_remembered_in_the_state_not_in_the_facts(engine):
    state, errors = answer(started(), {"governance.group_rules": "不知道", "size.members": "?"})
    assert errors == {}
    assert state.skipped == ("governance.group_rules", "size.members")
    assert state.value("governance.group_rules") is None and "governance" not in state.facts
    assert not {"governance.group_rules", "size.members"} & {f.fact for f in remaining(state, evaluate(engine, state))}
    assert "不知道" not in facts_yaml(state) and "group_rules" not in facts_yaml(state)
    again = ask_again(state, ["size.members"])
    assert "size.members" in {f.fact for f in remaining(again, evaluate(engine, again))}
    # the state a page carries keeps it
    assert State.from_json(state.to_json()).skipped == state.skipped


def test_dont_know_removes_an_earlier_answer():
    state, _ = answer(started(), {"size.members": "300"})
    state, _ = answer(state, {"size.members": "?"})
    assert state.value("size.members") is None and state.skipped == ("size.members",)


@pytest.mark.parametrize("fact, typed, value", [
    ("governance.group_rules", "是", True), ("governance.group_rules", "否", False),
    ("governance.group_rules", "有", True), ("governance.group_rules", "没有", False),
    ("governance.group_rules", "yes", True), ("size.members", "1,200", 1200), ("size.members", "１２００", 1200),
    ("retention.retention_30d", "90%", 0.9), ("retention.retention_30d", "0.9", 0.9),
    ("community.platform", "微信", "wechat"), ("community.declared_stage", "3", 3),
    ("positioning.portrait_basic", ["gender", "age"], ["gender", "age"]), ("positioning.portrait_basic", [], []),
    ("positioning.portrait_basic", "性别、年龄", ["gender", "age"]), ("offer.price_yuan", "199", 199.0),
])
def test_answers_as_people_type_them(fact, typed, value):
    state, errors = answer(started(), {fact: typed})
    assert errors == {} and state.value(fact) == value


@pytest.mark.parametrize("fact, typed, message", [
    ("size.members", "很多", "请填一个不小于 0 的整数，例如 1200。"),
    ("size.members", "1,5", "请填一个不小于 0 的整数，例如 1200。"),
    ("retention.retention_30d", "150%", "请填 0% 到 100% 之间的比例，例如 90% 或 0.9。"),
    ("governance.group_rules", "也许", "请回答“是”或“否”。"),
    ("community.platform", "微博", "请从这些选项中选一个：微信、企业微信、QQ、Telegram、Discord、其他。"),
    ("community.groups", "0", "请填一个不小于 1 的整数。"),
    ("community.name", "?", "这一项必须回答。"),
])
def test_errors_are_said_in_chinese_beside_the_field(fact, typed, message):
    state, errors = answer(started(), {fact: typed})
    assert errors == {fact: message}
    assert state == started()                      # nothing changed


def test_errors_in_english():
    _, errors = answer(started().with_lang("en"), {"retention.retention_30d": "ninety"})
    assert errors == {"retention.retention_30d": "Enter a share between 0% and 100%, such as 90% or 0.9."}


def test_an_answer_that_contradicts_another_is_refused_and_the_good_ones_kept():
    state, errors = answer(started(), {"size.members": "100", "size.active_members_7d": "250",
                                       "governance.group_rules": "是"})
    assert errors == {"size.active_members_7d": "这个数比成员总数（100）还多。"}
    assert state.value("size.members") == 100 and state.value("governance.group_rules") is True
    assert state.value("size.active_members_7d") is None


def test_a_blank_answer_changes_nothing_and_unknown_facts_are_ignored():
    state, errors = answer(started(), {"size.members": "  ", "size.active_share_7d": "0.5", "no.such": "1"})
    assert errors == {} and state == started()


def test_fields_are_described_for_their_input():
    assert describe("governance.group_rules", "zh").input == "yesno"
    platform = describe("community.platform", "zh")
    assert platform.input == "choice" and [o.label for o in platform.options][:2] == ["微信", "企业微信"]
    assert platform.label == "所在平台" and platform.question == "社群建在哪个平台上？"
    stage = describe("community.declared_stage", "zh")
    assert stage.input == "choice" and stage.options[0].label == "1 建群"
    assert describe("positioning.portrait_basic", "zh").input == "checkboxes"
    share = describe("retention.retention_30d", "zh")
    assert share.input == "share" and "90%" in share.unit
    members = describe("size.members", "zh", 1200)
    assert members.input == "number" and members.current_text == "1200" and members.unit == "≥0 的整数"
    assert describe("retention.retention_30d", "en", 0.9).current_text == "90%"
    assert describe("community.name", "zh").dont_know is False
    assert describe("positioning.statement", "zh").input == "text"


def test_the_overview_says_plan_score_stage_and_findings(engine):
    blank = overview(engine, evaluate(engine, State.empty("zh")), "zh")
    assert blank.score is None and blank.plan == [] and blank.findings == 0
    assert "暂不评分" in blank.score_text and blank.to_confirm       # the stage is a range, with what confirms it
    full = State.of_facts(load_facts(EXAMPLE).model_dump(mode="json", exclude_none=True), "zh")
    seen = overview(engine, evaluate(engine, full), "zh")
    assert isinstance(seen.score, int) and seen.plan and seen.findings > 0
    assert seen.plan[0]["title"] == seen.report.plan[0].title and seen.report.plan[0].title != \
        evaluate(engine, full).plan[0].title             # translated
    assert seen.stage_heading.startswith("第 ")


def test_the_facts_file_round_trips_through_check(engine, tmp_path):
    state, errors = answer(started(), {"size.members": "1,200", "retention.retention_30d": "90%",
                                       "community.platform": "微信", "positioning.portrait_basic": "性别、年龄",
                                       "governance.group_rules": "没有"})
    assert errors == {}
    path = tmp_path / "facts.yaml"
    path.write_text(facts_yaml(state), encoding="utf-8")
    assert load_facts(path).flat(derived=False) == {
        "community.name": "跑步群", "community.platform": "wechat", "size.members": 1200,
        "retention.retention_30d": 0.9, "positioning.portrait_basic": ["gender", "age"],
        "governance.group_rules": False}
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    checked = json.loads(result.output)
    assert checked["audit"]["facts_file"] == str(path)
    assert checked == json.loads(evaluate(engine, state).model_dump_json()) | {
        "engine": checked["engine"], "audit": checked["audit"] | {"facts_file": str(path)}}


def test_a_facts_file_before_the_name_is_given_still_reads_back(tmp_path):
    state, errors = answer(State.empty("zh"), {"size.members": "30"})
    assert errors == {}
    path = tmp_path / "facts.yaml"
    path.write_text(facts_yaml(state), encoding="utf-8")
    assert load_facts(path).flat(derived=False) == {"community.name": "我的社群", "size.members": 30}


def test_a_facts_file_with_typed_values_is_kept_typed():
    state = State.of_facts({"community": {"name": "x"}, "retention": {"retention_30d": "90%"}}, "en")
    assert state.value("retention.retention_30d") == 0.9 and "0.9" in facts_yaml(state)


def test_measured_facts_are_marked_from_the_provenance():
    state = State.of_facts({"community": {"name": "x"}, "engagement": {"messages_per_day": 12.5},
                            "provenance": {"facts": {"engagement.messages_per_day": "messages / days"}}}, "zh")
    assert state.measured == ("engagement.messages_per_day",)
    state, _ = answer(state, {"engagement.messages_per_day": "20"})     # answered by hand: no longer measured
    assert state.measured == ()
    assert "provenance" in facts_yaml(state)
    assert "engagement.messages_per_day" not in state.facts["provenance"]["facts"]   # nor said to be measured
    assert "engagement.messages_per_day" not in facts_yaml(state).split("provenance:")[1]


@pytest.mark.parametrize("text", ["", "{", "[]", '{"v": 2, "facts": {}}', '{"v": 1, "facts": {}, "skipped": ["x"], '
                                  '"measured": []}', '{"v": 1, "facts": [], "skipped": [], "measured": []}'])
def test_a_state_that_is_not_one_is_refused(text):
    with pytest.raises(StateError):
        State.from_json(text)


def test_a_state_with_bad_facts_is_refused():
    text = json.dumps({"v": 1, "facts": {"size": {"members": -1}}, "skipped": [], "measured": [], "lang": "zh"})
    with pytest.raises(FactsError):
        State.from_json(text)


def test_every_question_of_the_vocabulary_can_be_described_in_both_languages():
    for name, fact in BY_NAME.items():
        if fact.derived:
            continue
        for lang in ("en", "zh"):
            field = describe(name, lang)
            assert field.question and field.label and field.input
            if lang == "zh":
                assert "." not in field.label, name                  # a label, not a dotted name


# --- any answer the flow takes is written as a file that reads back the same -------------------

from hypothesis import given, settings, strategies as st          # noqa: E402

import support                                                     # noqa: E402

ASKED = [f for f in BY_NAME.values() if not f.derived and f.name != "community.name"
         and not f.name.startswith("traffic.source_shares.")]    # shares of one whole: checked together, below


def typed_answer(fact):
    """An answer as an operator could type it, and the value it means."""
    if fact.kind == "bool":
        return st.sampled_from([("是", True), ("否", False), ("有", True), ("没有", False), ("yes", True)])
    if fact.kind in ("count",):
        low = 1 if fact.name == "community.groups" else 0
        return st.integers(low, 10**6).map(lambda n: (f"{n:,}", n))
    if fact.kind == "stage":
        return st.integers(1, 5).map(lambda n: (str(n), n))
    if fact.kind in ("number", "amount"):
        return st.integers(0, 10**5).map(lambda n: (f"{n:,}.5", n + 0.5))
    if fact.kind == "share":
        return st.integers(0, 100).flatmap(lambda p: st.sampled_from([(f"{p}%", p / 100), (str(p / 100), p / 100)]))
    if fact.kind == "enum":
        return st.sampled_from([(n or v, v) for v, n in zip(fact.values, fact.values_zh or fact.values)])
    if fact.kind == "enumlist":
        names = dict(zip(fact.values, fact.values_zh or fact.values))
        return st.lists(st.sampled_from(fact.values), unique=True).map(
            lambda vs: ("、".join(names[v] for v in vs) or "都没有", vs))
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
        lambda s: s.strip() and s.strip() not in ("?", "？") and s.strip().lower() not in (
            "不知道", "不清楚", "don't know", "dont know", "unknown", "dk")).map(lambda s: (s, s.strip()))


@settings(max_examples=support.examples(60), deadline=None)
@given(st.lists(st.sampled_from(ASKED), unique_by=lambda f: f.name, max_size=12).flatmap(
    lambda facts: st.tuples(*[typed_answer(f).map(lambda a, f=f: (f.name, a)) for f in facts])))
def test_any_accepted_answers_read_back_from_the_file(tmp_path_factory, answers):
    state = State.of_facts({"community": {"name": "x"}}, "zh")
    typed = {name: a[0] for name, a in answers}
    state, errors = answer(state, typed)
    meant = {name: a[1] for name, a in answers if name not in errors}
    # only contradictions between answers may be refused (more active members than members)
    assert set(errors) <= {"size.active_members_7d", "size.paying_members", "size.members"}, errors
    path = tmp_path_factory.mktemp("facts") / "facts.yaml"
    path.write_text(facts_yaml(state), encoding="utf-8")
    read = load_facts(path).flat(derived=False)
    for name, value in meant.items():
        assert read[name] == pytest.approx(value) if isinstance(value, float) else read[name] == value, name


def test_shares_by_source_that_add_up_to_more_than_all_are_refused():
    state, errors = answer(started(), {"traffic.source_shares.old_customers": "60%",
                                       "traffic.source_shares.video_platforms": "50%"})
    assert errors == {"traffic.source_shares.video_platforms": "各个来源的占比加起来超过了 100%。"}
    assert state.value("traffic.source_shares.old_customers") == 0.6
