"""Health scores: the weighted share of evaluated rules a community passes.

Each rule that was evaluated (passed or violated; waived counts as violated)
weighs by severity: critical 3, warning 2, info 1. A dimension's score is
100 x passed weight / evaluated weight, rounded; the overall score is the
same over all dimensions together. A dimension with no evaluated rule has no
score (null): unknown is not healthy. See docs/scoring.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    from shequn.diagnose.rule_info import RuleInfo

WEIGHTS = {"critical": 3, "warning": 2, "info": 1}


def score(outcomes: Iterable[tuple[str, bool]]) -> Optional[int]:
    """outcomes: (severity, passed) for each evaluated rule."""
    total = good = 0
    for severity, passed in outcomes:
        w = WEIGHTS[severity]
        total += w
        good += w if passed else 0
    return None if total == 0 else round(100 * good / total)


def dimension_scores(violated: Iterable[RuleInfo], passed: Iterable[RuleInfo],
                     dimensions: Iterable[str]) -> dict[str, list[tuple[str, bool]]]:
    """(severity, passed) of the evaluated rules by dimension; stage actions are not scored."""
    scored: dict[str, list[tuple[str, bool]]] = {d: [] for d in dimensions}
    for infos, ok in ((violated, False), (passed, True)):
        for info in infos:
            if not info.stage_action:
                scored[info.rule.dimension].append((info.rule.severity, ok))
    return scored
