"""Rewrites of a condition's AST shared by the compiler and the interpreter.

Both must see the same tree, so that floating-point rounding happens the same
way when durable_rules matches and when `explain` evaluates: constants are
folded, `stage.current` substituted, and every comparison put in the form
`fact op expression`.
"""
from __future__ import annotations

import json
import operator
from typing import Any, Callable

from shequn.errors import ExpressionTypeError
from shequn.lang import ast
from shequn.lang.ast import FLIPPED, format_number


def substitute(node: ast.Expr, values: dict[str, Any]) -> ast.Expr:
    """Replace names by literal values (used for the inferred `stage.current`)."""
    if isinstance(node, ast.Name) and node.name in values:
        return ast.Literal(values[node.name], pos=node.pos)
    if isinstance(node, (ast.And, ast.Or)):
        return type(node)(tuple(substitute(i, values) for i in node.items), pos=node.pos)
    if isinstance(node, (ast.Not, ast.Neg)):
        return type(node)(substitute(node.operand, values), pos=node.pos)
    if isinstance(node, (ast.Compare, ast.Arith)):
        return type(node)(node.op, substitute(node.left, values), substitute(node.right, values), pos=node.pos)
    if isinstance(node, ast.In):
        return ast.In(substitute(node.item, values), substitute(node.container, values), node.negated, pos=node.pos)
    return node


def replace_number(node: ast.Expr, old: float, new: float) -> ast.Expr:
    """The same condition with every numeric literal equal to `old` replaced by `new`
    (a threshold set for a project: `size.active_share_7d < 0.1` -> `< 0.15`)."""
    if isinstance(node, ast.Literal) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool) \
            and node.value == old:
        return ast.Literal(new, pos=node.pos)
    if isinstance(node, (ast.And, ast.Or)):
        return type(node)(tuple(replace_number(i, old, new) for i in node.items), pos=node.pos)
    if isinstance(node, (ast.Not, ast.Neg)):
        return type(node)(replace_number(node.operand, old, new), pos=node.pos)
    if isinstance(node, (ast.Compare, ast.Arith)):
        return type(node)(node.op, replace_number(node.left, old, new), replace_number(node.right, old, new), pos=node.pos)
    return node


def numbers(node: ast.Expr) -> list[float]:
    """The numeric literals of a condition, in order."""
    out: list[float] = []
    if isinstance(node, ast.Literal) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        out.append(node.value)
    for child in ast.children(node):
        out.extend(numbers(child))
    return out


def canonical_number(value: Any) -> Any:
    """A float as the compiler writes it (shortest decimal form); other values unchanged."""
    return float(format_number(value)) if isinstance(value, float) else value


# The type checker lets only numbers into arithmetic; operator's functions say so to mypy too.
_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul,
                                                "/": operator.truediv}
_NEGATE: Callable[[Any], Any] = operator.neg


def _below_zero(value: ast.Value) -> bool:
    return bool(operator.lt(value, 0))


def fold_constants(node: ast.Expr) -> ast.Expr:
    """Compute arithmetic on numbers alone (`30 / 3` -> 10) before durable sees it."""
    if isinstance(node, ast.Neg):
        inner = fold_constants(node.operand)
        return ast.Literal(_NEGATE(inner.value), pos=node.pos) if isinstance(inner, ast.Literal) else ast.Neg(inner, pos=node.pos)
    if isinstance(node, ast.Arith):
        left, right = fold_constants(node.left), fold_constants(node.right)
        if isinstance(left, ast.Literal) and isinstance(right, ast.Literal):
            value = _ARITH[node.op](left.value, right.value)
            return ast.Literal(value, pos=node.pos)
        return ast.Arith(node.op, left, right, pos=node.pos)
    return node


def isolate(op: str, left: ast.Expr, right: ast.Expr) -> tuple[str, str, ast.Expr]:
    """Rewrite `left op right` as `fact op expression` (durable needs a property on the left)."""
    if isinstance(left, ast.Name):
        return left.name, op, right
    if isinstance(right, ast.Name):
        return right.name, FLIPPED[op], left
    if isinstance(right, (ast.Arith, ast.Neg)) and not isinstance(left, (ast.Arith, ast.Neg)):
        return isolate(FLIPPED[op], right, left)
    if isinstance(left, ast.Neg):
        return isolate(FLIPPED[op], left.operand, ast.Neg(right, pos=right.pos))
    if isinstance(left, ast.Arith):
        a, b, pos = left.left, left.right, left.pos

        def has_name(n: ast.Expr) -> bool:
            return bool(ast.names(n))

        if left.op == "+":
            keep, other = (a, b) if has_name(a) else (b, a)
            return isolate(op, keep, ast.Arith("-", right, other, pos=pos))
        if left.op == "-":
            if has_name(a):
                return isolate(op, a, ast.Arith("+", right, b, pos=pos))
            return isolate(FLIPPED[op], b, ast.Arith("-", a, right, pos=pos))
        if left.op == "/" and has_name(a):
            if isinstance(b, ast.Literal) and _below_zero(b.value):
                op = FLIPPED[op]
            return isolate(op, a, ast.Arith("*", right, b, pos=pos))   # divisors are facts >= 0 (guarded != 0) or literals
        if left.op == "*":
            lit, keep = (a, b) if isinstance(a, ast.Literal) else (b, a)
            if isinstance(lit, ast.Literal):
                return isolate(FLIPPED[op] if _below_zero(lit.value) else op, keep, ast.Arith("/", right, lit, pos=pos))
    raise ExpressionTypeError(f"cannot compile '{left} {op} {right}'; put a fact alone on one side", column=left.pos)


def divisors(node: ast.Expr) -> list[str]:
    """Facts used as divisors: a zero makes the comparison unknown."""
    out: list[str] = []

    def walk(n: ast.Expr) -> None:
        if isinstance(n, ast.Arith) and n.op == "/" and isinstance(n.right, ast.Name):
            out.append(n.right.name)
        for c in ast.children(n):
            walk(c)

    walk(node)
    return out


# --- values as the matcher receives them ------------------------------------

_CONTROL = dict.fromkeys(range(32), " ")


def encode_value(value: Any) -> str:
    """A fact value as the JSON text durable_rules is given; the interpreter reads it back the same way."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        text = format_number(float(value))
        return text if "." in text else text + ".0"      # a double: durable divides integers as integers
    return json.dumps(str(value).translate(_CONTROL), ensure_ascii=False)
