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
from shequn.facts.vocabulary import BY_NAME, FACTS
from shequn.report.model import build, Confirm, NotEvaluated, Question, Report
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
    # per fact: [what it decides (DECIDES_ORDER), its order among the stage's facts, minus the weight of the
    # rules it unlocks, the fact, the number of those rules]: the lists sort in the order to ask them
    counts: dict[str, list[Any]] = {}
    applies_unknown = run.applies_unknown
    for info, missing in unknown:
        w = info.weight
        decides = _APPLICABILITY if info.index in applies_unknown else _RULES
        for name in missing:
            entry = counts.get(name)
            if entry is None:
                counts[name] = [decides, 0, -w, name, 1]
            else:
                entry[2] -= w
                entry[4] += 1
                if decides < entry[0]:
                    entry[0] = decides
    stage_order = 0
    for c in confirm:                       # an essential places the stage even when select leaves it out
        for name in c.missing:
            entry = counts.get(name)
            if entry is None:
                entry = counts[name] = [_STAGE, 0, 0, name, 1]
            if entry[0] != _STAGE:
                entry[0], entry[1] = _STAGE, stage_order
                stage_order += 1
    return [(name, n, _DECIDES[decides]) for decides, _, _, name, n in sorted(counts.values()) if name in BY_NAME]


_STAGE, _APPLICABILITY, _RULES = DECIDES_ORDER["stage"], DECIDES_ORDER["applicability"], DECIDES_ORDER["rules"]
_DECIDES = {order: name for name, order in DECIDES_ORDER.items()}


def questions(ranking: list[tuple[str, int, str]]) -> list[Question]:
    """The questions of `ranked`; one object per (fact, unlocks, decides), shared by the reports (they are frozen)."""
    out = []
    for key in ranking:
        q = _SHARED.get(key)
        if q is None:
            name, n, decides = key
            q = build(Question, fact=name, question=_QUESTIONS[name], unlocks=n, decides=decides)
            if len(_SHARED) < _SHARED_MAX:
                _SHARED[key] = q
        out.append(q)
    return out


_SHARED: dict[tuple[str, int, str], Question] = {}
_SHARED_MAX = 20_000        # facts x unlocks x 3 stays far below with the built-in rules; a bound for huge rulesets


_QUESTIONS = {name: fact.question or f"What is {name}?" for name, fact in BY_NAME.items()}


def question_order(report: Report, *, everything: bool = False) -> list[tuple[str, int, str]]:
    """(fact, rules it unlocks, what it decides) of the report's questions, in the report's ranking.
    With `everything` (nothing described yet) every fact that can be asked follows, those no rule
    reads last: what `shequn facts questions` and the API list without a facts file."""
    ranked = [(q.fact, q.unlocks, q.decides) for q in report.questions]
    if everything:
        seen = {f for f, _, _ in ranked} | {"community.name"}
        ranked += [(f.name, 0, "rules") for f in FACTS if not f.derived and f.name not in seen]
    return ranked
