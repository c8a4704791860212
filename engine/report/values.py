"""Facts as a report prints them: the one formatter of the report layer.

The engine fills rule messages with it and the renderers print evidence with
it, so a fact reads the same in a message, a table and the terminal, in
English or in Chinese (`lang`). (Explain prints exact values instead:
`shequn.lang.interpreter.format_exact`.)
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from shequn.facts.vocabulary import BY_NAME, lookup
from shequn.report.model import ThresholdRef
from shequn.rules.ruleset import PLACEHOLDER

_WORDS = {"en": {"unknown": "unknown", "yes": "yes", "no": "no", "none": "none", "and": ", "},
          "zh": {"unknown": "未知", "yes": "是", "no": "否", "none": "无", "and": "、"}}


def format_value(name: str, value: Any, lang: str = "en") -> str:
    """A fact value as a person reads it: shares as percentages, yes/no, enum values named, lists joined."""
    words = _WORDS.get(lang, _WORDS["en"])
    if value is None:
        return words["unknown"]
    fact = BY_NAME.get(name)
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, (list, tuple)):
        names = [fact.value_name(str(v), lang) if fact is not None else str(v) for v in value]
        return words["and"].join(names) or words["none"]
    if fact is not None and fact.kind == "share":
        return f"{value * 100:.0f}%" if value * 100 == round(value * 100) or value >= 0.1 else f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if fact is not None and fact.kind == "enum":
        return fact.value_name(str(value), lang)
    return str(value)


def threshold_placeholders(thresholds: Iterable[ThresholdRef], lang: str = "en") -> dict[str, str]:
    """`{threshold.name}` placeholders of a message, each shown like the fact it is compared with
    ("fewer than 10% of members", not "fewer than 0.1")."""
    return {f"threshold.{t.name}": format_value(t.fact or "", t.value, lang) for t in thresholds}


def fact_label(name: str, lang: str = "en") -> str:
    """What a report calls a fact in `lang`: its Chinese label, or the dotted name (English, or a fact not in the vocabulary)."""
    fact = lookup(name)
    return fact.label_zh if lang == "zh" and fact is not None and fact.label_zh else name


def fact_question(name: str, lang: str = "en", fallback: str = "") -> str:
    """The question that collects a fact, in `lang`; `fallback` (the report's own text) when there is none."""
    fact = lookup(name)
    if lang == "en" or fact is None:
        return fallback
    return fact.ask(lang) or fallback


def interpolate(text: str, values: Mapping[str, Any], lang: str = "en") -> str:
    """`text` with each `{fact.name}` replaced by its formatted value ("unknown" when absent)."""
    return PLACEHOLDER.sub(lambda m: format_value(m.group(1), values.get(m.group(1)), lang), text)
