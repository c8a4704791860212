"""Compile checked conditions into durable_rules condition definitions.

durable_rules matches a property only when it exists, so a comparison on an
unknown fact is false. That gives Kleene's three-valued logic for free once
negation is pushed down to the comparisons (negation normal form). Each rule
is compiled in the modes it needs:

    T   definitely true          (violated)
    F   definitely false         (passed)
    NT  not definitely true      (= F or unknown)
    NF  not definitely false     (= T or unknown; a stage gate is still open)

and `missing` is true when a fact the condition reads is unknown (or a
divisor is zero). Everything is plain JSON; no Python runs during matching.
"""
from __future__ import annotations

from typing import Any, Iterable, Union

from shequn.errors import ExpressionTypeError
from shequn.lang import ast
from shequn.lang.ast import NEGATED
from shequn.lang import exact
from shequn.lang.rewrite import canonical_number, divisors, fold_constants, isolate

Cond = Union[dict[str, Any], bool]          # a durable condition, or a constant after folding

# "==" is written {name: value}, every other comparison {op: {name: value}}
_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}
_NEG_MODE = {"T": "F", "F": "T", "NT": "NF", "NF": "NT"}


# --- constants -------------------------------------------------------------

def conj(items: Iterable[Cond]) -> Cond:
    items = list(items)
    if any(i is False for i in items):
        return False
    flat: list[dict[str, Any]] = []
    for i in items:
        if isinstance(i, dict):                 # True adds nothing to a conjunction
            flat.extend(i["$and"] if set(i) == {"$and"} else [i])
    if not flat:
        return True
    return flat[0] if len(flat) == 1 else {"$and": flat}


def disj(items: Iterable[Cond]) -> Cond:
    items = list(items)
    if any(i is True for i in items):
        return True
    flat: list[dict[str, Any]] = []
    for i in items:
        if isinstance(i, dict):                 # False adds nothing to a disjunction
            flat.extend(i["$or"] if set(i) == {"$or"} else [i])
    if not flat:
        return False
    return flat[0] if len(flat) == 1 else {"$or": flat}


# --- values ----------------------------------------------------------------

def value_json(node: ast.Expr) -> Any:
    """The right-hand side of a durable comparison."""
    node = fold_constants(node)
    if isinstance(node, ast.Literal):
        return canonical_number(node.value) if not isinstance(node.value, (bool, str)) else node.value
    if isinstance(node, ast.Name):
        return {"$m": node.name}
    if isinstance(node, ast.Neg):
        return {"$mul": {"$l": _operand(node.operand), "$r": -1.0}}
    if isinstance(node, ast.Arith):
        return {_ARITH[node.op]: {"$l": _operand(node.left), "$r": _operand(node.right)}}
    raise ExpressionTypeError(f"cannot use '{node}' as a value", column=node.pos)


def _operand(node: ast.Expr) -> Any:
    """An arithmetic operand; numbers as doubles so durable never divides integers."""
    value = value_json(node)
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _property(name: str, value: Any = None) -> str:
    """The property durable sees for a fact (list facts are sent as a map of flags)."""
    return name if value is None else f"{name}.{value}"


# --- atoms -----------------------------------------------------------------

def _atom_props(node: ast.Expr) -> tuple[list[str], list[str]]:
    """(properties that must exist, properties that must be non-zero) for an atom."""
    if isinstance(node, ast.In) and isinstance(node.item, ast.Literal) and isinstance(node.container, ast.Name):
        return [_property(node.container.name, node.item.value)], []
    return [n for n in ast.names(node)], divisors(node)


def missing(node: ast.Expr) -> Cond:
    """True when the atom cannot be decided: a fact unknown or a divisor zero."""
    if isinstance(node, ast.Compare) and exact.needs_exact(node.left, node.right):
        return {"$nex": {exact.key(node.left, node.right): 1}}      # its sign is sent only when decided
    props, zeros = _atom_props(node)
    return disj([{"$nex": {p: 1}} for p in props] + [{p: 0} for p in zeros])


def _compare(op: str, left: ast.Expr, right: ast.Expr) -> Cond:
    if isinstance(left, ast.Literal) and isinstance(right, ast.Literal):
        return _fold(op, left.value, right.value)
    name, op, rhs = isolate(op, left, right)        # refuses what cannot be compiled, exact or not
    if exact.needs_exact(left, right):
        # arithmetic is not left to the matcher's floating point: it compares the exact sign (lang/exact.py)
        sign = exact.key(left, right)
        return {sign: 0} if op == "==" else {_OPS[op]: {sign: 0}}
    test = {name: value_json(rhs)} if op == "==" else {_OPS[op]: {name: value_json(rhs)}}
    guards = [{"$ex": {n: 1}} for n in ast.names(rhs)]
    guards += [{"$neq": {d: 0}} for d in divisors(ast.Compare(op, left, right))]
    return conj(guards + [test])


def _fold(op: str, a: Any, b: Any) -> bool:        # the type checker compares only like with like
    return bool({"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def _true(node: ast.Expr, positive: bool) -> Cond:
    """The atom (positive) or its negation, as definitely-true durable tests."""
    if isinstance(node, ast.Literal):
        return bool(node.value) == positive
    if isinstance(node, ast.Name):                                  # a yes/no fact
        return {node.name: positive}
    if isinstance(node, ast.Compare):
        return _compare(node.op if positive else NEGATED[node.op], node.left, node.right)
    if isinstance(node, ast.In):
        inside = positive != node.negated
        item, container = node.item, node.container
        if isinstance(container, ast.Name) and isinstance(item, ast.Literal):    # "v" in list-fact
            return {_property(container.name, item.value): inside}
        if isinstance(container, ast.ListLiteral):
            if isinstance(item, ast.Literal):                       # folded
                return (item.value in [i.value for i in container.items]) == inside
            tests = [_compare("==" if inside else "!=", item, lit) for lit in container.items]
            return disj(tests) if inside else conj(tests)
    raise ExpressionTypeError(f"'{node}' is not a condition", column=node.pos)


def compile_condition(node: ast.Expr, mode: str = "T") -> Cond:
    """The durable condition for `node` in one of the modes T, F, NT, NF."""
    if isinstance(node, ast.Not):
        return compile_condition(node.operand, _NEG_MODE[mode])
    if isinstance(node, (ast.And, ast.Or)):
        parts = [compile_condition(i, mode) for i in node.items]
        all_of = isinstance(node, ast.And) == (mode in ("T", "NF"))
        return conj(parts) if all_of else disj(parts)
    if mode == "T":
        return _true(node, True)
    if mode == "F":
        return _true(node, False)
    if isinstance(node, ast.Literal):
        return compile_condition(node, "F" if mode == "NT" else "T")
    decided = _true(node, mode == "NF")
    return disj([decided, missing(node)])


def undecided(node: ast.Expr) -> Cond:
    """True when some fact the condition reads is unknown or some divisor is zero."""
    tests: list[Cond] = []

    def walk(n: ast.Expr) -> None:
        if isinstance(n, (ast.And, ast.Or)):
            for i in n.items:
                walk(i)
        elif isinstance(n, ast.Not):
            walk(n.operand)
        elif not isinstance(n, ast.Literal):
            tests.append(missing(n))

    walk(node)
    return disj(tests)



def settles_only_when_decided(node: ast.Expr, mode: str = "F") -> bool:
    """Whether the condition can be definitely true (T) or false (F) only once every
    comparison it makes is decided. Then "passed although a fact is unknown" can never
    happen, and that durable rule is not compiled. Cautious: False when unsure."""
    if isinstance(node, ast.Not):
        return settles_only_when_decided(node.operand, "T" if mode == "F" else "F")
    if isinstance(node, (ast.And, ast.Or)):
        constants = [i for i in node.items if not ast.names(i)]     # `stage.current == 2` on stage 2, say
        if any(compile_condition(i, mode) is True for i in constants):
            return False                         # a constant part settles it alone
        items = [i for i in node.items if ast.names(i)]
        if isinstance(node, ast.And) == (mode == "T"):       # every part must settle the same way
            return all(settles_only_when_decided(i, mode) for i in items)
        return len(items) == 1 and settles_only_when_decided(items[0], mode)  # one part may settle it alone
    return bool(ast.names(node))                 # an atom is settled only when decided
