"""Comparisons with arithmetic, decided in exact arithmetic on the values' decimals.

`a + b < 0.5` rewritten for the matcher as `a < 0.5 - b` and computed in
floating point is wrong at the boundary: shares of 0.1, 0.1, 0.1, 0.1 and
0.1 add up to exactly 0.5, yet `0.5 - 0.1 - 0.1 - 0.1 - 0.1` is
0.09999999999999998. So a comparison whose sides compute anything (a sum, a
difference, a product, a ratio of facts) is decided here instead, once per
evaluation: each value is read as the decimal the matcher is given (at most
10 decimals, `format_number`), the two sides are computed as fractions, and
the sign of their difference (-1, 0 or 1) is what the matcher compares with
0. The sign is left out, and the comparison unknown, when a fact it reads is
unknown or a divisor is zero. The compiler (durable/compiler.py) and the
interpreter (lang/interpreter.py) both use this, so they cannot disagree.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

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


def decimal(value: Any) -> Fraction:
    """A number as the exact value of the decimal the matcher is given."""
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(ast.format_number(float(value)))


class _Unknown(Exception):
    """A fact is unknown or a divisor is zero: the comparison cannot be decided."""


def _value(node: ast.Expr, flat: Mapping[str, Any], memo: dict[str, Fraction]) -> Fraction:
    if isinstance(node, ast.Literal):
        return decimal(node.value)
    if isinstance(node, ast.Name):
        value = flat.get(node.name)
        if value is None or isinstance(value, (bool, str, list, tuple)):
            raise _Unknown(node.name)
        return decimal(value)
    text = str(node)
    if text in memo:
        return memo[text]
    if isinstance(node, ast.Neg):
        result = -_value(node.operand, flat, memo)
    elif isinstance(node, ast.Arith):
        a, b = _value(node.left, flat, memo), _value(node.right, flat, memo)
        if node.op == "+":
            result = a + b
        elif node.op == "-":
            result = a - b
        elif node.op == "*":
            result = a * b
        elif b == 0:
            raise _Unknown("division by zero")
        else:
            result = a / b
    else:
        raise _Unknown(text)
    memo[text] = result
    return result


def sign(left: ast.Expr, right: ast.Expr, flat: Mapping[str, Any], memo: dict[str, Fraction] | None = None) -> int | None:
    """-1, 0 or 1 as `left` is below, equal to or above `right`; None when undecided."""
    memo = {} if memo is None else memo
    try:
        difference = _value(left, flat, memo) - _value(right, flat, memo)
    except _Unknown:
        return None
    return (difference > 0) - (difference < 0)


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


def signs(atoms: Mapping[str, tuple[ast.Expr, ast.Expr]], flat: Mapping[str, Any]) -> dict[str, int]:
    """The sign of every comparison in `atoms` that can be decided on `flat`."""
    memo: dict[str, Fraction] = {}
    out: dict[str, int] = {}
    for k, (left, right) in atoms.items():
        s = sign(left, right, flat, memo)
        if s is not None:
            out[k] = s
    return out
