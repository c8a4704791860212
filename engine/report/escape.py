"""One escaping function per kind of output, used by every renderer and every error message.

- `terminal`: text for a terminal or a text file. Control characters (C0 but tab and newline,
  DEL, C1: ESC, BEL, CSI…) and the bidirectional overrides become visible `\\x1b`-style escapes,
  so a group named `ESC]0;…BEL` or `ESC[2J` cannot set the window title or clear the screen,
  and `‮` cannot reverse what the reader sees.
- `markdown`: text inside a Markdown paragraph, heading, list item or table cell: one line,
  every character Markdown or HTML gives a meaning escaped with a backslash.
- `code_span`: text inside a Markdown code span, fenced with more backticks than any run
  inside it, so a backtick cannot close the span early.
- HTML is escaped by Jinja2's autoescaping (report/views.py `environment`).
"""
from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates (and the marks), which reorder what a terminal shows
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(value: object) -> str:
    """Text safe to print on a terminal: every control character shown as an escape, never sent."""
    return _UNSAFE.sub(_visible, "" if value is None else str(value))


def terminal_line(value: object) -> str:
    """`terminal` on one line: a line break shown as `\\x0a` too (for a value inside an error message)."""
    return _UNSAFE_LINE.sub(_visible, "" if value is None else str(value))


def terminal_data(value: Any) -> Any:
    """`terminal` over every string of a JSON-like value, keys included."""
    if isinstance(value, str):
        return terminal(value)
    if isinstance(value, dict):
        return {terminal_data(k): terminal_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [terminal_data(v) for v in value]
    return value


_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_BULLET = re.compile(r"^([-+=])")


def markdown(value: object) -> str:
    """Text safe inside a Markdown paragraph, list item, heading or table cell.

    One line, every special character escaped (pipes too), so a community named
    ``<script>`` or one with pipes and backticks cannot break the layout or inject markup.
    """
    text = terminal("" if value is None else value)
    text = " ".join(text.split())                         # no newline can start a block
    text = _SPECIAL.sub(r"\\\1", text)
    return _BULLET.sub(r"\\\1", _ORDERED.sub(r"\1\\\2", text))


def markdown_inline(value: object) -> str:
    """Like `markdown`, but the spaces around it kept: for pieces joined with others on one line."""
    text = terminal("" if value is None else value).replace("\n", " ").replace("\r", " ")
    return _SPECIAL.sub(r"\\\1", text)


_TICKS = re.compile(r"`+")


def code_span(value: object) -> str:
    """A Markdown code span holding the text verbatim: the fence is longer than any run of backticks
    inside, and a space pads a text that starts or ends with a backtick (CommonMark strips one)."""
    text = " ".join(terminal("" if value is None else value).split()) or " "
    fence = "`" * (max((len(m) for m in _TICKS.findall(text)), default=0) + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"
