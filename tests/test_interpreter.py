"""The explanation interpreter agrees with durable_rules (durable/probe.py) and with `check`."""
from __future__ import annotations

import math
import pathlib

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from support import examples

from shequn.lang import ast
from shequn.facts.loader import FactsError, load_facts, validate_facts
from shequn.facts.vocabulary import BY_NAME
from shequn.lang.interpreter import evaluate, explain, outcome, render_step
from shequn.lang.parser import parse
from shequn.rules.verdict import Verdict, verdict_of
from shequn.durable.probe import Probe
from shequn.rules.ruleset import load_ruleset, load_rulesets
from shequn.rulesets import builtin_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILTIN = [r for rs in load_rulesets(builtin_paths()) for r in rs.rules]

# Conditions of shapes the built-in rules may not use yet: arithmetic, division by a fact,
# lists, flags, nested not/or, stage.current. (No arithmetic on two numbers alone: see test below.)
SYNTHETIC_WHEN = [
    "size.members / governance.admins > 30",
    "size.members > 1.5 * governance.admins",
    "size.paying_members + size.active_members_7d >= 20",
    "size.members - size.active_members_7d > 10 or not governance.group_rules",
    "content.original_share + content.scripted_share > 0.9",
    "community.platform in [\"wechat\", \"wecom\"] and not (governance.admins >= 2 or governance.dedicated_manager)",
    "community.platform not in [\"qq\"]",
    "\"endorsement\" not in conversion.methods and conversion.has_product",
    "not (\"social_chain\" in conversion.methods or traffic.entry_threshold == \"none\")",
    "community.declared_stage > stage.current",
    "size.active_share_7d < 0.2 and size.members >= 50",
    "traffic.imprecise_share > 0.3 and not traffic.intent_confirmed",
    "governance.members_per_admin > 150 or size.members > 500 and governance.admins < 2",
    "positioning.statement == \"\" or positioning.core_scenarios == 0",
    "true and size.members != 0",
]


# `applies` conditions given to every other synthetic rule, so that the three-valued
# applicability (not applicable, unknown, applies) is checked against durable too
SYNTHETIC_APPLIES = ["community.goal in [\"sell_products\", \"provide_services\"]", "size.members >= 100",
                     "community.platform != \"discord\" and conversion.has_product"]


def _synthetic_rules(tmp: pathlib.Path):
    rules = [{"id": f"T{i:03d}", "title": "t", "kind": "practice", "severity": "info", "dimension": "scale",
              "when": when, "message": "m", "advice": ["a"], "sources": [{"doc": "six-aspects", "quote": "abc"}],
              **({"applies": SYNTHETIC_APPLIES[i // 2 % len(SYNTHETIC_APPLIES)]} if i % 2 else {})}
             for i, when in enumerate(SYNTHETIC_WHEN)]
    path = tmp / "synthetic.yaml"
    path.write_text(yaml.safe_dump({"name": "synthetic", "version": 1, "rules": rules}), encoding="utf-8")
    return load_ruleset(path).rules


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return _synthetic_rules(tmp_path_factory.mktemp("synthetic"))


PROBE = Probe()


# --- strategies --------------------------------------------------------------

def _inputs(node: ast.Expr) -> list[str]:
    out: list[str] = []
    for name in ast.names(node):
        if name.startswith("stage."):
            continue
        fact = BY_NAME[name]
        for n in (fact.derived_from if fact.derived else (name,)):
            if n not in out:
                out.append(n)
    return out


def _numbers(node: ast.Expr) -> list[float]:
    found: list[float] = []

    def walk(n):
        if isinstance(n, ast.Literal) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            found.append(n.value)
        for c in ast.children(n):
            walk(c)
    walk(node)
    return found


def _value(name: str, numbers: list[float]):
    fact = BY_NAME[name]
    kind = fact.kind
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(fact.values)
    if kind == "enumlist":
        return st.lists(st.sampled_from(fact.values), unique=True)
    if kind == "text":
        return st.sampled_from(["", "a community for parents", "x"])
    if kind == "stage":
        return st.integers(1, 5)
    if kind == "count":
        edges = {0, 1, 2, 3} | {max(0, f(n) + d) for n in numbers for f in (math.floor, math.ceil) for d in (-1, 0, 1)}
        return st.one_of(st.sampled_from(sorted(edges)), st.integers(0, 2000))
    if kind == "share":
        edges = {0.0, 1.0, 0.5} | {min(1.0, max(0.0, n + d)) for n in numbers for d in (-0.01, 0, 0.01)}
        return st.one_of(st.sampled_from(sorted(edges)), st.floats(0, 1, allow_nan=False))
    edges = {0.0, 1.0} | {max(0.0, n + d) for n in numbers for d in (-0.5, 0, 0.5)}
    return st.one_of(st.sampled_from(sorted(edges)), st.floats(0, 10_000, allow_nan=False))


def _nest(flat: dict) -> dict:
    out: dict = {"community": {"name": "generated"}}
    for name, value in flat.items():
        section, rest = name.split(".", 1)
        target = out.setdefault(section, {})
        if "." in rest:
            group, key = rest.split(".", 1)
            target = target.setdefault(group, {})
            rest = key
        target[rest] = value
    return out


@st.composite
def examples_for(draw, node: ast.Expr):
    numbers = _numbers(node)
    given_facts = {}
    for name in _inputs(node):
        value = draw(st.one_of(st.none(), _value(name, numbers)))   # None: the fact is missing
        if value is not None:
            given_facts[name] = value
    example = _nest(given_facts)
    if "stage.current" in ast.names(node):
        example["stage"] = {"current": draw(st.integers(1, 5))}
    elif "stage.at_most" in ast.names(node):
        example["stage"] = {"at_most": draw(st.integers(1, 5))}
    return example


def whole(rule) -> ast.Expr:
    """A rule's condition and its `applies`: the facts examples are drawn for."""
    return rule.condition if rule.applicability is None else ast.And((rule.applicability, rule.condition))


def _interpreted(rule, example) -> str:
    data = {k: v for k, v in example.items() if k != "stage"}
    facts = validate_facts(data)
    stage = example.get("stage", {})
    current = stage.get("current", stage.get("at_most", rule.stage or 1))
    applies = True if rule.applicability is None else outcome(rule.applicability, facts)
    return verdict_of(rule, outcome(rule, facts, current), None, applies)


def _check_agreement(rule, example):
    try:
        validate_facts({k: v for k, v in example.items() if k != "stage"})
    except FactsError:
        assume(False)                                     # e.g. more active members than members
    expected = PROBE.outcome(rule, example)
    got = _interpreted(rule, example)
    assert got == expected, f"{rule.id} `{rule.when}` on {example}: interpreter {got}, durable {expected}"


# --- property tests ----------------------------------------------------------

@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_interpreter_agrees_with_durable_on_builtin_rules(rule, data):
    _check_agreement(rule, data.draw(examples_for(whole(rule))))


@pytest.mark.parametrize("index", range(len(SYNTHETIC_WHEN)))
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_interpreter_agrees_with_durable_on_every_shape(synthetic, index, data):
    rule = synthetic[index]
    _check_agreement(rule, data.draw(examples_for(whole(rule))))


def test_division_by_a_number_on_the_right_is_true_division(tmp_path):
    rule = _synthetic_rules_with(tmp_path, "size.members >= governance.admins / 2")
    example = {"community": {"name": "c"}, "size": {"members": 1}, "governance": {"admins": 3}}
    assert PROBE.outcome(rule, example) == _interpreted(rule, example) == Verdict.PASSED


def _synthetic_rules_with(tmp_path, when):
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"name": "one", "version": 1, "rules": [
        {"id": "O001", "title": "t", "kind": "practice", "severity": "info", "dimension": "scale", "when": when,
         "message": "m", "advice": ["a"], "sources": [{"doc": "six-aspects", "quote": "abc"}]}]}), encoding="utf-8")
    return load_ruleset(path).rules[0]


# --- Kleene semantics, directly --------------------------------------------

@pytest.mark.parametrize("when, flat, expected", [
    ("size.members > 100", {}, None),
    ("size.members > 100", {"size.members": 101}, True),
    ("size.members > 100 and governance.admins < 2", {"size.members": 50}, False),
    ("size.members > 100 and governance.admins < 2", {"size.members": 500}, None),
    ("size.members > 100 or governance.admins < 2", {"size.members": 500}, True),
    ("size.members > 100 or governance.admins < 2", {"size.members": 5}, None),
    ("not governance.group_rules", {"governance.group_rules": False}, True),
    ("not governance.group_rules", {}, None),
    ("size.members / governance.admins > 30", {"size.members": 100, "governance.admins": 0}, None),
    ("size.members / governance.admins > 30", {"size.members": 100, "governance.admins": 3}, True),
    ("\"endorsement\" in conversion.methods", {"conversion.methods": []}, False),
    ("\"endorsement\" in conversion.methods", {}, None),
    ("community.platform in [\"wechat\", \"wecom\"]", {"community.platform": "qq"}, False),
    ("community.platform not in [\"wechat\", \"wecom\"]", {"community.platform": "qq"}, True),
])
def test_kleene(when, flat, expected):
    assert evaluate(parse(when), flat) is expected


def test_stage_current_is_the_stage_given():
    node = parse("community.declared_stage > stage.current")
    assert outcome(node, {"community.declared_stage": 3}, 2) is True
    assert outcome(node, {"community.declared_stage": 3}, 3) is False
    assert outcome(node, {"community.declared_stage": 3}, None) is None
    tree = explain(node, {"community.declared_stage": 3}, 2)
    assert tree.values == {"community.declared_stage": 3, "stage.current": 2}


def test_explain_tree_has_every_part_with_values_and_outcome():
    node = parse("size.members > 100 and (governance.admins < 2 or not governance.group_rules)")
    tree = explain(node, {"size.members": 300, "governance.group_rules": False})
    assert (tree.kind, tree.outcome) == ("and", "true")           # admins unknown, but `not group_rules` holds
    members, either = tree.children
    assert (members.text, members.outcome, members.values) == ("size.members > 100", "true", {"size.members": 300})
    admins, rules = either.children
    assert (admins.outcome, admins.missing) == ("unknown", ["governance.admins"])
    assert rules.kind == "not" and rules.outcome == "true" and rules.children[0].outcome == "false"
    text = "\n".join(render_step(tree))
    assert "governance.admins = unknown" in text and "size.members = 300" in text
    assert tree.to_dict()["children"][1]["children"][0]["missing"] == ["governance.admins"]


def test_divide_by_zero_is_explained():
    tree = explain(parse("size.members / governance.admins > 30"), {"size.members": 10, "governance.admins": 0})
    assert tree.outcome == "unknown" and "governance.admins is 0" in tree.note


# --- the library entry and agreement with check ---------------------------

EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_explain_agrees_with_check_on_example_communities(engine, path):
    from shequn.diagnose.explain import report_status

    facts = load_facts(path)
    report = engine.evaluate(facts)
    for rule in engine.rules:
        e = engine.explain(facts, rule.id)
        assert e.outcome == report_status(report, rule.id), (rule.id, e.render())
        assert e.stage == report.stage.current


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_explain_agrees_with_check_on_generated_communities(engine, data):
    from shequn.diagnose.explain import explain_rule, report_status

    rules = engine.rules
    node = ast.And(tuple(r.condition for r in rules))
    example = data.draw(examples_for(node))
    example.pop("stage", None)
    try:
        facts = validate_facts(example)
    except FactsError:
        assume(False)
    report = engine.evaluate(facts)
    for rule in rules:
        e = explain_rule(engine, facts, rule.id, report)
        assert e.outcome == report_status(report, rule.id), (rule.id, e.render())


def test_explain_unknown_rule_raises_keyerror(engine):
    with pytest.raises(KeyError):
        engine.explain({"community": {"name": "x"}}, "NOPE999")


def test_explain_report_covers_findings_and_unevaluated(engine):
    from shequn.diagnose.explain import explain_report, render_report_explanations

    facts = load_facts(EXAMPLES[0])
    report = engine.evaluate(facts)
    out = explain_report(engine, facts, report)
    assert {f.rule for f in report.findings} <= set(out)
    assert {n.rule for n in report.not_evaluated} <= set(out)
    for f in report.findings:
        assert out[f.rule]["outcome"] in ("violated", "waived")
    heads = [block.splitlines()[0] for block in render_report_explanations(out).split("\n\n")]
    assert [h.split(":")[0] for h in heads] == list(out)                   # one block per rule, in order
    assert all(h.split(": ", 1)[1].startswith(out[r]["outcome"].replace("_", " ")) for h, r in zip(heads, out))


def test_render_mentions_outcome_and_missing(engine):
    rule = engine.rule("NM101")                  # reads positioning.statement, which these facts leave out
    e = engine.explain({"community": {"name": "x"}, "size": {"members": 120}}, rule.id)
    lines = e.render().splitlines()
    assert lines[:3] == [f"NM101: {rule.title}", "outcome: not evaluated", "stage: 1 (inferred)"]
    assert f"when: {rule.when}" in lines
    assert lines[-1] == "to evaluate it, collect: positioning.statement"
    d = e.to_dict()
    assert (d["rule"], d["when"], d["outcome"]) == ("NM101", rule.when, "not_evaluated")
    assert d["condition"] == e.tree.to_dict() and d["condition"]["text"] == str(rule.condition)
    assert d["missing"] == d["condition"]["missing"] == ["positioning.statement"]
