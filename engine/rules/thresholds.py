"""Setting shequn's own thresholds for a project.

A rule names the numbers of its condition (`thresholds:`), each given by the
article or shequn's own reading of it. A consultant who knows a client's
market better may set shequn's own ones, by `RULE.name`:

    Engine(thresholds={"ST201.active_floor": 0.15})
    # shequn.yaml
    thresholds:
      ST201.active_floor: 0.15

The numbers an article gives cannot be changed: they are what the article says.
"""
from __future__ import annotations

import difflib
import math
from typing import Mapping

from shequn.errors import ConfigError
from shequn.lang import ast
from shequn.lang.parser import parse
from shequn.lang.rewrite import replace_number
from shequn.rules.ruleset import Rule, Threshold


def settable(rules: list[Rule]) -> dict[str, tuple[Rule, str, Threshold]]:
    """Every threshold a project may set: `RULE.name` -> (rule, name, threshold)."""
    return {f"{r.id}.{name}": (r, name, t) for r in rules for name, t in r.thresholds.items()}


def apply_thresholds(rules: list[Rule], overrides: Mapping[str, float] | None) -> list[Rule]:
    """The rules with the project's values of shequn's own thresholds; raises ConfigError naming
    every setting that is unknown, given by an article, or not a number."""
    if not overrides:
        return rules
    known = settable(rules)
    problems: list[str] = []
    changed: dict[str, dict[str, float]] = {}
    for key, value in overrides.items():
        found = known.get(key)
        if found is None:
            near = difflib.get_close_matches(key, list(known), n=1)
            problems.append(f"thresholds: '{key}' is no threshold of a rule" + (f" (did you mean '{near[0]}'?)" if near else ""))
            continue
        rule, name, threshold = found
        twin = next((n for n, t in rule.thresholds.items() if n != name and t.value == threshold.value), None)
        if threshold.source == "article":
            problems.append(f"thresholds: '{key}' is given by the article ({threshold.value:g}); only shequn's own "
                            "thresholds can be set")
        elif twin is not None:
            # a condition's numbers are replaced by value: setting this one would move the other too
            problems.append(f"thresholds: '{key}' cannot be set apart: its number ({threshold.value:g}) is also the "
                            f"rule's '{twin}'")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            problems.append(f"thresholds: '{key}' must be a number >= 0, not {value!r}")
        else:
            changed.setdefault(rule.id, {})[name] = float(value)
    if problems:
        raise ConfigError("\n".join(problems))
    return [_with(rule, changed[rule.id]) if rule.id in changed else rule for rule in rules]


def _with(rule: Rule, values: dict[str, float]) -> Rule:
    """A copy of the rule whose conditions read the new values."""
    when, applies = rule.condition, rule.applicability
    thresholds = dict(rule.thresholds)
    for name, new in values.items():
        old = rule.thresholds[name].value
        when = replace_number(when, old, new)
        applies = replace_number(applies, old, new) if applies is not None else None
        thresholds[name] = thresholds[name].model_copy(update={"value": new})
    copy = rule.model_copy(update={"when": str(when), "applies": str(applies) if applies is not None else None,
                                   "thresholds": thresholds})
    copy.set_condition(parse(str(when)), parse(str(applies)) if applies is not None else None)
    return copy


def compared_fact(rule: Rule, value: float) -> str | None:
    """The fact a number of the rule is compared with (`size.active_share_7d < 0.1`), if it is one fact."""
    def search(node: ast.Expr) -> str | None:
        if isinstance(node, ast.Compare):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if not (isinstance(other, ast.Literal) and not isinstance(other.value, bool) and other.value == value):
                    continue
                if isinstance(side, ast.Name):
                    return side.name
                if isinstance(side, ast.Arith) and side.op in "+-":     # a sum of shares is a share
                    return ast.names(side)[0]
        return next((found for c in ast.children(node) if (found := search(c)) is not None), None)

    for condition in (rule.condition, rule.applicability):
        found = search(condition) if condition is not None else None
        if found is not None:
            return found
    return None
