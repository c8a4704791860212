"""The Engine: compile rulesets once, then diagnose communities.

    engine = Engine()                                # the built-in rulesets
    report = engine.evaluate(facts_or_dict)          # one isolated session
    for report in engine.evaluate_many(items): ...   # streams reports

Every evaluation is its own durable_rules session, deleted afterwards, so one
engine serves many threads and any number of evaluations without growing.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
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
from shequn.durable.program import Outcome, Program, compile_program, encode_facts, marker_json
from shequn.report.model import (SCHEMA_VERSION, STAGE_NAMES, build, Action, CommunityInfo, EngineInfo, Finding, NotEvaluated, Question, Report,
                     RulesetInfo, SourceRef, StageInfo, Summary)
from shequn.report.values import interpolate
from shequn.rules.ruleset import PLACEHOLDER, Rule, Ruleset, load_rulesets
from shequn.diagnose.scoring import score
from shequn.rules.ruleset import DIMENSIONS, SEVERITY_ORDER


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
        self._matcher = Matcher.for_definitions(self._program.definitions)
        self._info = EngineInfo.model_construct(version=__version__, rulesets=[
            RulesetInfo.model_construct(name=rs.name, version=rs.version, rules=sum(1 for r in rs.rules if r in self.rules))
            for rs in self.rulesets])
        self._by_id = {r.id: r for r in self.rules}
        self._infos = [_RuleInfo.of(i, r) for i, r in enumerate(self.rules)]
        self._info_by_id = {i.rule.id: i for i in self._infos}

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
        encoded = encode_facts(flat)
        bucket = self._program.bucket_json

        def payload(sid: str) -> str:
            community = f'{{"sid":"{sid}","id":"c",{bucket}' + (f",{encoded}" if encoded else "") + "}"
            return f"[{community},{marker_json('reached', 1, sid)}]"

        outcomes = self._program.outcomes

        def chain(name: str, sid: str) -> list[str]:
            o = outcomes[name]
            if o.kind == "done":
                return [marker_json("reached", o.stage + 1, sid) if o.stage < 5 else marker_json("current", 5, sid)]
            if o.kind == "open":
                return [marker_json("current", o.stage, sid)]
            return []

        fired = [outcomes[name] for name in self._matcher.run(payload, chain)]
        return self._report(facts, flat, fired, today or _dt.date.today())

    def evaluate_many(self, items: Iterable[Facts | dict]) -> Iterator[Report]:
        """Evaluate communities one after another, yielding each report."""
        for item in items:
            yield self.evaluate(item)

    def evaluate_with_exports(self, facts, exports, *, today: _dt.date | None = None, **options: Any) -> Report:
        """Diagnose one community from its chat exports, `facts` (a facts file, mapping or None) on top:
        written facts win, differences land in `report.discrepancies` (diagnose/measured.py)."""
        from shequn.diagnose.measured import evaluate_with_exports
        return evaluate_with_exports(self, facts, exports, today=today, **options)

    # -- reading the outcome -----------------------------------------------

    def _report(self, facts: Facts, flat: dict[str, Any], fired: list[Outcome], today: _dt.date) -> Report:
        completed = sorted({o.stage for o in fired if o.kind == "done"})
        opened = [o.stage for o in fired if o.kind == "open"]
        current = opened[0] if opened else 5
        state: dict[int, str] = {}
        for o in fired:
            if o.rule >= 0 and (not o.stage or o.stage == current) and state.get(o.rule) != "T":
                state[o.rule] = o.kind

        waivers = _waivers(facts, today)
        findings: list[Finding] = []
        actions: list[Action] = []
        not_evaluated: list[NotEvaluated] = []
        passed: list[str] = []
        blockers: list[str] = []
        scored: dict[str, list[tuple[str, bool]]] = {d: [] for d in DIMENSIONS}
        missing_count: Counter[str] = Counter()
        problems = [w["problem"] for w in waivers.values() if "problem" in w]
        values = {**flat, "stage.current": current}

        for info in self._infos:
            rule = info.rule
            if info.stage_action and info.stage != current:
                continue                                     # another stage's action
            if info.gate and info.stage > current:
                continue                                     # a later stage's essential
            kind = state.get(info.index)
            if kind is None:
                kind = "P" if all(n in flat for n in info.facts) and all(flat[d] != 0 for d in info.divisors) else "U"
            if info.gate and info.stage == current and kind != "P":
                blockers.append(rule.id)
            if kind == "U":
                missing = _missing_facts(info, flat)
                not_evaluated.append(build(NotEvaluated, rule=rule.id, missing=missing))
                missing_count.update(missing)
                continue
            violated = kind == "T"
            if not info.stage_action:
                scored[rule.dimension].append((rule.severity, not violated))
            if not violated:
                passed.append(rule.id)
                continue
            evidence = {n: flat[n] for n in info.evidence if n in flat}
            if info.stage_action or (info.gate and info.stage == current):
                actions.append(build(Action, rule=rule.id, stage=info.stage, title=rule.title, advice=list(rule.advice),
                                                      evidence=evidence, blocker=info.gate))
                if info.stage_action:
                    continue
            waiver = waivers.get(rule.id)
            active = waiver is not None and "problem" not in waiver
            findings.append(build(Finding, 
                rule=rule.id, title=rule.title, kind=rule.kind, minefield=rule.minefield, stage=info.stage,
                severity=rule.severity, dimension=rule.dimension,
                message=interpolate(rule.message, values) if info.placeholders else rule.message,
                evidence=evidence, advice=list(rule.advice), sources=list(info.sources),
                note=rule.note, status="waived" if active else "open",
                waiver={k: v for k, v in waiver.items() if k != "problem"} if active else None))

        for rule_id in blockers:                              # unknown essentials block too
            if not any(a.rule == rule_id for a in actions):
                info = self._info_by_id[rule_id]
                actions.append(build(Action, rule=rule_id, stage=info.stage, title=info.rule.title,
                                                      advice=list(info.rule.advice),
                                                      evidence={n: flat[n] for n in info.evidence if n in flat}, blocker=True))
        findings.sort(key=lambda f: (f.status == "waived", SEVERITY_ORDER[f.severity], f.rule))
        actions.sort(key=lambda a: (not a.blocker, a.rule))
        open_findings = [f for f in findings if f.status == "open"]
        counts = Counter(f.severity for f in open_findings)
        everything = [o for outcomes in scored.values() for o in outcomes]
        c = facts.community
        return build(Report, 
            schema_version=SCHEMA_VERSION,
            community=build(CommunityInfo, name=c.name, platform=c.platform, type=c.type, goal=c.goal,
                                                    members=facts.size.members),
            engine=self._info,
            summary=build(Summary, score=score(everything), critical=counts["critical"], warning=counts["warning"],
                                            info=counts["info"], passed=len(passed), not_evaluated=len(not_evaluated),
                                            waived=len(findings) - len(open_findings)),
            scores={d: score(o) for d, o in scored.items()},
            stage=build(StageInfo, current=current, name=STAGE_NAMES[current], declared=c.declared_stage,
                                            completed=completed, blockers=blockers),
            findings=findings, actions=actions, not_evaluated=not_evaluated, passed=passed,
            questions=_questions(missing_count), problems=problems)


@dataclass(frozen=True, slots=True)
class _RuleInfo:
    """What the report needs of a rule, computed once per Engine."""
    index: int
    rule: Rule
    facts: tuple[str, ...]
    divisors: tuple[str, ...]
    evidence: tuple[str, ...]          # the facts read, with the inputs of derived ones
    stage: int | None
    gate: bool
    stage_action: bool
    placeholders: bool
    sources: tuple[SourceRef, ...]

    @classmethod
    def of(cls, index: int, rule: Rule) -> "_RuleInfo":
        evidence: list[str] = []
        for name in rule.facts:
            fact = BY_NAME.get(name)
            for n in ((*fact.derived_from, name) if fact is not None and fact.derived else (name,)):
                if n not in evidence:
                    evidence.append(n)
        return cls(index, rule, tuple(rule.facts), tuple(rule.divisors), tuple(evidence), rule.stage, rule.gate,
                   rule.stage_action, bool(PLACEHOLDER.search(rule.message)),
                   tuple(SourceRef.model_construct(doc=s.doc, quote=s.quote) for s in rule.sources))


def _missing_facts(info: "_RuleInfo", flat: dict[str, Any]) -> list[str]:
    missing: list[str] = []
    for name in info.facts:
        if name in flat:
            continue
        fact = BY_NAME.get(name)
        inputs = fact.derived_from if fact is not None and fact.derived else (name,)
        missing.extend(n for n in inputs if n not in flat and n not in missing)
        if fact is not None and fact.derived and all(n in flat for n in inputs):
            missing.append(name)                             # inputs known but the ratio is undefined (zero)
    return missing


def _questions(missing: Counter) -> list[Question]:
    return [build(Question, fact=name, question=BY_NAME[name].question or f"What is {name}?", unlocks=n)
            for name, n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0])) if name in BY_NAME]


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
