"""Type checking of conditions against the fact vocabulary, before anything runs.

A checked condition only ever compares a number with a number, a yes/no with
yes/no, an enum with one of its values, and asks membership of a list only
for values the list can hold. Shares are compared with 0-1, stages with 1-5.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, Callable

from shequn.facts.vocabulary import BY_NAME, INFERRED, NUMERIC_KINDS, Fact, lookup

from shequn.lang import ast
from shequn.errors import ExpressionTypeError, UnknownFactError
from shequn.lang.rewrite import fold_constants

ALL_NAMES = sorted(set(BY_NAME) | set(INFERRED))


@dataclass(frozen=True)
class Type:
    kind: str                 # number, bool, text, enum, enumlist, list
    fact: Fact | None = None  # the fact a Name refers to
    items: str | None = None  # the kind of a list literal's items

    def __str__(self) -> str:
        if self.fact is not None:
            return f"{self.fact.kind} fact {self.fact.name}"
        return {"number": "a number", "bool": "yes/no", "text": "text", "list": "a list"}.get(self.kind, self.kind)


NUMBER, BOOL, TEXT = Type("number"), Type("bool"), Type("text")


def _literal_type(value: ast.Value) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    return TEXT


def _fact_type(fact: Fact) -> Type:
    kind = fact.kind
    if kind in NUMERIC_KINDS:
        return Type("number", fact)
    if kind == "bool":
        return Type("bool", fact)
    return Type(kind, fact)


def suggestion(name: str) -> str:
    near = difflib.get_close_matches(name, ALL_NAMES, n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


class Checker:
    def check(self, node: ast.Expr) -> None:
        """Check a whole condition: it must be yes/no."""
        t = self.type_of(node)
        if t.kind != "bool":
            raise ExpressionTypeError(f"a condition must be yes/no, but this is {t}", column=node.pos)

    def type_of(self, node: ast.Expr) -> Type:
        method: Callable[[Any], Type] = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _literal(self, node: ast.Literal) -> Type:
        return _literal_type(node.value)

    def _listliteral(self, node: ast.ListLiteral) -> Type:
        kinds = {_literal_type(i.value).kind for i in node.items}
        if len(kinds) > 1:
            raise ExpressionTypeError("a list mixes values of different types", column=node.pos)
        return Type("list", items=kinds.pop())

    def _name(self, node: ast.Name) -> Type:
        fact = lookup(node.name)
        if fact is None:
            raise UnknownFactError(f"unknown fact '{node.name}'{suggestion(node.name)}", column=node.pos)
        return _fact_type(fact)

    def _bool(self, node: ast.Expr, what: str) -> None:
        t = self.type_of(node)
        if t.kind != "bool":
            raise ExpressionTypeError(f"'{what}' needs yes/no, but '{node}' is {t}", column=node.pos)

    def _not(self, node: ast.Not) -> Type:
        self._bool(node.operand, "not")
        return BOOL

    def _and(self, node: ast.And) -> Type:
        for item in node.items:
            self._bool(item, "and")
        return BOOL

    def _or(self, node: ast.Or) -> Type:
        for item in node.items:
            self._bool(item, "or")
        return BOOL

    def _neg(self, node: ast.Neg) -> Type:
        t = self.type_of(node.operand)
        if t.kind != "number":
            raise ExpressionTypeError(f"'-' needs a number, but '{node.operand}' is {t}", column=node.pos)
        return NUMBER

    def _arith(self, node: ast.Arith) -> Type:
        for side in (node.left, node.right):
            t = self.type_of(side)
            if t.kind != "number":
                raise ExpressionTypeError(f"'{node.op}' needs numbers, but '{side}' is {t}", column=side.pos)
        if node.op == "/":
            if isinstance(node.right, ast.Literal) and node.right.value == 0:
                raise ExpressionTypeError("division by zero", column=node.right.pos)
            if not isinstance(node.right, (ast.Name, ast.Literal)):
                raise ExpressionTypeError("divide by a fact or a number, not by an expression", column=node.right.pos)
        if node.op == "*" and not any(isinstance(s, ast.Literal) for s in (node.left, node.right)):
            raise ExpressionTypeError("multiply by a number, not by another fact", column=node.pos)
        _constant(node)         # numbers alone are computed now: one too large for a double is refused here
        if node.op == "*" and ast.names(node):
            zero = next((side for side in (node.left, node.right) if (c := _constant(side)) is not None and c.value == 0), None)
            if zero is not None:     # the fact would not count, and the compiler cannot move it across `* 0`
                raise ExpressionTypeError("multiplying by 0 leaves no fact to compare", column=zero.pos)
        return NUMBER

    def _compare(self, node: ast.Compare) -> Type:
        left, right = self.type_of(node.left), self.type_of(node.right)
        op = node.op
        if left.kind == "list" or right.kind == "list":
            raise ExpressionTypeError(f"use 'in' to test a list, not '{op}'", column=node.pos)
        if left.kind == "enumlist" or right.kind == "enumlist":
            raise ExpressionTypeError(f"use 'in' or 'not in' to test the list fact, not '{op}'", column=node.pos)
        if not ast.names(node.left) and not ast.names(node.right):      # `1 * 1 > 1` as much as `1 > 1`
            raise ExpressionTypeError("comparison of two values, no fact", column=node.pos)
        if op not in ("==", "!=") and (left.kind != "number" or right.kind != "number"):
            odd = node.left if left.kind != "number" else node.right
            raise ExpressionTypeError(f"'{op}' compares numbers, but '{odd}' is {self.type_of(odd)}", column=node.pos)
        if _comparable(left) != _comparable(right):
            raise ExpressionTypeError(f"cannot compare {left} with {right}", column=node.pos)
        for fact_side, other in ((node.left, node.right), (node.right, node.left)):
            value = _constant(other)      # `0 - 1` is checked as the -1 it computes to
            if isinstance(fact_side, ast.Name) and value is not None:
                _check_value(lookup(fact_side.name), value)
        return BOOL

    def _in(self, node: ast.In) -> Type:
        item, container = self.type_of(node.item), self.type_of(node.container)
        word = "not in" if node.negated else "in"
        if container.kind == "enumlist":
            if not isinstance(node.item, ast.Literal) or not isinstance(node.item.value, str):
                raise ExpressionTypeError(f"'{word} {node.container}' needs a quoted value on its left", column=node.pos)
            _check_value(container.fact, node.item)
            return BOOL
        if container.kind == "list" and isinstance(node.container, ast.ListLiteral):   # the only kind "list"
            if not isinstance(node.item, ast.Name):
                raise ExpressionTypeError(f"'{word} [...]' needs a fact on its left", column=node.pos)
            if item.kind in ("enumlist", "list"):
                raise ExpressionTypeError(f"'{node.item}' is a list; test one value with 'in'", column=node.pos)
            if _comparable(item) != container.items:
                raise ExpressionTypeError(f"cannot look for {item} in a list of {container.items}", column=node.pos)
            for lit in node.container.items:
                _check_value(item.fact, lit)
            return BOOL
        raise ExpressionTypeError(f"'{word}' needs a list fact or a [list] on its right, but '{node.container}' is {container}",
                                  column=node.container.pos)


def _constant(node: ast.Expr) -> ast.Literal | None:
    """The literal an expression of numbers alone computes to (None when it reads a fact).

    Refuses a result a double cannot hold (`1e308 * 10`), which durable could not compare."""
    if not isinstance(node, (ast.Literal, ast.Neg, ast.Arith)):
        return None
    try:
        folded = fold_constants(node)
    except (OverflowError, ZeroDivisionError):
        folded = ast.Literal(math.inf, pos=node.pos)
    if not isinstance(folded, ast.Literal):
        return None
    value = folded.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isfinite(value):
        raise ExpressionTypeError("the numbers compute to more than a double holds (about 1.8e308)", column=node.pos)
    return folded


def _comparable(t: Type) -> str:
    return "text" if t.kind in ("enum", "text") else t.kind


def _check_value(fact: Fact | None, lit: ast.Literal) -> None:
    """A literal compared with a fact must be a value the fact can take."""
    if fact is None:
        return
    value = lit.value
    if fact.kind in ("enum", "enumlist"):
        if value not in fact.values:
            near = difflib.get_close_matches(str(value), fact.values, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise ExpressionTypeError(f"'{value}' is not a value of {fact.name} ({', '.join(fact.values)}){hint}", column=lit.pos)
    elif isinstance(value, str):
        return              # text meets only enums (above): the checker refused text against a number
    elif fact.kind == "share" and not 0 <= value <= 1:
        raise ExpressionTypeError(f"{fact.name} is a share (0-1) and is compared with {value}", column=lit.pos)
    elif fact.kind == "stage" and value not in (1, 2, 3, 4, 5):
        raise ExpressionTypeError(f"{fact.name} is a stage (1-5) and is compared with {value}", column=lit.pos)
    elif fact.kind in ("count", "number", "amount") and value < 0:
        raise ExpressionTypeError(f"{fact.name} is never negative and is compared with {value}", column=lit.pos)


def check(node: ast.Expr) -> None:
    Checker().check(node)
