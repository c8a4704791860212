"""Choosing rules by selector: `--select` / `--ignore`, `Engine(select=…, ignore=…)`.

A selector names a rule id or id prefix (`NM201`, `NM`), a dimension
(`governance`), a kind (`minefield`), a severity (`critical`) or a ruleset
(`nine-minefields`). Selection decides what is reported and scored, never
how the stage is inferred. A selector that matches no rule is a mistake (a
typo would otherwise select nothing and pass silently): it raises
`SelectionError` with the nearest names.
"""
from __future__ import annotations

import difflib
from typing import Iterable, Sequence

from shequn.errors import SelectionError
from shequn.rules.ruleset import Rule


def matches(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    return bool(s) and (rule.id == s or rule.id.startswith(s) or s in (rule.dimension, rule.kind, rule.severity, rule.ruleset))


def _vocabulary(rules: Sequence[Rule]) -> list[str]:
    names: set[str] = set()
    for r in rules:
        names.update((r.id, r.dimension, r.kind, r.severity, r.ruleset))
        names.update(r.id[:n] for n in range(2, len(r.id)) if not r.id[n - 1].isdigit())   # id prefixes: NM, SA …
    return sorted(n for n in names if n)


def check_selectors(rules: Sequence[Rule], selectors: Iterable[str], option: str) -> None:
    """Raise SelectionError naming every selector that matches none of `rules`."""
    unknown = [s for s in selectors if not any(matches(r, s) for r in rules)]
    if not unknown:
        return
    vocabulary = _vocabulary(rules)
    problems = []
    for s in unknown:
        near = [v for v in vocabulary if v.lower() == s.strip().lower()] or \
            difflib.get_close_matches(s.strip(), vocabulary, n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        problems.append(f"{option} '{s}' matches no rule{hint}: use a rule id or id prefix, a dimension, kind, "
                        "severity or ruleset name (shequn rules list)")
    raise SelectionError(problems)


def select_rules(rules: Sequence[Rule], select: Sequence[str] | None = None,
                 ignore: Sequence[str] | None = None) -> list[Rule]:
    """The rules chosen by `select` (all when empty) less those matched by `ignore`."""
    check_selectors(rules, list(select or []), "select")
    check_selectors(rules, list(ignore or []), "ignore")
    chosen = list(rules)
    if select:
        chosen = [r for r in chosen if any(matches(r, s) for s in select)]
    if ignore:
        chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    return chosen
