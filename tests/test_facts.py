"""The facts model and loader: types, bounds, every problem at once, hostile files."""
import json

import pytest

import shequn
from shequn.facts import FactsError, Facts, load_facts, parse_facts, validate_facts


def problems(text, name="f.yaml"):
    with pytest.raises(FactsError) as info:
        parse_facts(text, name)
    return [str(p) for p in info.value.problems]


def test_absent_means_unknown():
    facts = parse_facts("community: {name: A}")
    assert facts.size.members is None
    assert facts.governance.group_rules is None
    assert facts.flat() == {"community.name": "A"}


def test_types_and_derived_facts():
    facts = parse_facts("""
community: {name: A, platform: wechat, groups: 2}
size: {members: 200, active_members_7d: 50, paying_members: 10}
governance: {admins: 4, group_rules: yes}
offer: {price_yuan: 99, lectures: 10}
traffic: {source_shares: {relatives_friends: 0.2, general_traffic: 0.1, paid_ads: 0.7}}
conversion: {methods: [endorsement]}
""")
    flat = facts.flat()
    assert flat["size.active_share_7d"] == 0.25
    assert flat["size.paying_share"] == 0.05
    assert flat["governance.members_per_admin"] == 50
    assert flat["offer.price_per_lecture_yuan"] == 9.9
    assert flat["traffic.imprecise_share"] == pytest.approx(0.3)
    assert flat["traffic.source_shares.old_customers"] == 0      # the shares add up to 1
    assert flat["governance.group_rules"] is True
    assert flat["conversion.methods"] == ["endorsement"]


def test_partial_source_shares_leave_other_channels_unknown():
    flat = parse_facts("community: {name: A}\ntraffic: {source_shares: {paid_ads: 0.3}}").flat()
    assert "traffic.source_shares.old_customers" not in flat
    assert "traffic.imprecise_share" not in flat


def test_zero_denominator_leaves_ratio_unknown():
    flat = parse_facts("community: {name: A}\nsize: {members: 0, active_members_7d: 0}").flat()
    assert "size.active_share_7d" not in flat


def test_every_problem_is_reported_at_once_with_path_and_line():
    found = problems("""community:
  name: A
size:
  member: 10
  members: 5
  active_members_7d: 9
governance:
  enforcement: stict
  admins: "two"
engagement:
  official_voice_share: 1.5
positioning:
  portrait_basic: [age, colour]
sizes: {}
""")
    assert "f.yaml:4: size.member: unknown fact — did you mean size.members?" in found
    assert any(p.startswith("f.yaml:8: governance.enforcement:") and "did you mean strict" in p for p in found)
    assert any(p.startswith("f.yaml:9: governance.admins: expected whole number") for p in found)
    assert any(p.startswith("f.yaml:11: engagement.official_voice_share: expected fraction 0-1") for p in found)
    assert any("positioning.portrait_basic" in p and "'colour'" in p for p in found)
    assert any(p.startswith("f.yaml:14: sizes: unknown section — did you mean size?") for p in found)
    assert "f.yaml:6: size.active_members_7d: 9 is more than size.members (5)" in found
    assert len(found) == 7


@pytest.mark.parametrize("text, fragment", [
    ("size: {members: 3}", "community: required fact is missing"),
    ("community: {platform: wechat}", "community.name: required fact is missing"),
    ("community: {name: A}\nsize: {members: -1}", "size.members: expected whole number >= 0"),
    ("community: {name: A}\nsize: {members: 1.5}", "size.members: expected whole number >= 0"),
    ("community: {name: A}\ngovernance: {group_rules: 1}", "expected yes/no"),
    ("community: {name: A}\ncommunity2: {}", "unknown section"),
    ("community: {name: A}\nsize: {active_share_7d: 0.5}", "is derived from size.active_members_7d"),
    ("community: {name: A, declared_stage: 6}", "community.declared_stage: expected stage 1-5"),
    ("community: {name: A, groups: 0}", "community.groups: expected whole number >= 1, got 0"),
    ("community: {name: A}\ntraffic: {source_shares: {paid_ads: 0.8, old_customers: 0.8}}", "add up to 1.60"),
    ("community: {name: A}\nsize: 12", "size: expected a mapping of facts"),
    ("community: {name: A}\nengagement: {messages_per_day: .nan}", "engagement.messages_per_day"),
    ("community: {name: A}\nengagement: {messages_per_day: .inf}", "engagement.messages_per_day"),
    ("community: {name: A}\nsize: {members: 100000000000000000000}", "size.members"),
])
def test_bad_values(text, fragment):
    assert any(fragment in p for p in problems(text)), problems(text)


@pytest.mark.parametrize("text, fragment", [
    ("", "empty file"),
    ("   \n# only a comment\n", "empty file"),
    ("- a\n- b\n", "top level must be a mapping"),
    ("just text", "top level must be a mapping"),
    ("community: {name: A", "invalid YAML"),
    ('{"community": {"name": "A"}', "invalid JSON"),
    ("community: {name: A}\ncommunity: {name: B}", "invalid YAML"),
])
def test_bad_documents(text, fragment):
    found = problems(text)
    assert found and all(fragment in p for p in found)


def test_anchor_bomb_is_refused_quickly():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        ref = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([ref] * 9)}]")
    found = problems("\n".join(lines))
    assert any("aliases" in p for p in found)


def test_deep_nesting_is_refused():
    assert any("nested deeper" in p for p in problems("a: " + "[" * 200 + "]" * 200))
    assert any("nested too deeply" in p or "invalid JSON" in p for p in problems("[" * 100000 + "]" * 100000, "f.json"))


def test_files(tmp_path):
    good = tmp_path / "a.json"
    good.write_text(json.dumps({"community": {"name": "A"}, "size": {"members": 3}}))
    assert load_facts(good).size.members == 3
    with pytest.raises(FactsError, match="no such file"):
        load_facts(tmp_path / "missing.yaml")
    with pytest.raises(FactsError, match="is a directory"):
        load_facts(tmp_path)
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(FactsError, match="binary file"):
        load_facts(binary)
    latin = tmp_path / "c.yaml"
    latin.write_bytes("community: {name: caf\xe9}".encode("latin-1"))
    with pytest.raises(FactsError, match="not UTF-8"):
        load_facts(latin)
    big = tmp_path / "big.yaml"
    big.write_text("community: {name: A}\n" + "# padding\n" * 600_000)
    with pytest.raises(FactsError, match="too large"):
        load_facts(big)


def test_waivers_are_validated():
    facts = parse_facts("community: {name: A}\nwaivers:\n  - {rule: NM101, reason: agreed with client, expires: 2030-01-31}")
    assert facts.waivers[0].expires.isoformat() == "2030-01-31"
    assert any("waivers.0.reason" in p for p in problems("community: {name: A}\nwaivers: [{rule: NM101}]"))


def test_schema_lists_every_fact():
    schema = json.dumps(Facts.model_json_schema())
    for name in ("members", "official_voice_share", "source_shares", "relatives_friends", "declared_stage"):
        assert name in schema


def test_top_level_reexports():
    assert shequn.load_facts is load_facts
    assert validate_facts({"community": {"name": "x"}}).community.name == "x"


def test_dotted_keys_name_the_nested_facts():
    # apps and reports name facts `size.members`; a facts file may too, at any level
    flat = parse_facts("community.name: A\nsize.members: 10\ntraffic:\n  source_shares.paid_ads: 0.5\n")
    nested = parse_facts("community: {name: A}\nsize: {members: 10}\ntraffic: {source_shares: {paid_ads: 0.5}}\n")
    assert flat == nested
    assert flat.size.members == 10


def test_a_fact_given_dotted_and_nested_is_a_problem_with_its_line():
    found = problems("community.name: A\nsize.members: 10\nsize:\n  members: 3\n")
    assert any(p in ("f.yaml:2: size.members: given twice (once as a dotted key, once nested)",
                     "f.yaml:4: size.members: given twice (once as a dotted key, once nested)") for p in found), found


def test_duplicate_key_in_json_is_called_json():
    found = problems('{"community": {"name": "A"}, "size": {"members": 1}, "size": {"members": 2}}')
    assert any("invalid JSON: duplicate key 'size'" in p for p in found), found


def test_provenance_keeps_its_dotted_fact_names():
    facts = parse_facts("community: {name: A}\nsize: {members: 10}\n"
                        "provenance: {extractor: x, facts: {size.members: {measure: members}}}\n")
    assert "size.members" in facts.provenance["facts"]
