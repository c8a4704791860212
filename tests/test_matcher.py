"""The durable_rules behaviours the engine relies on (engine/durable/matcher.py's docstring).

durable-rules is pinned and driven through its C module: these tests say
what an upgrade must keep, on hand-written rule definitions, independent
of the compiler.
"""
from __future__ import annotations

import ast
import itertools
import json
from pathlib import Path

import pytest

from shequn.durable.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent

# Every session's first fact matches `seen`: durable 2.0.28 can corrupt its heap
# when the first fact asserted on a ruleset matches no rule (engine/durable/program.py).
DEFINITIONS = {
    "seen": {"all": [{"m": {"kind": "community"}}]},
    "more-than-5": {"all": [{"m": {"$gt": {"n": 5}}}]},
    "less-than-10": {"all": [{"m": {"$lt": {"n": 10}}}]},
    "more-than-100": {"all": [{"m": {"$gt": {"n": 100}}}]},
    "marked-once": {"all": [{"m": {"$and": [{"kind": "marker"}, {"step": 1}]}}]},
    "marked-twice": {"all": [{"m": {"$and": [{"kind": "marker"}, {"step": 2}]}}]},
}


def community(n: float):
    """facts_json for Matcher.run: one community fact with property n."""
    return lambda sid: json.dumps([{"sid": sid, "id": "c", "kind": "community", "n": n}])


def marker(sid: str, step: int) -> str:
    return json.dumps({"sid": sid, "id": f"m{step}", "kind": "marker", "step": step})


def no_chain(name: str, sid: str) -> list[str]:
    return []


def mark_after(trigger: str):
    """chain for Matcher.run: `trigger` asserts marker 1, marker 1 asserts marker 2."""
    def chain(name: str, sid: str) -> list[str]:
        return {trigger: [marker(sid, 1)], "marked-once": [marker(sid, 2)]}.get(name, [])
    return chain


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.for_definitions(DEFINITIONS)


@pytest.mark.parametrize("n, fired", [
    (7, {"seen", "more-than-5", "less-than-10"}),
    (50, {"seen", "more-than-5"}),
    (3, {"seen", "less-than-10"}),
    (500, {"seen", "more-than-5", "more-than-100"}),
])
def test_a_fact_is_matched_by_every_rule_whose_condition_holds(matcher, n, fired):
    got = matcher.run(community(n), no_chain)
    assert sorted(got) == sorted(fired)                  # each once: a fact, not an event consumed by one rule


def test_asserting_during_an_action_chains_further_rules(matcher):
    fired = matcher.run(community(7), mark_after("more-than-5"))
    assert {"marked-once", "marked-twice"} <= set(fired)
    assert fired.index("more-than-5") < fired.index("marked-once") < fired.index("marked-twice")


def test_no_chain_without_the_trigger(matcher):
    fired = matcher.run(community(3), mark_after("more-than-5"))
    assert "marked-once" not in fired and "marked-twice" not in fired


def test_delete_state_leaves_nothing_for_the_next_session(monkeypatch):
    """Even under the same session id, a session sees nothing the previous one asserted."""
    own = Matcher(json.dumps(DEFINITIONS, sort_keys=True) + " ")         # not the shared one: its ids are changed
    monkeypatch.setattr(own, "_sids", itertools.repeat(1))
    assert "marked-twice" in own.run(community(7), mark_after("more-than-5"))
    assert sorted(own.run(community(3), no_chain)) == ["less-than-10", "seen"]     # no marker, no n = 7 left


def rss_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def test_many_sessions_do_not_accumulate(matcher):
    """durable keeps at most 1024 live sessions per ruleset (MemoryError after that): every run must
    free its own. Memory is measured loosely, not timed."""
    chain = mark_after("more-than-5")
    for _ in range(1000):
        matcher.run(community(7), chain)
    before = rss_bytes()
    for i in range(20_000):
        fired = matcher.run(community(3 if i % 2 else 7), chain)
    assert "marked-once" not in fired                         # the last one (n = 3) saw no earlier marker
    after = rss_bytes()
    if before is not None and after is not None:
        assert after - before < 32 * 2**20, f"RSS grew by {(after - before) / 2**20:.1f} MiB over 20,000 sessions"


def test_identical_definitions_share_one_matcher():
    reordered = dict(reversed(list(DEFINITIONS.items())))
    assert Matcher.for_definitions(reordered) is Matcher.for_definitions(DEFINITIONS)
    other = {**DEFINITIONS, "more-than-1000": {"all": [{"m": {"$gt": {"n": 1000}}}]}}
    assert Matcher.for_definitions(other) is not Matcher.for_definitions(DEFINITIONS)


def test_engines_with_the_same_rules_share_their_matcher():
    from shequn.diagnose.engine import Engine

    mini = ROOT / "tests" / "data" / "mini.yaml"
    assert Engine([mini], builtin=False)._matcher is Engine([mini], builtin=False)._matcher


def calls_named(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and
            (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)]


def test_delete_ruleset_is_never_called():
    """In 2.0.28 it corrupts the heap after a few hundred rulesets; matchers are shared instead."""
    calls = {str(p.relative_to(ROOT)): lines for folder in ("engine", "facts", "cli")
             for p in sorted((ROOT / folder).rglob("*.py")) if (lines := calls_named(p, "delete_ruleset"))}
    assert calls == {}


def test_the_delete_ruleset_check_sees_a_call(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text("import durable_rules_engine as dr\ndr.delete_ruleset(handle)\n", encoding="utf-8")
    assert calls_named(path, "delete_ruleset") == [2]


# --- cleanup on every path: durable_rules refuses every evaluation (MemoryError)
# once about 1,024 sessions are alive, so 2,000 leaked sessions would show it

class _Rejecting:
    """durable_rules_engine whose assert_facts makes the session (its actions run out:
    deleting a state with actions never started crashes durable 2.0.28), then raises `exc`."""

    def __init__(self, real, exc: BaseException) -> None:
        self._real, self._exc = real, exc

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def assert_facts(self, handle: int, facts: str):
        _, state = self._real.assert_facts(handle, facts)
        if self._real.start_action_for_state(handle, state):
            while self._real.complete_and_start_action(handle, state):
                pass
        raise self._exc


@pytest.mark.parametrize("exc", ["rejected", "interrupt"])
def test_a_session_is_deleted_when_the_assert_raises(matcher: Matcher, monkeypatch, exc: str) -> None:
    import shequn.durable.matcher as module

    real = module._dr
    error = real.error("303") if exc == "rejected" else KeyboardInterrupt()
    monkeypatch.setattr(module, "_dr", _Rejecting(real, error))
    for _ in range(2000):
        with pytest.raises((module.MatcherError, KeyboardInterrupt)):
            matcher.run(community(7), no_chain)
    monkeypatch.setattr(module, "_dr", real)
    assert set(matcher.run(community(7), no_chain)) == {"seen", "more-than-5", "less-than-10"}


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_a_session_is_deleted_when_the_chain_raises(matcher: Matcher, exc: type[BaseException]) -> None:
    def chain(name: str, sid: str) -> list[str]:
        raise exc()

    for _ in range(2000):
        with pytest.raises(exc):
            matcher.run(community(7), chain)
    assert set(matcher.run(community(7), no_chain)) == {"seen", "more-than-5", "less-than-10"}


# --- one long-lived session, emptied after every evaluation

def test_a_batch_whose_last_fact_matches_nothing_still_fires(matcher):
    """durable answers "not handled" for such a batch; the community's rules fired all the same."""
    def facts(sid: str) -> str:
        return json.dumps([{"sid": sid, "id": "c", "kind": "community", "n": 7},
                           {"sid": sid, "id": "x", "kind": "read by no rule"}])
    assert set(matcher.run(facts, no_chain)) == {"seen", "more-than-5", "less-than-10"}


def test_the_session_is_reused_and_nothing_is_left_in_it():
    own = Matcher(json.dumps(DEFINITIONS, sort_keys=True) + "  ")
    chain = mark_after("more-than-5")
    for i in range(500):
        n = (3, 7, 50)[i % 3]
        fired = own.run(community(n), chain)
        expected = {3: {"seen", "less-than-10"}, 7: {"seen", "more-than-5", "less-than-10", "marked-once", "marked-twice"},
                    50: {"seen", "more-than-5", "marked-once", "marked-twice"}}[n]
        assert set(fired) == expected and len(fired) == len(expected)     # nothing fired twice, nothing stale
    assert own.sessions == 1
    import durable_rules_engine
    assert durable_rules_engine.get_facts(own._handle, "1") == "[]"        # empty between evaluations


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_a_failed_evaluation_drops_its_session_and_the_next_one_is_clean(exc: type[BaseException]) -> None:
    own = Matcher(json.dumps(DEFINITIONS, sort_keys=True) + "   ")

    def chain(name: str, sid: str) -> list[str]:
        if name == "marked-once":
            raise exc()                           # half-way: the community and a marker are asserted
        return mark_after("more-than-5")(name, sid)

    assert set(own.run(community(50), no_chain)) == {"seen", "more-than-5"}
    with pytest.raises(exc):
        own.run(community(7), chain)
    assert own.sessions == 0                      # dropped, not put back
    assert sorted(own.run(community(3), mark_after("more-than-5"))) == ["less-than-10", "seen"]
    assert own.sessions == 1


def test_threads_sharing_a_matcher_see_only_their_own_facts(matcher):
    from concurrent.futures import ThreadPoolExecutor

    expected = {3: {"seen", "less-than-10"}, 7: {"seen", "more-than-5", "less-than-10"}, 500: {"seen", "more-than-5", "more-than-100"}}
    ns = [(3, 7, 500)[i % 3] for i in range(3000)]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda n: (n, set(matcher.run(community(n), no_chain))), ns))
    assert all(fired == expected[n] for n, fired in got)
    assert matcher.sessions == 1


def test_memory_stays_flat_over_failed_evaluations(matcher, monkeypatch):
    """Rejected facts and interrupts each cost a session, which is deleted: RSS does not grow with them."""
    import shequn.durable.matcher as module

    real = module._dr
    for _ in range(500):                           # warm up the allocator
        matcher.run(community(7), no_chain)
    before = rss_bytes()
    for i in range(6000):
        monkeypatch.setattr(module, "_dr", _Rejecting(real, real.error("303") if i % 2 else KeyboardInterrupt()))
        with pytest.raises((module.MatcherError, KeyboardInterrupt)):
            matcher.run(community(7), no_chain)
        monkeypatch.setattr(module, "_dr", real)
        assert set(matcher.run(community(3), no_chain)) == {"seen", "less-than-10"}
    after = rss_bytes()
    if before is not None and after is not None:
        assert after - before < 16 * 2**20, f"RSS grew by {(after - before) / 2**20:.1f} MiB over 6,000 failures"
