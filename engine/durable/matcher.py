"""The one module that talks to durable_rules' C matcher.

We drive `durable_rules_engine` directly rather than through `durable.lang`:
the Python host serialises the whole state into JSON and builds a closure for
every fired action (~14 µs each), while here a fired rule costs one call that
returns its name. Pinned to durable-rules 2.0.28 (pyproject); the behaviours
relied on are tested in tests/test_matcher.py:

- a fact is matched by every rule whose condition holds (facts, not events);
- asserting during an action, then completing it, chains further rules;
- `delete_state(sid)` frees everything a session asserted.

`delete_ruleset` is never called: in 2.0.28 it corrupts the heap (creating,
using and deleting a few hundred rulesets ends in "munmap_chunk(): invalid
pointer"). Compiled rulesets are therefore shared: `Matcher.for_definitions`
returns the one matcher of identical definitions, so creating Engines again
and again with the same rules does not grow memory.
"""
from __future__ import annotations

import itertools
import json
import threading
from typing import Any, Callable, Iterable, Protocol

import durable_rules_engine  # type: ignore[import-not-found]  # a C module without stubs: typed by _Durable

from shequn.errors import InternalError


class _Durable(Protocol):
    """The part of durable_rules_engine used here (handles are ints, facts and messages JSON text)."""
    error: type[Exception]

    def create_ruleset(self, name: str, definitions: str) -> int: ...
    def assert_facts(self, handle: int, facts: str) -> tuple[int, int]: ...      # (result code, state handle)
    def assert_fact(self, handle: int, fact: str) -> tuple[int, int]: ...
    def start_action_for_state(self, handle: int, state: int) -> tuple[str, str] | None: ...   # (state, message)
    def complete_and_start_action(self, handle: int, state: int) -> str | None: ...           # the next message
    def delete_state(self, handle: int, sid: str) -> None: ...


_dr: _Durable = durable_rules_engine

_NAMES = itertools.count(1)
_SHARED: dict[str, "Matcher"] = {}
_SHARED_LOCK = threading.Lock()

# result codes of assert_* (durable rules.h)
_OK, _NOT_HANDLED, _OBSERVED = 0, 1, 2


class MatcherError(InternalError):
    """durable_rules refused a ruleset or a fact (a bug in shequn, not in the input)."""

    code = "matcher"


class Matcher:
    """A compiled durable_rules ruleset; `run` matches one session at a time."""

    def __init__(self, text: str) -> None:
        self.name = f"shequn-{next(_NAMES)}"          # ruleset names are global in the C module
        try:
            self._handle = _dr.create_ruleset(self.name, text)
        except _dr.error as exc:
            raise MatcherError(f"durable_rules rejected the compiled rules: {exc}") from None
        self._lock = threading.Lock()                  # one session at a time per handle
        self._sids = itertools.count(1)

    @classmethod
    def for_definitions(cls, definitions: dict[str, dict[str, Any]]) -> "Matcher":
        """The shared matcher for these durable rule definitions, compiled on first use."""
        text = json.dumps(definitions, ensure_ascii=False, sort_keys=True)
        with _SHARED_LOCK:
            matcher = _SHARED.get(text)
            if matcher is None:
                matcher = _SHARED[text] = cls(text)
            return matcher

    def run(self, facts_json: Callable[[str], str], chain: Callable[[str, str], Iterable[str]]) -> list[str]:
        """Assert the facts of one session and return the names of the rules that fired.

        `facts_json(sid)` gives the JSON list of facts to assert; `chain(name, sid)`
        gives further facts (JSON) to assert when rule `name` fires.
        """
        with self._lock:
            sid = str(next(self._sids))
            handle = self._handle
            # the session is deleted whatever is raised, an interrupt or a rejected assert
            # included: every leaked session keeps megabytes, and durable_rules refuses
            # every evaluation once about a thousand are alive
            pending: list[int] = []         # the state handle while its actions are not started
            try:
                return self._fire(handle, sid, facts_json, chain, pending)
            finally:
                self._delete(handle, sid, pending)

    @staticmethod
    def _fire(handle: int, sid: str, facts_json: Callable[[str], str],
              chain: Callable[[str, str], Iterable[str]], pending: list[int]) -> list[str]:
        try:
            code, state = _dr.assert_facts(handle, facts_json(sid))
        except _dr.error as exc:
            raise MatcherError(f"durable_rules rejected the facts: {exc}") from None
        fired: list[str] = []
        if code != _OK:
            return fired
        pending.append(state)
        result = _dr.start_action_for_state(handle, state)
        pending.clear()
        message = result[1] if result else None
        while message:
            name = message[2:message.index('"', 2)]     # '{"<rule name>": {...}}'
            fired.append(name)
            for fact in chain(name, sid):
                _dr.assert_fact(handle, fact)
            message = _dr.complete_and_start_action(handle, state)
        return fired

    @staticmethod
    def _delete(handle: int, sid: str, pending: list[int]) -> None:
        try:
            if pending:     # deleting a state whose actions were never started crashes 2.0.28: run them out
                result = _dr.start_action_for_state(handle, pending[0])
                while result and _dr.complete_and_start_action(handle, pending[0]):
                    pass
            _dr.delete_state(handle, sid)
        except _dr.error:
            pass        # no state was made (the assert was refused first): nothing to free
