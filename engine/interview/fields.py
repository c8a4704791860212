"""One question as an input: what to ask, how it is answered, what is known already.

The kind of input follows the fact's kind in the vocabulary:

    bool       yesno        yes / no / don't know
    enum       choice       one of the fact's values, each with its name in the language
    stage      choice       the five stages, by number and name
    enumlist   checkboxes   any of the fact's values, or "none of these"
    share      share        90% or 0.9
    count, number, amount   number (with the unit in words)
    text       text
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shequn.facts.vocabulary import BY_NAME, Fact
from shequn.report.i18n import STAGE_NAMES_I18N
from shequn.report.values import format_value

from shequn.interview.text import lang_of, say

INPUT_OF_KIND = {"bool": "yesno", "enum": "choice", "stage": "choice", "enumlist": "checkboxes", "share": "share",
                 "count": "number", "number": "number", "amount": "number", "text": "text"}

# a required fact has no "don't know": the facts file cannot be written without it
NEEDED = frozenset(f.name for f in BY_NAME.values() if f.required)


@dataclass(frozen=True)
class Option:
    value: str                  # as the facts file spells it
    label: str                  # as a person reads it, in the language


@dataclass(frozen=True)
class Field:
    """A fact asked as a question, described for an input in `lang`."""
    fact: str                   # dotted path in the facts file, e.g. "size.members"
    label: str                  # short name: "成员总数"
    question: str               # "现在所有群加起来一共有多少成员？"
    input: str                  # yesno, choice, checkboxes, share, number or text
    unit: str = ""              # what the value is, in words: "≥0 的整数"
    options: tuple[Option, ...] = ()
    current: Any = None         # the value known now (typed), None when unknown
    current_text: str = ""      # the value as it would be typed again ("" when unknown)
    dont_know: bool = True      # whether "don't know" is allowed
    decides: str = "rules"      # stage, applicability or rules (the report's ranking)
    measured: bool = False      # measured from a chat export rather than answered


def options_of(fact: Fact, lang: str) -> tuple[Option, ...]:
    if fact.kind == "stage":
        names = STAGE_NAMES_I18N[lang_of(lang)]
        return tuple(Option(str(n), f"{n} {names[n]}" if lang == "zh" else f"{n} ({names[n]})") for n in range(1, 6))
    if fact.kind == "bool":
        return Option("yes", say(lang, "yes")), Option("no", say(lang, "no"))
    return tuple(Option(v, fact.value_name(v, lang) if lang == "zh" else v.replace("_", " ")) for v in fact.values)


def typed_text(fact: Fact, value: Any) -> str:
    """A known value as it would be typed again (and read back by the same parser)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if fact.kind == "share":
        return format_value(fact.name, value, "en")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(name: str, lang: str, current: Any = None, *, decides: str = "rules", measured: bool = False) -> Field:
    """The question that collects fact `name`, in `lang`, with its current value if known."""
    fact = BY_NAME[name]
    lang = lang_of(lang)
    question = fact.ask(lang) or (f"{fact.label(lang)}是多少？" if lang == "zh" else f"What is {name}?")
    unit = say(lang, "share_hint") if fact.kind == "share" else fact.unit_in(lang) \
        if fact.kind in ("count", "number", "amount") else ""
    return Field(fact=name, label=fact.label(lang), question=question, input=INPUT_OF_KIND[fact.kind], unit=unit,
                 options=options_of(fact, lang) if fact.kind in ("bool", "enum", "enumlist", "stage") else (),
                 current=current, current_text=typed_text(fact, current), dont_know=name not in NEEDED,
                 decides=decides, measured=measured)
