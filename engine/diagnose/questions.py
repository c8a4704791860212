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

from collections import Counter
from typing import Any

from shequn.durable.verdicts import Run
from shequn.facts.vocabulary import BY_NAME
from shequn.report.model import build, Confirm, NotEvaluated, Question
from shequn.diagnose.rule_info import RuleInfo
from shequn.diagnose.scoring import WEIGHTS

DECIDES_ORDER = {"stage": 0, "applicability": 1, "rules": 2}


def not_evaluated(unknown: list[RuleInfo], run: Run, flat: dict[str, Any]) -> list[NotEvaluated]:
    """Each rule not evaluated with the facts to collect: those of `applies` first, when it is unknown."""
    return [build(NotEvaluated, rule=info.rule.id,
                  missing=info.applies_missing_in(flat) if info.index in run.applies_unknown else info.missing_in(flat))
            for info in unknown]


def questions(unevaluated: list[NotEvaluated], infos: dict[str, RuleInfo], run: Run,
              confirm: list[Confirm]) -> list[Question]:
    unlocks: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    decides: dict[str, str] = {}
    for n in unevaluated:
        info = infos[n.rule]
        for name in n.missing:
            unlocks[name] += 1
            weight[name] += WEIGHTS[info.rule.severity]
            if info.index in run.applies_unknown:
                decides.setdefault(name, "applicability")
    stage_order: dict[str, int] = {}
    for c in confirm:                       # an essential places the stage even when select leaves it out
        for name in c.missing:
            stage_order.setdefault(name, len(stage_order))
            decides[name] = "stage"
            unlocks[name] = unlocks[name] or 1
    ranked = sorted(unlocks, key=lambda name: (DECIDES_ORDER[decides.get(name, "rules")], stage_order.get(name, 0),
                                               -weight[name], name))
    return [build(Question, fact=name, question=BY_NAME[name].question or f"What is {name}?", unlocks=unlocks[name],
                  decides=decides.get(name, "rules"))
            for name in ranked if name in BY_NAME]
