"""Health scores that say how much they know (docs/scoring.md).

Each scored rule (every rule but stage actions) that applies to the
community weighs by severity: critical 3, warning 2, info 1. A rule is
*judged* when it passed or was violated (waived counts as violated); one not
evaluated is applicable but unjudged, and one that does not apply counts
nowhere.

    coverage = judged weight / applicable weight          (0-1)
    score    = 100 x passed weight / judged weight        (rounded)

A score is given only when enough is known: a coverage of at least
MIN_COVERAGE and at least MIN_JUDGED judged rules, overall and per
dimension. Otherwise it is null and every renderer says "not enough facts to
score — N of M applicable rules judged". Unknown is not healthy, and a few
rules passed because the group is small are not a health score.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

WEIGHTS = {"critical": 3, "warning": 2, "info": 1}
MIN_COVERAGE = 0.3          # share of the applicable weight that must be judged to give a score
MIN_JUDGED = 3              # and the fewest judged rules


@dataclass
class Tally:
    """The weights of one dimension (or of all of them) for one community."""
    applicable: int = 0       # rules
    judged: int = 0           # rules
    applicable_weight: int = 0
    judged_weight: int = 0
    passed_weight: int = 0

    def add(self, severity: str, outcome: Optional[bool]) -> None:
        """outcome: True passed, False violated, None not evaluated."""
        self.add_weight(WEIGHTS[severity], outcome)

    def add_weight(self, w: int, outcome: Optional[bool]) -> None:
        self.applicable += 1
        self.applicable_weight += w
        if outcome is not None:
            self.judged += 1
            self.judged_weight += w
            self.passed_weight += w if outcome else 0

    @property
    def coverage(self) -> Optional[float]:
        """Share of the applicable weight judged; None when no rule applies."""
        return round(self.judged_weight / self.applicable_weight, 2) if self.applicable_weight else None

    @property
    def score(self) -> Optional[int]:
        if self.judged < MIN_JUDGED or not self.applicable_weight or \
                self.judged_weight / self.applicable_weight < MIN_COVERAGE:
            return None
        return round(100 * self.passed_weight / self.judged_weight)
