"""`shequn interview`: the flow's questions in a terminal, answered through click prompts."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import load_facts
from shequn.interview.flow import State, answer, evaluate, next_block


def run(args, text):
    return CliRunner().invoke(cli, ["interview", *args], input=text)


def test_the_same_questions_in_the_same_order_as_the_flow(engine, tmp_path):
    out = tmp_path / "facts.yaml"
    result = run(["--lang", "zh", "-o", str(out)], "跑步群\n没有\n?\n50\n")
    first = next_block(engine, State.empty("zh"))
    shown = result.stderr
    positions = [shown.index(f.question) for f in first]
    assert positions == sorted(positions)                    # asked in the flow's order
    # after the block: the plan and the score, in Chinese
    assert "本周要做" in shown and "得分" in shown and "群里没有群规" in shown
    # the input ended in the second block: the answers so far are written anyway
    assert result.exit_code == 0, result.output
    facts = load_facts(out).flat(derived=False)
    assert facts == {"community.name": "跑步群", "governance.group_rules": False, "size.active_members_7d": 50}


def test_a_bad_answer_is_asked_again_with_its_error(tmp_path):
    out = tmp_path / "facts.yaml"
    result = run(["--lang", "zh", "-o", str(out)], "跑步群\n也许\n是\n")
    assert "请回答“是”或“否”。" in result.stderr
    assert load_facts(out).flat(derived=False)["governance.group_rules"] is True


def test_from_a_facts_file_only_the_unknown_is_asked_with_defaults(engine, tmp_path):
    start = tmp_path / "start.yaml"
    start.write_text("community:\n  name: Book club\nsize:\n  members: 300\n", encoding="utf-8")
    state = State.of_facts({"community": {"name": "Book club"}, "size": {"members": 300}}, "en")
    first = next_block(engine, state)
    out = tmp_path / "out.yaml"
    typed = [typical(f) for f in first[:2]]
    result = run(["--from", str(start), "-o", str(out)], "".join(t + "\n" for t in typed))
    assert "What is the community called?" not in result.stderr
    assert first[0].question in result.stderr and first[1].question in result.stderr
    expected, errors = answer(state, {first[0].fact: typed[0], first[1].fact: typed[1]})
    assert errors == {}
    assert load_facts(out).flat(derived=False) == load_facts_of(expected)


def typical(field):
    """An answer an operator could type for this input."""
    return {"yesno": "yes", "share": "90%", "number": "1,200", "text": "x"}.get(field.input) or field.options[0].value


def load_facts_of(state):
    from shequn.facts.loader import validate_facts
    return validate_facts(state.facts).flat(derived=False)


def test_enter_keeps_the_default_and_interview_prints_the_file_without_o(tmp_path):
    result = run([], "Book club\n?\n?\n")
    assert result.exit_code == 0
    assert "name: Book club" in result.stdout and "community:" in result.stdout


def test_nothing_answered_writes_nothing(tmp_path):
    out = tmp_path / "facts.yaml"
    result = run(["-o", str(out)], "")
    assert result.exit_code == 0 and not out.exists()
    assert "Nothing answered" in result.stderr


def test_a_bad_from_file_is_bad_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community:\n  name: x\nsize:\n  members: lots\n", encoding="utf-8")
    result = run(["--from", str(bad)], "")
    assert result.exit_code == 2 and "size.members" in result.stderr and ":4:" in result.stderr


@pytest.mark.parametrize("lang, word", [("en", "Answer each question"), ("zh", "逐个回答问题")])
def test_the_intro_in_the_language(lang, word):
    assert word in run(["--lang", lang], "").stderr


def test_the_answers_round_trip_through_check(engine, tmp_path):
    out = tmp_path / "facts.yaml"
    run(["--lang", "zh", "-o", str(out)], "跑步群\n是\n是\n120\n1,200\n")
    result = CliRunner().invoke(cli, ["check", str(out), "--fail-on", "never", "--format", "json"])
    assert result.exit_code == 0, result.output
    state = State.of_facts(load_facts(out).model_dump(mode="json", exclude_none=True), "zh")
    assert evaluate(engine, state).summary == evaluate(engine, State.of_facts(
        {"community": {"name": "跑步群"}, "governance": {"group_rules": True},
         "positioning": {"join_benefits_stated": True}, "size": {"active_members_7d": 120, "members": 1200}})).summary


def test_a_missing_ruleset_is_bad_input(tmp_path):
    result = run(["--ruleset", str(tmp_path / "nope.yaml")], "")
    assert result.exit_code == 2 and "nope.yaml" in result.stderr


def test_a_ruleset_is_used(tmp_path):
    """A team's own rule speaks in the plan shown after a block."""
    rules = tmp_path / "team.yaml"
    rules.write_text(
        "name: team\nversion: '1'\nrules:\n"
        "  - id: TM101\n    title: The morning greeting is missing\n    kind: practice\n    severity: critical\n"
        "    dimension: engagement\n    when: engagement.daily_greetings == false\n"
        "    message: No greeting.\n    advice: [Greet the group.]\n", encoding="utf-8")
    start = tmp_path / "start.yaml"
    start.write_text("community:\n  name: x\nengagement:\n  daily_greetings: no\n", encoding="utf-8")
    with_rule = run(["--ruleset", str(rules), "--from", str(start)], "?\n" * 4)
    without = run(["--from", str(start)], "?\n" * 4)
    assert with_rule.exit_code == 0, with_rule.output
    assert "The morning greeting is missing" in with_rule.stderr
    assert "The morning greeting is missing" not in without.stderr
