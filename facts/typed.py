"""Values as people type them: one parser for every place facts are typed.

Facts files, the facts of a chat export and any form that asks an operator
(the answers of an interview) accept what an operator naturally writes, and
nothing ambiguous:

    yes/no       yes no true false y n 是 否 有 没有 对 不是   (any case)
    shares       90%  ９０％  0.9  (a percentage is divided by 100)
    counts       1,200  1 200  １２００  1200   (a whole number; 1,5 is refused)
    numbers      2.5  1,200.5  ３.５
    choices      a value or its name in either language: wechat 微信 WeChat
    lists        choices separated by commas, 、 or ； : 性别、年龄  gender, age  (none, 都没有: no choice)

Anything else is left as typed, for validation to refuse with its message.
Only strings are touched: a YAML or JSON number or boolean is already typed.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

TRUE_WORDS = frozenset({"yes", "y", "true", "是", "有", "对", "是的"})
FALSE_WORDS = frozenset({"no", "n", "false", "否", "没有", "无", "不是", "不"})

NONE_WORDS = frozenset({"none", "无", "没有", "都没有", "-"})      # a list of choices with none chosen
_LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
_GROUPED = re.compile(r"^[+]?\d{1,3}([, ]\d{3})+(\.\d+)?$")      # 1,200 or 1 200 or 1,200.5
_PLAIN = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)$")


def _normal(text: str) -> str:
    """Full-width digits and signs (１２００％) as ASCII, outer spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(text: str) -> float | None:
    """A non-negative number as typed, or None when it is not one."""
    s = _normal(text)
    if _GROUPED.match(s):
        s = s.replace(",", "").replace(" ", "")
    elif not _PLAIN.match(s):
        return None
    return float(s)


def choice_value(values: tuple[str, ...], names: tuple[str, ...], value: Any) -> Any:
    """One of `values` when `value` is it, or its name (`names`, in the same order), as typed
    (any case, full-width or not, `_` or a space); anything else is left as typed."""
    if not isinstance(value, str):
        return value
    word = _normal(value).lower().replace(" ", "_")
    for i, v in enumerate(values):
        if word == v.lower() or (i < len(names) and word == _normal(names[i]).lower().replace(" ", "_")):
            return v
    return value


def choices_value(values: tuple[str, ...], names: tuple[str, ...], value: Any) -> Any:
    """A list of choices: a list as given, or a string of choices separated by commas, 、 or ；
    (an empty string is the empty list); each item read by `choice_value`."""
    if isinstance(value, str):
        text = _normal(value)
        if text.lower() in NONE_WORDS:
            return []
        value = [item for item in _LIST_SEPARATORS.split(text) if item] if text else []
    if isinstance(value, list):
        return [choice_value(values, names, item) for item in value]
    return value


def typed_value(kind: str, value: Any) -> Any:
    """`value` as the fact kind wants it, when it is a string written the way people write it."""
    if not isinstance(value, str):
        return value
    if kind == "bool":
        word = _normal(value).lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
    if kind == "share":
        s = _normal(value)
        percent = s.endswith("%")
        number = parse_number(s[:-1] if percent else s)
        if number is None:
            return value
        return number / 100 if percent else number
    if kind in ("count", "stage"):
        number = parse_number(value)
        return int(number) if number is not None and number.is_integer() else value
    if kind in ("number", "amount"):
        number = parse_number(value)
        return number if number is not None else value
    return value


def no_control_characters(text: str) -> str:
    """Refuse text with control characters (an escape sequence in a group's name would
    rewrite the terminal of whoever reads the report); tabs and line breaks are fine."""
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"contains a control character (U+{ord(found.group()):04X}); remove it")
    return text


# Unicode's control characters (category Cc: U+0000-001F and U+007F-009F) but tab and line breaks;
# one regular expression instead of a category lookup per character
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
