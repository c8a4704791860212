"""The stage reached and what to do next (docs/rulesets.md, Stages).

The current stage is the first whose essentials are not all passed; its
essentials that are violated or unknown are its blockers. The next actions
are the blockers, then the current stage's violated actions (a stage action
of another stage does not apply and never reaches here).
"""
from __future__ import annotations

from typing import Any

from shequn.durable.verdicts import Run
from shequn.report.model import STAGE_NAMES, build, Action, StageInfo
from shequn.rules.verdict import Verdict
from shequn.diagnose.rule_info import RuleInfo


def blockers(essentials: list[RuleInfo], run: Run) -> list[RuleInfo]:
    """The essentials of the current stage (`essentials`) that did not pass."""
    return [info for info in essentials if run.verdicts[info.index] is not Verdict.PASSED]


def actions(violated: list[RuleInfo], blocking: list[RuleInfo], flat: dict[str, Any]) -> list[Action]:
    """Blockers first, then violated stage actions, each by rule id."""
    todo = blocking + [info for info in violated if info.stage_action]
    return sorted((build(Action, rule=info.rule.id, stage=info.stage, title=info.rule.title,
                         advice=list(info.rule.advice), evidence=info.evidence_in(flat), blocker=info.gate)
                   for info in todo), key=lambda a: (not a.blocker, a.rule))


def stage_info(run: Run, declared: int | None, blocking: list[RuleInfo]) -> StageInfo:
    return build(StageInfo, current=run.current, name=STAGE_NAMES[run.current], declared=declared,
                 completed=run.completed, blockers=[info.rule.id for info in blocking])
