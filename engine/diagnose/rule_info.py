"""What the report needs of each rule, computed once per Engine (the report is on the hot path)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shequn.facts.vocabulary import BY_NAME

from shequn.report.model import SourceRef
from shequn.rules.ruleset import PLACEHOLDER, Rule


@dataclass(frozen=True, slots=True)
class RuleInfo:
    index: int                         # into Engine.rules, and into a Run's verdicts
    rule: Rule
    facts: tuple[str, ...]
    evidence: tuple[str, ...]          # the facts read, with the inputs of derived ones
    stage: int | None
    gate: bool
    stage_action: bool
    placeholders: bool
    sources: tuple[SourceRef, ...]

    @classmethod
    def of(cls, index: int, rule: Rule) -> "RuleInfo":
        evidence: list[str] = []
        for name in rule.facts:
            fact = BY_NAME.get(name)
            for n in ((*fact.derived_from, name) if fact is not None and fact.derived else (name,)):
                if n not in evidence:
                    evidence.append(n)
        return cls(index, rule, tuple(rule.facts), tuple(evidence), rule.stage, rule.gate,
                   rule.stage_action, bool(PLACEHOLDER.search(rule.message)),
                   tuple(SourceRef.model_construct(doc=s.doc, quote=s.quote) for s in rule.sources))

    def evidence_in(self, flat: dict[str, Any]) -> dict[str, Any]:
        """The known facts the rule read, with the inputs of derived ones."""
        return {n: flat[n] for n in self.evidence if n in flat}

    def missing_in(self, flat: dict[str, Any]) -> list[str]:
        """The facts to collect to evaluate the rule: unknown inputs, or a derived
        fact whose inputs are known but whose ratio is undefined (a zero)."""
        missing: list[str] = []
        for name in self.facts:
            if name in flat:
                continue
            fact = BY_NAME.get(name)
            inputs = fact.derived_from if fact is not None and fact.derived else (name,)
            missing.extend(n for n in inputs if n not in flat and n not in missing)
            if fact is not None and fact.derived and all(n in flat for n in inputs):
                missing.append(name)
        return missing
