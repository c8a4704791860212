"""How much compiled durable_rules memory one process keeps, and the one way to get a compiled matcher.

durable_rules' `delete_ruleset` corrupts the heap (durable/matcher.py), so a compiled ruleset is
never freed: identical definitions share one matcher (reuse by content), and every distinct one
stays for the life of the process. Without a bound, an app that builds Engines from its users'
rulesets grows without end. Each distinct ruleset is charged what it costs in durable_rules'
memory, estimated from its compiled text (measured: about 64 kB a ruleset plus 64 bytes a
character of its definitions; the built-in rulesets, 65,000 characters, take about 4 MB), and
compiling one more past the budget is refused with `CompiledRulesetsError` before durable
allocates anything. The budget is 512 MB (about 120 rulesets the size of the built-in ones, or
5,000 single rules compiled alone for their examples), or SHEQUN_COMPILED_MB. docs/security.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import Any

from shequn.errors import ConfigError, CompiledRulesetsError
from shequn.durable.matcher import Matcher

DEFAULT_BUDGET_MB = 512
FIXED_BYTES = 64_000            # per compiled ruleset, whatever its size
BYTES_PER_CHARACTER = 64        # per character of its definitions as JSON

_lock = threading.Lock()
_kept: set[str] = set()         # content hashes of the distinct definitions compiled so far
_used = 0                       # their estimated bytes


def budget_bytes() -> int:
    """The budget: SHEQUN_COMPILED_MB megabytes when set, else 512 MB."""
    raw = os.environ.get("SHEQUN_COMPILED_MB")
    if raw is None or not raw.strip():
        return DEFAULT_BUDGET_MB * 1_000_000
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"SHEQUN_COMPILED_MB must be a whole number of megabytes above 0, not {raw!r}")
    return value * 1_000_000


def cost(text: str) -> int:
    """The estimated bytes durable_rules keeps for definitions of this JSON text."""
    return FIXED_BYTES + BYTES_PER_CHARACTER * len(text)


def used_bytes() -> int:
    """What the distinct compiled rulesets of this process are estimated to keep."""
    return _used


def compiled(definitions: dict[str, dict[str, Any]]) -> Matcher:
    """The shared matcher of these definitions; compiling a new one past the budget raises
    CompiledRulesetsError (an identical ruleset is always shared, never charged twice)."""
    global _used
    text = json.dumps(definitions, ensure_ascii=False, sort_keys=True)     # as Matcher.for_definitions keys them
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _lock:
        if key in _kept:
            return Matcher.for_definitions(definitions)
        charge, budget = cost(text), budget_bytes()
        if _used + charge > budget:
            raise CompiledRulesetsError(
                f"this process already keeps {len(_kept)} distinct compiled rulesets (about {_used // 1_000_000} MB, "
                f"never freed: durable_rules cannot delete one safely); one more of about {charge // 1_000_000 or 1} MB "
                f"would pass the budget of {budget // 1_000_000} MB (SHEQUN_COMPILED_MB). Reuse Engines for the same "
                "rules, or give each tenant's rules a worker process that is recycled")
        matcher = Matcher.for_definitions(definitions)
        _kept.add(key)
        _used += charge
        return matcher
