"""What the compiled program sends and compiles (engine/durable/program.py): only what can matter."""
from __future__ import annotations

import pytest

import shequn
from shequn.durable.compiler import settles_only_when_decided
from shequn.durable.program import encode_facts
from shequn.lang.parser import parse


@pytest.mark.parametrize("when, can_pass_with_unknown", [
    ("size.members > 150", False),
    ("not governance.group_rules", False),
    ("size.members > 150 and size.members < 300", True),        # cautious: 100 settles it with nothing unknown, but it is one fact
    ("size.members > 150 and governance.admins < 2", True),     # admins 5 settles it, members unknown
    ("size.members > 150 or governance.admins < 2", False),     # false only when both are decided
    ("not (size.members > 150 and governance.admins < 2)", False),
    ('community.platform in ["wechat", "qq"]', False),
    ('"forum" in conversion.methods or size.members > 5', False),
])
def test_passed_despite_unknowns_is_compiled_only_where_it_can_happen(when, can_pass_with_unknown):
    assert settles_only_when_decided(parse(when)) is not can_pass_with_unknown


def test_the_built_in_program_leaves_out_what_can_never_fire():
    program = shequn.Engine()._program
    passes = [n for n in program.definitions if ":P" in n]
    rules = {int(n.split(":")[0]) for n in passes}
    assert 0 < len(rules) < len(program.rules)
    for i in rules:                                      # each one kept can: its condition has a part that settles alone
        assert not settles_only_when_decided(program.rules[i].condition)
    stage_action = next(r for r in program.rules if r.stage_action and r.when.startswith("not "))
    i = program.rules.index(stage_action)               # guarded by its stage, `stage.current == k` once substituted
    assert f"{i}:T@{stage_action.stage}" in program.definitions and f"{i}:P@{stage_action.stage}" not in program.definitions


def test_only_the_properties_some_rule_reads_are_sent():
    program = shequn.Engine()._program
    flat = {"size.members": 120, "community.name": "a name no rule reads", "conversion.methods": ["forum"]}
    sent = program.encode(flat)
    assert '"size.members":120.0' in sent
    assert "community.name" not in sent
    assert all(f'"conversion.methods.{v}"' in sent for v in ("forum",) if f"conversion.methods.{v}" in program.reads)
    assert len(sent) < len(encode_facts(flat))


def test_applies_is_matched_only_where_it_can_hold_with_a_fact_unknown():
    """`<n>:A` is compiled only for an `applies` that can be true while a fact it reads is unknown
    (`a or b`); elsewhere the rule applies when those facts are known and `<n>:N` did not fire."""
    from shequn.durable.program import applies_when_decided

    program = shequn.Engine()._program
    with_a = {int(n.split(":")[0]) for n in program.definitions if n.endswith(":A")}
    with_applies = [i for i, r in enumerate(program.rules) if r.applicability is not None]
    assert with_a < set(with_applies)
    for i in with_applies:
        assert (i in with_a) is not applies_when_decided(program.rules[i].applicability)
    assert not applies_when_decided(parse('community.platform == "wechat" or size.members > 100'))
    assert applies_when_decided(parse('community.platform == "wechat" and size.members > 100'))


def test_remembered_encodings_are_bounded_and_right():
    from shequn.durable import program as module

    program = shequn.Engine()._program
    for i in range(module._ENCODED_MAX + 500):
        flat = {"size.members": i, "governance.group_rules": bool(i % 2)}
        assert program.encode(flat) == encode_facts(flat, program.reads)
    assert len(program._encoded) <= module._ENCODED_MAX
