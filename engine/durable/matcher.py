"""The one module that talks to durable_rules' C matcher.

We drive `durable_rules_engine` directly rather than through `durable.lang`:
the Python host serialises the whole state into JSON and builds a closure for
every fired action (~14 µs each), while here a fired rule costs one call that
returns its name. Pinned to durable-rules 2.0.28 (pyproject); the behaviours
relied on are tested in tests/test_matcher.py:

- a fact is matched by every rule whose condition holds (facts, not events);
- asserting during an action, then completing it, chains further rules;
- retracting every fact an evaluation asserted leaves its session as it
  was, so one session serves evaluation after evaluation;
- `delete_state(sid)` frees everything a session asserted (done when an
  evaluation fails half-way, whatever was raised);
- a batch whose last fact matches no rule returns "not handled", though
  the other facts fired rules as usual.

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
    def retract_facts(self, handle: int, facts: str) -> tuple[int, int]: ...


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
        self._lock = threading.Lock()                  # the C module is not thread-safe: one evaluation at a time per handle
        self._sids = itertools.count(1)
        self._free: list[str] = []                     # clean sessions, reused by whichever thread comes next

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
        """Assert the facts of one evaluation and return the names of the rules that fired.

        `facts_json(sid)` gives the JSON list of facts to assert; `chain(name, sid)`
        gives further facts (JSON) to assert when rule `name` fires.

        Sessions are long-lived: creating and deleting one costs more than the
        matching itself (about 1 µs per compiled rule). After its outcome is
        read, every fact the evaluation asserted is retracted, so the session is
        empty again and goes back to the pool. When anything is raised instead,
        an interrupt or a rejected fact included, the session is deleted and
        never reused: the next evaluation starts on a new one.
        """
        with self._lock:
            sid = self._free.pop() if self._free else str(next(self._sids))
            handle = self._handle
            asserted: list[str] = []       # every JSON text asserted, to retract
            pending: list[int] = []        # the state handle while its actions are not started
            try:
                fired = self._fire(handle, sid, facts_json, chain, pending, asserted)
                self._retract(handle, asserted)
            except BaseException:
                # every leaked session keeps megabytes, and durable_rules refuses
                # every evaluation once about a thousand are alive
                self._delete(handle, sid, pending)
                raise
            self._free.append(sid)
            return fired

    @property
    def sessions(self) -> int:
        """Sessions kept for reuse (each is empty between evaluations)."""
        return len(self._free)

    @staticmethod
    def _fire(handle: int, sid: str, facts_json: Callable[[str], str],
              chain: Callable[[str, str], Iterable[str]], pending: list[int], asserted: list[str]) -> list[str]:
        first = facts_json(sid)
        asserted.append(first)
        try:
            code, state = _dr.assert_facts(handle, first)
        except _dr.error as exc:
            raise MatcherError(f"durable_rules rejected the facts: {exc}") from None
        if code == _OBSERVED:           # a fact of the same id is still there: the session is not clean
            raise MatcherError("durable_rules already held a fact of this evaluation")
        # _NOT_HANDLED only says that some fact matched no rule (a marker no rule
        # reads, say): the others may have fired, so their actions are read as usual
        fired: list[str] = []
        pending.append(state)
        result = _dr.start_action_for_state(handle, state)
        pending.clear()
        message = result[1] if result else None
        complete = _dr.complete_and_start_action
        while message:
            name = message[2:message.index('"', 2)]     # '{"<rule name>": {...}}'
            fired.append(name)
            more = chain(name, sid)
            for fact in more:
                asserted.append(fact)
                try:
                    _dr.assert_fact(handle, fact)
                except _dr.error as exc:
                    raise MatcherError(f"durable_rules rejected a chained fact: {exc}") from None
            message = complete(handle, state)
        return fired

    @staticmethod
    def _retract(handle: int, asserted: list[str]) -> None:
        """Retract what one evaluation asserted (its first facts are a JSON list, the chained ones single facts)."""
        text = asserted[0] if len(asserted) == 1 else asserted[0][:-1] + "," + ",".join(asserted[1:]) + "]"
        try:
            code, _ = _dr.retract_facts(handle, text)
        except _dr.error as exc:
            raise MatcherError(f"durable_rules could not retract the facts: {exc}") from None
        if code not in (_OK, _NOT_HANDLED):
            raise MatcherError(f"durable_rules could not retract the facts (code {code})")

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
