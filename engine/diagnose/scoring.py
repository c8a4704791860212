"""Health scores: the weighted share of evaluated rules a community passes.

Each rule that was evaluated (passed or violated; waived counts as violated)
weighs by severity: critical 3, warning 2, info 1. A dimension's score is
100 x passed weight / evaluated weight, rounded; the overall score is the
same over all dimensions together. A dimension with no evaluated rule has no
score (null): unknown is not healthy. See docs/scoring.md.
"""
from __future__ import annotations

from typing import Iterable, Optional

WEIGHTS = {"critical": 3, "warning": 2, "info": 1}


def score(outcomes: Iterable[tuple[str, bool]]) -> Optional[int]:
    """outcomes: (severity, passed) for each evaluated rule."""
    total = good = 0
    for severity, passed in outcomes:
        w = WEIGHTS[severity]
        total += w
        good += w if passed else 0
    return None if total == 0 else round(100 * good / total)
