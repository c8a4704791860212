"""Findings: the violated rules, with their priority, one finding per cause.

A finding is every violated rule but stage actions (those are next actions),
an essential of a later stage included: a known retention or conversion
problem is always reported. Rules violated on the same cause (the same facts,
apart from what kind of community it is: rule_info.cause_of) are folded
under the one of highest priority as `related`, so "no rules" is said once.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from shequn.facts.model import Facts
from shequn.report.model import build, Finding
from shequn.diagnose.priority import BLOCKER_POINTS, LATER_ESSENTIAL_POINTS, distance, priority
from shequn.diagnose.rule_info import RuleInfo


def priority_of(info: RuleInfo, flat: dict[str, Any], current: int) -> int:
    rule = info.rule
    if info.gate and info.stage is not None:
        stage_points = BLOCKER_POINTS if info.stage == current else LATER_ESSENTIAL_POINTS if info.stage > current else 0
    else:
        stage_points = 0
    return priority(rule.severity, minefield=rule.kind == "minefield", stage_points=stage_points,
                    past=distance(info.limits, flat))


Leader = tuple[int, RuleInfo, list[RuleInfo]]       # (priority, the finding's rule, the rules folded under it)


def leaders(violated: list[RuleInfo], flat: dict[str, Any], current: int,
            waivers: dict[str, dict[str, Any]]) -> list[Leader]:
    """One rule per cause, open ones first, then by priority (highest first) and rule id."""
    ranked = sorted(((priority_of(info, flat, current), info) for info in violated if not info.stage_action),
                    key=lambda pi: (waivers.get(pi[1].rule.id, {}).get("active", False), -pi[0], pi[1].rule.id))
    out: dict[Any, Leader] = {}
    for points, info in ranked:
        waived = waivers.get(info.rule.id, {}).get("active", False)
        key = (info.cause, waived)
        if key in out:
            out[key][2].append(info)
        else:
            out[key] = (points, info, [])
    return list(out.values())


def findings(ranked: list[Leader], flat: dict[str, Any], values: dict[str, Any],
             waivers: dict[str, dict[str, Any]]) -> list[Finding]:
    """The findings of `leaders`, in their order."""
    return [_finding(info, points, related, flat, values, waivers.get(info.rule.id) if waivers else None)
            for points, info, related in ranked]


def _finding(info: RuleInfo, points: int, related: list[RuleInfo], flat: dict[str, Any], values: dict[str, Any],
             waiver: dict[str, Any] | None) -> Finding:
    active = bool(waiver and waiver.get("active"))
    b = info.finding_base
    # every field, in the order of the model (the JSON's order); the lists of the rule's own parts are shared
    return build(Finding, rule=b["rule"], title=b["title"], kind=b["kind"], minefield=b["minefield"], stage=b["stage"],
                 severity=b["severity"], dimension=b["dimension"], message=info.message(values),
                 evidence=info.evidence_in(flat), advice=info.advice, sources=info.sources_list, note=info.rule.note,
                 priority=points, thresholds=info.thresholds_list, related=[r.related for r in related],
                 status="waived" if active else "open",
                 waiver={k: v for k, v in waiver.items() if k in ("rule", "reason", "expires")} if active and waiver else None,
                 baseline=None)


def waivers(facts: Facts, today: _dt.date) -> dict[str, dict[str, Any]]:
    """Waivers by rule id; an expired one is not active and carries the problem to report."""
    out: dict[str, dict[str, Any]] = {}
    for w in facts.waivers or []:
        entry: dict[str, Any] = {"rule": w.rule, "reason": w.reason, "active": True}
        if w.expires is not None:
            entry["expires"] = w.expires.isoformat()
            if w.expires < today:
                entry["active"] = False
                entry["problem"] = f"waiver for {w.rule} expired on {w.expires.isoformat()}: the finding is open again"
        out[w.rule] = entry
    return out
