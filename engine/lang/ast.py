"""The syntax tree of a condition: one small class per kind of node.

Nodes are immutable and carry their 1-based column in the expression.
`str(node)` prints the node back in the language's own syntax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

Value = Union[int, float, str, bool]


@dataclass(frozen=True)
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Literal(Node):
    value: Value

    def __str__(self) -> str:
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        if isinstance(self.value, str):
            return '"' + self.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return format_number(self.value)


@dataclass(frozen=True)
class ListLiteral(Node):
    items: tuple[Literal, ...]

    def __str__(self) -> str:
        return "[" + ", ".join(map(str, self.items)) + "]"


@dataclass(frozen=True)
class Name(Node):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Not(Node):
    operand: "Expr"

    def __str__(self) -> str:
        return f"not {_wrap(self.operand)}"


@dataclass(frozen=True)
class And(Node):
    items: tuple["Expr", ...]

    def __str__(self) -> str:
        return " and ".join(_wrap(i, Or) for i in self.items)


@dataclass(frozen=True)
class Or(Node):
    items: tuple["Expr", ...]

    def __str__(self) -> str:
        return " or ".join(map(str, self.items))


COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: "Expr"
    right: "Expr"

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class In(Node):
    item: "Expr"
    container: "Expr"
    negated: bool = False

    def __str__(self) -> str:
        return f"{self.item} {'not in' if self.negated else 'in'} {self.container}"


@dataclass(frozen=True)
class Arith(Node):
    op: str        # + - * /
    left: "Expr"
    right: "Expr"

    def __str__(self) -> str:
        left = _wrap(self.left, Arith) if self.op in "*/" and getattr(self.left, "op", "") in "+-" else str(self.left)
        right = f"({self.right})" if isinstance(self.right, Arith) else str(self.right)
        return f"{left} {self.op} {right}"


@dataclass(frozen=True)
class Neg(Node):
    operand: "Expr"

    def __str__(self) -> str:
        return f"-{_wrap(self.operand, Arith)}"


Expr = Union[Literal, ListLiteral, Name, Not, And, Or, Compare, In, Arith, Neg]


def _wrap(node: Expr, *kinds: type[Node]) -> str:
    kinds = kinds or (And, Or)
    return f"({node})" if isinstance(node, kinds) else str(node)


def format_number(value: float | int) -> str:
    """A number without exponent (durable_rules' parser reads no exponents)."""
    if isinstance(value, int):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if -1e5 < value < 1e5:          # then the shortest repr, if it has at most 10 decimals, is that rounding (hot path)
        text = repr(value)
        if "e" not in text and len(text) - text.index(".") <= 11:
            return text
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def names(node: Expr) -> list[str]:
    """The fact names a condition reads, in order of first use."""
    seen: dict[str, None] = {}

    def walk(n: Expr) -> None:
        if isinstance(n, Name):
            seen.setdefault(n.name)
        for child in children(n):
            walk(child)

    walk(node)
    return list(seen)


def children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, (And, Or)):
        return node.items
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.item, node.container)
    if isinstance(node, ListLiteral):
        return node.items
    return ()
