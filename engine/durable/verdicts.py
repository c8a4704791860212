"""What durable_rules fired, read as verdicts (see engine/durable/program.py).

A session starts with the community and the marker `reached 1`. When the
gate `g<k>:done` fires, the community has completed stage k: assert
`reached k+1` (after stage 5, `current 5`). When `g<k>:open` fires, stage k
is the current stage: assert `current k`. The first stage opened is the
current one; none opened means stage 5.

A rule's condition is true when `<n>:T` fired, false when `<n>:P` fired;
when neither did, it is false if every fact it reads is known and no
divisor is zero (`decided`), unknown otherwise. Outcomes compiled for one
stage count only on the current stage. `verdict_of` (engine/rules/verdict.py)
turns that truth into the verdict.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from shequn.durable.program import STAGES, Fired, Outcome, Program, community_json, encode_facts, marker_json
from shequn.rules.ruleset import Rule
from shequn.rules.verdict import BY_TRUTH, Verdict, inapplicable, verdict_of

LAST_STAGE = STAGES[-1]


@dataclass(frozen=True, slots=True)
class Run:
    """One session read: the inferred stage and each rule's verdict (by index into Program.rules)."""
    current: int
    completed: list[int]
    verdicts: list[Verdict]


def decided(facts: Iterable[str], divisors: Iterable[str], flat: dict[str, Any]) -> bool:
    """Whether a condition for which no outcome fired is false rather than unknown:
    every fact it reads is known and no divisor is zero."""
    for name in facts:
        if name not in flat:
            return False
    return all(flat[d] != 0 for d in divisors)


def fired_truths(outcomes: Iterable[Outcome], current: int = 0) -> dict[int, bool]:
    """Rule index -> True (violated) or False (passed although a fact is unknown),
    counting stage-bound outcomes only on the `current` stage; violated wins."""
    truths: dict[int, bool] = {}
    for o in outcomes:
        if o.rule >= 0 and (not o.stage or o.stage == current) and not truths.get(o.rule):
            truths[o.rule] = o.kind is Fired.VIOLATED
    return truths


class Reader:
    """Runs of a compiled program: the facts to assert, the stage chaining, the verdicts."""

    def __init__(self, program: Program):
        self._outcomes = program.outcomes
        self._bucket = program.bucket_json
        self._reads = [(tuple(r.facts), tuple(r.divisors)) for r in program.rules]
        # per stage: the rules that apply, and the verdicts to start from (not applicable elsewhere)
        self._applicable = {k: [i for i, r in enumerate(program.rules) if not inapplicable(r, k)] for k in STAGES}
        self._blank = {k: [None if not inapplicable(r, k) else Verdict.NOT_APPLICABLE for r in program.rules]
                       for k in STAGES}

    def facts_json(self, flat: dict[str, Any]) -> Callable[[str], str]:
        """The session's first facts: the community and `reached 1`."""
        encoded, bucket = encode_facts(flat), self._bucket
        return lambda sid: f"[{community_json(sid, bucket, encoded)},{marker_json('reached', 1, sid)}]"

    def chain(self, name: str, sid: str) -> list[str]:
        """The marker a fired gate asserts."""
        o = self._outcomes[name]
        if o.kind is Fired.STAGE_DONE:
            return [marker_json("reached", o.stage + 1, sid) if o.stage < LAST_STAGE else marker_json("current", LAST_STAGE, sid)]
        if o.kind is Fired.STAGE_OPEN:
            return [marker_json("current", o.stage, sid)]
        return []

    def read(self, fired: Iterable[str], flat: dict[str, Any]) -> Run:
        outcomes = [self._outcomes[name] for name in fired]
        completed = sorted({o.stage for o in outcomes if o.kind is Fired.STAGE_DONE})
        current = next((o.stage for o in outcomes if o.kind is Fired.STAGE_OPEN), LAST_STAGE)
        truths = fired_truths(outcomes, current)
        verdicts = self._blank[current][:]
        reads = self._reads
        for i in self._applicable[current]:
            truth = truths.get(i)
            if truth is None and decided(*reads[i], flat):
                truth = False
            verdicts[i] = BY_TRUTH[truth]
        return Run(current, completed, verdicts)


def verdict_alone(program: Program, fired: Iterable[str], flat: dict[str, Any]) -> Verdict:
    """The verdict of the one rule of a `compile_single` program, judged alone (no stage)."""
    rule: Rule = program.rules[0]
    truth = fired_truths(program.outcomes[name] for name in fired).get(0)
    if truth is None and decided(rule.facts, rule.divisors, flat):
        truth = False
    return verdict_of(rule, truth)
