"""The report: one pydantic model, serialised as the stable JSON contract.

Renderers (text, Markdown, HTML) read only this model, never the rules.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

SCHEMA_VERSION = "2.0"      # docs/report.md: what changed between versions

STAGE_NAMES = {1: "building", 2: "activity", 3: "retention", 4: "conversion", 5: "extending the life cycle"}

_MODEL = ConfigDict(extra="forbid", frozen=True)     # a report is a value: change it with model_copy(update=...)


class SourceRef(BaseModel):
    model_config = _MODEL
    doc: str
    quote: str


class Related(BaseModel):
    """A violated rule folded into another finding because it has the same cause."""
    model_config = _MODEL
    rule: str
    title: str


class ThresholdRef(BaseModel):
    """A number of the rule's condition: given by the article, or shequn's own (a project may set it)."""
    model_config = _MODEL
    name: str
    value: float
    source: str = Field(description="article or shequn")
    fact: Optional[str] = Field(None, description="the fact the number is compared with, if one: a message shows the "
                                "number as that fact's values are shown (a share as a percentage)")


class Finding(BaseModel):
    """A rule the community violates, with the evidence that triggered it."""
    model_config = _MODEL
    rule: str
    title: str
    kind: str
    minefield: Optional[int] = None
    stage: Optional[int] = None
    severity: str
    dimension: str
    message: str
    evidence: dict[str, Any]
    advice: list[str]
    sources: list[SourceRef]
    note: Optional[str] = None
    priority: int = Field(0, description="what to do first: severity, minefield, stage essential, how far past the "
                                         "threshold (docs/scoring.md); findings are ordered by it")
    # declared in the order the engine builds them, so a report read back from its JSON dumps byte for byte the same
    thresholds: list[ThresholdRef] = Field(default_factory=list, description="the numbers the rule compares with, "
                                           "and whether the article gives them or they are shequn's own")
    related: list[Related] = Field(default_factory=list, description="other violated rules with the same cause, "
                                                                     "folded into this finding")
    status: str = Field("open", description="open, or waived when a waiver in the facts file covers it")
    waiver: Optional[dict[str, Any]] = None
    baseline: Optional[str] = Field(None, description="new or known against a baseline report (shequn check --baseline); "
                                                      "left out of the JSON when no baseline was given")

    @model_serializer(mode="wrap")
    def _without_unset_baseline(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("baseline") is None:
            data.pop("baseline", None)
        return data


class Action(BaseModel):
    """A next action for the stage the community has really reached."""
    model_config = _MODEL
    rule: str
    stage: int
    title: str
    advice: list[str]
    evidence: dict[str, Any]
    blocker: bool = Field(False, description="the stage cannot be completed until this is done")


class PlanItem(BaseModel):
    """One of the few things to do this week, with the facts that call for it."""
    model_config = _MODEL
    rule: str
    title: str
    advice: list[str]
    evidence: dict[str, Any]
    severity: str
    why: str = Field(description="finding, blocker (an essential of the current stage) or action (of the current stage)")


class NotEvaluated(BaseModel):
    model_config = _MODEL
    rule: str
    missing: list[str]


class Question(BaseModel):
    """A fact still to collect: what it decides first, then how many rules it would let us evaluate."""
    model_config = _MODEL
    fact: str
    question: str
    unlocks: int
    decides: str = Field("rules", description="stage (it places the stage), applicability (whether rules speak to "
                                              "this community) or rules (it lets rules be judged)")


class Confirm(BaseModel):
    """An essential that is unknown: the stage cannot be confirmed until it is known."""
    model_config = _MODEL
    rule: str
    stage: int
    title: str
    missing: list[str]
    questions: list[str]


class StageInfo(BaseModel):
    model_config = _MODEL
    current: int
    name: str
    at_most: int = Field(description="the highest stage it can be at: the first stage with a violated essential (5 "
                                     "when none is); above current while essentials are unknown")
    declared: Optional[int] = None
    completed: list[int]
    blockers: list[str] = Field(description="violated essentials of the current stage")
    to_confirm: list[Confirm] = Field(default_factory=list, description="unknown essentials of the stages from current "
                                                                        "to at_most, each with its questions")


class Summary(BaseModel):
    model_config = _MODEL
    score: Optional[int] = Field(None, description="0-100; null when too few of the applicable rules were judged "
                                                   "(docs/scoring.md)")
    coverage: float = Field(0.0, description="share of the applicable rules' weight that was judged (0-1)")
    judged: int = Field(0, description="applicable rules judged (passed or violated)")
    applicable: int = Field(0, description="scored rules that apply to this community")
    critical: int = 0
    warning: int = 0
    info: int = 0
    passed: int = 0
    not_evaluated: int = 0
    waived: int = 0


class RulesetInfo(BaseModel):
    model_config = _MODEL
    name: str
    version: str
    rules: int


class EngineInfo(BaseModel):
    model_config = _MODEL
    version: str
    rulesets: list[RulesetInfo]


class CommunityInfo(BaseModel):
    model_config = _MODEL
    name: str
    platform: Optional[str] = None
    type: Optional[str] = None
    goal: Optional[str] = None
    members: Optional[int] = None


class AuditInfo(BaseModel):
    """When the audit was made and of which file, so two audits compare as "2026-05-01 → 2026-06-01"."""
    model_config = _MODEL
    date: str = Field(description="the day of the evaluation, YYYY-MM-DD")
    facts_file: Optional[str] = Field(None, description="the facts file (or export) as given on the command line; "
                                                       "null for facts given by a program")


class Report(BaseModel):
    """The diagnosis of one community."""
    model_config = _MODEL
    schema_version: str = SCHEMA_VERSION
    community: CommunityInfo
    engine: EngineInfo
    summary: Summary
    scores: dict[str, Optional[int]]
    coverage: dict[str, Optional[float]] = Field(default_factory=dict, description="per dimension: share of its "
                                                 "applicable rules' weight judged; null when no rule of it applies")
    stage: StageInfo
    plan: list[PlanItem] = Field(default_factory=list, description="the few things to do this week, most important first")
    findings: list[Finding]
    actions: list[Action]
    not_evaluated: list[NotEvaluated]
    not_applicable: list[str] = Field(default_factory=list, description="rules that do not speak to this community")
    passed: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list, description="e.g. expired waivers")
    # audit before discrepancies: the order of the JSON the engine writes (see Finding)
    audit: Optional[AuditInfo] = Field(None, description="the audit's date and facts file (absent in reports "
                                                        "saved before it was added)")
    discrepancies: list[dict[str, Any]] = Field(
        default_factory=list, description="facts written by hand that differ from those measured from exports: {fact, written, measured}")


M = TypeVar("M", bound=BaseModel)


def build(cls: type[M], **values: Any) -> M:
    """Construct a report model from values the engine already knows are valid.

    Like `model_construct` without its per-call bookkeeping: the engine builds
    tens of these per community, so this is on the hot path. Validation is
    skipped on purpose. Omitted fields take their defaults. The object has
    every attribute pydantic sets, so `model_copy` and serialising work on it.
    The set of given fields is shared by the objects built with the same
    fields: the models are frozen, and pydantic copies the set before it
    changes it (model_copy), so sharing it only saves an object per model
    (fewer objects for the garbage collector to walk while reports are kept).
    """
    known = _DEFAULTS.get(cls)
    if known is None:        # (factory, default) per optional field; factories here take no argument
        known = _DEFAULTS[cls] = (len(cls.model_fields), {name: (f.default_factory, f.default)
                                                          for name, f in cls.model_fields.items() if not f.is_required()},
                                  set(cls.model_fields))
    obj = cls.__new__(cls)
    if len(values) == known[0]:
        fields = known[2]
    else:                                           # some left to their defaults
        fields = _given_fields(tuple(values))
        for name, (factory, default) in known[1].items():
            if name not in values:
                values[name] = factory() if factory is not None else default
    _set_dict(obj, values)
    _set_fields_set(obj, fields)
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


@lru_cache(maxsize=1024)
def _given_fields(names: tuple[str, ...]) -> set[str]:
    return set(names)


_DEFAULTS: dict[type, tuple[int, dict[str, Any], set[str]]] = {}
# BaseModel's slots, set directly (as object.__setattr__ would, a little quicker)
_set_dict, _set_fields_set, _set_extra, _set_private = (BaseModel.__dict__[name].__set__ for name in (
    "__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"))
