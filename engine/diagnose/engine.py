"""The Engine: compile rulesets once, then diagnose communities.

    engine = Engine()                                # the built-in rulesets
    report = engine.evaluate(facts_or_dict)          # one isolated session
    for report in engine.evaluate_many(items): ...   # streams reports

Every evaluation is its own durable_rules session, deleted afterwards, so one
engine serves many threads and any number of evaluations without growing.
"""
from __future__ import annotations

import datetime as _dt
import os
from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

from shequn.facts.loader import validate_facts
from shequn.facts.model import Facts
from shequn.facts.vocabulary import BY_NAME
from shequn.rulesets import builtin_paths

from shequn import __version__
from shequn.errors import DuplicateIdError, RulesetErrors
from shequn.durable.matcher import Matcher
from shequn.durable.program import STAGES, Program, compile_program
from shequn.report.model import (SCHEMA_VERSION, build, CommunityInfo, EngineInfo, Finding, Report,
                     RulesetInfo, Summary)
from shequn.rules.ruleset import PLACEHOLDER, Rule, Ruleset, load_rulesets
from shequn.diagnose.scoring import score
from shequn.rules.ruleset import DIMENSIONS, SEVERITY_ORDER
from shequn.report.values import interpolate
from shequn.durable.verdicts import Reader, Run
from shequn.rules.verdict import Verdict
from shequn.diagnose import questions, stages
from shequn.diagnose.rule_info import RuleInfo
from shequn.diagnose.scoring import dimension_scores



def matches(rule: Rule, selector: str) -> bool:
    """A selector names a rule id or id prefix, a dimension, kind, severity or ruleset."""
    s = selector.strip()
    return bool(s) and (rule.id == s or rule.id.startswith(s) or s in (rule.dimension, rule.kind, rule.severity, rule.ruleset))


def _selected(rules: list[Rule], select: Sequence[str] | None, ignore: Sequence[str] | None) -> list[Rule]:
    if select:
        rules = [r for r in rules if any(matches(r, s) for s in select)]
    if ignore:
        rules = [r for r in rules if not any(matches(r, s) for s in ignore)]
    return rules


class Engine:
    """Compiled rulesets, ready to evaluate communities.

    `rulesets` are extra ruleset files, folders or loaded `Ruleset`s, added to
    the built-in ones unless `builtin=False`. `select` and `ignore` choose
    rules by id, id prefix, dimension, kind, severity or ruleset name.
    """

    def __init__(self, rulesets: Iterable[str | os.PathLike | Ruleset] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] | None = None,
                 builtin: bool = True):
        extra = list(rulesets or [])
        paths = [p for p in extra if not isinstance(p, Ruleset)]
        loaded = [r for r in extra if isinstance(r, Ruleset)]
        self.rulesets: list[Ruleset] = load_rulesets((list(builtin_paths()) if builtin else []) + paths) + loaded
        if loaded:
            ids = Counter(r.id for rs in self.rulesets for r in rs.rules)
            dupes = [i for i, n in ids.items() if n > 1]
            if dupes:
                raise RulesetErrors([DuplicateIdError(f"duplicate rule id '{i}'") for i in sorted(dupes)])
        all_rules = [r for rs in self.rulesets for r in rs.rules]
        self.rules: list[Rule] = _selected(all_rules, select, ignore)
        self._program: Program = compile_program(self.rules)
        self._reader = Reader(self._program)
        self._matcher = Matcher.for_definitions(self._program.definitions)
        self._info = EngineInfo.model_construct(version=__version__, rulesets=[
            RulesetInfo.model_construct(name=rs.name, version=rs.version, rules=sum(1 for r in rs.rules if r in self.rules))
            for rs in self.rulesets])
        self._by_id = {r.id: r for r in self.rules}
        self._infos = [RuleInfo.of(i, r) for i, r in enumerate(self.rules)]
        self._essentials = {k: [i for i in self._infos if i.gate and i.stage == k] for k in STAGES}

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def explain(self, facts: Facts | dict, rule_id: str):
        """Why `rule_id` fired or not on these facts, part by part (diagnose/explain.py)."""
        from shequn.diagnose.explain import explain_rule
        return explain_rule(self, facts, rule_id)

    # -- evaluation ----------------------------------------------------------

    def evaluate(self, facts: Facts | dict, *, today: _dt.date | None = None) -> Report:
        """Diagnose one community. A dict is validated first (FactsError on bad input)."""
        if not isinstance(facts, Facts):
            facts = validate_facts(facts)
        flat = facts.flat()
        fired = self._matcher.run(self._reader.facts_json(flat), self._reader.chain)
        return self._report(facts, flat, self._reader.read(fired, flat), today or _dt.date.today())

    def evaluate_many(self, items: Iterable[Facts | dict]) -> Iterator[Report]:
        """Evaluate communities one after another, yielding each report."""
        for item in items:
            yield self.evaluate(item)

    def evaluate_with_exports(self, facts, exports, *, today: _dt.date | None = None, **options: Any) -> Report:
        """Diagnose one community from its chat exports, `facts` (a facts file, mapping or None) on top:
        written facts win, differences land in `report.discrepancies` (diagnose/measured.py)."""
        from shequn.diagnose.measured import evaluate_with_exports
        return evaluate_with_exports(self, facts, exports, today=today, **options)

    # -- reading the run ---------------------------------------------------

    def _report(self, facts: Facts, flat: dict[str, Any], run: Run, today: _dt.date) -> Report:
        """Findings, next actions, scores (docs/scoring.md), stage and questions of one run."""
        judged = _by_verdict(self._infos, run.verdicts)
        violated, passed = judged[Verdict.VIOLATED], judged[Verdict.PASSED]
        waivers = _waivers(facts, today)
        findings = _findings(violated, flat, run.current, waivers)
        blocking = stages.blockers(self._essentials[run.current], run)
        unevaluated = questions.not_evaluated(judged[Verdict.NOT_EVALUATED], flat)
        scored = dimension_scores(violated, passed, DIMENSIONS)
        c = facts.community
        return build(Report,
            schema_version=SCHEMA_VERSION,
            community=build(CommunityInfo, name=c.name, platform=c.platform, type=c.type, goal=c.goal,
                                                    members=facts.size.members),
            engine=self._info,
            summary=_summary(findings, scored, len(passed), len(unevaluated)),
            scores={d: score(o) for d, o in scored.items()},
            stage=stages.stage_info(run, c.declared_stage, blocking),
            findings=findings, actions=stages.actions(violated, blocking, flat), not_evaluated=unevaluated,
            passed=[info.rule.id for info in passed], questions=questions.questions(unevaluated),
            problems=[w["problem"] for w in waivers.values() if "problem" in w])


def _by_verdict(infos: list[RuleInfo], verdicts: list[Verdict]) -> dict[Verdict, list[RuleInfo]]:
    """The rules by verdict, in rule order; those not applicable are left out of the report."""
    judged: dict[Verdict, list[RuleInfo]] = {Verdict.VIOLATED: [], Verdict.PASSED: [], Verdict.NOT_EVALUATED: [],
                                             Verdict.NOT_APPLICABLE: []}
    for info, verdict in zip(infos, verdicts):
        judged[verdict].append(info)
    return judged


def _findings(violated: list[RuleInfo], flat: dict[str, Any], current: int, waivers: dict[str, dict]) -> list[Finding]:
    """The violated rules but stage actions, open ones first, most severe first; a waiver
    that has not expired marks its finding waived."""
    values = {**flat, "stage.current": current}
    findings: list[Finding] = []
    for info in violated:
        if info.stage_action:
            continue
        rule = info.rule
        waiver = waivers.get(rule.id)
        active = waiver is not None and "problem" not in waiver
        findings.append(build(Finding,
            rule=rule.id, title=rule.title, kind=rule.kind, minefield=rule.minefield, stage=info.stage,
            severity=rule.severity, dimension=rule.dimension,
            message=interpolate(rule.message, values) if info.placeholders else rule.message,
            evidence=info.evidence_in(flat), advice=list(rule.advice), sources=list(info.sources),
            note=rule.note, status="waived" if active else "open",
            waiver={k: v for k, v in waiver.items() if k != "problem"} if active else None))
    findings.sort(key=lambda f: (f.status == "waived", SEVERITY_ORDER[f.severity], f.rule))
    return findings


def _summary(findings: list[Finding], scored: dict[str, list[tuple[str, bool]]], passed: int, unevaluated: int) -> Summary:
    """The overall score over all dimensions, and the open findings by severity."""
    counts = Counter(f.severity for f in findings if f.status == "open")
    return build(Summary, score=score(o for outcomes in scored.values() for o in outcomes),
                 critical=counts["critical"], warning=counts["warning"], info=counts["info"], passed=passed,
                 not_evaluated=unevaluated, waived=sum(1 for f in findings if f.status == "waived"))


def _waivers(facts: Facts, today: _dt.date) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for w in facts.waivers or []:
        entry = {"rule": w.rule, "reason": w.reason}
        if w.expires is not None:
            entry["expires"] = w.expires.isoformat()
            if w.expires < today:
                entry["problem"] = f"waiver for {w.rule} expired on {w.expires.isoformat()}"
        out[w.rule] = entry
    return out
