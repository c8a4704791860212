"""A process keeps a bounded amount of compiled durable_rules rulesets (durable/budget.py).

They are never freed (delete_ruleset is unsafe), so identical rulesets share one matcher and
are charged once, and a distinct one past the budget is refused with a clear error before
durable_rules allocates it; what was compiled before keeps working.
"""
from __future__ import annotations

import ast
import itertools
import pathlib

import pytest

from shequn.durable import budget
from shequn.errors import CompiledRulesetsError, ConfigError

ROOT = pathlib.Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
_fresh = itertools.count()


def distinct_definitions() -> dict:
    n = next(_fresh)
    return {f"budget-{n}": {"all": [{"m": {"$gt": {"n": 1_000_000 + n}}}]}, "seen": {"all": [{"m": {"_a0": 1}}]}}


def test_identical_rulesets_are_charged_once():
    from shequn import Engine
    first = Engine([MINI], builtin=False)
    used = budget.used_bytes()
    again = Engine([MINI], builtin=False)
    assert again._matcher is first._matcher and budget.used_bytes() == used


def test_a_distinct_ruleset_past_the_budget_is_refused_and_the_others_keep_working(monkeypatch):
    from shequn import Engine
    engine = Engine([MINI], builtin=False)
    budget.compiled(distinct_definitions())
    room = budget.used_bytes() // 1_000_000 + 1              # about one more megabyte
    monkeypatch.setenv("SHEQUN_COMPILED_MB", str(room))
    with pytest.raises(CompiledRulesetsError, match="distinct compiled rulesets"):
        for _ in range(100):                                   # ~70 kB each: the budget is reached well before
            budget.compiled(distinct_definitions())
    used = budget.used_bytes()
    assert used <= room * 1_000_000
    with pytest.raises(CompiledRulesetsError):
        budget.compiled(distinct_definitions())
    assert budget.used_bytes() == used                         # a refusal charges nothing
    same = Engine([MINI], builtin=False)                       # an identical ruleset is shared, never refused
    report = same.evaluate({"community": {"name": "x"}, "size": {"members": 300}, "governance": {"admins": 1}})
    assert [f.rule for f in report.findings if f.rule == "MINI001"] == ["MINI001"]
    assert same._matcher is engine._matcher


def test_the_budget_setting_must_be_a_positive_number(monkeypatch):
    monkeypatch.setenv("SHEQUN_COMPILED_MB", "lots")
    with pytest.raises(ConfigError, match="SHEQUN_COMPILED_MB"):
        budget.compiled(distinct_definitions())


def test_the_cost_grows_with_the_compiled_text():
    assert budget.cost("x" * 1000) > budget.cost("x") >= budget.FIXED_BYTES


def test_every_compiled_ruleset_goes_through_the_budget():
    """Matcher.for_definitions is called by durable/budget.py alone."""
    callers = []
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Attribute) and n.attr == "for_definitions" for n in ast.walk(tree)):
            callers.append(path.relative_to(ROOT).as_posix())
    assert callers == ["engine/durable/budget.py"]
