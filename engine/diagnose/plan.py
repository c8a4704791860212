"""The plan for the week: the few most important things to do now.

Drawn from the open findings (the blockers of the current stage among them)
and the current stage's violated actions together, ordered by priority
(docs/scoring.md), at most one item per cause, only items with evidence, at
most PLAN_SIZE of them. Every renderer shows it first.
"""
from __future__ import annotations

from typing import Any

from shequn.report.model import build, Action, Finding, PlanItem
from shequn.diagnose.priority import ACTION_POINTS, priority
from shequn.diagnose.rule_info import RuleInfo

PLAN_SIZE = 5


def plan(findings: list[Finding], actions: list[Action], infos: dict[str, RuleInfo], blockers: set[str]) -> list[PlanItem]:
    candidates: list[tuple[int, str, Any, PlanItem]] = []
    for f in findings:
        if f.status != "open" or not f.evidence:
            continue
        why = "blocker" if f.rule in blockers else "finding"
        candidates.append((f.priority, f.rule, infos[f.rule].cause, build(
            PlanItem, rule=f.rule, title=f.title, advice=list(f.advice), evidence=dict(f.evidence),
            severity=f.severity, why=why)))
    for a in actions:
        info = infos[a.rule]
        if a.blocker or not a.evidence:
            continue                                   # blockers are findings already
        points = priority(info.rule.severity, minefield=False, stage_points=ACTION_POINTS, past=0.0)
        candidates.append((points, a.rule, info.cause, build(
            PlanItem, rule=a.rule, title=a.title, advice=list(a.advice), evidence=dict(a.evidence),
            severity=info.rule.severity, why="action")))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    chosen: list[PlanItem] = []
    causes: set[Any] = set()
    for _, _, cause, item in candidates:
        if cause in causes:
            continue
        causes.add(cause)
        chosen.append(item)
        if len(chosen) == PLAN_SIZE:
            break
    return chosen
