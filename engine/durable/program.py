"""Turn checked rules into one durable_rules ruleset and read its results.

For every rule, durable rules named `<n>:T` and `<n>:P` fire when the rule's
condition is definitely true (violated), or definitely false although a fact
it reads is unknown (passed). When neither fires, the rule is passed if every
fact it reads is known (and no divisor is zero), and not evaluated otherwise:
that needs no matching, only the list of facts present.

Stages are inferred by forward chaining. The session starts with the
community and the marker `reached 1`. For each stage k, the gate `g<k>:done`
fires when `reached k` is present and every essential (`gate: true`) rule of
stage k is definitely false; its action asserts `reached k+1`. The gate
`g<k>:open` fires when `reached k` is present and some essential is not
definitely false; its action asserts `current k`. Rules that read
`stage.current` (stage actions, the declared-stage check) are compiled once
per stage, joined with the marker `current k`, so they fire only on the
inferred stage.

`compile_single` compiles one rule alone, without stage gates nor the stage
guard of stage actions (how a rule's examples are run). What fired is read as
verdicts by engine/durable/verdicts.py.
"""
from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from typing import Any

from shequn.facts.vocabulary import BY_NAME

from shequn.lang import ast
from shequn.durable.compiler import Cond, compile_condition, conj, disj, undecided
from shequn.lang.rewrite import encode_value, substitute
from shequn.lang.ast import format_number
from shequn.rules.ruleset import Rule

STAGES = (1, 2, 3, 4, 5)
SEEN = "seen"
GROUP_WIDTH = 16          # durable's matcher keeps at most 64 pending nodes: keep fan-out small


class Fired(enum.Enum):
    """What a fired durable rule says."""
    VIOLATED = "T"                      # <n>:T, the condition is definitely true
    PASSED_DESPITE_UNKNOWN = "P"        # <n>:P, definitely false although a fact it reads is unknown
    STAGE_DONE = "done"                 # g<k>:done, every essential of stage k is definitely false
    STAGE_OPEN = "open"                 # g<k>:open, some essential of stage k is not
    SEEN = "seen"                       # matches every session (see _Builder.build)


@dataclass(frozen=True)
class Outcome:
    """What a fired durable rule means."""
    rule: int              # index into Program.rules, or -1 for gates
    kind: Fired
    stage: int = 0         # the stage it fires on (0: any stage)


@dataclass
class Program:
    rules: list[Rule]
    definitions: dict[str, dict] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    bucket_json: str = ""


def _width(cond: Cond) -> int:
    """Rough number of alternative paths durable will build for a condition."""
    if not isinstance(cond, dict):
        return 1
    if "$or" in cond:
        return sum(_width(c) for c in cond["$or"])
    if "$and" in cond:
        return min(64, math.prod(_width(c) for c in cond["$and"]))
    return 1


def _marker(kind: str, stage: int) -> dict:
    return {"$and": [{"t": kind}, {"stage": stage}]}


class _Builder:
    def __init__(self, rules: list[Rule]):
        self.program = Program(rules=list(rules))
        self.pending: list[tuple[str, dict | None, Cond, Outcome]] = []

    def add(self, name: str, cond: Cond, outcome: Outcome, marker: dict | None = None):
        if cond is False:
            return
        self.pending.append((name, marker, cond, outcome))

    def build(self) -> Program:
        # pack durable rules into groups of limited width, each behind bucket tests
        groups: list[list[int]] = []
        load: list[int] = []
        for j, (_, _, cond, _) in enumerate(self.pending):
            w = _width(cond)
            for g, used in enumerate(load):
                if used + w <= GROUP_WIDTH:
                    groups[g].append(j)
                    load[g] += w
                    break
            else:
                groups.append([j])
                load.append(w)
        a_count = max(1, math.ceil(math.sqrt(len(groups))))
        b_count = max(1, math.ceil(len(groups) / a_count))
        prog = self.program
        for g, members in enumerate(groups):
            bucket = [{f"_a{g // b_count}": 1}, {f"_b{g % b_count}": 1}]
            for j in members:
                name, marker, cond, outcome = self.pending[j]
                m = conj(bucket + ([] if cond is True else [cond]))
                patterns = ([{"g": marker}] if marker else []) + [{"m": m}]
                prog.definitions[name] = {"all": patterns}
                prog.outcomes[name] = outcome
        # Every session must match something: durable 2.0.28 can corrupt its heap
        # when the first fact asserted on a ruleset matches no rule at all.
        prog.definitions[SEEN] = {"all": [{"m": {"_a0": 1}}]}
        prog.outcomes[SEEN] = Outcome(-1, Fired.SEEN)
        prog.bucket_json = ",".join([f'"_a{i}":1' for i in range(a_count)] + [f'"_b{i}":1' for i in range(b_count)])
        return prog


def _outcome_rules(b: _Builder, i: int, node: ast.Expr, marker: dict | None, suffix: str, stage: int = 0):
    b.add(f"{i}:T{suffix}", compile_condition(node, "T"), Outcome(i, Fired.VIOLATED, stage), marker)
    unknown = undecided(node)
    if unknown is not False:
        b.add(f"{i}:P{suffix}", conj([compile_condition(node, "F"), unknown]),
              Outcome(i, Fired.PASSED_DESPITE_UNKNOWN, stage), marker)


def condition_of(rule: Rule) -> ast.Expr:
    """A rule's full condition: a stage action applies only on its stage."""
    node = rule.condition
    if rule.stage_action:
        node = ast.And((ast.Compare("==", ast.Name("stage.current"), ast.Literal(rule.stage)), node))
    return node


def compile_program(rules: list[Rule]) -> Program:
    b = _Builder(rules)
    for i, rule in enumerate(rules):
        node = condition_of(rule)
        if "stage.current" in ast.names(node):
            for k in ([rule.stage] if rule.stage_action else STAGES):
                _outcome_rules(b, i, substitute(node, {"stage.current": k}), _marker("current", k), f"@{k}", k)
        else:
            _outcome_rules(b, i, node, None, "")
    for k in STAGES:
        essentials = [r.condition for r in rules if r.gate and r.stage == k]
        reached = _marker("reached", k)
        b.add(f"g{k}:done", conj([compile_condition(e, "F") for e in essentials]), Outcome(-1, Fired.STAGE_DONE, k), reached)
        b.add(f"g{k}:open", disj([compile_condition(e, "NF") for e in essentials]), Outcome(-1, Fired.STAGE_OPEN, k), reached)
    return b.build()


def compile_single(rule: Rule, current_stage: int | None = None) -> Program:
    """One rule's own condition alone, as rule 0: no stage gates, no stage guard.

    A condition reading `stage.current` reads `current_stage` (default: the
    rule's stage, or 1).
    """
    node = rule.condition
    if "stage.current" in ast.names(node):
        node = substitute(node, {"stage.current": current_stage if current_stage is not None else (rule.stage or 1)})
    b = _Builder([rule])
    _outcome_rules(b, 0, node, None, "")
    return b.build()


# --- facts as durable sees them -------------------------------------------

_KEYS = {f.name: json.dumps(f.name) + ":" for f in BY_NAME.values()}
_LISTS = {f.name: f.values for f in BY_NAME.values() if f.kind == "enumlist"}


def encode_facts(flat: dict[str, Any]) -> str:
    """The community's known facts as JSON properties (list facts become flags)."""
    parts = []
    for name, value in flat.items():
        values = _LISTS.get(name)
        if values is not None:
            present = set(value)
            parts.extend(f'"{name}.{v}":{"true" if v in present else "false"}' for v in values)
        elif value is True or value is False:
            parts.append(_KEYS[name] + ("true" if value else "false"))
        elif type(value) is int:
            parts.append(f"{_KEYS[name]}{value}.0")
        else:
            parts.append(_KEYS.get(name, json.dumps(name) + ":") + encode_value(value))
    return ",".join(parts)


def community_json(sid: str, bucket: str, encoded: str) -> str:
    """The community fact of session `sid`: the bucket flags and the encoded facts."""
    return f'{{"sid":"{sid}","id":"c",{bucket}' + (f",{encoded}" if encoded else "") + "}"


def marker_json(kind: str, stage: int, sid: str) -> str:
    return f'{{"sid":"{sid}","id":"{kind}{stage}","t":"{kind}","stage":{stage}}}'
