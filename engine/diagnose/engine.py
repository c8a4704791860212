"""The Engine: compile rulesets once, then diagnose communities.

    engine = Engine()                                # the built-in rulesets
    report = engine.evaluate(facts_or_dict)          # one isolated session
    for report in engine.evaluate_many(items): ...   # streams reports

Every evaluation is its own durable_rules session, deleted afterwards, so one
engine serves many threads and any number of evaluations without growing.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import os
from collections import Counter
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, overload, Sequence, TYPE_CHECKING

from shequn.facts.loader import FactsError, validate_facts
from shequn.facts.model import Facts
from shequn.rulesets import builtin_paths

from shequn import __version__
from shequn.errors import DuplicateIdError, RuleLimitError, RulesetErrors
from shequn.durable.budget import compiled
from shequn.durable.matcher import MatcherError
from shequn.durable.program import STAGES, Program, compile_program
from shequn.durable.verdicts import Reader, Run
from shequn.report.model import SCHEMA_VERSION, build, AuditInfo, CommunityInfo, EngineInfo, Finding, Report, RulesetInfo, Summary
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

    def evaluate(self, facts: Facts | dict[str, Any], *, today: _dt.date | None = None) -> Report:
        """Diagnose one community. A dict is validated first (FactsError on bad input)."""
        if not isinstance(facts, Facts):
            facts = validate_facts(facts)
        flat = facts.flat()
        fired = self._matcher.run(self._reader.facts_json(flat), self._reader.chain)
        return self._report(facts, flat, self._reader.read(fired, flat), today or _dt.date.today())

    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["raise", "skip"] = "raise",
                      jobs: int = 1, progress: Callable[[int], None] | None = None,
                      **options: Any) -> Iterator[Report]: ...
    @overload
    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: Literal["yield"],
                      jobs: int = 1, progress: Callable[[int], None] | None = None,
                      **options: Any) -> Iterator[Report | FactsError]: ...

    def evaluate_many(self, items: Iterable[Facts | dict[str, Any]], *, on_error: str = "raise", jobs: int = 1,
                      progress: Callable[[int], None] | None = None, **options: Any) -> Iterator[Report | FactsError]:
        """Evaluate communities one after another, yielding each report.

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
        if jobs != 1:
            from shequn.diagnose import parallel
            results: Iterable[Report | FactsError] = parallel.run(self.recipe, items, jobs=jobs, progress=progress,
                                                                  **options)
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
              options: dict[str, Any]) -> Iterator[Report | FactsError]:
        """One report per item in this process, a bad item's FactsError in its place."""
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

    def _report(self, facts: Facts, flat: dict[str, Any], run: Run, today: _dt.date) -> Report:
        """Stage, findings, plan, scores (docs/scoring.md) and questions of one run."""
        judged = _by_verdict(self._infos, run.verdicts)
        violated, passed = judged[Verdict.VIOLATED], judged[Verdict.PASSED]
        waivers = findings_.waivers(facts, today)
        bound = stages.first_violated(self._essentials, run)
        values = {**flat, "stage.current": run.current, "stage.at_most": run.at_most,
                  "stage.violated_essential": bound.rule.title if bound else None}
        found = findings_.findings(violated, flat, values, run.current, waivers)
        blocking = stages.blockers(self._essentials[run.current], run)
        confirm = stages.to_confirm(self._essentials, run, flat)
        actions = stages.actions(violated, blocking, flat)
        unevaluated = questions.not_evaluated(judged[Verdict.NOT_EVALUATED], run, flat)
        overall, by_dimension = _tallies(judged)
        c = facts.community
        return build(Report,
            schema_version=SCHEMA_VERSION,
            community=build(CommunityInfo, name=c.name, platform=c.platform, type=c.type, goal=c.goal,
                            members=facts.size.members),
            engine=self._info,
            summary=_summary(found, overall, len(passed), len(unevaluated)),
            scores={d: t.score for d, t in by_dimension.items()},
            coverage={d: t.coverage for d, t in by_dimension.items()},
            stage=stages.stage_info(run, c.declared_stage, blocking, confirm),
            plan=plan_.plan(found, actions, self._info_by_id, {i.rule.id for i in blocking}),
            findings=found, actions=actions, not_evaluated=unevaluated,
            not_applicable=[info.rule.id for info in judged[Verdict.NOT_APPLICABLE] if not info.stage_action],
            passed=[info.rule.id for info in passed],
            questions=questions.questions(unevaluated, self._info_by_id, run, confirm),
            problems=[w["problem"] for w in waivers.values() if "problem" in w] + self._unknown_waivers(waivers),
            audit=build(AuditInfo, date=today.isoformat(), facts_file=None))

    def _unknown_waivers(self, waivers: dict[str, dict[str, Any]]) -> list[str]:
        """A waiver for a rule that does not exist waives nothing: say so (a typo, or a rule since removed)."""
        out = []
        for rule_id in waivers:
            if rule_id not in self._info_by_id:
                near = difflib.get_close_matches(rule_id, list(self._info_by_id), n=1)
                out.append(f"waivers: rule '{rule_id}' does not exist" + (f" (did you mean '{near[0]}'?)" if near else ""))
        return out


def _by_verdict(infos: list[RuleInfo], verdicts: list[Verdict]) -> dict[Verdict, list[RuleInfo]]:
    """The selected rules by verdict, in rule order."""
    judged: dict[Verdict, list[RuleInfo]] = {v: [] for v in Verdict}
    for info in infos:
        judged[verdicts[info.index]].append(info)
    return judged


def _tallies(judged: dict[Verdict, list[RuleInfo]]) -> tuple[Tally, dict[str, Tally]]:
    """Coverage and score weights, overall and per dimension; stage actions are not scored."""
    overall, by_dimension = Tally(), {d: Tally() for d in DIMENSIONS}
    for verdict, outcome in ((Verdict.PASSED, True), (Verdict.VIOLATED, False), (Verdict.NOT_EVALUATED, None)):
        for info in judged[verdict]:
            if not info.stage_action:
                overall.add(info.rule.severity, outcome)
                by_dimension[info.rule.dimension].add(info.rule.severity, outcome)
    return overall, by_dimension


def _summary(found: list[Finding], overall: Tally, passed: int, unevaluated: int) -> Summary:
    """The overall score and coverage, and the open findings by severity."""
    counts = Counter(f.severity for f in found if f.status == "open")
    return build(Summary, score=overall.score, coverage=overall.coverage or 0.0, judged=overall.judged,
                 applicable=overall.applicable, critical=counts["critical"], warning=counts["warning"],
                 info=counts["info"], passed=passed, not_evaluated=unevaluated,
                 waived=sum(1 for f in found if f.status == "waived"))
