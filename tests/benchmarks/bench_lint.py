"""How long `rules lint` takes on a generated ruleset of many rules (linear, not quadratic).

    .venv/bin/python tests/benchmarks/bench_lint.py [rules ...]

Prints seconds per size; the time per rule should stay about flat as the size grows.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from shequn.authoring.lint import lint

FACTS = ["community.age_months", "size.members", "governance.admins", "content.thematic_shares_per_year"]


def ruleset(n: int) -> str:
    lines = ["name: bench-lint", "version: 1", "title: Generated", "rules:"]
    for i in range(n):
        fact = FACTS[i % len(FACTS)]
        lines += [f"  - id: BL{i:05d}", f"    title: Rule {i}", "    kind: practice", "    severity: info",
                  "    dimension: content", f"    when: {fact} > {i}",
                  f"    message: \"{fact} is {{{fact}}}\"", "    advice: [Do less.]"]
    return "\n".join(lines) + "\n"


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bench-{n}.yaml"
            path.write_text(ruleset(n), encoding="utf-8")
            start = time.perf_counter()
            problems = lint([path], examples=False, builtin=False)
            took = time.perf_counter() - start
            errors = [p for p in problems if p.severity == "error"]
            print(f"{n:6d} rules  {took:6.2f} s  {1000 * took / n:5.2f} ms/rule  {len(errors)} errors")
            for p in errors[:3]:
                print("   ", p)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 1000, 2000, 4000])
