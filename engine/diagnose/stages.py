"""The stage reached, what blocks it and what confirms it (docs/rulesets.md, Stages).

durable_rules infers two stages from the essentials (engine/durable/program.py):

- current: the first stage whose essentials are not all passed;
- at_most: the first stage with a violated essential (5 when none is).

So current <= at_most. Between them lie essentials that are only unknown:
the stage is unconfirmed, and each unknown essential is to be confirmed with
its questions, never shown as a failure. The blockers are the violated
essentials of the current stage. Selection (select/ignore) never changes
this: every essential places the stage.
"""
from __future__ import annotations

from typing import Any

from shequn.durable.verdicts import Run
from shequn.facts.vocabulary import BY_NAME
from shequn.report.model import STAGE_NAMES, build, Action, Confirm, StageInfo
from shequn.rules.verdict import Verdict
from shequn.diagnose.rule_info import RuleInfo


def blockers(essentials: list[RuleInfo], run: Run) -> list[RuleInfo]:
    """The essentials of the current stage (`essentials`) that are violated."""
    return [info for info in essentials if run.verdicts[info.index] is Verdict.VIOLATED]


def action_infos(violated: list[RuleInfo], blocking: list[RuleInfo], flat: dict[str, Any]) -> list[RuleInfo]:
    """The rules of the next actions: the blockers, then the current stage's violated actions; never one
    without evidence (blockers first, then by rule id)."""
    todo = [info for info in blocking + [info for info in violated if info.stage_action] if info.has_evidence(flat)]
    return sorted(todo, key=lambda info: (not info.gate, info.rule.id))


def actions(todo: list[RuleInfo], flat: dict[str, Any]) -> list[Action]:
    """The next actions of `action_infos`."""
    return [build(Action, rule=info.rule.id, stage=info.stage, title=info.rule.title, advice=info.advice,
                  evidence=info.evidence_in(flat), blocker=info.gate) for info in todo]


def to_confirm(essentials: dict[int, list[RuleInfo]], run: Run, flat: dict[str, Any]) -> list[Confirm]:
    """The unknown essentials of the stages from current to at_most, with the questions that decide them."""
    out = []
    for k in range(run.current, run.at_most + 1):
        for info in essentials.get(k, []):
            if run.verdicts[info.index] is not Verdict.NOT_EVALUATED:
                continue
            missing = info.applies_missing_in(flat) if info.index in run.applies_unknown else info.missing_in(flat)
            out.append(info.confirm(k, missing, _questions))
    return out


def _questions(missing: list[str]) -> list[str]:
    return [q for n in missing if n in BY_NAME and (q := BY_NAME[n].question)]


def first_violated(essentials: dict[int, list[RuleInfo]], run: Run) -> RuleInfo | None:
    """The violated essential that bounds the stage (of stage at_most)."""
    return next((info for info in essentials.get(run.at_most, []) if run.verdicts[info.index] is Verdict.VIOLATED), None)


def stage_info(run: Run, declared: int | None, blocking: list[RuleInfo], confirm: list[Confirm]) -> StageInfo:
    return build(StageInfo, current=run.current, name=STAGE_NAMES[run.current], at_most=run.at_most, declared=declared,
                 completed=run.completed, blockers=[info.rule.id for info in blocking], to_confirm=confirm)
