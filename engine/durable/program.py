"""Turn checked rules into one durable_rules ruleset and read its results.

For every rule, durable rules named `<n>:T` and `<n>:P` fire when the rule
applies and its condition is definitely true (violated), or definitely false
although a fact it reads is unknown (passed). A rule with `applies` also gets
`<n>:N` (it definitely does not apply) and, where it can be true while a
fact it reads is unknown, `<n>:A` (it definitely does); elsewhere it applies
when every fact it reads is known and `<n>:N` did not fire. When
none of T, P, N fires, the rule is passed if every fact it and `applies` read
is known (and no divisor is zero), and not evaluated otherwise: that needs no
matching, only the list of facts present.

Stages are inferred by forward chaining. The session starts with the
community and the markers `reached 1` and `checked 1`. For each stage k:

- `g<k>:done` fires when `reached k` is present and every essential
  (`gate: true`) of stage k is definitely passed (or does not apply); it
  asserts `reached k+1`. `g<k>:open` fires when `reached k` is present and
  some essential is not definitely passed; it asserts `current k`. So
  stage.current is the first stage whose essentials are not all passed.
- `h<k>:bad` fires when `checked k` is present and some essential of stage k
  is definitely violated; it asserts `atmost k`. `h<k>:ok` fires when none
  is; it asserts `checked k+1` (after stage 5, `atmost 5`). So stage.at_most
  is the first stage with a violated essential; unknown essentials lie
  between the two.

Rules that read `stage.current` or `stage.at_most` (stage actions, the
declared-stage check) are compiled once per stage, joined with the marker
`current k` or `atmost k`, so they fire only on the inferred stage.

`compile_single` compiles one rule alone, without stage gates nor the stage
guard of stage actions (how a rule's examples are run). What fired is read as
verdicts by engine/durable/verdicts.py.
"""
from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterator

from shequn.facts.vocabulary import BY_NAME

from shequn.errors import RuleLimitError

from shequn.lang import ast
from shequn.lang.exact import Comparisons, comparisons
from shequn.durable.compiler import Cond, compile_condition, conj, disj, settles_only_when_decided, undecided
from shequn.lang.rewrite import encode_value, substitute
from shequn.rules.ruleset import Rule

STAGES = (1, 2, 3, 4, 5)
SEEN = "seen"
GROUP_WIDTH = 16          # durable's matcher keeps at most 64 pending nodes: keep fan-out small


class Fired(enum.Enum):
    """What a fired durable rule says."""
    VIOLATED = "T"                      # <n>:T, the rule applies and its condition is definitely true
    PASSED_DESPITE_UNKNOWN = "P"        # <n>:P, it applies and the condition is definitely false although a fact is unknown
    NOT_APPLICABLE = "N"                # <n>:N, its `applies` is definitely false
    APPLIES = "A"                       # <n>:A, its `applies` is definitely true
    STAGE_DONE = "done"                 # g<k>:done, every essential of stage k is definitely passed
    STAGE_OPEN = "open"                 # g<k>:open, some essential of stage k is not
    STAGE_VIOLATED = "bad"              # h<k>:bad, some essential of stage k is definitely violated
    STAGE_CLEAR = "ok"                  # h<k>:ok, no essential of stage k is
    SEEN = "seen"                       # matches every session (see _Builder.build)


@dataclass(frozen=True)
class Outcome:
    """What a fired durable rule means."""
    rule: int              # index into Program.rules, or -1 for gates
    kind: Fired
    stage: int = 0         # the stage.current it fires on (0: any), or the gate's stage
    at_most: int = 0       # the stage.at_most it fires on (0: any)


@dataclass
class Program:
    rules: list[Rule]
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    bucket_json: str = ""
    exact: dict[str, tuple[ast.Expr, ast.Expr]] = field(default_factory=dict)   # comparisons decided exactly (lang/exact.py)
    reads: frozenset[str] = frozenset()           # the properties some durable rule reads
    signs: Comparisons = field(default_factory=lambda: Comparisons({}))

    _encoded: dict[tuple[str, Any], str] = field(default_factory=dict, repr=False)   # one fact's JSON, by (name, value)

    def encode(self, flat: dict[str, Any]) -> str:
        """The community's facts as durable is sent them: only the properties some rule reads,
        and the sign of each comparison with arithmetic, computed exactly.

        Most values recur from one community to the next (yes/no, options, small
        counts, shares in percent), so each fact's JSON is remembered by value."""
        reads, cache = self.reads, self._encoded
        parts: list[str] = []
        for name, value in flat.items():
            key = (name, tuple(value) if type(value) is list else value)
            text = cache.get(key)
            if text is None:
                text = encode_facts({name: value}, reads)
                if len(cache) >= _ENCODED_MAX:
                    cache.clear()                 # bounded: a stream of unique values must not grow memory
                cache[key] = text
            if text:
                parts.append(text)
        if self.signs:
            parts.extend(f"{_SIGN_KEYS[k]}:{v}" for k, v in self.signs.signs(flat).items())
        return ",".join(parts)


def _read_properties(cond: Any, out: set[str]) -> None:
    """The property names a durable condition reads ($-keys are operators; {"$m": name} reads name)."""
    if isinstance(cond, dict):
        for k, v in cond.items():
            if k == "$m":
                out.add(v)
            elif not k.startswith("$"):
                out.add(k)
            _read_properties(v, out)
    elif isinstance(cond, list):
        for c in cond:
            _read_properties(c, out)


def _width(cond: Cond) -> int:
    """Rough number of alternative paths durable will build for a condition."""
    if not isinstance(cond, dict):
        return 1
    if "$or" in cond:
        return sum(_width(c) for c in cond["$or"])
    if "$and" in cond:
        return min(64, math.prod(_width(c) for c in cond["$and"]))
    return 1


# durable_rules expands every condition to its disjunctive normal form, one path per alternative, and
# refuses a ruleset whose paths are too many (error 113): 13 and-ed `(a or b)` pairs (8,192 paths) or
# 15 essentials of one stage (whose "none violated" gate has 2^15) were refused, 12 pairs and 14
# essentials compiled (tests/benchmarks/durable_limits.py). Both are refused before durable sees them.
MAX_ALTERNATIVES = 4096
# and it refuses a ruleset of too many durable rules (error 106): 2,040 simple rules (4,101 durable rules)
# compiled, 2,500 (5,021) did not
MAX_DURABLE_RULES = 4096


# and durable_rules hangs (create_ruleset never returns) when one node of its network has more than
# 512 branches: an `in` list of 513 values, or an `or` of 513 comparisons (512 compiled at once, 513
# had not compiled after minutes). A margin is kept below it; a wider `or` at the top of a rule's
# condition is compiled as several durable rules of the same outcome (`split_wide`).
MAX_BRANCHES = 500


def widest_or(cond: Cond) -> int:
    """The most branches of one `$or` of a condition (nested `$or`s flattened, as durable does)."""
    if not isinstance(cond, dict):
        return 0
    if "$or" in cond:
        flat, stack = 0, list(cond["$or"])
        widest = 0
        while stack:
            c = stack.pop()
            if isinstance(c, dict) and set(c) == {"$or"}:
                stack.extend(c["$or"])
            else:
                flat += 1
                widest = max(widest, widest_or(c))
        return max(flat, widest)
    if "$and" in cond:
        return max((widest_or(c) for c in cond["$and"]), default=0)
    return 0


MAX_PIECES = 16       # a wide `in` list is cut into at most this many durable rules


def _or_items(cond: dict[str, Any]) -> list[Cond]:
    items: list[Cond] = []
    for c in cond["$or"]:
        items.extend(_or_items(c) if isinstance(c, dict) and set(c) == {"$or"} else [c])
    return items


def split_wide(cond: Cond) -> list[Cond] | None:
    """The condition as several, each with no `$or` wider than MAX_BRANCHES, whose disjunction it is:
    a wide `or` (an `in` list) at the top or directly under the top `and` is cut into pieces. None
    when it cannot be cut so (a wide `or` deeper down) or would need more than MAX_PIECES."""
    if not isinstance(cond, dict):
        return [cond]
    if "$or" in cond:
        items = _or_items(cond)
        if any(widest_or(i) > MAX_BRANCHES for i in items):
            return None
        pieces = [disj(items[k:k + MAX_BRANCHES]) for k in range(0, len(items), MAX_BRANCHES)]
        return pieces if len(pieces) <= MAX_PIECES else None
    if "$and" in cond:
        parts: list[Cond] = list(cond["$and"])
        wide = next((j for j, c in enumerate(parts) if widest_or(c) > MAX_BRANCHES), None)
        if wide is None:
            return [cond]
        cut = split_wide(parts[wide])
        if cut is None:
            return None
        out: list[Cond] = []
        for piece in cut:
            more = split_wide(conj(parts[:wide] + [piece] + parts[wide + 1:]))
            if more is None or len(out) + len(more) > MAX_PIECES:
                return None
            out.extend(more)
        return out
    return [cond]


def alternatives(cond: Cond, cap: int = MAX_ALTERNATIVES) -> int:
    """How many paths durable builds for a condition (its DNF size), counted only up to just past `cap`."""
    if not isinstance(cond, dict):
        return 1
    if "$or" in cond:
        return min(cap + 1, sum(alternatives(c, cap) for c in cond["$or"]))
    if "$and" in cond:
        total = 1
        for c in cond["$and"]:
            total = min(cap + 1, total * alternatives(c, cap))
        return total
    return 1


def _marker(kind: str, stage: int) -> dict[str, Any]:
    return {"$and": [{"t": kind}, {"stage": stage}]}


class _Builder:
    def __init__(self, rules: list[Rule]) -> None:
        self.program = Program(rules=list(rules))
        self.pending: list[tuple[str, list[dict[str, Any]], Cond, Outcome]] = []

    def exactly(self, *nodes: ast.Expr | None) -> None:
        """Note the comparisons of these conditions that are decided exactly."""
        for node in nodes:
            if node is not None:
                self.program.exact.update(comparisons(node))

    def add(self, name: str, cond: Cond, outcome: Outcome,
            markers: list[dict[str, Any]] | dict[str, Any] | None = None) -> None:
        if cond is False:
            return
        if widest_or(cond) > MAX_BRANCHES:
            pieces = split_wide(cond) if outcome.rule >= 0 else None   # a gate asserts a marker: one rule only
            if pieces is None:
                raise self._too_many_branches(outcome)
            for n, piece in enumerate(pieces):      # the same outcome from any piece: read as a set
                self.add(f"{name}~{n}", piece, outcome, markers)
            return
        if alternatives(cond) > MAX_ALTERNATIVES:
            raise self._too_wide(outcome)
        self.pending.append((name, [markers] if isinstance(markers, dict) else list(markers or []), cond, outcome))

    def _too_many_branches(self, outcome: Outcome) -> RuleLimitError:
        text = (f"more than {MAX_BRANCHES} values in one 'in' list or branches in one 'or' where it cannot be cut "
                "into several durable rules (under another 'or', or more than "
                f"{MAX_PIECES * MAX_BRANCHES} values); durable_rules hangs compiling a condition that wide: "
                "split the list over several rules")
        if outcome.rule >= 0:
            rule = self.program.rules[outcome.rule]
            return RuleLimitError(f"the condition has {text}", file=rule.file or None, line=rule.line or None, rule=rule.id)
        essentials = [r for r in self.program.rules if r.gate and r.stage == outcome.stage]
        last = essentials[-1] if essentials else None
        return RuleLimitError(f"the essentials of stage {outcome.stage} together have {text}",
                              file=last.file or None if last else None, line=last.line or None if last else None,
                              rule=last.id if last else None)

    def _too_wide(self, outcome: Outcome) -> RuleLimitError:
        if outcome.rule >= 0:
            rule = self.program.rules[outcome.rule]
            return RuleLimitError(f"the condition has more than {MAX_ALTERNATIVES} alternatives once its 'or's are "
                                  "multiplied out (and-ed '(a or b)' groups double them): durable_rules cannot compile "
                                  "it; split the rule or write the condition with fewer and-ed 'or's",
                                  file=rule.file or None, line=rule.line or None, rule=rule.id)
        essentials = [r for r in self.program.rules if r.gate and r.stage == outcome.stage]
        first = essentials[-1] if essentials else None
        return RuleLimitError(f"stage {outcome.stage} has {len(essentials)} essentials (gate: true); their stage gate "
                              f"has more than {MAX_ALTERNATIVES} alternatives, which durable_rules cannot compile: keep "
                              "at most 12 essentials a stage (fewer when they use 'or')",
                              file=first.file or None if first else None, line=first.line or None if first else None,
                              rule=first.id if first else None)

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
        if len(self.pending) > MAX_DURABLE_RULES:
            last = prog.rules[-1] if prog.rules else None
            raise RuleLimitError(f"the rulesets compile to {len(self.pending)} durable rules, more than the "
                                 f"{MAX_DURABLE_RULES} durable_rules can hold (a rule takes one to four): "
                                 "split them over several engines", file=last.file or None if last else None,
                                 line=last.line or None if last else None, rule=last.id if last else None)
        for g, members in enumerate(groups):
            bucket = [{f"_a{g // b_count}": 1}, {f"_b{g % b_count}": 1}]
            for j in members:
                name, markers, cond, outcome = self.pending[j]
                m = conj(bucket + ([] if cond is True else [cond]))
                patterns = [{f"g{n}": marker} for n, marker in enumerate(markers)] + [{"m": m}]
                prog.definitions[name] = {"all": patterns}
                prog.outcomes[name] = outcome
        # Every session must match something: durable 2.0.28 can corrupt its heap
        # when the first fact asserted on a ruleset matches no rule at all.
        prog.definitions[SEEN] = {"all": [{"m": {"_a0": 1}}]}
        prog.outcomes[SEEN] = Outcome(-1, Fired.SEEN)
        reads: set[str] = set()
        for definition in prog.definitions.values():
            _read_properties(definition["all"][-1]["m"], reads)
        prog.reads = frozenset(reads)
        prog.signs = Comparisons(prog.exact)
        _SIGN_KEYS.update((k, json.dumps(k, ensure_ascii=False)) for k in prog.exact)
        prog.bucket_json = ",".join([f'"_a{i}":1' for i in range(a_count)] + [f'"_b{i}":1' for i in range(b_count)])
        return prog


def _outcome_rules(b: _Builder, i: int, node: ast.Expr, applies: ast.Expr | None, markers: list[dict[str, Any]],
                   suffix: str, stage: int = 0, at_most: int = 0) -> None:
    """The durable rules of rule i: violated, and passed although a fact is unknown, both only where it applies."""
    b.exactly(node, applies)
    where = compile_condition(applies, "T") if applies is not None else True
    b.add(f"{i}:T{suffix}", conj([where, compile_condition(node, "T")]), Outcome(i, Fired.VIOLATED, stage, at_most), markers)
    unknown = undecided(node)
    if unknown is not False and not settles_only_when_decided(node):
        b.add(f"{i}:P{suffix}", conj([where, compile_condition(node, "F"), unknown]),
              Outcome(i, Fired.PASSED_DESPITE_UNKNOWN, stage, at_most), markers)


def _applicability_rules(b: _Builder, i: int, applies: ast.Expr | None) -> None:
    """Whether rule i applies at all; `applies` never reads the stage, so once per rule."""
    if applies is not None:
        b.add(f"{i}:N", compile_condition(applies, "F"), Outcome(i, Fired.NOT_APPLICABLE))
        if not applies_when_decided(applies):
            b.add(f"{i}:A", compile_condition(applies, "T"), Outcome(i, Fired.APPLIES))


def applies_when_decided(applies: ast.Expr) -> bool:
    """Whether `applies` is definitely true only once every fact it reads is known: then it applies
    exactly when those facts are known and `<n>:N` did not fire, and `<n>:A` is not compiled."""
    return settles_only_when_decided(applies, "T")


def condition_of(rule: Rule) -> ast.Expr:
    """A rule's full condition: a stage action applies only on its stage."""
    node = rule.condition
    if rule.stage_action and rule.stage is not None:     # a stage action always has a stage
        node = ast.And((ast.Compare("==", ast.Name("stage.current"), ast.Literal(rule.stage)), node))
    return node


def essential_of(rule: Rule) -> ast.Expr:
    """What makes an essential violated: its condition, where it applies (one that does not apply never blocks)."""
    return rule.condition if rule.applicability is None else ast.And((rule.applicability, rule.condition))


def _stage_variants(rule: Rule, node: ast.Expr) -> Iterator[tuple[ast.Expr, list[dict[str, Any]], str, int, int]]:
    """(condition, markers, suffix, current, at_most) for each inferred stage the condition may read."""
    names = ast.names(node)
    currents = ([rule.stage] if rule.stage_action and rule.stage is not None else list(STAGES)) if "stage.current" in names else [0]
    bounds = list(STAGES) if "stage.at_most" in names else [0]
    for k in currents:
        for j in bounds:
            values: dict[str, int] = {**({"stage.current": k} if k else {}), **({"stage.at_most": j} if j else {})}
            markers = ([_marker("current", k)] if k else []) + ([_marker("atmost", j)] if j else [])
            suffix = (f"@{k}" if k else "") + (f"^{j}" if j else "")
            yield (substitute(node, values) if values else node), markers, suffix, k, j


def compile_program(rules: list[Rule]) -> Program:
    b = _Builder(rules)
    for i, rule in enumerate(rules):
        _applicability_rules(b, i, rule.applicability)
        for node, markers, suffix, k, j in _stage_variants(rule, condition_of(rule)):
            _outcome_rules(b, i, node, rule.applicability, markers, suffix, k, j)
    for k in STAGES:
        essentials = [essential_of(r) for r in rules if r.gate and r.stage == k]
        b.exactly(*essentials)
        # stage.current: the first stage whose essentials are not all passed
        reached = _marker("reached", k)
        b.add(f"g{k}:done", conj([compile_condition(e, "F") for e in essentials]), Outcome(-1, Fired.STAGE_DONE, k), reached)
        b.add(f"g{k}:open", disj([compile_condition(e, "NF") for e in essentials]), Outcome(-1, Fired.STAGE_OPEN, k), reached)
        # stage.at_most: the first stage with a violated essential
        checked = _marker("checked", k)
        b.add(f"h{k}:bad", disj([compile_condition(e, "T") for e in essentials]), Outcome(-1, Fired.STAGE_VIOLATED, k), checked)
        b.add(f"h{k}:ok", conj([compile_condition(e, "NT") for e in essentials]), Outcome(-1, Fired.STAGE_CLEAR, k), checked)
    return b.build()


def compile_single(rule: Rule, current_stage: int | None = None) -> Program:
    """One rule's own condition alone, as rule 0: no stage gates, no stage guard.

    A condition reading `stage.current` (or `stage.at_most`) reads
    `current_stage` (default: the rule's stage, or 1).
    """
    node = rule.condition
    stage = current_stage if current_stage is not None else (rule.stage or 1)
    inferred: dict[str, int] = {n: stage for n in ("stage.current", "stage.at_most") if n in ast.names(node)}
    if inferred:
        node = substitute(node, inferred)
    b = _Builder([rule])
    _applicability_rules(b, 0, rule.applicability)
    _outcome_rules(b, 0, node, rule.applicability, [], "")
    return b.build()


# --- facts as durable sees them -------------------------------------------

_ENCODED_MAX = 20_000            # about 3 MB at most, so memory stays flat over millions of communities
_SIGN_KEYS: dict[str, str] = {}            # an exact comparison's key as JSON

_KEYS = {f.name: json.dumps(f.name) + ":" for f in BY_NAME.values()}
_LISTS = {f.name: f.values for f in BY_NAME.values() if f.kind == "enumlist"}


def encode_facts(flat: dict[str, Any], reads: frozenset[str] | None = None) -> str:
    """The community's known facts as JSON properties (list facts become flags); with `reads`,
    only those properties (what no rule reads cannot change what fires)."""
    parts: list[str] = []
    for name, value in flat.items():
        values = _LISTS.get(name)
        if values is not None:
            present = set(value)
            parts.extend(f'"{name}.{v}":{"true" if v in present else "false"}' for v in values
                         if reads is None or f"{name}.{v}" in reads)
        elif reads is not None and name not in reads:
            continue
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
