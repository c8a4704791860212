"""What to do first: the priority of a finding or action (docs/scoring.md, Priority).

    priority = severity          critical 30, warning 20, info 10
             + minefield         5 when the rule is one of the nine minefields
             + stage             15 for an essential of the current stage (it blocks
                                 the stage), 5 for an essential of a later stage,
                                 8 for an action of the current stage
             + distance          0-10: how far the evidence is past the rule's
                                 threshold, |value - threshold| / |threshold|
                                 capped at 1, for comparisons of a fact with a
                                 number (the largest over the comparisons that hold)

Findings and the plan are ordered by it, highest first; ties by rule id.
"""
from __future__ import annotations

import operator
from typing import Any, Iterable

from shequn.lang import ast

SEVERITY_POINTS = {"critical": 30, "warning": 20, "info": 10}
MINEFIELD_POINTS = 5
BLOCKER_POINTS, LATER_ESSENTIAL_POINTS, ACTION_POINTS = 15, 5, 8
DISTANCE_POINTS = 10

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}

Threshold = tuple[str, str, float]          # (fact, op, number): `fact op number`


def comparisons(node: ast.Expr) -> tuple[Threshold, ...]:
    """The comparisons of a fact with a non-zero number in a condition."""
    out: list[Threshold] = []

    def walk(n: ast.Expr) -> None:
        if isinstance(n, ast.Compare) and n.op in _OPS:
            left, right, op = n.left, n.right, n.op
            if isinstance(left, ast.Literal) and isinstance(right, ast.Name):
                left, right, op = right, left, _FLIP[op]
            if isinstance(left, ast.Name) and isinstance(right, ast.Literal) and \
                    isinstance(right.value, (int, float)) and not isinstance(right.value, bool) and right.value:
                out.append((left.name, op, float(right.value)))
        if not isinstance(n, ast.Not):          # under a negation a comparison that holds is not what fired
            for c in ast.children(n):
                walk(c)

    walk(node)
    return tuple(out)


def distance(limits: Iterable[Threshold], flat: dict[str, Any]) -> float:
    """0-1: how far the known values are past the thresholds they cross."""
    best = 0.0
    for name, op, limit in limits:
        value = flat.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and _OPS[op](value, limit):
            best = max(best, min(1.0, abs(value - limit) / abs(limit)))
    return best


def priority(severity: str, *, minefield: bool, stage_points: int, past: float) -> int:
    return SEVERITY_POINTS[severity] + (MINEFIELD_POINTS if minefield else 0) + stage_points + round(DISTANCE_POINTS * past)
