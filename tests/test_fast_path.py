"""The fast engine gives the reports of the slow one, and its verdicts expand to them.

The slow path here is how every evaluation used to be driven: a durable
session created for the community and deleted after it. The fast path keeps
one session and retracts the community's facts (durable/matcher.py). Both
run on every example in facts/examples and on generated communities, in one
thread and in many sharing one Engine; `detail="verdicts"` expanded with
`engine.report` must give the same report again.
"""
from __future__ import annotations

import datetime as _dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import durable_rules_engine
import shequn
from shequn.durable.matcher import Matcher
from shequn.facts.loader import FactsError, load_facts, validate_facts
from shequn.facts.vocabulary import CHANNELS, FACTS
from shequn.report.verdicts import Verdicts

from support import examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))
TODAY = _dt.date(2024, 6, 1)


class FreshSessions(Matcher):
    """The matcher as it was driven before: a new session for every evaluation, deleted afterwards."""

    def run(self, facts_json, chain):  # type: ignore[no-untyped-def]
        fired = super().run(facts_json, chain)
        with self._lock:
            sid = self._free.pop()
            durable_rules_engine.delete_state(self._handle, sid)
        return fired


@pytest.fixture(scope="module")
def engines() -> tuple[shequn.Engine, shequn.Engine]:
    fast, slow = shequn.Engine(), shequn.Engine()
    slow._matcher = FreshSessions(json.dumps(slow._program.definitions, ensure_ascii=False, sort_keys=True))
    return fast, slow


def dump(report: Any) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


@st.composite
def communities(draw: Any) -> dict[str, Any]:
    """Any valid community: each fact known or not, values at and around what rules compare with."""
    data: dict[str, Any] = {"community": {"name": draw(st.sampled_from(["g", "读书会", "a group"]))}}
    for fact in FACTS:
        if fact.derived or "." in fact.key or fact.name == "community.name" or draw(st.booleans()):
            continue
        if fact.kind == "bool":
            value: Any = draw(st.booleans())
        elif fact.kind == "count":
            value = draw(st.integers(1 if fact.name == "community.groups" else 0, 3000))
        elif fact.kind in ("number", "amount"):
            value = draw(st.integers(0, 5000)) / 10
        elif fact.kind == "share":
            value = draw(st.integers(0, 100)) / 100
        elif fact.kind == "stage":
            value = draw(st.integers(1, 5))
        elif fact.kind == "enum":
            value = draw(st.sampled_from(fact.values))
        elif fact.kind == "enumlist":
            value = draw(st.lists(st.sampled_from(fact.values), unique=True))
        else:
            value = draw(st.sampled_from(["", "for parents who read"]))
        data.setdefault(fact.section, {})[fact.key] = value
    size = data.get("size", {})
    for key in ("active_members_7d", "paying_members"):
        if key in size and "members" in size:
            size[key] = min(size[key], size["members"])
    if draw(st.booleans()):
        parts = draw(st.lists(st.integers(0, 10), min_size=len(CHANNELS), max_size=len(CHANNELS)))
        total = sum(parts) or 1
        data.setdefault("traffic", {})["source_shares"] = {c: p / total for c, p in zip(CHANNELS, parts) if p or draw(st.booleans())}
    if draw(st.integers(0, 4)) == 0:
        data["waivers"] = [{"rule": draw(st.sampled_from(["PS142", "NM101", "SA161", "XX999"])), "reason": "accepted",
                            **({"expires": "2024-01-01"} if draw(st.booleans()) else {})}]
    return data


def check_one(fast: shequn.Engine, slow: shequn.Engine, facts: Any) -> None:
    report = fast.evaluate(facts, today=TODAY)
    assert dump(report) == dump(slow.evaluate(facts, today=TODAY))
    verdicts = fast.evaluate(facts, today=TODAY, detail="verdicts")
    assert dump(fast.report(verdicts, today=TODAY)) == dump(report)
    # what the verdicts say is what the report says
    assert verdicts.score == report.summary.score and verdicts.coverage == report.summary.coverage
    assert (verdicts.stage.current, verdicts.stage.at_most) == (report.stage.current, report.stage.at_most)
    assert verdicts.plan == [p.rule for p in report.plan]
    assert verdicts.not_applicable == report.not_applicable
    assert [(u.rule, u.missing) for u in verdicts.not_evaluated] == [(n.rule, n.missing) for n in report.not_evaluated]
    violated = {v.rule: v for v in verdicts.violated}
    for f in report.findings:
        assert violated[f.rule].evidence == f.evidence and violated[f.rule].waived == (f.status == "waived")
        assert all(r.rule in violated for r in f.related)
    assert {a.rule for a in report.actions} <= set(violated)
    roles = {role: [v.rule for v in verdicts.violated if v.role == role] for role in ("finding", "related", "action")}
    assert sorted(roles["finding"]) == sorted(f.rule for f in report.findings)
    assert sorted(roles["related"]) == sorted(r.rule for f in report.findings for r in f.related)
    assert set(roles["action"]) >= {a.rule for a in report.actions if not a.blocker}
    assert sum(map(len, roles.values())) == len(verdicts.violated)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_reported_as_by_the_slow_path(engines, path):
    check_one(*engines, load_facts(path))


@settings(max_examples=examples(60))
@given(data=communities())
def test_generated_communities_are_reported_as_by_the_slow_path(engines, data):
    check_one(*engines, data)


def test_threads_sharing_one_engine_get_the_reports_of_one_thread(engines):
    fast, slow = engines
    items = [load_facts(p) for p in EXAMPLES] * 6
    expected = [dump(slow.evaluate(f, today=TODAY)) for f in items]
    with ThreadPoolExecutor(6) as pool:
        reports = list(pool.map(lambda f: dump(fast.evaluate(f, today=TODAY)), items))
        verdicts = list(pool.map(lambda f: fast.evaluate(f, today=TODAY, detail="verdicts"), items))
    assert reports == expected
    assert [dump(fast.report(v, today=TODAY)) for v in verdicts] == expected
    assert fast._matcher.sessions <= 6                 # at most one kept per thread that ran at once


def test_a_verdict_stream_yields_errors_in_place():
    engine = shequn.Engine()
    items = [{"community": {"name": "a"}}, {"community": {"name": "b"}, "size": {"members": "many"}},
             {"community": {"name": "c"}}]
    got = list(engine.evaluate_many(items, on_error="yield", detail="verdicts"))
    assert isinstance(got[0], Verdicts) and isinstance(got[1], FactsError) and isinstance(got[2], Verdicts)
    assert [g.community for g in got if isinstance(g, Verdicts)] == ["a", "c"]
    assert [v.community for v in engine.evaluate_many(items, on_error="skip", detail="verdicts")] == ["a", "c"]
    with pytest.raises(FactsError):
        list(engine.evaluate_many(items, detail="verdicts"))
    with pytest.raises(ValueError):
        list(engine.evaluate_many(items, detail="texts"))     # type: ignore[call-overload]


def test_verdicts_hold_no_texts():
    engine = shequn.Engine()
    v = engine.evaluate(load_facts(EXAMPLES[0]), detail="verdicts")
    text = json.dumps(v.model_dump(mode="json", exclude={"facts", "waivers"}), ensure_ascii=False)
    for rule in engine.rules:
        assert rule.title not in text and rule.message not in text


def test_an_interrupted_evaluation_leaves_the_engine_correct(monkeypatch):
    """A KeyboardInterrupt or a rejected fact half-way through: the next evaluation is right."""
    engine = shequn.Engine()
    facts = [load_facts(p) for p in EXAMPLES]
    expected = [dump(engine.evaluate(f, today=TODAY)) for f in facts]
    reader = engine._reader
    real_chain = reader.chain
    for exc in (KeyboardInterrupt, RuntimeError):
        calls = {"n": 0}

        def chain(name: str, sid: str, exc: type[BaseException] = exc) -> list[str]:
            calls["n"] += 1
            if calls["n"] == 3:
                raise exc()
            return real_chain(name, sid)

        monkeypatch.setattr(reader, "chain", chain)
        with pytest.raises(exc):
            engine.evaluate(facts[1], today=TODAY)
        monkeypatch.setattr(reader, "chain", real_chain)
        assert [dump(engine.evaluate(f, today=TODAY)) for f in facts] == expected


def test_a_dict_is_validated_once(monkeypatch):
    """Cross-fact checks run once per dict, and every problem is still reported."""
    import shequn.facts.model as model

    calls = {"n": 0}
    real = model.cross_problems

    def counted(flat: dict[str, Any]) -> list[tuple[str, str]]:
        calls["n"] += 1
        return real(flat)

    monkeypatch.setattr(model, "cross_problems", counted)
    import shequn.facts.loader as loader
    monkeypatch.setattr(loader, "cross_problems", counted)
    validate_facts({"community": {"name": "a"}, "size": {"members": 10, "active_members_7d": 5}})
    assert calls["n"] == 1
    with pytest.raises(FactsError) as err:
        validate_facts({"community": {"name": "a"}, "size": {"members": 10, "active_members_7d": 50}, "governance": {"admins": "x"},
                        "traffic": {"source_shares": {"paid_ads": 0.9, "general_traffic": 0.9}}})
    paths = [p.path for p in err.value.problems]
    assert "size.active_members_7d" in paths and "traffic.source_shares" in paths and len(paths) >= 3


def _rss() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def test_memory_stays_flat_over_interrupted_and_rejected_evaluations(monkeypatch):
    """Thousands of evaluations stopped half-way (at a different fired rule each time) or refused by durable:
    no session is left behind (durable refuses all work past about a thousand) and RSS does not grow."""
    import shequn.durable.matcher as module

    engine = shequn.Engine()
    facts = [load_facts(p) for p in EXAMPLES]
    expected = [dump(engine.evaluate(f, today=TODAY)) for f in facts]
    reader, real_chain, real_dr = engine._reader, engine._reader.chain, module._dr

    class Refusing:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_dr, name)

        def assert_fact(self, handle: int, fact: str) -> Any:      # a chained marker refused
            raise real_dr.error("303")

    def stop_at(n: int) -> Any:
        count = iter(range(n, -1, -1))

        def chain(name: str, sid: str) -> Any:
            if next(count) == 0:
                raise KeyboardInterrupt()
            return real_chain(name, sid)
        return chain

    for i in range(200):                                   # warm up the allocator
        engine.evaluate(facts[i % len(facts)], today=TODAY)
    before = _rss()
    interrupted = 0
    for i in range(3000):
        if i % 2:
            monkeypatch.setattr(reader, "chain", stop_at(i % 40))
            try:
                engine.evaluate(facts[i % len(facts)], today=TODAY)
            except KeyboardInterrupt:
                interrupted += 1                           # unless it fired fewer rules than that
            monkeypatch.setattr(reader, "chain", real_chain)
        else:
            monkeypatch.setattr(module, "_dr", Refusing())
            with pytest.raises(module.MatcherError):
                engine.evaluate(facts[i % len(facts)], today=TODAY)
            monkeypatch.setattr(module, "_dr", real_dr)
    after = _rss()
    assert interrupted > 1000
    assert engine._matcher.sessions <= 1
    assert [dump(engine.evaluate(f, today=TODAY)) for f in facts] == expected
    if before is not None and after is not None:
        assert after - before < 16 * 2**20, f"RSS grew by {(after - before) / 2**20:.1f} MiB over 3,000 failures"
