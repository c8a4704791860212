"""evaluate_many(jobs=N) and `check --jobs N`: the same results as one process, in order, bad items in place."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import support
from shequn.cli.main import cli
from shequn.diagnose import parallel
from shequn.diagnose.engine import Engine
from shequn.facts.loader import FactsError, load_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))
BAD = [{"community": {"name": "x"}, "size": {"members": "lots"}}, {"community": {"name": "x", "platform": "mars"}, "size": {"members": -3}}]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def items() -> list:
    """The examples (validated Facts) and generated communities (dicts) with bad items among them."""
    rng = random.Random(17)
    bases = list(support.example_facts().values())
    generated = [support.generated_facts(rng, rng.choice([0.3, 0.6, 1.0]), bases) for _ in range(150)]
    return [load_facts(p) for p in EXAMPLES] + generated[:70] + [BAD[0]] + generated[70:] + [BAD[1]]


def same(one: list, many: list) -> None:
    assert len(one) == len(many)
    for a, b in zip(one, many):
        if isinstance(a, FactsError):
            assert isinstance(b, FactsError) and b.messages() == a.messages() and b.problems == a.problems
        else:
            assert b == a                                   # the whole report, field by field
            assert b.model_dump(mode="json") == a.model_dump(mode="json")


def test_two_jobs_give_the_reports_of_one(engine: Engine, items: list) -> None:
    one = list(engine.evaluate_many(items, on_error="yield"))
    many = list(engine.evaluate_many(items, on_error="yield", jobs=2))
    assert sum(isinstance(r, FactsError) for r in one) == 2
    same(one, many)
    sizes = [r.community.members for r in many if not isinstance(r, FactsError)]
    assert sizes == [i.size.members if hasattr(i, "size") else i["size"]["members"]
                     for i in items if i not in BAD]        # input order kept


def test_skip_and_raise_as_in_one_process(engine: Engine, items: list) -> None:
    same(list(engine.evaluate_many(items, on_error="skip")), list(engine.evaluate_many(items, on_error="skip", jobs=2)))
    got = []
    with pytest.raises(FactsError) as raised:
        for report in engine.evaluate_many(items, jobs=2):
            got.append(report)
    assert len(got) == len(EXAMPLES) + 70                   # everything before the first bad item
    with pytest.raises(FactsError) as alone:
        list(engine.evaluate_many(items))
    assert raised.value.messages() == alone.value.messages()


def test_keywords_reach_the_workers(engine: Engine, items: list) -> None:
    day = dt.date(2020, 1, 1)
    good = [i for i in items if i not in BAD][:30]
    same([engine.evaluate(i, today=day) for i in good], list(engine.evaluate_many(good, jobs=2, today=day)))


def test_the_workers_build_the_same_engine(items: list) -> None:
    """Selection and thresholds travel with the Engine's construction arguments."""
    chosen = Engine(select=["critical"], ignore=["NM"], thresholds={"ST201.active_floor": 0.3})
    good = [i for i in items if i not in BAD][:40]
    same([chosen.evaluate(i) for i in good], list(chosen.evaluate_many(good, jobs=2)))


def test_progress_counts_every_item(engine: Engine, items: list) -> None:
    for jobs in (1, 2):
        done: list[int] = []
        list(engine.evaluate_many(items[:100], on_error="yield", jobs=jobs, progress=done.append))
        assert sum(done) == 100


def test_jobs_zero_is_every_core() -> None:
    assert parallel.cores(0) == len(os.sched_getaffinity(0))
    assert parallel.cores(3) == 3
    with pytest.raises(ValueError):
        parallel.cores(-1)


STOPPING = textwrap.dedent("""
    import multiprocessing, os, signal, sys, threading
    from shequn.diagnose.engine import Engine
    from shequn.facts.loader import load_facts

    if __name__ == "__main__":
        facts = load_facts(sys.argv[1])
        results = Engine().evaluate_many([facts] * 100_000, jobs=2)
        next(results)
        if sys.argv[2] == "interrupt":
            # Ctrl-C while the workers are busy (a terminal sends it to the workers too: they ignore it)
            threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
            try:
                for _ in results:
                    pass
            except KeyboardInterrupt:
                print("interrupted")
            del results                                          # dropped results end their workers
        else:
            results.close()                                      # the reader stops early
            print("closed")
        print("children", len(multiprocessing.active_children()))
""")


@pytest.mark.parametrize("how", ["interrupt", "close"])
def test_stopping_ends_the_workers(how: str, tmp_path: Path) -> None:
    script = tmp_path / "stop.py"
    script.write_text(STOPPING)
    done = subprocess.run([sys.executable, str(script), str(EXAMPLES[0]), how], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["interrupted" if how == "interrupt" else "closed", "children", "0"]


def run_check(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, ["check", *args, "--format", "jsonl", "--fail-on", "never"])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_check_with_jobs_gives_the_same_output(tmp_path: Path) -> None:
    folder = tmp_path / "groups"
    folder.mkdir()
    for i, path in enumerate(EXAMPLES):
        (folder / f"{i:02d}-{path.name}").write_bytes(path.read_bytes())
    (folder / "07-broken.yaml").write_text("community: {name: x}\nsize: {members: lots}\n")
    one = run_check(str(folder))
    many = run_check(str(folder), "--jobs", "2")
    assert one[0] == many[0] == 2                               # the bad file is named, the rest reported
    assert many[1] == one[1] and len(one[1]) == len(EXAMPLES)
    assert many[2] == one[2] and "07-broken.yaml" in one[2]


def test_a_loaded_ruleset_travels_with_the_engine(tmp_path: Path) -> None:
    from shequn.rules.ruleset import load_ruleset

    path = tmp_path / "team.yaml"
    path.write_text(support.RULESET, encoding="utf-8")
    engine = Engine([load_ruleset(path)])
    items = [support.facts(f"group {i}") for i in range(40)]
    same(list(engine.evaluate_many(items)), list(engine.evaluate_many(items, jobs=2)))


def test_check_json_with_two_jobs_is_byte_for_byte_one_job() -> None:
    """Reports rebuilt from the workers' JSON dump the same bytes: no key moves (findings' thresholds and related,
    the report's audit and discrepancies)."""
    paths = [str(p) for p in EXAMPLES]
    outputs = [CliRunner().invoke(cli, ["check", *paths, "--format", "json", "--fail-on", "never", "--jobs", jobs])
               for jobs in ("1", "2")]
    assert [o.exit_code for o in outputs] == [0, 0], outputs[1].stderr
    assert '"related"' in outputs[0].stdout and '"thresholds"' in outputs[0].stdout
    assert outputs[1].stdout == outputs[0].stdout


def test_a_result_read_back_from_its_json_dumps_the_same_bytes(engine: Engine, items: list) -> None:
    from shequn.report.model import Report
    from shequn.report.verdicts import Verdicts

    good = [i for i in items if i not in BAD]
    for model, detail in ((Report, "report"), (Verdicts, "verdicts")):
        for result in engine.evaluate_many(good, detail=detail):
            text = result.model_dump_json()
            assert model.model_validate_json(text).model_dump_json() == text
