"""Recursive-descent parser: condition text -> AST. Never eval.

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum [("=="|"!="|"<"|"<="|">"|">=") sum | ["not"] "in" sum]
    sum        := product (("+"|"-") product)*
    product    := unary (("*"|"/") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | STRING | "true" | "false" | NAME | "(" expr ")" | "[" literals "]"
"""
from __future__ import annotations

from typing import NoReturn

from shequn.lang import ast
from shequn.errors import ExpressionSyntaxError
from shequn.lang.lexer import Token, tokenize

MAX_DEPTH = 40


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, kind: str, *values: object) -> bool:
        tok = self.tok
        return tok.kind == kind and (not values or tok.value in values)

    def expect(self, kind: str, value: object, what: str) -> Token:
        if not self.at(kind, value):
            self.fail(f"expected {what}")
        return self.take()

    def fail(self, message: str) -> NoReturn:
        tok = self.tok
        found = "end of condition" if tok.kind == "END" else repr(str(tok.value))
        raise ExpressionSyntaxError(f"{message}, found {found}", column=tok.pos)

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionSyntaxError(f"condition is nested deeper than {MAX_DEPTH} levels", column=self.tok.pos)

    # grammar
    def parse(self) -> ast.Expr:
        if self.at("END"):
            raise ExpressionSyntaxError("empty condition", column=1)
        node = self.or_()
        if not self.at("END"):
            self.fail("expected 'and', 'or' or the end of the condition")
        return node

    def or_(self) -> ast.Expr:
        pos = self.tok.pos
        items = [self.and_()]
        while self.at("KEYWORD", "or"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else ast.Or(tuple(items), pos=pos)

    def and_(self) -> ast.Expr:
        pos = self.tok.pos
        items = [self.not_()]
        while self.at("KEYWORD", "and"):
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else ast.And(tuple(items), pos=pos)

    def not_(self) -> ast.Expr:
        if self.at("KEYWORD", "not"):
            pos = self.take().pos
            self.nested()
            node = ast.Not(self.not_(), pos=pos)
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> ast.Expr:
        left = self.sum()
        tok = self.tok
        if tok.kind == "OP" and tok.value in ast.COMPARISONS:
            self.take()
            node: ast.Compare | ast.In = ast.Compare(tok.value, left, self.sum(), pos=tok.pos)
        elif self.at("KEYWORD", "in"):
            self.take()
            node = ast.In(left, self.sum(), pos=tok.pos)
        elif self.at("KEYWORD", "not") and self.tokens[self.i + 1].kind == "KEYWORD" and self.tokens[self.i + 1].value == "in":
            self.i += 2
            node = ast.In(left, self.sum(), negated=True, pos=tok.pos)
        else:
            return left
        if self.tok.kind == "OP" and self.tok.value in ast.COMPARISONS:
            self.fail("comparisons cannot be chained; join them with 'and'")
        return node

    def sum(self) -> ast.Expr:
        node: ast.Expr = self.product()
        while self.at("OP", "+", "-"):
            tok = self.take()
            node = ast.Arith(tok.value, node, self.product(), pos=tok.pos)
        return node

    def product(self) -> ast.Expr:
        node: ast.Expr = self.unary()
        while self.at("OP", "*", "/"):
            tok = self.take()
            node = ast.Arith(tok.value, node, self.unary(), pos=tok.pos)
        return node

    def unary(self) -> ast.Expr:
        if self.at("OP", "-"):
            pos = self.take().pos
            self.nested()
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, ast.Literal) and isinstance(operand.value, (int, float)) and not isinstance(operand.value, bool):
                return ast.Literal(-operand.value, pos=pos)
            return ast.Neg(operand, pos=pos)
        return self.atom()

    def atom(self) -> ast.Expr:
        tok = self.tok
        if tok.kind == "NUMBER" or tok.kind == "STRING":
            self.take()
            return ast.Literal(tok.value, pos=tok.pos)
        if tok.kind == "KEYWORD" and tok.value in ("true", "false"):
            self.take()
            return ast.Literal(tok.value == "true", pos=tok.pos)
        if tok.kind == "NAME":
            self.take()
            return ast.Name(tok.value, pos=tok.pos)
        if self.at("OP", "("):
            self.take()
            self.nested()
            node = self.or_()
            self.depth -= 1
            self.expect("OP", ")", "')'")
            return node
        if self.at("OP", "["):
            self.take()
            items: list[ast.Literal] = []
            while not self.at("OP", "]"):
                item = self.atom()
                if not isinstance(item, ast.Literal):
                    raise ExpressionSyntaxError("a list holds only literal values", column=item.pos)
                items.append(item)
                if not self.at("OP", "]"):
                    self.expect("OP", ",", "',' or ']'")
            self.take()
            if not items:
                raise ExpressionSyntaxError("empty list", column=tok.pos)
            return ast.ListLiteral(tuple(items), pos=tok.pos)
        self.fail("expected a fact, a value or '('")


def parse(text: str) -> ast.Expr:
    """Parse a condition; raise ExpressionSyntaxError with the column."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"condition must be text, got {type(text).__name__}")
    return _Parser(text).parse()
