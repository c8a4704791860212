"""The closed sets a rule is described with: kinds, severities, dimensions.

Kept apart from the ruleset loader so the command line can offer them as
choices without loading pydantic models and the condition language.
"""
from __future__ import annotations

from typing import Literal, get_args

Kind = Literal["minefield", "practice", "stage"]
Severity = Literal["critical", "warning", "info"]
Dimension = Literal["positioning", "traffic", "governance", "leadership", "content", "engagement",
                    "activities", "retention", "conversion", "scale"]
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
SEVERITIES: tuple[str, ...] = get_args(Severity)
SEVERITY_ORDER: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}     # most severe first: sort key
KINDS: tuple[str, ...] = get_args(Kind)
