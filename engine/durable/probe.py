"""Evaluate one rule's own condition on one set of facts, through durable_rules.

This is how a rule's `examples` are run (`make test`, `shequn rules test`):
the condition is compiled alone, exactly as the Engine compiles it, without
the stage guard of stage actions. An example of a rule that reads
`stage.current` or `stage.at_most` gives it as `stage: {current: N}` or
`stage: {at_most: N}`.
"""
from __future__ import annotations

import copy
import threading
from typing import Any

from shequn.facts.loader import validate_facts

from shequn.durable.budget import compiled
from shequn.durable.matcher import Matcher, MatcherError
from shequn.errors import RuleLimitError
from shequn.durable.program import Program, community_json, compile_single
from shequn.durable.verdicts import verdict_alone
from shequn.rules.ruleset import Rule
from shequn.rules.verdict import Verdict


def example_facts(example: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Split an example into a facts mapping (named if it has no name) and its inferred stage
    (`stage: {current: N}` or `{at_most: N}`: a rule reads one of them)."""
    data = copy.deepcopy(example) if isinstance(example, dict) else {}
    stage = data.pop("stage", None)
    current = (stage.get("current", stage.get("at_most"))) if isinstance(stage, dict) else None
    community = data.setdefault("community", {})
    if isinstance(community, dict):
        community.setdefault("name", "example")
    return data, current


class Probe:
    """Compiles single conditions on demand and caches them."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | None], tuple[Matcher, Program]] = {}
        self._lock = threading.Lock()

    def _compiled(self, rule: Rule, current: int | None) -> tuple[Matcher, Program]:
        key = ("\0".join([rule.id, rule.when, rule.applies or ""]), current)
        with self._lock:
            if key not in self._cache:
                program = compile_single(rule, current)
                try:
                    self._cache[key] = (compiled(program.definitions), program)
                except MatcherError as exc:      # input a user wrote: never an internal error
                    raise RuleLimitError(f"durable_rules refused the compiled condition: {exc.args[0] if exc.args else exc}; "
                                         "see the limits in docs/security.md", file=rule.file or None,
                                         line=rule.line or None, rule=rule.id) from None
            return self._cache[key]

    def outcome(self, rule: Rule, example: dict[str, Any]) -> Verdict:
        """violated, passed or not_evaluated; raises FactsError for invalid example facts."""
        data, current = example_facts(example)
        facts = validate_facts(data, f"example of {rule.id}")
        flat = facts.flat()
        matcher, program = self._compiled(rule, current)
        encoded, bucket = program.encode(flat), program.bucket_json
        fired = matcher.run(lambda sid: f"[{community_json(sid, bucket, encoded)}]", lambda name, sid: [])
        return verdict_alone(program, fired, flat)
