"""A rule's verdict on one community, as every layer names it.

    violated        the rule applies and its condition is true (a finding, or a next action)
    passed          the rule applies and its condition is false
    not_evaluated   a fact it needs is unknown (or a divisor is zero), or whether it applies is
    not_applicable  its `applies` is false (it does not speak to this kind of community), or it
                    is a stage action of another stage: the report leaves it out
    waived          violated, with an active waiver (decided by the report)

The condition's truth is three-valued: True, False, or None when unknown;
so is whether the rule applies. The report, the explanation and the rule
examples all turn them into a verdict with `verdict_of`, so they cannot
disagree.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Verdict(StrEnum):
    VIOLATED = "violated"
    PASSED = "passed"
    NOT_EVALUATED = "not_evaluated"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"


# the verdict of a rule that applies, by the truth of its condition
BY_TRUTH: dict[bool | None, Verdict] = {True: Verdict.VIOLATED, False: Verdict.PASSED, None: Verdict.NOT_EVALUATED}


class Staged(Protocol):
    """What applicability reads of a rule (a `Rule`, or a summary of one); read-only, so a property will do."""
    @property
    def stage(self) -> int | None: ...
    @property
    def gate(self) -> bool: ...
    @property
    def stage_action(self) -> bool: ...


def inapplicable(rule: Staged, current: int) -> str:
    """Why the rule does not apply at the `current` stage, or "" when it does.

    Only a stage action is bound to its stage; an essential of a later stage
    is still judged, so a known retention or conversion problem is reported.
    """
    if rule.stage_action and rule.stage != current:
        return f"an action of stage {rule.stage}; the community is at stage {current}"
    return ""


def verdict_of(rule: Staged, truth: bool | None, current: int | None = None, applies: bool | None = True) -> Verdict:
    """The verdict of a condition's truth where the rule `applies` (True, False, None when unknown);
    with no `current` stage the rule is judged alone."""
    if current is not None and inapplicable(rule, current):
        return Verdict.NOT_APPLICABLE
    if applies is False:
        return Verdict.NOT_APPLICABLE
    if applies is None:
        return Verdict.NOT_EVALUATED
    return BY_TRUTH[truth]
