"""Tokens of the condition language."""
from __future__ import annotations

import math

import re
from dataclasses import dataclass
from typing import Any

from shequn.errors import ExpressionSyntaxError

MAX_LENGTH = 4000

KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str      # NUMBER STRING NAME OP KEYWORD END
    value: Any     # follows kind: int or float for NUMBER, None for END, else str
    pos: int       # 1-based column in the expression


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
""", re.VERBOSE)

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _unquote(text: str, pos: int) -> str:
    out: list[str] = []
    i, body = 0, text[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise ExpressionSyntaxError(f"unknown escape '\\{nxt}' in string", column=pos + i + 1)
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionSyntaxError(f"condition is too long ({len(text)} characters; limit {MAX_LENGTH})", column=1)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            ch = text[pos]
            hint = " (use 'and', 'or', 'not')" if ch in "&|!" else ""
            raise ExpressionSyntaxError(f"unexpected character {ch!r}{hint}", column=pos + 1)
        kind = match.lastgroup
        raw = match.group()
        if kind == "number":
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            if not _finite(value):             # 1e999, or an integer no double can hold
                raise ExpressionSyntaxError(f"number {raw[:24]!r}{'…' if len(raw) > 24 else ''} is out of range", column=pos + 1)
            tokens.append(Token("NUMBER", value, pos + 1))
        elif kind == "string":
            tokens.append(Token("STRING", _unquote(raw, pos + 1), pos + 1))
        elif kind == "name":
            if raw in KEYWORDS:
                tokens.append(Token("KEYWORD", raw, pos + 1))
            elif "." in raw and any(part in KEYWORDS for part in raw.split(".")):
                raise ExpressionSyntaxError(f"{raw!r} is not a fact name", column=pos + 1)
            else:
                tokens.append(Token("NAME", raw, pos + 1))
        elif kind == "op":
            tokens.append(Token("OP", raw, pos + 1))
        pos = match.end()
    tokens.append(Token("END", None, len(text) + 1))
    return tokens
