"""What is left unknown: the rules not evaluated, and the questions worth asking, ranked by what they decide.

1. stage: facts of the unknown essentials between stage.current and
   stage.at_most, in stage order (they place the stage);
2. applicability: facts that decide whether rules speak to this community
   at all (a rule's `applies` is unknown);
3. rules: every other missing fact, by the severity weight of the rules it
   would let be judged (critical 3, warning 2, info 1), then by name.

Rules that do not apply ask nothing.
"""
from __future__ import annotations

from typing import Any

from shequn.durable.verdicts import Run
from shequn.facts.vocabulary import BY_NAME
from shequn.report.model import build, Confirm, NotEvaluated, Question
from shequn.diagnose.rule_info import RuleInfo

DECIDES_ORDER = {"stage": 0, "applicability": 1, "rules": 2}


Unknown = tuple[RuleInfo, list[str]]         # a rule not evaluated, and the facts to collect for it


def unknowns(unknown: list[RuleInfo], run: Run, flat: dict[str, Any]) -> list[Unknown]:
    """Each rule not evaluated with the facts to collect: those of `applies` first, when it is unknown."""
    applies_unknown = run.applies_unknown
    return [(info, info.applies_missing_in(flat) if info.index in applies_unknown else info.missing_in(flat))
            for info in unknown]


def not_evaluated(unknown: list[Unknown]) -> list[NotEvaluated]:
    return [info.not_evaluated(missing) for info, missing in unknown]


def ranked(unknown: list[Unknown], run: Run, confirm: list[Confirm]) -> list[tuple[str, int, str]]:
    """(fact, rules it unlocks, what it decides) of each fact to ask, most useful first; counted, no objects built."""
    unlocks: dict[str, int] = {}
    weight: dict[str, int] = {}
    decides: dict[str, str] = {}
    applies_unknown = run.applies_unknown
    for info, missing in unknown:
        w = info.weight
        for name in missing:
            unlocks[name] = unlocks.get(name, 0) + 1
            weight[name] = weight.get(name, 0) + w
            if info.index in applies_unknown:
                decides.setdefault(name, "applicability")
    stage_order: dict[str, int] = {}
    for c in confirm:                       # an essential places the stage even when select leaves it out
        for name in c.missing:
            stage_order.setdefault(name, len(stage_order))
            decides[name] = "stage"
            unlocks[name] = unlocks.get(name) or 1
    order = sorted(unlocks, key=lambda name: (DECIDES_ORDER[decides.get(name, "rules")], stage_order.get(name, 0),
                                              -weight.get(name, 0), name))
    return [(name, unlocks[name], decides.get(name, "rules")) for name in order if name in BY_NAME]


def questions(ranking: list[tuple[str, int, str]]) -> list[Question]:
    """The questions of `ranked`; one object per (fact, unlocks, decides), shared by the reports (they are frozen)."""
    out = []
    for key in ranking:
        q = _SHARED.get(key)
        if q is None:
            name, n, decides = key
            q = _SHARED[key] = build(Question, fact=name, question=_QUESTIONS[name], unlocks=n, decides=decides)
        out.append(q)
    return out


_SHARED: dict[tuple[str, int, str], Question] = {}     # bounded: facts x rules x 3


_QUESTIONS = {name: fact.question or f"What is {name}?" for name, fact in BY_NAME.items()}
