"""Measure where durable_rules (or shequn's compiler) refuses a ruleset that lint accepts.

    .venv/bin/python tests/benchmarks/durable_limits.py

For each shape (many rules, a long `in` list, and-ed `(a or b)` pairs, many gates of one stage,
deep brackets, a long `+1` chain) it tries growing sizes and prints the first that fails and how.
The limits found are enforced by rules lint (authoring/limits.py) and listed in docs/security.md.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

RULE = """  - id: {id}
    title: Rule {id}
    kind: {kind}
    severity: info
    dimension: content
{extra}    when: '{when}'
    message: "x"
    advice: [Do less.]
"""


def ruleset(rules: list[dict[str, str]]) -> str:
    body = "".join(RULE.format(kind=r.get("kind", "practice"), extra=r.get("extra", ""), **{k: v for k, v in r.items()
                                                                                           if k in ("id", "when")})
                   for r in rules)
    return "name: limits\nversion: 1\nrules:\n" + body


SHAPES = {
    "rules": lambda n: [{"id": f"L{i:05d}", "when": f"size.members > {i}"} for i in range(n)],
    "in-list": lambda n: [{"id": "L1", "when": "community.name in [" + ", ".join(f'"n{i}"' for i in range(n)) + "]"}],
    "in-numbers": lambda n: [{"id": "L1", "when": "size.members in [" + ", ".join(str(i) for i in range(n)) + "]"}],
    "in-applies": lambda n: [{"id": "L1", "extra": "    applies: community.name in [" + ", ".join(f'\"a{i}\"' for i in range(n)) + "]\n",
                              "when": "size.members in [" + ", ".join(str(i) for i in range(n)) + "]"}],
    "or-pairs": lambda n: [{"id": "L1", "when": " and ".join(f"(size.members > {i} or governance.admins > {i})"
                                                             for i in range(n))}],
    "gates": lambda n: [{"id": f"G{i:03d}", "kind": "stage", "extra": "    stage: 1\n    gate: true\n",
                         "when": f"size.members > {i}"} for i in range(n)],
    "brackets": lambda n: [{"id": "L1", "when": "(" * n + "size.members > 1" + ")" * n}],
    "plus-chain": lambda n: [{"id": "L1", "when": "size.members > 0" + " + 1" * n}],
}

PROBE = textwrap.dedent("""
    import sys
    from shequn.authoring.lint import lint
    from shequn import Engine
    path = sys.argv[1]
    errors = [p for p in lint([path], examples=False, builtin=False) if p.severity == "error"]
    if errors:
        print("LINT", errors[0]); sys.exit(0)
    engine = Engine([path], builtin=False)
    engine.evaluate({"community": {"name": "n3"}, "size": {"members": 50}, "governance": {"admins": 1}})
    print("OK")
""")


def attempt(shape: str, n: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "limits.yaml"
        path.write_text(ruleset(SHAPES[shape](n)), encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return "TIMEOUT"
        out = (done.stdout + done.stderr).strip().splitlines()
        return out[-1][:200] if out else f"exit {done.returncode}"


def main() -> None:
    sizes = {"rules": [500, 1000, 2000, 4000], "in-list": [50, 100, 200, 300, 1000], "in-numbers": [100, 300, 600], "in-applies": [50, 100, 200, 300], "or-pairs": [4, 6, 8, 10, 14],
             "gates": [10, 20, 40, 80], "brackets": [20, 50, 100, 200, 500], "plus-chain": [50, 100, 300, 1000, 3000]}
    only = sys.argv[1:] or list(SHAPES)
    for shape in only:
        for n in sizes[shape]:
            result = attempt(shape, n)
            print(f"{shape:10s} {n:6d}  {result}", flush=True)
            if result != "OK":
                break


if __name__ == "__main__":
    main()
