"""Facts as operators type them (facts/typed.py), and strict JSON for .json files."""
from __future__ import annotations

import pytest

from shequn.facts.loader import FactsError, load_facts, validate_facts
from shequn.facts.typed import typed_value


@pytest.mark.parametrize("kind, typed, value", [
    ("bool", "yes", True), ("bool", "No", False), ("bool", "TRUE", True), ("bool", "是", True), ("bool", "否", False),
    ("bool", "有", True), ("bool", "没有", False),
    ("share", "90%", 0.9), ("share", "９０％", 0.9), ("share", "0.25", 0.25), ("share", "12.5%", 0.125),
    ("count", "1,200", 1200), ("count", "1 200", 1200), ("count", "１２００", 1200), ("count", "30", 30),
    ("number", "2.5", 2.5), ("number", "1,200.5", 1200.5), ("amount", "199", 199.0), ("stage", "3", 3),
])
def test_values_as_people_type_them(kind, typed, value):
    assert typed_value(kind, typed) == value


@pytest.mark.parametrize("kind, typed", [("bool", "maybe"), ("count", "1,5"), ("count", "2.5"), ("share", "ninety"),
                                         ("number", "-3"), ("count", "12,34")])
def test_what_is_ambiguous_is_left_for_validation_to_refuse(kind, typed):
    assert typed_value(kind, typed) == typed


def test_a_facts_file_takes_them():
    facts = validate_facts({"community": {"name": "x"}, "size": {"members": "1,200", "active_members_7d": "120"},
                            "governance": {"group_rules": "是"}, "engagement": {"official_voice_share": "90%"},
                            "traffic": {"source_shares": {"old_customers": "85%"}}})
    flat = facts.flat()
    assert (flat["size.members"], flat["governance.group_rules"], flat["engagement.official_voice_share"]) == (1200, True, 0.9)
    assert flat["traffic.source_shares.old_customers"] == 0.85 and flat["size.active_share_7d"] == 0.1


def test_what_is_not_a_value_is_still_an_error():
    with pytest.raises(FactsError) as exc:
        validate_facts({"community": {"name": "x"}, "size": {"members": "1,5"}, "governance": {"group_rules": "maybe"}})
    assert {p.path for p in exc.value.problems} == {"size.members", "governance.group_rules"}


@pytest.mark.parametrize("text, column", [('{"community": {"name": "x"},}', 29),
                                          ('{"community": {"name": \'x\'}}', 24)])
def test_json_files_are_strict_json(tmp_path, text, column):
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    (problem,) = exc.value.problems
    assert problem.message.startswith("invalid JSON") and f"column {column}" in problem.message and problem.line == 1


def test_json_problems_name_their_line(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text('{"community": {"name": "x"},\n "size": {"members": "many"}}', encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert [(p.path, p.line) for p in exc.value.problems] == [("size.members", 2)]


def test_yaml_stays_yaml(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text('{"community": {"name": "x"}, "size": {"members": 10,}}', encoding="utf-8")   # flow YAML allows it
    assert load_facts(path).flat()["size.members"] == 10


def test_text_with_a_control_character_is_refused():
    """An escape sequence in a group's name would rewrite the terminal of whoever reads the report."""
    with pytest.raises(FactsError) as exc:
        validate_facts({"community": {"name": "evil\x1b]0;pwned\x07\x1b[2J"}})
    (problem,) = exc.value.problems
    assert problem.path == "community.name" and "control character (U+001B)" in problem.message
    assert validate_facts({"community": {"name": "两行\n名字\t也行"}}).community.name == "两行\n名字\t也行"


@pytest.mark.parametrize("given, value", [
    ("wechat", "wechat"), ("WeChat", "wechat"), ("微信", "wechat"), ("企业微信", "wecom"), (" ＱＱ ", "qq")])
def test_a_choice_by_its_value_or_its_name(given, value):
    facts = validate_facts({"community": {"name": "x", "platform": given}})
    assert facts.flat()["community.platform"] == value


@pytest.mark.parametrize("given, value", [
    ("性别、年龄", ["gender", "age"]), ("gender, age", ["gender", "age"]), ("性别，职业", ["gender", "occupation"]),
    ("都没有", []), ("none", []), (["性别", "age"], ["gender", "age"])])
def test_a_list_of_choices_as_typed(given, value):
    facts = validate_facts({"community": {"name": "x"}, "positioning": {"portrait_basic": given}})
    assert facts.flat()["positioning.portrait_basic"] == value


def test_a_choice_that_is_none_is_still_refused_with_the_values():
    with pytest.raises(FactsError) as exc:
        validate_facts({"community": {"name": "x", "platform": "微博"}, "positioning": {"portrait_basic": "性别、身高"}})
    assert {p.path for p in exc.value.problems} == {"community.platform", "positioning.portrait_basic"}
    assert "wechat" in str(exc.value)


def test_facts_typed_as_text_are_compared_with_each_other():
    # the members check used to see only numbers written as numbers: this failed with no message at all
    with pytest.raises(FactsError) as exc:
        validate_facts({"community": {"name": "x"}, "size": {"members": "1,200", "active_members_7d": "2,000"}})
    assert [(p.path, p.message) for p in exc.value.problems] == [
        ("size.active_members_7d", "2000 is more than size.members (1200)")]
