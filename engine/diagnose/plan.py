"""The plan for the week: the few most important things to do now.

Drawn from the open findings (the blockers of the current stage among them)
and the current stage's violated actions together, ordered by priority
(docs/scoring.md), at most one item per cause, only items with evidence, at
most PLAN_SIZE of them. Every renderer shows it first.
"""
from __future__ import annotations

from typing import Any

from shequn.report.model import build, PlanItem
from shequn.diagnose.priority import ACTION_POINTS, priority
from shequn.diagnose.findings import Leader
from shequn.diagnose.rule_info import RuleInfo

PLAN_SIZE = 5


Chosen = tuple[RuleInfo, str]           # the rule, and why it is in the plan: finding, blocker or action


def choose(leaders: list[Leader], todo: list[RuleInfo], flat: dict[str, Any], blockers: set[str],
           waivers: dict[str, dict[str, Any]]) -> list[Chosen]:
    """The plan's rules, from the findings' rules (`leaders`) and the actions' (`todo`)."""
    candidates: list[tuple[int, str, Any, RuleInfo, str]] = []
    for points, info, _ in leaders:
        rule_id = info.rule.id
        if waivers.get(rule_id, {}).get("active", False) or not info.has_evidence(flat):
            continue                                   # a waived finding is not open
        candidates.append((points, rule_id, info.cause, info, "blocker" if rule_id in blockers else "finding"))
    for info in todo:
        if info.gate:
            continue                                   # blockers are findings already
        points = priority(info.rule.severity, minefield=False, stage_points=ACTION_POINTS, past=0.0)
        candidates.append((points, info.rule.id, info.cause, info, "action"))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    chosen: list[Chosen] = []
    causes: set[Any] = set()
    for _, _, cause, info, why in candidates:
        if cause in causes:
            continue
        causes.add(cause)
        chosen.append((info, why))
        if len(chosen) == PLAN_SIZE:
            break
    return chosen


def plan(chosen: list[Chosen], flat: dict[str, Any]) -> list[PlanItem]:
    return [build(PlanItem, rule=info.rule.id, title=info.rule.title, advice=info.advice,
                  evidence=info.evidence_in(flat), severity=info.rule.severity, why=why) for info, why in chosen]
