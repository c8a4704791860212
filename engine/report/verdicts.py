"""Verdicts: a community's diagnosis as ids and values only, for apps that diagnose many.

`Engine.evaluate_many(items, detail="verdicts")` (and `shequn check --format
jsonl --detail verdicts`) yields one of these per community instead of the
full report: no titles, messages, advice or questions (they are the rules'
own: `shequn rules list`, `rules show`). It holds the facts it was judged
on, so `engine.report(verdicts)` expands it to the full report, identical
to `engine.evaluate`. The JSON schema is pinned by
tests/golden/verdicts.schema.json (docs/report.md, Verdicts).
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

VERDICTS_VERSION = "1.0"

_MODEL = ConfigDict(extra="forbid", frozen=True)


class StageBounds(BaseModel):
    model_config = _MODEL
    current: int = Field(description="the stage reached: the first whose essentials are not all passed")
    at_most: int = Field(description="the highest stage it can be at: the first with a violated essential (5 when none is)")


class Violated(BaseModel):
    """A violated rule with the known facts it read."""
    model_config = _MODEL
    rule: str
    evidence: dict[str, Any]
    role: str = Field(description="finding (the report shows it), related (folded into a finding of the same cause) "
                                  "or action (a next action of the current stage)")
    waived: bool = Field(False, description="an active waiver in the facts covers it")


class Unjudged(BaseModel):
    """A rule not evaluated, with the facts to collect to judge it."""
    model_config = _MODEL
    rule: str
    missing: list[str]


class Verdicts(BaseModel):
    """The diagnosis of one community as rule ids and values."""
    model_config = _MODEL
    verdicts_version: str = VERDICTS_VERSION
    community: str = Field(description="the community's name (community.name)")
    score: Optional[int] = Field(description="0-100; null when too few of the applicable rules were judged")
    coverage: float = Field(description="share of the applicable rules' weight that was judged (0-1)")
    stage: StageBounds
    plan: list[str] = Field(description="the rules of the plan for the week, most important first")
    violated: list[Violated] = Field(description="violated rules (findings, folded ones included, and next actions), "
                                                 "in rule order")
    not_applicable: list[str] = Field(description="rules that do not speak to this community")
    not_evaluated: list[Unjudged]
    facts: dict[str, Any] = Field(description="the known facts it was judged on, by dotted name (derived ones left out)")
    waivers: list[dict[str, Any]] = Field(default_factory=list, description="the facts file's waivers, as given")
