"""Benchmark: communities diagnosed per second, every path side by side in one process.

    .venv/bin/python tests/benchmarks/bench_engine.py [--n 2000] [--only NAME...] [--million]

Realistic facts: the example communities (the kinds consultants see) with
their numbers moved and about 30%, 60% or all of the facts known
(tests/support.py `generated_facts`). Each path is run three times and the
median printed, with its ratio to the limit of the same output:

- outcomes only (verdicts) against `limit`: every rule's condition compiled
  to a Python closure with Kleene logic, nothing else;
- full reports against `limit + report`: the limit plus the Engine's own
  report building from runs computed beforehand (the same report).

Then peak RSS (with --million: 1,000,000 evaluations, RSS every 100,000), and
cold starts of `shequn check` and `import shequn` in fresh processes with an
-X importtime summary. Not collected by pytest; figures go in docs/performance.md.

To add a path: write `def measure_x(bench) -> Rate` and decorate it with
`@path("name", output="report" | "verdicts")`; it is run and printed with the rest.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import operator
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import support                                      # noqa: E402  tests/support.py: generated_facts

import shequn                                       # noqa: E402
from shequn.facts.loader import validate_facts      # noqa: E402
from shequn.lang import ast                         # noqa: E402

EXAMPLE = "facts/examples/cosmetics-brand-matrix.yaml"
TODAY = dt.date(2024, 6, 1)


@dataclass
class Bench:
    """What every measurement shares: one Engine and the same communities."""
    n: int
    engine: Any
    dicts: list[dict[str, Any]]
    facts: list[Any]
    flats: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    dask_overhead: list[float] = field(default_factory=list)     # ms of CPU per community, per run

    def cycle(self, items: list[Any]) -> list[Any]:
        """`n` items, going round `items`."""
        return [items[i % len(items)] for i in range(self.n)]


Rate = float                                        # communities per second
PATHS: list[tuple[str, str, Callable[[Bench], Rate | None]]] = []


def path(name: str, output: str) -> Callable[[Callable[[Bench], Rate | None]], Callable[[Bench], Rate | None]]:
    """Register a measured path; `output` is "verdicts" (outcomes only) or "report"."""
    def register(func: Callable[[Bench], Rate | None]) -> Callable[[Bench], Rate | None]:
        PATHS.append((name, output, func))
        return func
    return register


def timed(func: Callable[[], Any], count: int) -> Rate:
    start = time.perf_counter()
    func()
    return count / (time.perf_counter() - start)


# --- the limit: conditions as Python closures, Kleene logic ------------------------------------

CMP = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def value_closure(node: ast.Expr) -> Callable[[dict[str, Any]], Any]:
    """A number or text of the condition; None when unknown (an unknown fact, a division by zero)."""
    if isinstance(node, ast.Literal):
        v = node.value
        return lambda f: v
    if isinstance(node, ast.Name):
        name = node.name
        return lambda f: f.get(name)
    if isinstance(node, ast.Neg):
        inner = value_closure(node.operand)
        return lambda f: None if (x := inner(f)) is None else -x
    if isinstance(node, ast.Arith):
        a, b = value_closure(node.left), value_closure(node.right)
        if node.op == "/":
            return lambda f: None if (x := a(f)) is None or (y := b(f)) is None or y == 0 else x / y
        op = ARITH[node.op]
        return lambda f: None if (x := a(f)) is None or (y := b(f)) is None else op(x, y)
    raise TypeError(node)


def condition_closure(node: ast.Expr) -> Callable[[dict[str, Any]], bool | None]:
    """True, False or None (unknown), as the interpreter decides (shequn.lang.interpreter)."""
    if isinstance(node, ast.Not):
        inner = condition_closure(node.operand)
        return lambda f: None if (x := inner(f)) is None else not x
    if isinstance(node, (ast.And, ast.Or)):
        parts = [condition_closure(i) for i in node.items]
        stop = not isinstance(node, ast.And)        # False decides an and, True an or

        def kleene(f: dict[str, Any]) -> bool | None:
            unknown = False
            for part in parts:
                x = part(f)
                if x is stop:
                    return stop
                unknown = unknown or x is None
            return None if unknown else not stop
        return kleene
    if isinstance(node, ast.Literal):
        truth = bool(node.value)
        return lambda f: truth
    if isinstance(node, ast.Name):
        name = node.name
        return lambda f: None if (x := f.get(name)) is None else bool(x)
    if isinstance(node, ast.Compare):
        a, b, op = value_closure(node.left), value_closure(node.right), CMP[node.op]
        return lambda f: None if (x := a(f)) is None or (y := b(f)) is None else op(x, y)
    if isinstance(node, ast.In):
        item, negated = node.item, node.negated
        if isinstance(node.container, ast.Name):
            name, wanted = node.container.name, item.value if isinstance(item, ast.Literal) else None
            return lambda f: None if (xs := f.get(name)) is None else (wanted in xs) != negated
        options = [i.value for i in node.container.items] if isinstance(node.container, ast.ListLiteral) else []
        get = value_closure(item)
        return lambda f: None if (x := get(f)) is None else (x in options) != negated
    raise TypeError(node)


def limit_rules(engine: Any) -> list[tuple[Callable[..., bool | None] | None, Callable[..., bool | None]]]:
    """(applies, condition) closures of every rule that does not read the inferred stage."""
    out = []
    for rule in engine.rules:
        if any(n.startswith("stage.") for n in ast.names(rule.condition)):
            continue                                # the stage is the Engine's inference, not a fact
        applies = condition_closure(rule.applicability) if rule.applicability is not None else None
        out.append((applies, condition_closure(rule.condition)))
    return out


def limit_agreement(bench: Bench) -> str:
    """How often the closures decide as shequn's interpreter does (a check on the limit itself)."""
    from shequn.lang.interpreter import evaluate

    kept = [r for r in bench.engine.rules if not any(n.startswith("stage.") for n in ast.names(r.condition))]
    rules = limit_rules(bench.engine)
    same = total = 0
    for flat in bench.flats[:200]:
        for rule, (_, condition) in zip(kept, rules):
            total += 1
            same += condition(flat) == evaluate(rule.condition, flat)
    return f"the limit's closures decide as the interpreter on {same:,} of {total:,} conditions"


def outcomes(rules: list[Any], flat: dict[str, Any]) -> list[bool | None | str]:
    """Each rule's outcome: "n/a", True (violated), False (passed) or None (not evaluated)."""
    out: list[bool | None | str] = []
    for applies, condition in rules:
        if applies is not None and applies(flat) is False:
            out.append("n/a")
        else:
            out.append(condition(flat))
    return out


@path("limit", output="verdicts")
def measure_limit(bench: Bench) -> Rate:
    rules = limit_rules(bench.engine)
    flats = bench.cycle(bench.flats)
    return timed(lambda: [outcomes(rules, f) for f in flats], len(flats))


def report_seconds(bench: Bench) -> float | None:
    """Seconds per community the Engine spends building the report from a finished run.
    Reaches into the Engine: adapt here when its internals change."""
    engine = bench.engine
    try:
        reader, matcher = engine._reader, engine._matcher
        runs = [(f, flat, reader.read(matcher.run(reader.facts_json(flat), reader.chain), flat))
                for f, flat in zip(bench.facts, bench.flats)]
        items = bench.cycle(runs)
        rate = timed(lambda: [engine._report(engine._judge(f, flat, run, TODAY)) for f, flat, run in items], len(items))
    except (AttributeError, TypeError) as exc:
        bench.notes.append(f"limit + report: the Engine's internals changed ({exc}); adapt report_seconds()")
        return None
    return 1 / rate


@path("limit + report", output="report")
def measure_limit_report(bench: Bench) -> Rate | None:
    per_report = report_seconds(bench)
    if per_report is None:
        return None
    return 1 / (1 / measure_limit(bench) + per_report)


@path("evaluate(dict)", output="report")
def measure_evaluate_dict(bench: Bench) -> Rate:
    items = bench.cycle(bench.dicts)
    return timed(lambda: [bench.engine.evaluate(d, today=TODAY) for d in items], len(items))


@path("evaluate(Facts), validated", output="report")
def measure_evaluate_facts(bench: Bench) -> Rate:
    items = bench.cycle(bench.facts)
    return timed(lambda: [bench.engine.evaluate(f, today=TODAY) for f in items], len(items))


def has_verdicts(engine: Any) -> bool:
    try:
        next(iter(engine.evaluate_many(engine_sample(), detail="verdicts")))
    except TypeError:
        return False
    return True


def engine_sample() -> list[dict[str, Any]]:
    return [support.generated_facts(random.Random(0), 1.0)]


@path('evaluate_many(detail="verdicts")', output="verdicts")
def measure_verdicts(bench: Bench) -> Rate | None:
    if not has_verdicts(bench.engine):
        bench.notes.append('evaluate_many(detail="verdicts"): not in this version')
        return None
    items = bench.cycle(bench.facts)
    return timed(lambda: list(bench.engine.evaluate_many(items, detail="verdicts")), len(items))


@path("evaluate_many(jobs=2), dicts", output="report")
def measure_jobs(bench: Bench) -> Rate:
    items = bench.cycle(bench.dicts) * 2                  # twice the work: two processes
    return timed(lambda: list(bench.engine.evaluate_many(items, jobs=2, today=TODAY)), len(items))


@path("Dask LocalCluster, 2 workers, dicts", output="report")
def measure_dask(bench: Bench) -> Rate | None:
    try:
        import dask.bag as db
        from distributed import Client, LocalCluster
    except ImportError:
        bench.notes.append("Dask: not installed (pip install 'shequn[dask]')")
        return None
    from shequn import scale

    items = bench.cycle(bench.dicts) * 2
    options = {"detail": "verdicts"} if has_verdicts(bench.engine) else {}
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        warm = db.from_sequence(bench.dicts[:8], npartitions=2)
        scale.diagnose_bag(warm, bench.engine, **options).compute()     # each worker builds its Engine
        cpu = sum(client.run(time.process_time).values()) + client.run_on_scheduler(time.process_time)
        mine = time.process_time()
        bag = db.from_sequence(items, partition_size=250)
        rate = timed(lambda: scale.diagnose_bag(bag, bench.engine, **options).compute(), len(items))
        cpu = sum(client.run(time.process_time).values()) + client.run_on_scheduler(time.process_time) - cpu
        cpu += time.process_time() - mine
    one = time.process_time()
    list(bench.engine.evaluate_many(items[: len(items) // 4], today=TODAY, **options))
    one = (time.process_time() - one) * 4
    bench.dask_overhead.append((cpu - one) / len(items) * 1000)
    bench.notes.append(f"Dask: {{overhead}} ms of CPU per community on top of one process (workers, scheduler and "
                       f"client; {'verdicts' if options else 'full reports'}, partitions of 250, median of the runs)")
    return rate


# --- memory and cold start ---------------------------------------------------------------------

def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory now (VmHWM: its peak since this process started its program)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(bench: Bench, total: int) -> None:
    every = 100_000 if total >= 1_000_000 else max(total // 5, 1)
    start = rss_mb()
    print(f"\nmemory: RSS {start:.0f} MB before {total:,} evaluations of validated facts")
    for i in range(1, total + 1):
        bench.engine.evaluate(bench.facts[i % len(bench.facts)], today=TODAY)
        if i % every == 0:
            print(f"  after {i:>9,}: RSS {rss_mb():.0f} MB")
    print(f"  peak RSS of this process: {rss_mb('VmHWM'):.0f} MB")


def fresh(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_start(repeats: int) -> None:
    """Fresh processes as a user starts them: bytecode cached (written by the first run), the rulesets' cache warm."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    exe = Path(sys.executable).parent / "shequn"
    check = [str(exe), "check", EXAMPLE, "--fail-on", "never"]
    print(f"\ncold start, median of {repeats} fresh processes:")
    for label, command, extra in (("shequn check " + Path(EXAMPLE).name, check, {}),
                                  ("  the same, SHEQUN_NO_CACHE=1", check, {"SHEQUN_NO_CACHE": "1"}),
                                  ("python -c 'import shequn'", [sys.executable, "-c", "import shequn"], {}),
                                  ("python -c 'pass' (the interpreter alone)", [sys.executable, "-c", "pass"], {})):
        fresh(command, {**env, **extra})                    # writes bytecode and the cache
        runs = [fresh(command, {**env, **extra}) for _ in range(repeats)]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"  {label:45s} {wall:6.3f} s  (min {min(r[0] for r in runs):.3f}; CPU {cpu:.3f} s)")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "shequn", "check", EXAMPLE, "--fail-on", "never"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            depth = (len(parts[2]) - len(parts[2].lstrip())) // 2
            rows.append((int(parts[1]), depth, parts[2].strip()))
    top = sorted((r for r in rows if r[1] <= 1), reverse=True)[:10]
    print(f"  -X importtime of `check`: {sum(r[0] for r in rows if r[1] == 0) / 1e6:.3f} s of imports; the largest:")
    for micros, _, name in top:
        print(f"    {micros / 1000:7.1f} ms  {name}")


def validation_us(bench: Bench) -> float:
    """Median µs to validate one of the generated dicts (every problem would be reported), each
    result dropped at once, as a stream of communities does."""
    dicts = bench.cycle(bench.dicts)

    def validate_all() -> None:
        for d in dicts:
            validate_facts(d)
    runs = [timed(validate_all, len(dicts)) for _ in range(3)]
    return 1e6 / statistics.median(runs)


# --- running -----------------------------------------------------------------------------------

def prepare(n: int) -> Bench:
    engine = shequn.Engine()
    rng = random.Random(1)
    bases = list(support.example_facts().values())
    dicts = [support.generated_facts(rng, rng.choice([0.3, 0.6, 1.0]), bases) for _ in range(1000)]
    facts = [validate_facts(d) for d in dicts]
    for f in facts[:200]:
        engine.evaluate(f)                                   # warm up
    return Bench(n, engine, dicts, facts, [f.flat() for f in facts])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="communities per measurement (default 2000)")
    parser.add_argument("--only", nargs="*", help="only the paths whose name contains one of these words")
    parser.add_argument("--million", action="store_true", help="memory over 1,000,000 evaluations")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement; the median is printed")
    parser.add_argument("--memory", type=int, metavar="N", help="only the memory run, over N evaluations")
    args = parser.parse_args(argv)

    bench = prepare(args.n)
    if args.memory:
        memory(bench, args.memory)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}, {len(bench.engine.rules)} rules, "
          f"{bench.n:,} communities per run, median of {args.repeats}")
    print(f"facts known per community: {statistics.median(len(f) for f in bench.flats):.0f} of "
          f"{max(len(f) for f in bench.flats)} at most (median)\n")
    bench.notes.append(limit_agreement(bench))
    rates: dict[str, float] = {}
    print(f"{'path':42s} {'communities/s':>14s}  {'ratio to the limit of the same output':s}")
    for name, output, func in PATHS:
        if args.only and not any(w in name for w in args.only):
            continue
        runs = [func(bench) for _ in range(args.repeats)]
        if any(r is None for r in runs):
            print(f"{name:42s} {'n/a':>14s}")
            continue
        rate = rates[name] = statistics.median(r for r in runs if r is not None)
        base = "limit" if output == "verdicts" else "limit + report"
        ratio = f"{rate / rates[base]:.2f} of `{base}`" if base in rates and name != base else ""
        print(f"{name:42s} {rate:14,.0f}  {ratio}")
    if not args.only or any("valid" in w for w in args.only):
        print(f"{'validate_facts of a generated dict':42s} {validation_us(bench):11.0f} µs  (the target: 150 µs)")
    if "evaluate_many(jobs=2), dicts" in rates and "evaluate(dict)" in rates:
        print(f"{'':42s} jobs=2 is {rates['evaluate_many(jobs=2), dicts'] / rates['evaluate(dict)']:.2f}x one job")
    overhead = f"{statistics.median(bench.dask_overhead):.2f}" if bench.dask_overhead else "?"
    for note in dict.fromkeys(bench.notes):
        print(f"note: {note.replace('{overhead}', overhead)}")
    if not args.only:
        # in a fresh process, so that what the other measurements held does not count
        subprocess.run([sys.executable, __file__, "--memory", "1000000" if args.million else "20000"], check=False)
        cold_start(max(args.repeats, 5))


if __name__ == "__main__":
    main()
