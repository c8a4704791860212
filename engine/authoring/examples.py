"""Run every rule's examples (its own tests, like semgrep's `ruleid:` / `ok:`).

Each `trigger` example must make the rule VIOLATED, each `no_trigger`
example PASSED and each `not_applicable` example NOT_APPLICABLE (its
`applies` is false), evaluated through durable_rules exactly as the
engine compiles the rule (durable/probe.py). A failure carries the
explanation tree (lang/interpreter.py) so the author sees which part of
the condition went the wrong way.

Coverage (`--coverage`) tells which rules have examples both ways and which
condition branches the examples exercise: every operand of `and` / `or` and
every comparison, each seen both true and false.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from shequn.facts.loader import FactsError, Lines, read_file

from shequn.lang.interpreter import FALSE, TRUE, Step, explain as explain_tree, flat_facts, render_step
from shequn.durable.probe import Probe, example_facts
from shequn.rules.ruleset import Rule, Ruleset
from shequn.rules.verdict import Verdict

EXPECTED = {"trigger": Verdict.VIOLATED, "no_trigger": Verdict.PASSED, "not_applicable": Verdict.NOT_APPLICABLE}
INVALID = "invalid"


@dataclass
class ExampleResult:
    rule: str
    which: str                     # trigger | no_trigger
    index: int                     # 1-based
    expected: str
    actual: str                    # violated | passed | not_evaluated | invalid
    file: str = ""
    line: int = 0
    problems: list[str] = field(default_factory=list)
    explanation: Step | None = None

    @property
    def ok(self) -> bool:
        return self.actual == self.expected

    def to_dict(self) -> dict[str, Any]:
        out = {"rule": self.rule, "example": f"{self.which} {self.index}", "expected": self.expected,
               "actual": self.actual, "ok": self.ok, "file": self.file, "line": self.line}
        if self.problems:
            out["problems"] = self.problems
        if self.explanation is not None and not self.ok:
            out["explanation"] = self.explanation.to_dict()
        return out


@dataclass
class Branch:
    text: str
    column: int
    true: bool = False
    false: bool = False


@dataclass
class RuleCoverage:
    rule: str
    file: str
    line: int
    triggers: int
    no_triggers: int
    branches: list[Branch]

    @property
    def covered(self) -> int:
        return sum(b.true + b.false for b in self.branches)

    @property
    def total(self) -> int:
        return 2 * len(self.branches)

    @property
    def exercised(self) -> bool:
        return self.triggers > 0 and self.no_triggers > 0

    def uncovered(self) -> list[str]:
        out = []
        for b in self.branches:
            missing = [w for w, seen in (("true", b.true), ("false", b.false)) if not seen]
            if missing:
                out.append(f"'{b.text}' never {' nor '.join(missing)}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "file": self.file, "line": self.line, "examples": {"trigger": self.triggers,
                "no_trigger": self.no_triggers}, "branches": {"covered": self.covered, "total": self.total},
                "uncovered": self.uncovered()}


@dataclass
class TestRun:
    results: list[ExampleResult]
    rules: int
    coverage: list[RuleCoverage] | None = None

    @property
    def failures(self) -> list[ExampleResult]:
        return [r for r in self.results if not r.ok]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rules": self.rules, "examples": len(self.results), "failed": len(self.failures),
                               "failures": [r.to_dict() for r in self.failures]}
        if self.coverage is not None:
            out["coverage"] = coverage_summary(self.coverage) | {"rules_detail": [c.to_dict() for c in self.coverage]}
        return out

    def render(self) -> str:
        lines: list[str] = []
        for r in self.failures:
            where = f"{r.file}:{r.line}: " if r.file else ""
            lines.append(f"{where}{r.rule} {r.which} example {r.index}: expected {r.expected}, got {r.actual.replace('_', ' ')}")
            lines.extend("    " + p for p in r.problems)
            if r.explanation is not None:
                lines.extend(render_step(r.explanation, 2))
        if self.coverage is not None:
            if lines:
                lines.append("")
            s = coverage_summary(self.coverage)
            lines.append(f"coverage: {s['rules_exercised']}/{s['rules']} rules have examples both ways; "
                         f"{s['branches_covered']}/{s['branches_total']} condition branches exercised ({s['percent']}%)")
            for c in self.coverage:
                gaps = ([] if c.exercised else [f"no {'trigger' if not c.triggers else 'no_trigger'} example"]) + c.uncovered()
                if gaps:
                    lines.append(f"  {c.rule} ({c.covered}/{c.total}): " + "; ".join(gaps))
        ok = len(self.results) - len(self.failures)
        lines.append(f"{ok}/{len(self.results)} examples of {self.rules} rules behave as they claim"
                     + (f"; {len(self.failures)} failed" if self.failures else ""))
        return "\n".join(lines)


def coverage_summary(coverage: list[RuleCoverage]) -> dict[str, Any]:
    covered, total = sum(c.covered for c in coverage), sum(c.total for c in coverage)
    return {"rules": len(coverage), "rules_exercised": sum(c.exercised for c in coverage),
            "branches_covered": covered, "branches_total": total,
            "percent": round(100 * covered / total, 1) if total else 100.0}


# --- locating examples -------------------------------------------------------

_LINES: dict[str, Lines] = {}


def _example_line(rule: Rule, which: str, index: int) -> int:
    if not rule.file:
        return 0
    if rule.file not in _LINES:
        try:
            _LINES[rule.file] = read_file(rule.file)[1]
        except FactsError:
            _LINES[rule.file] = Lines()
    lines = _LINES[rule.file]
    for path, line in lines.items():
        if path.startswith("rules.") and path.count(".") == 1 and line == rule.line:
            # `index` counts from 1 as people do; the paths count items from 0
            return lines.get(f"{path}.examples.{which}.{index - 1}") or lines.get(f"{path}.examples.{which}") \
                or lines.get(f"{path}.examples") or rule.line
    return rule.line


def _rules(items: Iterable[Rule | Ruleset]) -> list[Rule]:
    out: list[Rule] = []
    for item in items:
        out.extend(item.rules if isinstance(item, Ruleset) else [item])
    return out


def _stage_of(rule: Rule, example: dict[str, Any]) -> int:
    _, current = example_facts(example)
    return current if current is not None else (rule.stage or 1)


def run_examples(items: Iterable[Rule | Ruleset], coverage: bool = False, probe: Probe | None = None) -> TestRun:
    """Run the examples of rules (or rulesets) through durable_rules; optionally measure coverage."""
    probe = probe or Probe()
    rules = _rules(items)
    results: list[ExampleResult] = []
    cov: list[RuleCoverage] = []
    for rule in rules:
        trees: list[Step] = []
        for which in EXPECTED:
            for i, example in enumerate(getattr(rule.examples, which), 1):
                res = ExampleResult(rule.id, which, i, EXPECTED[which], INVALID, rule.file, _example_line(rule, which, i))
                try:
                    res.actual = probe.outcome(rule, example)
                except FactsError as exc:
                    res.problems = [f"{p.path}: {p.message}" if p.path else p.message for p in exc.problems]
                    results.append(res)
                    continue
                data, _ = example_facts(example)
                tree = explain_tree(rule, flat_facts(data), _stage_of(rule, example))
                if which != "not_applicable":          # the condition's branches are covered where the rule applies
                    trees.append(tree)
                if not res.ok:
                    res.explanation = tree
                results.append(res)
        if coverage:
            cov.append(_coverage(rule, trees))
    return TestRun(results, len(rules), cov if coverage else None)


def _coverage(rule: Rule, trees: list[Step]) -> RuleCoverage:
    shape = explain_tree(rule, {}, rule.stage or 1)
    branches = [Branch(s.text, s.column) for s in shape.walk()]
    for tree in trees:
        for b, s in zip(branches, tree.walk()):
            b.true |= s.outcome == TRUE
            b.false |= s.outcome == FALSE
    return RuleCoverage(rule.id, rule.file, rule.line, len(rule.examples.trigger), len(rule.examples.no_trigger), branches)
