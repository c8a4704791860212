"""The Engine: compile rulesets once, then diagnose communities.

    engine = Engine()                                # the built-in rulesets
    report = engine.evaluate(facts_or_dict)          # one community, isolated
    for report in engine.evaluate_many(items): ...   # streams reports
    for v in engine.evaluate_many(items, detail="verdicts"): ...   # ids and values only
    report = engine.report(v)                        # a verdict expanded to its report

Every evaluation runs alone in a durable_rules session that is emptied
afterwards (durable/matcher.py), so one engine serves many threads and any
number of evaluations without growing. The report and the verdicts are
made from the same judgement of the run (`_judge`), so they cannot disagree.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, overload, Sequence, TYPE_CHECKING

from shequn.facts.loader import FactsError, validate_facts
from shequn.facts.model import Facts
from shequn.facts.vocabulary import BY_NAME
from shequn.rulesets import builtin_paths

from shequn import __version__
from shequn.errors import DuplicateIdError, RuleLimitError, RulesetErrors
from shequn.durable.budget import compiled
from shequn.durable.matcher import MatcherError
from shequn.durable.program import STAGES, Program, compile_program
from shequn.durable.verdicts import Reader, Run
from shequn.report.model import SCHEMA_VERSION, build, AuditInfo, CommunityInfo, EngineInfo, Finding, Report, RulesetInfo, Summary
from shequn.report.verdicts import VERDICTS_VERSION, StageBounds, Verdicts, Violated
from shequn.rules.names import DIMENSIONS
from shequn.rules.cache import cached_reader
from shequn.rules.ruleset import Rule, Ruleset, load_rulesets
from shequn.rules.selection import select_rules
from shequn.rules.thresholds import apply_thresholds
from shequn.rules.verdict import Verdict
from shequn.diagnose import findings as findings_, plan as plan_, questions, stages
from shequn.diagnose.parallel import EngineRecipe
from shequn.diagnose.rule_info import RuleInfo
from shequn.diagnose.scoring import Tally

if TYPE_CHECKING:                                    # both are imported when first used
    from shequn.diagnose.explain import Explanation
    from shequn.diagnose.measured import Measured, Written

__all__ = ["Engine"]

DETAILS = ("report", "verdicts")
DERIVED = frozenset(name for name, fact in BY_NAME.items() if fact.derived)


class Engine:
    """Compiled rulesets, ready to evaluate communities.

    `rulesets` are extra ruleset files, folders or loaded `Ruleset`s, added to
    the built-in ones unless `builtin=False`. `select` and `ignore` choose
    rules by id, id prefix, dimension, kind, severity or ruleset name.
    `thresholds` sets shequn's own thresholds by `RULE.name` (rules/thresholds.py).
    """

    def __init__(self, rulesets: Iterable[str | os.PathLike[str] | Ruleset] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] | None = None,
                 builtin: bool = True, thresholds: Mapping[str, float] | None = None) -> None:
        extra = list(rulesets or [])
        # how to build this same Engine in a worker process (evaluate_many with jobs, shequn.scale)
        self.recipe = EngineRecipe(type(self), tuple(extra), dict(
            select=list(select) if select is not None else None, ignore=list(ignore) if ignore is not None else None,
            builtin=builtin, thresholds=dict(thresholds) if thresholds is not None else None))
        paths = [p for p in extra if not isinstance(p, Ruleset)]
        loaded = [r for r in extra if isinstance(r, Ruleset)]
        builtins = builtin_paths() if builtin else []
        # the built-in files load from the cache of checked rulesets when they are unchanged (rules/cache.py)
        self.rulesets: list[Ruleset] = load_rulesets([*builtins, *paths], read=cached_reader(builtins)) + loaded
        if loaded:
            ids = Counter(r.id for rs in self.rulesets for r in rs.rules)
            dupes = [i for i, n in ids.items() if n > 1]
            if dupes:
                raise RulesetErrors([DuplicateIdError(f"duplicate rule id '{i}'") for i in sorted(dupes)])
        all_rules = apply_thresholds([r for rs in self.rulesets for r in rs.rules], thresholds)
        # every rule is compiled, so that the stage is inferred from every essential whatever the
        # selection; select/ignore decide what is reported and scored
        self.rules: list[Rule] = select_rules(all_rules, select, ignore)
        chosen = {r.id for r in self.rules}
        self._program: Program = compile_program(all_rules)
        self._reader = Reader(self._program)
        try:
            self._matcher = compiled(self._program.definitions)
        except MatcherError as exc:     # the limits program.py checks are measured, not durable's own: never "internal"
            raise RuleLimitError(f"durable_rules refused the compiled rulesets ({', '.join(rs.name for rs in self.rulesets)}): "
                                 f"{exc.args[0] if exc.args else exc}; see the limits in docs/security.md") from None
        self._info = EngineInfo.model_construct(version=__version__, rulesets=[
            RulesetInfo.model_construct(name=rs.name, version=rs.version, rules=sum(1 for r in rs.rules if r.id in chosen))
            for rs in self.rulesets])
        self._by_id = {r.id: r for r in self.rules}
        every = [RuleInfo.of(i, r, r.id in chosen) for i, r in enumerate(all_rules)]
        self._infos = [i for i in every if i.selected]
        self._info_by_id = {i.rule.id: i for i in every}
        self._essentials = {k: [i for i in every if i.gate and i.stage == k] for k in STAGES}

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def explain(self, facts: Facts | dict[str, Any], rule_id: str) -> Explanation:
        """Why `rule_id` fired or not on these facts, part by part (diagnose/explain.py)."""
        from shequn.diagnose.explain import explain_rule
        return explain_rule(self, facts, rule_id)

    # -- evaluation ----------------------------------------------------------

    @overload
    def evaluate(self, facts: Facts | dict[str, Any], *, today: _dt.date | None = None,
                 detail: Literal["report"] = "report") -> Report: ...
    @overload
    def evaluate(self, facts: Facts | dict[str, Any], *, today: _dt.date | None = None,
                 detail: Literal["verdicts"]) -> Verdicts: ...

    def evaluate(self, facts: Facts | dict[str, Any], *, today: _dt.date | None = None,
                 detail: str = "report") -> Report | Verdicts:
        """Diagnose one community. A dict is validated first (FactsError on bad input).

        `detail="verdicts"` gives the diagnosis as rule ids and values only
        (report/verdicts.py), which `report()` expands to the full report.
        """
        if detail not in DETAILS:
            raise ValueError(f"detail must be 'report' or 'verdicts', not {detail!r}")
        if not isinstance(facts, Facts):
            facts = validate_facts(facts)
        flat = facts.flat()
        fired = self._matcher.run(self._reader.facts_json(flat), self._reader.chain)
        judged = self._judge(facts, flat, self._reader.read(fired, flat), today or _dt.date.today())
        return self._report(judged) if detail == "report" else self._verdicts(judged)

    def report(self, verdicts: Verdicts, *, today: _dt.date | None = None) -> Report:
        """The full report of a community diagnosed with `detail="verdicts"`, as `evaluate` gives it."""
        data: dict[str, Any] = {}
        for name, value in verdicts.facts.items():
            section, key = name.split(".", 1)
            if key.startswith("source_shares."):
                data.setdefault(section, {}).setdefault("source_shares", {})[key.split(".", 1)[1]] = value
            else:
                data.setdefault(section, {})[key] = value
        if verdicts.waivers:
            data["waivers"] = [dict(w) for w in verdicts.waivers]
        return self.evaluate(validate_facts(data, f"verdicts of {verdicts.community}"), today=today)

    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["raise", "skip"] = "raise",
                      detail: Literal["report"] = "report", jobs: int = 1,
                      progress: Callable[[int], None] | None = None, **options: Any) -> Iterator[Report]: ...
    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["yield"],
                      detail: Literal["report"] = "report", jobs: int = 1,
                      progress: Callable[[int], None] | None = None, **options: Any) -> Iterator[Report | FactsError]: ...
    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["raise", "skip"] = "raise",
                      detail: Literal["verdicts"], jobs: int = 1,
                      progress: Callable[[int], None] | None = None, **options: Any) -> Iterator[Verdicts]: ...
    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["yield"],
                      detail: Literal["verdicts"], jobs: int = 1,
                      progress: Callable[[int], None] | None = None, **options: Any) -> Iterator[Verdicts | FactsError]: ...

    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: str = "raise", detail: str = "report",
                      jobs: int = 1, progress: Callable[[int], None] | None = None,
                      **options: Any) -> Iterator[Report | Verdicts | FactsError]:
        """Evaluate communities one after another, yielding each report (or, with
        `detail="verdicts"`, each community's verdicts: report/verdicts.py).

        A bad item (a dict that does not validate) raises FactsError by default
        (`on_error="raise"`), is left out with `on_error="skip"`, or is yielded
        in its place as its FactsError with `on_error="yield"`: a batch need
        never lose the good items because of a bad one.

        `jobs=N` evaluates in N worker processes (0: one per core), each building
        this Engine once from its construction arguments; the reports come in
        input order and bad items are treated as above (diagnose/parallel.py).
        `progress(n)` is told, as the run goes, how many more items are done.
        Other keywords go to `evaluate` (in the workers too).
        """
        if on_error not in ("raise", "skip", "yield"):
            raise ValueError(f"on_error must be 'raise', 'skip' or 'yield', not {on_error!r}")
        if detail not in DETAILS:
            raise ValueError(f"detail must be 'report' or 'verdicts', not {detail!r}")
        options = {"detail": detail, **options}
        if jobs != 1:
            from shequn.diagnose import parallel
            results: Iterable[Report | Verdicts | FactsError] = parallel.run(self.recipe, items, jobs=jobs,
                                                                              progress=progress, **options)
        else:
            results = self._each(items, progress, options)
        for result in results:
            if isinstance(result, FactsError):
                if on_error == "raise":
                    raise result
                if on_error == "skip":
                    continue
            yield result

    def _each(self, items: Iterable[Facts | dict[str, Any]], progress: Callable[[int], None] | None,
              options: dict[str, Any]) -> Iterator[Report | Verdicts | FactsError]:
        """One result per item in this process, a bad item's FactsError in its place."""
        options.setdefault("today", _dt.date.today())      # one date for the whole batch
        for item in items:
            try:
                yield self.evaluate(item, **options)
            except FactsError as exc:
                yield exc
            if progress is not None:
                progress(1)

    def evaluate_with_exports(self, facts: Written, exports: Sequence[str | os.PathLike[str]] | Measured, *,
                              today: _dt.date | None = None, **options: Any) -> Report:
        """Diagnose one community from its chat exports, `facts` (a facts file, mapping or None) on top:
        written facts win, differences land in `report.discrepancies` (diagnose/measured.py)."""
        from shequn.diagnose.measured import evaluate_with_exports
        return evaluate_with_exports(self, facts, exports, today=today, **options)

    # -- reading the run ---------------------------------------------------

    def _judge(self, facts: Facts, flat: dict[str, Any], run: Run, today: _dt.date) -> _Judged:
        """What both the report and the verdicts are made of: no report object is built here."""
        judged = _by_verdict(self._infos, run.verdicts)
        waivers = findings_.waivers(facts, today)
        leaders = findings_.leaders(judged[Verdict.VIOLATED], flat, run.current, waivers)
        blocking = stages.blockers(self._essentials[run.current], run)
        todo = stages.action_infos(judged[Verdict.VIOLATED], blocking, flat)
        chosen = plan_.choose(leaders, todo, flat, {i.rule.id for i in blocking}, waivers)
        return _Judged(facts, flat, run, judged, waivers, leaders, blocking, todo, chosen, *_tallies(judged), today)

    def _report(self, j: _Judged) -> Report:
        """Stage, findings, plan, scores (docs/scoring.md) and questions of one run."""
        facts, flat, run, judged = j.facts, j.flat, j.run, j.judged
        bound = stages.first_violated(self._essentials, run)
        values = {**flat, "stage.current": run.current, "stage.at_most": run.at_most,
                  "stage.violated_essential": bound.rule.title if bound else None}
        found = findings_.findings(j.leaders, flat, values, j.waivers)
        confirm = stages.to_confirm(self._essentials, run, flat)
        unknown = questions.unknowns(judged[Verdict.NOT_EVALUATED], run, flat)
        c = facts.community
        return build(Report,
            schema_version=SCHEMA_VERSION,
            community=build(CommunityInfo, name=c.name, platform=c.platform, type=c.type, goal=c.goal,
                            members=facts.size.members),
            engine=self._info,
            summary=_summary(found, j.overall, len(judged[Verdict.PASSED]), len(unknown)),
            scores={d: t.score for d, t in j.by_dimension.items()},
            coverage={d: t.coverage for d, t in j.by_dimension.items()},
            stage=stages.stage_info(run, c.declared_stage, j.blocking, confirm),
            plan=plan_.plan(j.chosen, flat),
            findings=found, actions=stages.actions(j.todo, flat), not_evaluated=questions.not_evaluated(unknown),
            not_applicable=[info.rule.id for info in judged[Verdict.NOT_APPLICABLE] if not info.stage_action],
            passed=[info.rule.id for info in judged[Verdict.PASSED]],
            questions=questions.questions(questions.ranked(unknown, run, confirm)),
            problems=[w["problem"] for w in j.waivers.values() if "problem" in w] + self._unknown_waivers(j.waivers),
            audit=build(AuditInfo, date=j.today.isoformat(), facts_file=None))

    def _verdicts(self, j: _Judged) -> Verdicts:
        """The run as rule ids and values (report/verdicts.py)."""
        flat, judged, waivers = j.flat, j.judged, j.waivers
        facts = j.facts
        leading = {info.rule.id for _, info, _ in j.leaders}
        return build(Verdicts,
            verdicts_version=VERDICTS_VERSION, community=facts.community.name,
            score=j.overall.score, coverage=j.overall.coverage or 0.0,
            stage=build(StageBounds, current=j.run.current, at_most=j.run.at_most),
            plan=[info.rule.id for info, _ in j.chosen],
            violated=[build(Violated, rule=info.rule.id, evidence=info.evidence_in(flat),
                            role="action" if info.stage_action else "finding" if info.rule.id in leading else "related",
                            waived=bool(waivers) and waivers.get(info.rule.id, {}).get("active", False))
                      for info in judged[Verdict.VIOLATED]],
            not_applicable=[info.rule.id for info in judged[Verdict.NOT_APPLICABLE] if not info.stage_action],
            not_evaluated=[info.unjudged(missing) for info, missing in questions.unknowns(judged[Verdict.NOT_EVALUATED], j.run, flat)],
            facts={n: v for n, v in flat.items() if n not in DERIVED},
            waivers=[w.model_dump(mode="json", exclude_none=True) for w in facts.waivers or []])

    def _unknown_waivers(self, waivers: dict[str, dict[str, Any]]) -> list[str]:
        """A waiver for a rule that does not exist waives nothing: say so (a typo, or a rule since removed)."""
        out = []
        for rule_id in waivers:
            if rule_id not in self._info_by_id:
                near = difflib.get_close_matches(rule_id, list(self._info_by_id), n=1)
                out.append(f"waivers: rule '{rule_id}' does not exist" + (f" (did you mean '{near[0]}'?)" if near else ""))
        return out


@dataclass(frozen=True, slots=True)
class _Judged:
    """One run read for the report or the verdicts."""
    facts: Facts
    flat: dict[str, Any]
    run: Run
    judged: dict[Verdict, list[RuleInfo]]
    waivers: dict[str, dict[str, Any]]
    leaders: list[findings_.Leader]
    blocking: list[RuleInfo]
    todo: list[RuleInfo]
    chosen: list[plan_.Chosen]
    overall: Tally
    by_dimension: dict[str, Tally]
    today: _dt.date                     # the audit's date


def _by_verdict(infos: list[RuleInfo], verdicts: list[Verdict]) -> dict[Verdict, list[RuleInfo]]:
    """The selected rules by verdict, in rule order."""
    judged: dict[Verdict, list[RuleInfo]] = {v: [] for v in Verdict}
    for info in infos:
        judged[verdicts[info.index]].append(info)
    return judged


def _tallies(judged: dict[Verdict, list[RuleInfo]]) -> tuple[Tally, dict[str, Tally]]:
    """Coverage and score weights, overall and per dimension; stage actions are not scored.
    Counted per verdict and dimension (two sums per rule), then combined: this runs for every community."""
    sums: dict[Verdict, tuple[dict[str, int], dict[str, int]]] = {}
    for verdict in (Verdict.PASSED, Verdict.VIOLATED, Verdict.NOT_EVALUATED):
        count, weight = dict.fromkeys(DIMENSIONS, 0), dict.fromkeys(DIMENSIONS, 0)
        for info in judged[verdict]:
            if not info.stage_action:
                count[info.dimension] += 1
                weight[info.dimension] += info.weight
        sums[verdict] = count, weight
    (passed, passed_w), (violated, violated_w), (unknown, unknown_w) = sums.values()
    by_dimension = {d: Tally(passed[d] + violated[d] + unknown[d], passed[d] + violated[d],
                             passed_w[d] + violated_w[d] + unknown_w[d], passed_w[d] + violated_w[d], passed_w[d])
                    for d in DIMENSIONS}
    p, v, u = sum(passed.values()), sum(violated.values()), sum(unknown.values())
    pw, vw, uw = sum(passed_w.values()), sum(violated_w.values()), sum(unknown_w.values())
    overall = Tally(p + v + u, p + v, pw + vw + uw, pw + vw, pw)
    return overall, by_dimension


def _summary(found: list[Finding], overall: Tally, passed: int, unevaluated: int) -> Summary:
    """The overall score and coverage, and the open findings by severity."""
    counts = Counter(f.severity for f in found if f.status == "open")
    return build(Summary, score=overall.score, coverage=overall.coverage or 0.0, judged=overall.judged,
                 applicable=overall.applicable, critical=counts["critical"], warning=counts["warning"],
                 info=counts["info"], passed=passed, not_evaluated=unevaluated,
                 waived=sum(1 for f in found if f.status == "waived"))
