"""Our own evaluator of a condition's AST, for explanations and coverage.

It follows durable/compiler.py exactly, so that an explanation says what
durable_rules decided (tests/test_interpreter.py checks it on generated facts):

- Kleene's three-valued logic: True, False, or None (unknown). `a and b` is
  False as soon as one side is False, `a or b` True as soon as one is True.
- An absent fact is unknown, never zero or false. A comparison reading an
  unknown fact is unknown; so is one that divides by a fact that is zero.
- Values are compared as durable sees them: facts as durable/program.py
  encodes them, literals as the compiler writes them, and every comparison
  rewritten with the fact alone on one side (`compiler.isolate`), so that
  floating-point rounding happens the same way. A comparison with
  arithmetic (a sum, a ratio) is decided in exact fractions of the same
  decimals, as the compiler has it decided (lang/exact.py).
- `"v" in list.fact` asks for the flag `list.fact.v`; `x in [..]` is a chain
  of `==` (`not in`: of `!=`).
- `stage.current` is the stage passed in (the inferred one); None = unknown.

`explain(rule, facts)` returns a tree of `Step`s: each sub-condition's text,
the facts it reads with their values, and its outcome.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from shequn.facts.vocabulary import BY_NAME

from shequn.lang import ast, exact
from shequn.lang.rewrite import divisors, isolate, substitute
from shequn.lang.rewrite import encode_value

TRUE, FALSE, UNKNOWN = "true", "false", "unknown"


def outcome_word(value: bool | None) -> str:
    return UNKNOWN if value is None else (TRUE if value else FALSE)


# --- values as durable sees them -----------------------------------------

def seen_value(name: str, value: Any) -> Any:
    """A fact value after the round trip through the JSON durable receives."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return json.loads(encode_value(value))


def literal_value(value: Any) -> Any:
    if isinstance(value, float):
        return float(ast.format_number(value))
    return value


class _Unknown(Exception):
    """Raised inside arithmetic when a value cannot be computed."""


def _flag(flat: Mapping[str, Any], name: str, item: Any) -> bool | None:
    """The flag `name.item` of a list fact: None when the list is unknown."""
    if name not in flat or flat[name] is None:
        return None
    return item in flat[name]


def _value(node: ast.Expr, flat: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Literal):
        return literal_value(node.value)
    if isinstance(node, ast.Name):
        if flat.get(node.name) is None:
            raise _Unknown(node.name)
        return seen_value(node.name, flat[node.name])
    if isinstance(node, ast.Neg):
        return _value(node.operand, flat) * -1
    if isinstance(node, ast.Arith):
        a, b = _value(node.left, flat), _value(node.right, flat)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if b == 0:
            raise _Unknown("division by zero")
        return a / b
    raise _Unknown(str(node))


def _cmp(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _compare(op: str, left: ast.Expr, right: ast.Expr, flat: Mapping[str, Any]) -> bool | None:
    if isinstance(left, ast.Literal) and isinstance(right, ast.Literal):
        return _cmp(op, left.value, right.value)
    for name in ast.names(left) + ast.names(right):
        if flat.get(name) is None:
            return None
    for name in divisors(ast.Compare(op, left, right)):
        if seen_value(name, flat[name]) == 0:
            return None
    if exact.needs_exact(left, right):          # arithmetic in exact fractions, as the compiler has it decided
        sign = exact.sign(left, right, flat)
        return None if sign is None else exact.holds(op, sign)
    name, op, rhs = isolate(op, left, right)
    try:
        return _cmp(op, seen_value(name, flat[name]), _value(rhs, flat))
    except _Unknown:
        return None


def atom(node: ast.Expr, flat: Mapping[str, Any]) -> bool | None:
    """The truth of a comparison, membership test, yes/no fact or literal."""
    if isinstance(node, ast.Literal):
        return bool(node.value)
    if isinstance(node, ast.Name):
        value = flat.get(node.name)
        return None if value is None else bool(value)
    if isinstance(node, ast.Compare):
        return _compare(node.op, node.left, node.right, flat)
    if isinstance(node, ast.In):
        # the type checker allows only `"v" in list.fact` and `x in [..]`
        inside: bool | None
        if isinstance(node.container, ast.Name) and isinstance(node.item, ast.Literal):
            inside = _flag(flat, node.container.name, node.item.value)
        elif isinstance(node.container, ast.ListLiteral) and isinstance(node.item, ast.Literal):
            inside = node.item.value in [i.value for i in node.container.items]
        elif isinstance(node.container, ast.ListLiteral):
            tests = [_compare("==", node.item, lit, flat) for lit in node.container.items]
            inside = kleene_or(tests)
        else:
            raise TypeError(f"'{node}' is not a condition")
        return None if inside is None else inside != node.negated
    raise TypeError(f"'{node}' is not a condition")


def kleene_and(items: Iterable[bool | None]) -> bool | None:
    values = list(items)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def kleene_or(items: Iterable[bool | None]) -> bool | None:
    values = list(items)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def evaluate(node: ast.Expr, flat: Mapping[str, Any]) -> bool | None:
    """True, False or None (unknown) for a condition on flat facts."""
    if isinstance(node, ast.Not):
        value = evaluate(node.operand, flat)
        return None if value is None else not value
    if isinstance(node, ast.And):
        return kleene_and(evaluate(i, flat) for i in node.items)
    if isinstance(node, ast.Or):
        return kleene_or(evaluate(i, flat) for i in node.items)
    return atom(node, flat)


# --- explanations ----------------------------------------------------------

@dataclass
class Step:
    """One sub-condition: its text, the facts it reads and its outcome."""
    text: str
    kind: str                      # and, or, not, compare, in, fact, literal
    outcome: str                   # true, false, unknown
    column: int = 0                # 1-based column in the rule's `when`
    values: dict[str, Any] = field(default_factory=dict)      # fact -> value (None = unknown)
    missing: list[str] = field(default_factory=list)
    note: str = ""                 # e.g. "governance.admins is 0: cannot divide"
    children: list["Step"] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "kind": self.kind, "outcome": self.outcome}
        if self.values:
            out["values"] = dict(self.values)
        if self.missing:
            out["missing"] = list(self.missing)
        if self.note:
            out["note"] = self.note
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    def walk(self) -> Iterator[Step]:
        yield self
        for c in self.children:
            yield from c.walk()


_KIND = {ast.And: "and", ast.Or: "or", ast.Not: "not", ast.Compare: "compare", ast.In: "in",
         ast.Name: "fact", ast.Literal: "literal"}


def _reads(node: ast.Expr) -> list[str]:
    if isinstance(node, ast.In) and isinstance(node.container, ast.Name):
        return [node.container.name]
    return ast.names(node)


def step(node: ast.Expr, flat: Mapping[str, Any], original: ast.Expr | None = None) -> Step:
    """The explanation tree of `node`; `original` is the same tree before `stage.current` was substituted."""
    original = original if original is not None else node
    kind = _KIND.get(type(node), "compare")
    if isinstance(node, (ast.And, ast.Or, ast.Not)):
        kids_now = ast.children(node)
        kids_then = ast.children(original)     # the same shape: substitution replaces names only
        children = [step(a, flat, b) for a, b in zip(kids_now, kids_then)]
        return Step(str(original), kind, outcome_word(evaluate(node, flat)), original.pos, children=children)
    reads = _reads(original)
    values = {n: _display(n, flat, node, original) for n in reads}
    missing = [n for n in reads if values[n] is None]
    note = ""
    if not missing:
        zeros = [d for d in divisors(node) if seen_value(d, flat[d]) == 0]
        if zeros:
            note = f"{', '.join(zeros)} is 0: cannot divide, so this is unknown"
    return Step(str(original), kind, outcome_word(atom(node, flat)), original.pos, values, missing, note)


def _display(name: str, flat: Mapping[str, Any], node: ast.Expr, original: ast.Expr) -> Any:
    if name in flat:
        return flat[name]
    if name not in ast.names(node) and name in ast.names(original):     # substituted: stage.current
        for a, b in zip(_leaves(node), _leaves(original)):
            if isinstance(b, ast.Name) and b.name == name and isinstance(a, ast.Literal):
                return a.value
    return None


def _leaves(node: ast.Expr) -> Iterator[ast.Expr]:
    kids = ast.children(node)
    if not kids:
        yield node
    for c in kids:
        yield from _leaves(c)


def flat_facts(facts: Any) -> dict[str, Any]:
    """A Facts model, a plain facts mapping (validated) or an already flat {name: value}."""
    if hasattr(facts, "flat"):
        flat: dict[str, Any] = facts.flat()
        return flat
    if isinstance(facts, Mapping) and all(isinstance(k, str) and "." in k for k in facts):
        return dict(facts)
    from shequn.facts.loader import validate_facts
    return validate_facts(dict(facts)).flat()


def prepare(node: ast.Expr, current_stage: int | None, at_most: int | None = None) -> ast.Expr:
    """Replace `stage.current` and `stage.at_most` by the inferred stages, when known
    (`at_most` defaults to `current_stage`: a rule's example gives one stage)."""
    at_most = current_stage if at_most is None else at_most
    names = ast.names(node)
    values = {**({"stage.current": current_stage} if current_stage is not None and "stage.current" in names else {}),
              **({"stage.at_most": at_most} if at_most is not None and "stage.at_most" in names else {})}
    return substitute(node, values) if values else node


def explain(rule: Any, facts_or_flat: Any, current_stage: int | None = None, at_most: int | None = None) -> Step:
    """The explanation tree of a rule's condition (or of a bare AST) on some facts."""
    node: ast.Expr = getattr(rule, "condition", rule)
    flat = flat_facts(facts_or_flat)
    return step(prepare(node, current_stage, at_most), flat, node)


def outcome(rule: Any, facts_or_flat: Any, current_stage: int | None = None, at_most: int | None = None) -> bool | None:
    """The rule's condition (or a bare AST) on some facts: True, False or None (unknown)."""
    node: ast.Expr = getattr(rule, "condition", rule)
    return evaluate(prepare(node, current_stage, at_most), flat_facts(facts_or_flat))


def format_exact(name: str, value: Any) -> str:
    """A value exactly as the condition saw it, for explanations: a share as its
    fraction and percentage, strings quoted, lists bracketed, numbers to 6 digits.

    Not the report's rounded `format_value` (shequn.report.values): explain
    shows why 0.0999 is below 0.1, which "10%" would hide.
    """
    if value is None:
        return "unknown"
    fact = BY_NAME.get(name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    if fact is not None and fact.kind == "share":
        return f"{value:g} ({value * 100:.4g}%)"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render_step(s: Step, indent: int = 0) -> list[str]:
    """Plain text lines of an explanation tree."""
    pad = "  " * indent
    mark = {TRUE: "true   ", FALSE: "false  ", UNKNOWN: "unknown"}[s.outcome]
    line = f"{pad}{mark}  {s.text}"
    extras = [f"{n} = {format_exact(n, v)}" for n, v in s.values.items()]
    if extras:
        line += "    [" + "; ".join(extras) + "]"
    if s.note:
        line += f"    ({s.note})"
    lines = [line]
    for c in s.children:
        lines.extend(render_step(c, indent + 1))
    return lines
