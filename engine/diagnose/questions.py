"""What is left unknown: the rules not evaluated, and the questions that would evaluate them.

A question asks for one missing fact; those unlocking the most rules come first.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from shequn.facts.vocabulary import BY_NAME

from shequn.report.model import build, NotEvaluated, Question
from shequn.diagnose.rule_info import RuleInfo


def not_evaluated(unknown: list[RuleInfo], flat: dict[str, Any]) -> list[NotEvaluated]:
    return [build(NotEvaluated, rule=info.rule.id, missing=info.missing_in(flat)) for info in unknown]


def questions(unevaluated: list[NotEvaluated]) -> list[Question]:
    missing = Counter(name for n in unevaluated for name in n.missing)
    return [build(Question, fact=name, question=BY_NAME[name].question or f"What is {name}?", unlocks=n)
            for name, n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0])) if name in BY_NAME]
