"""What the report needs of each rule, computed once per Engine (the report is on the hot path)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from shequn.facts.vocabulary import BY_NAME

from shequn.diagnose.priority import Threshold, comparisons
from shequn.report.model import build, Confirm, NotEvaluated, Related, SourceRef, ThresholdRef
from shequn.report.verdicts import Unjudged
from shequn.report.values import format_value, threshold_placeholders
from shequn.rules.ruleset import PLACEHOLDER, Rule
from shequn.rules.thresholds import compared_fact
from shequn.diagnose.scoring import WEIGHTS

# Facts that describe what kind of community it is rather than what goes wrong in it:
# two rules that differ only in these have the same cause.
_CONTEXT_SECTIONS = ("community",)
_CONTEXT_FACTS = frozenset({"size.members"})


def cause_of(rule: Rule) -> frozenset[str] | str:
    """The facts a violation of the rule is about; the rule's id when it reads only context."""
    facts = frozenset(n for n in rule.facts if n.split(".", 1)[0] not in _CONTEXT_SECTIONS and n not in _CONTEXT_FACTS)
    return facts or rule.id


@dataclass(frozen=True, slots=True)
class RuleInfo:
    index: int                         # into the compiled program, and into a Run's verdicts
    rule: Rule
    facts: tuple[str, ...]
    evidence: tuple[str, ...]          # the facts read (`applies` first), with the inputs of derived ones
    stage: int | None
    gate: bool
    stage_action: bool
    placeholders: bool
    sources: tuple[SourceRef, ...]
    selected: bool = True              # reported and scored (select/ignore); every essential places the stage
    cause: frozenset[str] | str = ""
    limits: tuple[Threshold, ...] = ()
    applies_facts: tuple[str, ...] = ()
    thresholds: tuple[ThresholdRef, ...] = ()
    # parts of the report computed once: the finding's fields that do not depend on the
    # community, and the message split at its placeholders (odd items are fact names)
    finding_base: dict[str, Any] = field(default_factory=dict, compare=False)
    message_parts: tuple[str, ...] = ()
    weight: int = 0
    # report parts shared by every report that shows this rule (the report models are frozen values):
    # fewer objects built, and fewer for the garbage collector to walk while reports are kept
    advice: list[str] = field(default_factory=list, compare=False)
    sources_list: list[SourceRef] = field(default_factory=list, compare=False)
    thresholds_list: list[ThresholdRef] = field(default_factory=list, compare=False)
    related: Related | None = field(default=None, compare=False)
    dimension: str = ""
    plain_facts: bool = False          # no derived fact among `facts`
    _unknown: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, index: int, rule: Rule, selected: bool = True) -> "RuleInfo":
        evidence: list[str] = []
        quoted = [n for n in PLACEHOLDER.findall(rule.message) if n in BY_NAME]
        for name in (*rule.applies_facts, *rule.facts, *quoted):  # to whom it speaks, what went wrong, what it says
            fact = BY_NAME.get(name)
            for n in ((*fact.derived_from, name) if fact is not None and fact.derived else (name,)):
                if n not in evidence:
                    evidence.append(n)
        thresholds = tuple(ThresholdRef.model_construct(name=n, value=t.value, source=t.source,
                                                        fact=compared_fact(rule, t.value))
                           for n, t in rule.thresholds.items())
        sources = tuple(SourceRef.model_construct(doc=s.doc, quote=s.quote) for s in rule.sources)
        base = dict(rule=rule.id, title=rule.title, kind=rule.kind, minefield=rule.minefield, stage=rule.stage,
                    severity=rule.severity, dimension=rule.dimension)
        return cls(index, rule, tuple(rule.facts), tuple(evidence), rule.stage, rule.gate,
                   rule.stage_action, bool(PLACEHOLDER.search(rule.message)), sources,
                   selected, cause_of(rule), comparisons(rule.condition), tuple(rule.applies_facts),
                   thresholds, base, _message_parts(rule.message, thresholds), WEIGHTS[rule.severity],
                   list(rule.advice), [*sources], list(thresholds), Related.model_construct(rule=rule.id, title=rule.title),
                   dimension=rule.dimension, plain_facts=not any(n in _INPUTS for n in rule.facts))

    def message(self, values: dict[str, Any]) -> str:
        """The rule's message with the community's values (as report/values.py `interpolate` writes them)."""
        parts = self.message_parts
        if len(parts) == 1:
            return parts[0]
        out = list(parts)
        for i in range(1, len(parts), 2):
            out[i] = format_value(parts[i], values.get(parts[i]))
        return "".join(out)

    def not_evaluated(self, missing: list[str]) -> NotEvaluated:
        """The report's entry for this rule not evaluated, missing `missing` (one object per list of facts)."""
        key = ("n", *missing)
        part: NotEvaluated | None = self._unknown.get(key)
        if part is None:
            part = self._keep(key, build(NotEvaluated, rule=self.rule.id, missing=missing))
        return part

    def unjudged(self, missing: list[str]) -> Unjudged:
        """The verdicts' entry for this rule not evaluated (as `not_evaluated`)."""
        key = ("u", *missing)
        part: Unjudged | None = self._unknown.get(key)
        if part is None:
            part = self._keep(key, build(Unjudged, rule=self.rule.id, missing=missing))
        return part

    def confirm(self, stage: int, missing: list[str], questions: Callable[[list[str]], list[str]]) -> Confirm:
        """The stage's entry for this essential left unknown, with the `questions` of the facts it misses."""
        key = ("c", stage, *missing)
        part: Confirm | None = self._unknown.get(key)
        if part is None:
            part = self._keep(key, build(Confirm, rule=self.rule.id, stage=stage, title=self.rule.title,
                                         missing=missing, questions=questions(missing)))
        return part

    def _keep(self, key: tuple[Any, ...], part: _Part) -> _Part:
        if len(self._unknown) < _SHARED_PER_RULE:        # bounded: a rule misses few different lists of facts
            self._unknown[key] = part
        return part

    def applies_missing_in(self, flat: dict[str, Any]) -> list[str]:
        """The first fact `applies` reads that is unknown: asked first, one at a time, since it may
        settle whether the rule speaks at all (`conversion.has_product` before `offer.vip_tier`)."""
        return (_missing(self.applies_facts, flat) or list(self.applies_facts))[:1]

    def evidence_in(self, flat: dict[str, Any]) -> dict[str, Any]:
        """The known facts the rule read, with the inputs of derived ones."""
        return {n: flat[n] for n in self.evidence if n in flat}

    def has_evidence(self, flat: dict[str, Any]) -> bool:
        """Whether some fact of its evidence is known."""
        return any(n in flat for n in self.evidence)

    def missing_in(self, flat: dict[str, Any]) -> list[str]:
        """The facts to collect to evaluate the rule: unknown inputs, or a derived
        fact whose inputs are known but whose ratio is undefined (a zero)."""
        if self.plain_facts:                 # no derived fact: the unknown ones (the names are distinct)
            return [n for n in self.facts if n not in flat]
        return _missing(self.facts, flat)


def _message_parts(message: str, thresholds: tuple[ThresholdRef, ...]) -> tuple[str, ...]:
    """The message split at its fact placeholders; the thresholds' placeholders are filled in already."""
    filled = threshold_placeholders(thresholds)
    parts: list[str] = [""]
    last = 0
    for m in PLACEHOLDER.finditer(message):
        name = m.group(1)
        parts[-1] += message[last:m.start()]
        if name in filled:
            parts[-1] += filled[name]
        else:
            parts += [name, ""]
        last = m.end()
    parts[-1] += message[last:]
    return tuple(parts)


def _missing(names: tuple[str, ...], flat: dict[str, Any]) -> list[str]:
    missing: list[str] = []
    for name in names:
        if name in flat:
            continue
        inputs = _INPUTS.get(name)
        if inputs is None:                   # not derived: the fact itself
            if name not in missing:
                missing.append(name)
            continue
        for n in inputs:
            if n not in flat and n not in missing:
                missing.append(n)
        if all(n in flat for n in inputs):   # inputs known, the ratio undefined
            missing.append(name)
    return missing


_SHARED_PER_RULE = 256
_Part = TypeVar("_Part")

# a derived fact's inputs, by name (the vocabulary's lookups are slow on the hot path)
_INPUTS: dict[str, tuple[str, ...]] = {name: tuple(f.derived_from) for name, f in BY_NAME.items() if f.derived}
