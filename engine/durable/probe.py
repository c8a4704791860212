"""Evaluate one rule's own condition on one set of facts, through durable_rules.

This is how a rule's `examples` are run (`make test`, `shequn rules test`):
the condition is compiled alone, exactly as the Engine compiles it, without
the stage guard of stage actions. An example of a rule that reads
`stage.current` gives it as `stage: {current: N}`.
"""
from __future__ import annotations

import copy
import threading
from typing import Any

from shequn.facts.loader import validate_facts

from shequn.lang import ast
from shequn.lang.rewrite import substitute
from shequn.durable.matcher import Matcher
from shequn.durable.program import _Builder, _outcome_rules, decided, encode_facts
from shequn.rules.ruleset import Rule

VIOLATED, PASSED, NOT_EVALUATED = "violated", "passed", "not_evaluated"


def example_facts(example: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Split an example into a facts mapping (named if it has no name) and its stage.current."""
    data = copy.deepcopy(example) if isinstance(example, dict) else {}
    stage = data.pop("stage", None)
    current = stage.get("current") if isinstance(stage, dict) else None
    community = data.setdefault("community", {})
    if isinstance(community, dict):
        community.setdefault("name", "example")
    return data, current


class Probe:
    """Compiles single conditions on demand and caches them."""

    def __init__(self):
        self._cache: dict[tuple[str, int | None], Matcher] = {}
        self._lock = threading.Lock()

    def _matcher(self, rule: Rule, current: int | None) -> tuple[Matcher, str]:
        key = (rule.id + "\0" + rule.when, current)
        with self._lock:
            if key not in self._cache:
                node = rule.condition
                if "stage.current" in ast.names(node):
                    node = substitute(node, {"stage.current": current if current is not None else (rule.stage or 1)})
                b = _Builder([rule])
                _outcome_rules(b, 0, node, None, "")
                program = b.build()
                self._cache[key] = (Matcher.for_definitions(program.definitions), program.bucket_json)
            return self._cache[key]

    def outcome(self, rule: Rule, example: dict[str, Any]) -> str:
        """violated, passed or not_evaluated; raises FactsError for invalid example facts."""
        data, current = example_facts(example)
        facts = validate_facts(data, f"example of {rule.id}")
        flat = facts.flat()
        matcher, bucket = self._matcher(rule, current)
        encoded = encode_facts(flat)

        def payload(sid: str) -> str:
            return f'[{{"sid":"{sid}","id":"c",{bucket}' + (f",{encoded}" if encoded else "") + "}]"

        kinds = {name.split(":", 1)[1][0] for name in matcher.run(payload, lambda name, sid: []) if ":" in name}
        if "T" in kinds:
            return VIOLATED
        if "P" in kinds:
            return PASSED
        return PASSED if decided(rule, flat) else NOT_EVALUATED
