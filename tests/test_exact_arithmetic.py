"""Comparisons with arithmetic give the answer of exact arithmetic on the facts' decimals (lang/exact.py).

Facts are the decimals the matcher is given (at most 10 places); the
reference below computes every condition in `fractions.Fraction` on the
original condition (no rewriting), with Kleene's logic, and both durable
(each rule compiled alone, as its examples run) and the interpreter must agree.
"""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import shequn
from shequn.durable.probe import Probe
from shequn.facts.loader import validate_facts
from shequn.facts.vocabulary import BY_NAME, CHANNELS
from shequn.lang import ast, exact, interpreter
from shequn.rules.verdict import verdict_of

from support import examples

ENGINE = shequn.Engine()
ARITHMETIC = [r for r in ENGINE.rules
              if exact.comparisons(r.condition) or (r.applicability is not None and exact.comparisons(r.applicability))]
PROBE = Probe()


def test_the_built_in_rules_with_arithmetic_are_found():
    assert {"PS141", "PS142", "NM804", "SA161"} <= {r.id for r in ARITHMETIC}    # sums of shares, ratios of counts


def _fraction(value):
    """A number as the exact value of its decimal; text and yes/no as they are."""
    if isinstance(value, (str, bool)):
        return value
    return Fraction(ast.format_number(value)) if isinstance(value, float) else Fraction(value)


def _number(node, flat):
    """Exact value of an arithmetic node; None when unknown or a divisor is zero."""
    if isinstance(node, ast.Literal):
        return _fraction(node.value)
    if isinstance(node, ast.Name):
        v = flat.get(node.name)
        return None if v is None else (v if isinstance(v, (bool, str, list)) else _fraction(v))
    if isinstance(node, ast.Neg):
        v = _number(node.operand, flat)
        return None if v is None else -v
    a, b = _number(node.left, flat), _number(node.right, flat)
    if a is None or b is None:
        return None
    if node.op == "/":
        return None if b == 0 else a / b
    return {"+": a + b, "-": a - b, "*": a * b}[node.op]


def reference(node, flat):
    """The condition's truth in exact arithmetic and Kleene logic."""
    if isinstance(node, ast.Literal):
        return bool(node.value)
    if isinstance(node, ast.Name):
        v = flat.get(node.name)
        return None if v is None else bool(v)
    if isinstance(node, ast.Not):
        v = reference(node.operand, flat)
        return None if v is None else not v
    if isinstance(node, (ast.And, ast.Or)):
        values = [reference(i, flat) for i in node.items]
        decisive = isinstance(node, ast.Or)
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(node, ast.Compare):
        a, b = _number(node.left, flat), _number(node.right, flat)
        if a is None or b is None:
            return None
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]
    if isinstance(node, ast.In) and isinstance(node.container, ast.Name):
        v = flat.get(node.container.name)
        return None if v is None else (node.item.value in v) != node.negated
    if isinstance(node, ast.In):
        item = _number(node.item, flat) if not isinstance(node.item, ast.Literal) else node.item.value
        if item is None:
            return None
        inside = any(item == _fraction(i.value) for i in node.container.items)
        return inside != node.negated
    raise TypeError(node)


# shares in thousandths so that sums land exactly on thresholds such as 0.5 often
@st.composite
def communities(draw, rule):
    data: dict = {"community": {"name": "exact"}}
    names = set(ast.names(rule.condition)) | set(ast.names(rule.applicability) if rule.applicability is not None else [])
    shares = [n for n in names if n.startswith("traffic.source_shares.")]
    if shares:
        budget = 1000
        given: dict[str, float] = {}
        for c in CHANNELS:
            if f"traffic.source_shares.{c}" in shares and draw(st.booleans() | st.just(True)):
                part = draw(st.sampled_from([0, 100, 125, 250, 300, 500]) | st.integers(0, budget))
                part = min(part, budget)
                budget -= part
                given[c] = part / 1000
        data["traffic"] = {"source_shares": given}
    for name in sorted(names):
        if name.startswith("traffic.source_shares.") or name.startswith("stage."):
            continue
        fact = BY_NAME[name]
        section, key = name.split(".", 1)
        if draw(st.integers(0, 9)) == 0:
            continue                                          # unknown now and then
        if fact.kind == "count":
            value = draw(st.sampled_from([0, 1, 5, 20, 100, 150, 300, 301, 450, 1000]) | st.integers(0, 5000))
            if name == "community.groups":
                value = max(value, 1)
        elif fact.kind == "bool":
            value = draw(st.booleans())
        elif fact.kind == "enum":
            value = draw(st.sampled_from(fact.values))
        elif fact.kind == "enumlist":
            value = draw(st.lists(st.sampled_from(fact.values), unique=True))
        elif fact.kind == "share":
            value = draw(st.integers(0, 1000)) / 1000
        elif fact.kind == "stage":
            value = draw(st.integers(1, 5))
        elif fact.kind == "text":
            value = draw(st.sampled_from(["", "x"]))
        else:
            value = draw(st.integers(0, 4000)) / 10
        data.setdefault(section, {})[key] = value
    size = data.get("size", {})
    if "members" in size:                                     # counts below the members, as validation wants
        for k in ("active_members_7d", "paying_members"):
            if k in size:
                size[k] = min(size[k], size["members"])
    return data


@pytest.mark.parametrize("rule", ARITHMETIC, ids=lambda r: r.id)
@settings(max_examples=examples(150))
@given(data=st.data())
def test_durable_and_the_interpreter_agree_with_exact_arithmetic(rule, data):
    raw = data.draw(communities(rule))
    flat = validate_facts(raw).flat()
    truth = reference(rule.condition, flat)
    applies = True if rule.applicability is None else reference(rule.applicability, flat)
    assert interpreter.outcome(rule, flat, rule.stage or 1) == truth
    assert PROBE.outcome(rule, raw) is verdict_of(rule, truth, None, applies)


def precise(shares: dict[str, float]) -> dict:
    return {"community": {"name": "exact"}, "traffic": {"source_shares": shares}}


def test_precise_shares_of_exactly_one_half_are_not_fewer_than_half():
    """0.5 - 0.1 - 0.1 - 0.1 - 0.1 is 0.10000000000000003 in floating point: 0.1 was below it."""
    shares = {"video_platforms": 0.1, "content_platforms": 0.1, "own_platform": 0.1, "peer_communities": 0.1,
              "old_customers": 0.1, "relatives_friends": 0.5}
    report = ENGINE.evaluate(precise(shares))
    assert "PS142" in report.passed and "PS142" not in {f.rule for f in report.findings}
    assert interpreter.outcome(ENGINE.rule("PS142"), validate_facts(precise(shares)).flat()) is False
    below = {**shares, "old_customers": 0.099, "relatives_friends": 0.501}
    assert "PS142" in {f.rule for f in ENGINE.evaluate(precise(below)).findings}


def test_a_ratio_on_its_threshold_is_not_above_it():
    """retention.leaves_per_month / size.members > 0.05: 5 of 100 is exactly 0.05."""
    rule = next(r for r in ARITHMETIC if "retention.leaves_per_month" in ast.names(r.condition))
    on = {"community": {"name": "r"}, "size": {"members": 100}, "retention": {"leaves_per_month": 5},
          "activities": {"online_per_month": 2}}
    over = {**on, "retention": {"leaves_per_month": 6}}
    assert PROBE.outcome(rule, on).value != "violated"
    assert PROBE.outcome(rule, over).value == "violated"


def test_a_zero_divisor_leaves_the_comparison_unknown():
    assert exact.sign(ast.Arith("/", ast.Name("a"), ast.Name("b")), ast.Literal(1.0), {"a": 1, "b": 0}) is None
    assert exact.sign(ast.Arith("/", ast.Name("a"), ast.Name("b")), ast.Literal(0.5), {"a": 1, "b": 2}) == 0
