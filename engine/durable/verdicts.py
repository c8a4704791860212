"""What durable_rules fired, read as verdicts (see engine/durable/program.py).

A session starts with the community and the markers `reached 1` and
`checked 1`. When `g<k>:done` fires, the community has completed stage k:
assert `reached k+1` (after stage 5, `current 5`); when `g<k>:open` fires,
stage k is the current stage: assert `current k`. When `h<k>:bad` fires, an
essential of stage k is violated: assert `atmost k`; when `h<k>:ok` fires,
go on to `checked k+1` (after stage 5, `atmost 5`).

A rule does not apply when `<n>:N` fired. It applies when `<n>:A` fired, or,
for a rule compiled without `<n>:A`, when every fact `applies` reads is known
(and no divisor is zero). Otherwise its condition is true
when `<n>:T` fired, false when `<n>:P` fired; when neither did, it is false if
the rule is known to apply and every fact it reads is known and no divisor is
zero (`decided`), unknown otherwise. Outcomes compiled for one stage count
only on that stage. `verdict_of` (engine/rules/verdict.py) turns the truth
into the verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence, cast

from shequn.durable.program import STAGES, Fired, Outcome, Program, applies_when_decided, community_json, marker_json
from shequn.lang import ast
from shequn.lang.rewrite import divisors
from shequn.rules.ruleset import Rule
from shequn.rules.verdict import BY_TRUTH, Verdict, inapplicable, verdict_of

LAST_STAGE = STAGES[-1]


@dataclass(frozen=True, slots=True)
class Run:
    """One session read: the inferred stages and each rule's verdict (by index into Program.rules)."""
    current: int
    completed: list[int]
    verdicts: list[Verdict]
    at_most: int = LAST_STAGE
    applies_unknown: frozenset[int] = field(default_factory=frozenset)   # not evaluated because `applies` is unknown


def decided(facts: Iterable[str], divisors: Iterable[str], flat: dict[str, Any]) -> bool:
    """Whether a condition for which no outcome fired is false rather than unknown:
    every fact it reads is known and no divisor is zero."""
    for name in facts:
        if name not in flat:
            return False
    return all(flat[d] != 0 for d in divisors)


@dataclass
class RuleOutcomes:
    """What fired for the rules of one session, on the inferred stages."""
    truths: dict[int, bool] = field(default_factory=dict)      # True: violated; False: passed although a fact is unknown
    not_applicable: set[int] = field(default_factory=set)
    applies: set[int] = field(default_factory=set)


def fired_for_rules(outcomes: Iterable[Outcome], current: int = 0, at_most: int = 0) -> RuleOutcomes:
    """Rule outcomes, counting stage-bound ones only on the inferred stages; violated wins."""
    out = RuleOutcomes()
    for o in outcomes:
        if o.rule < 0 or (o.stage and o.stage != current) or (o.at_most and o.at_most != at_most):
            continue
        if o.kind is Fired.NOT_APPLICABLE:
            out.not_applicable.add(o.rule)
        elif o.kind is Fired.APPLIES:
            out.applies.add(o.rule)
        elif not out.truths.get(o.rule):
            out.truths[o.rule] = o.kind is Fired.VIOLATED
    return out


@dataclass(frozen=True, slots=True)
class _Reads:
    """What judging a rule reads of it, taken once (a rule's parsed parts are slow to reach)."""
    rule: Rule
    facts: tuple[str, ...]
    divisors: tuple[str, ...]
    has_applies: bool
    applies_facts: tuple[str, ...] = ()
    applies_divisors: tuple[str, ...] = ()
    applies_when_decided: bool = False       # no `<n>:A`: it applies when its facts are known and `<n>:N` did not fire
    # the same facts as sets: "every fact known" is one subset test of the community's names
    fact_set: frozenset[str] = frozenset()
    applies_fact_set: frozenset[str] = frozenset()

    @classmethod
    def of(cls, rule: Rule) -> "_Reads":
        applies = rule.applicability
        if applies is None:
            return cls(rule, tuple(rule.facts), tuple(rule.divisors), False, fact_set=frozenset(rule.facts))
        names = tuple(ast.names(applies))
        return cls(rule, tuple(rule.facts), tuple(rule.divisors), True, names,
                   tuple(dict.fromkeys(divisors(applies))), applies_when_decided(applies),
                   frozenset(rule.facts), frozenset(names))


def _verdict(reads: _Reads, i: int, fired: RuleOutcomes, flat: dict[str, Any]) -> tuple[Verdict, bool]:
    """(verdict, whether it is unknown only because `applies` is) of rule i, judged where it may apply."""
    if i in fired.not_applicable:
        return Verdict.NOT_APPLICABLE, False
    applies: bool | None = True if not reads.has_applies or i in fired.applies else None
    if applies is None and reads.applies_when_decided and decided(reads.applies_facts, reads.applies_divisors, flat):
        applies = True                                  # decided, and <n>:N did not fire
    truth = fired.truths.get(i)
    if truth is None and applies and decided(reads.facts, reads.divisors, flat):
        truth = False
    verdict = verdict_of(reads.rule, truth, None, applies)
    return verdict, verdict is Verdict.NOT_EVALUATED and applies is None


class Reader:
    """Runs of a compiled program: the facts to assert, the stage chaining, the verdicts."""

    def __init__(self, program: Program) -> None:
        self._program = program
        self._outcomes = program.outcomes
        self._bucket = program.bucket_json
        self._reads = [_Reads.of(r) for r in program.rules]
        # per stage: the rules that apply, and the verdicts to start from (not applicable elsewhere)
        self._applicable = {k: [i for i, r in enumerate(program.rules) if not inapplicable(r, k)] for k in STAGES}
        self._chains: dict[str, tuple[str, int]] = {}     # gate -> the marker it asserts (kind, stage)
        for name, o in program.outcomes.items():
            if o.kind is Fired.STAGE_DONE:
                self._chains[name] = ("reached", o.stage + 1) if o.stage < LAST_STAGE else ("current", LAST_STAGE)
            elif o.kind is Fired.STAGE_OPEN:
                self._chains[name] = ("current", o.stage)
            elif o.kind is Fired.STAGE_VIOLATED:
                self._chains[name] = ("atmost", o.stage)
            elif o.kind is Fired.STAGE_CLEAR:
                self._chains[name] = ("checked", o.stage + 1) if o.stage < LAST_STAGE else ("atmost", LAST_STAGE)
        self._blank: dict[int, list[Verdict | None]] = {k: [None if not inapplicable(r, k) else Verdict.NOT_APPLICABLE for r in program.rules]
                       for k in STAGES}

    def facts_json(self, flat: dict[str, Any]) -> Callable[[str], str]:
        """The session's first facts: the community, `reached 1` and `checked 1`."""
        encoded, bucket = self._program.encode(flat), self._bucket
        return lambda sid: (f"[{community_json(sid, bucket, encoded)},{marker_json('reached', 1, sid)},"
                            f"{marker_json('checked', 1, sid)}]")

    def chain(self, name: str, sid: str) -> Sequence[str]:
        """The marker a fired gate asserts (nothing for the other rules)."""
        marker = self._chains.get(name)
        return (marker_json(marker[0], marker[1], sid),) if marker is not None else ()

    def read(self, fired: Iterable[str], flat: dict[str, Any]) -> Run:
        outcomes = [self._outcomes[name] for name in fired]
        done: set[int] = set()
        current = at_most = 0
        for o in outcomes:                              # the gates' outcomes, in one pass
            if o.rule < 0:
                kind = o.kind
                if kind is Fired.STAGE_DONE:
                    done.add(o.stage)
                elif kind is Fired.STAGE_OPEN and not current:
                    current = o.stage
                elif kind is Fired.STAGE_VIOLATED and not at_most:
                    at_most = o.stage
        completed = sorted(done)
        current, at_most = current or LAST_STAGE, at_most or LAST_STAGE
        by_rule = fired_for_rules(outcomes, current, at_most)
        not_applicable, applies, truths = by_rule.not_applicable, by_rule.applies, by_rule.truths
        verdicts = self._blank[current][:]
        unknown_applies: list[int] = []
        reads = self._reads
        known = flat.keys()
        # _verdict, unrolled: this loop runs for every rule of every community; `decided` is
        # a subset test of the names known, then the divisors (most rules have none)
        for i in self._applicable[current]:
            if i in not_applicable:
                verdicts[i] = Verdict.NOT_APPLICABLE
                continue
            r = reads[i]
            if r.has_applies and i not in applies and not (
                    r.applies_when_decided and known >= r.applies_fact_set and
                    (not r.applies_divisors or all(flat[d] != 0 for d in r.applies_divisors))):
                verdicts[i] = Verdict.NOT_EVALUATED          # whether it applies is unknown
                unknown_applies.append(i)
                continue
            truth = truths.get(i)
            if truth is None and known >= r.fact_set and (not r.divisors or all(flat[d] != 0 for d in r.divisors)):
                truth = False
            verdicts[i] = BY_TRUTH[truth]
        # every rule left None by _blank applies at this stage and got its verdict above
        return Run(current, completed, cast(list[Verdict], verdicts), at_most, frozenset(unknown_applies))


def verdict_alone(program: Program, fired: Iterable[str], flat: dict[str, Any]) -> Verdict:
    """The verdict of the one rule of a `compile_single` program, judged alone (no stage)."""
    by_rule = fired_for_rules(program.outcomes[name] for name in fired)
    return _verdict(_Reads.of(program.rules[0]), 0, by_rule, flat)[0]
