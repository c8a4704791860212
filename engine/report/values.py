"""Fact values as a report prints them: the one formatter of the report layer.

The engine fills rule messages with it and the renderers print evidence with
it, so a fact reads the same in a message, a table and the terminal. (Explain
prints exact values instead: `shequn.lang.interpreter.format_exact`.)
"""
from __future__ import annotations

from typing import Any, Mapping

from shequn.facts.vocabulary import BY_NAME
from shequn.rules.ruleset import PLACEHOLDER


def format_value(name: str, value: Any) -> str:
    """A fact value as a person reads it: shares as percentages, yes/no, lists joined."""
    if value is None:
        return "unknown"
    fact = BY_NAME.get(name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    if fact is not None and fact.kind == "share":
        return f"{value * 100:.0f}%" if value * 100 == round(value * 100) or value >= 0.1 else f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def interpolate(text: str, values: Mapping[str, Any]) -> str:
    """`text` with each `{fact.name}` replaced by its formatted value ("unknown" when absent)."""
    return PLACEHOLDER.sub(lambda m: format_value(m.group(1), values.get(m.group(1))), text)
