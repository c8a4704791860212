"""Comparisons with arithmetic, decided in exact arithmetic on the values' decimals.

`a + b < 0.5` rewritten for the matcher as `a < 0.5 - b` and computed in
floating point is wrong at the boundary: shares of 0.1, 0.1, 0.1, 0.1 and
0.1 add up to exactly 0.5, yet `0.5 - 0.1 - 0.1 - 0.1 - 0.1` is
0.10000000000000003, above the first 0.1. So a comparison whose sides compute anything (a sum, a
difference, a product, a ratio of facts) is decided here instead, once per
evaluation: each value is read as the decimal the matcher is given (at most
10 decimals, `format_number`), the two sides are computed exactly, and
the sign of their difference (-1, 0 or 1) is what the matcher compares with
0. The sign is left out, and the comparison unknown, when a fact it reads is
unknown or a divisor is zero. The compiler (durable/compiler.py) and the
interpreter (lang/interpreter.py) both use this, so they cannot disagree.
"""
from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Mapping, Union, cast

from shequn.errors import ExpressionTypeError
from shequn.lang import ast
from shequn.lang.rewrite import fold_constants


def needs_exact(left: ast.Expr, right: ast.Expr) -> bool:
    """Whether a comparison computes something from a fact (a plain `fact op number` does not)."""
    return any(_computes(fold_constants(side)) for side in (left, right))


def _computes(node: ast.Expr) -> bool:
    return isinstance(node, (ast.Arith, ast.Neg)) and bool(ast.names(node))


def key(left: ast.Expr, right: ast.Expr) -> str:
    """The property that carries the sign of `left - right` to the matcher."""
    return f"~({fold_constants(left)})-({fold_constants(right)})"


# Sums and differences of decimals are exact in Decimal with enough digits (facts are
# at most 1e9 with 10 decimals); a quotient that does not terminate (1 / 3) raises
# Inexact, and that comparison is computed again in fractions.
_DIGITS = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero])


class _Unknown(Exception):
    """A fact is unknown or a divisor is zero: the comparison cannot be decided."""


Number = Union[Decimal, Fraction]
Getter = Callable[[str], Decimal]
Memo = dict[str, Number]
_Compiled = Callable[[Getter, Memo, bool], Number]


def number(value: Any) -> Decimal:
    """A fact's or literal's number as the exact decimal the matcher is given."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Unknown(repr(value))
    return Decimal(value) if isinstance(value, int) else Decimal(ast.format_number(value))


def _arith(op: str, a: Number, b: Number, fractions: bool) -> Number:
    if fractions:
        fa, fb = Fraction(a), Fraction(b)
        if op == "/":
            if fb == 0:
                raise _Unknown("division by zero")
            return fa / fb
        return fa + fb if op == "+" else fa - fb if op == "-" else fa * fb
    da, db = cast(Decimal, a), cast(Decimal, b)
    if op == "+":
        return _DIGITS.add(da, db)
    if op == "-":
        return _DIGITS.subtract(da, db)
    if op == "*":
        return _DIGITS.multiply(da, db)
    if db == 0:
        raise _Unknown("division by zero")
    return _DIGITS.divide(da, db)


def _compile(node: ast.Expr) -> _Compiled:
    """A side of a comparison as a function of the facts (each computed part remembered per evaluation)."""
    node = fold_constants(node)
    if isinstance(node, ast.Literal):
        literal = number(node.value)
        return lambda get, memo, fractions: literal
    if isinstance(node, ast.Name):
        name = node.name
        return lambda get, memo, fractions: get(name)
    text = str(node)
    if isinstance(node, ast.Neg):
        inner = _compile(node.operand)

        def negated(get: Getter, memo: Memo, fractions: bool) -> Number:
            return -inner(get, memo, fractions)
        return negated
    if isinstance(node, ast.Arith):
        left, right, op = _compile(node.left), _compile(node.right), node.op

        def computed(get: Getter, memo: Memo, fractions: bool) -> Number:
            k = text if not fractions else "/" + text
            value = memo.get(k)
            if value is None:
                value = memo[k] = _arith(op, left(get, memo, fractions), right(get, memo, fractions), fractions)
            return value
        return computed
    raise ExpressionTypeError(f"cannot compute '{node}'", column=node.pos)


class Comparisons:
    """Comparisons decided exactly, compiled once: `signs(flat)` gives each one's sign, by key."""

    def __init__(self, atoms: Mapping[str, tuple[ast.Expr, ast.Expr]]) -> None:
        self._atoms = [(k, _compile(left), _compile(right)) for k, (left, right) in atoms.items()]

    def __bool__(self) -> bool:
        return bool(self._atoms)

    def signs(self, flat: Mapping[str, Any]) -> dict[str, int]:
        """-1, 0 or 1 for every comparison that can be decided on `flat` (left below, equal to, above right)."""
        numbers: dict[str, Decimal] = {}

        def get(name: str) -> Decimal:
            value = numbers.get(name)
            if value is None:
                raw = flat.get(name)
                if raw is None:
                    raise _Unknown(name)
                value = numbers[name] = number(raw)
            return value

        memo: Memo = {}
        out: dict[str, int] = {}
        for k, left, right in self._atoms:
            try:
                try:
                    a, b = left(get, memo, False), right(get, memo, False)
                except decimal.Inexact:        # a quotient that does not terminate
                    a, b = left(get, memo, True), right(get, memo, True)
            except _Unknown:
                continue
            out[k] = (a > b) - (a < b)
        return out


def sign(left: ast.Expr, right: ast.Expr, flat: Mapping[str, Any]) -> int | None:
    """-1, 0 or 1 as `left` is below, equal to or above `right`; None when undecided."""
    return Comparisons({"": (left, right)}).signs(flat).get("")


def holds(op: str, s: int) -> bool:
    """Whether `left op right` holds when the sign of `left - right` is `s`."""
    return {"==": s == 0, "!=": s != 0, "<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0}[op]


def comparisons(node: ast.Expr) -> dict[str, tuple[ast.Expr, ast.Expr]]:
    """The comparisons of a condition decided here, by key: (left, right)."""
    out: dict[str, tuple[ast.Expr, ast.Expr]] = {}

    def walk(n: ast.Expr) -> None:
        if isinstance(n, ast.Compare) and needs_exact(n.left, n.right):
            out.setdefault(key(n.left, n.right), (n.left, n.right))
        elif isinstance(n, ast.In) and isinstance(n.container, ast.ListLiteral) and not isinstance(n.item, ast.Literal):
            for lit in n.container.items:
                if needs_exact(n.item, lit):
                    out.setdefault(key(n.item, lit), (n.item, lit))
        for c in ast.children(n):
            walk(c)

    walk(node)
    return out
