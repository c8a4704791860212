"""Benchmark: communities diagnosed per second with all built-in rulesets.

    .venv/bin/python tests/benchmarks/bench_engine.py [--n 20000] [--processes 1 2] [--million]

Validated facts in, report out. Compared with the same conditions compiled
to plain Python (two-valued, all facts known), which is the limit of what
any matcher could do. Not collected by pytest; figures go in docs/performance.md.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import time

import shequn
from shequn.lang import ast
from shequn.facts.model import Facts
from shequn.facts.vocabulary import FACTS

OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def random_facts(rng: random.Random, complete: bool = True) -> Facts:
    """A realistic community: every fact known (complete) or about half of them."""
    data: dict = {}
    members = rng.randint(20, 2000)
    for fact in FACTS:
        if fact.derived or (not complete and rng.random() < 0.5 and not fact.required):
            continue
        section, key = fact.section, fact.key
        if fact.kind == "text":
            value = f"community {rng.randint(1, 10**6)}" if fact.name == "community.name" else rng.choice(["", "a learning group"])
        elif fact.kind == "bool":
            value = rng.random() < 0.5
        elif fact.kind == "count":
            value = rng.randint(1, 40)
        elif fact.kind in ("number", "amount"):
            value = round(rng.uniform(0, 200), 1)
        elif fact.kind == "share":
            value = round(rng.random(), 2)
        elif fact.kind == "stage":
            value = rng.randint(1, 5)
        elif fact.kind == "enum":
            value = rng.choice(fact.values)
        else:
            value = rng.sample(list(fact.values), rng.randint(0, len(fact.values)))
        if "." in key:
            continue                                   # source shares set below as a distribution
        data.setdefault(section, {})[key] = value
    data.setdefault("size", {}).update(members=members, active_members_7d=rng.randint(0, members), paying_members=rng.randint(0, members))
    if complete or rng.random() < 0.5:
        weights = [rng.random() for _ in range(8)]
        total = sum(weights)
        from shequn.facts.vocabulary import CHANNELS
        data.setdefault("traffic", {})["source_shares"] = {c: round(w / total, 3) for c, w in zip(CHANNELS, weights)}
        drift = round(1 - sum(data["traffic"]["source_shares"].values()), 3)
        data["traffic"]["source_shares"]["paid_ads"] = max(0.0, round(data["traffic"]["source_shares"]["paid_ads"] + drift, 3))
    return Facts.model_validate(data)


def python_source(node) -> str:
    """The condition as a plain Python expression over a dict `f` (all facts known)."""
    if isinstance(node, ast.Literal):
        return repr(node.value)
    if isinstance(node, ast.ListLiteral):
        return repr([i.value for i in node.items])
    if isinstance(node, ast.Name):
        return f"f[{node.name!r}]"
    if isinstance(node, ast.Not):
        return f"(not {python_source(node.operand)})"
    if isinstance(node, (ast.And, ast.Or)):
        word = " and " if isinstance(node, ast.And) else " or "
        return "(" + word.join(map(python_source, node.items)) + ")"
    if isinstance(node, ast.Compare):
        return f"({python_source(node.left)} {OPS[node.op]} {python_source(node.right)})"
    if isinstance(node, ast.In):
        return f"({python_source(node.item)} {'not in' if node.negated else 'in'} {python_source(node.container)})"
    if isinstance(node, ast.Arith):
        return f"({python_source(node.left)} {node.op} {python_source(node.right)})"
    if isinstance(node, ast.Neg):
        return f"(-{python_source(node.operand)})"
    raise TypeError(node)


def plain_python(engine, facts_list) -> float:
    """Communities/s for the conditions as compiled Python (the limit)."""
    checks = []
    for rule in engine.rules:
        if "stage.current" in ast.names(rule.condition):
            continue
        checks.append(eval(compile(f"lambda f: {python_source(rule.condition)}", rule.id, "eval")))  # noqa: S307 - our own AST
    flats = [f.flat() for f in facts_list]
    fired = 0
    start = time.perf_counter()
    for flat in flats:
        for check in checks:
            try:
                fired += bool(check(flat))
            except (KeyError, ZeroDivisionError):
                pass
    return len(flats) / (time.perf_counter() - start)


def run(n: int, complete: bool, seed: int = 1) -> tuple[float, float]:
    rng = random.Random(seed)
    engine = shequn.Engine()
    facts_list = [random_facts(rng, complete) for _ in range(min(n, 2000))]
    for f in facts_list[:200]:
        engine.evaluate(f)                              # warm up
    start = time.perf_counter()
    findings = 0
    for i in range(n):
        findings += len(engine.evaluate(facts_list[i % len(facts_list)]).findings)
    rate = n / (time.perf_counter() - start)
    return rate, findings / n


def run_verdicts(n: int, complete: bool, seed: int = 1) -> float:
    """Communities/s for `evaluate_many(detail="verdicts")` on validated facts (no report built)."""
    rng = random.Random(seed)
    engine = shequn.Engine()
    facts_list = [random_facts(rng, complete) for _ in range(min(n, 2000))]
    for _ in engine.evaluate_many(facts_list[:200], detail="verdicts"):
        pass                                            # warm up
    items = (facts_list[i % len(facts_list)] for i in range(n))
    start = time.perf_counter()
    for _ in engine.evaluate_many(items, detail="verdicts"):
        pass
    return n / (time.perf_counter() - start)


def validation_us(n: int = 5000, seed: int = 2) -> float:
    """Median µs to validate one realistic facts dict (validate_facts), over five rounds."""
    from shequn.facts.loader import validate_facts
    rng = random.Random(seed)
    dicts = [random_facts(rng, i % 2 == 0).model_dump(mode="json", exclude_none=True) for i in range(1000)]
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(n):
            validate_facts(dicts[i % len(dicts)])
        rounds.append((time.perf_counter() - start) / n * 1e6)
    return sorted(rounds)[2]


def _worker(args):
    n, complete, seed = args
    return run(n, complete, seed)[0]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="evaluations per measurement")
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--million", action="store_true", help="also check memory over 1,000,000 evaluations")
    args = parser.parse_args(argv)

    engine = shequn.Engine()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {len(engine.rules)} rules, "
          f"{len(engine._program.definitions)} durable_rules rules")
    for complete in (True, False):
        label = "complete facts" if complete else "about half the facts"
        rate, per = run(args.n, complete)
        print(f"{label:22s}: {rate:8,.0f} communities/s on one core ({per:.1f} findings each)")
    for complete in (True, False):
        label = "verdicts, complete" if complete else "verdicts, about half"
        print(f"{label:22s}: {run_verdicts(args.n, complete):8,.0f} communities/s on one core (evaluate_many, detail=verdicts)")
    print(f"{'validating a dict':22s}: {validation_us():8,.0f} µs (median of five rounds)")
    rng = random.Random(3)
    sample = [random_facts(rng, True) for _ in range(2000)]
    print(f"{'plain compiled Python':22s}: {plain_python(engine, sample):8,.0f} communities/s (conditions only, no report)")
    for procs in args.processes:
        if procs == 1:
            continue
        with multiprocessing.Pool(procs) as pool:
            start = time.perf_counter()
            pool.map(_worker, [(args.n, True, s) for s in range(procs)])
            elapsed = time.perf_counter() - start
        print(f"{procs} processes            : {procs * args.n / elapsed:8,.0f} communities/s in all")
    if args.million:
        f = sample[0]
        before = rss_mb()
        for i in range(1_000_000):
            engine.evaluate(sample[i % len(sample)])
            if i in (10_000, 100_000, 500_000):
                print(f"after {i:>9,} evaluations: RSS {rss_mb():.0f} MB")
        print(f"after 1,000,000 evaluations: RSS {rss_mb():.0f} MB (started at {before:.0f} MB)")


if __name__ == "__main__":
    main()
