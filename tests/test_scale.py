"""shequn.scale: communities diagnosed on a Dask cluster equal those of one process."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import support
from shequn.diagnose.engine import Engine
from shequn.facts.loader import FactsError

dask = pytest.importorskip("dask", reason="Dask is not installed: pip install 'shequn[dask]' to run the scale tests")
pytest.importorskip("distributed", reason="dask.distributed is not installed: pip install 'shequn[dask]'")

import dask.bag as db                                        # noqa: E402
from distributed import Client, LocalCluster                 # noqa: E402

from shequn import scale                                     # noqa: E402

N = 2000
BAD = {"community": {"name": "x"}, "size": {"members": "lots"}}


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def items() -> list:
    rng = random.Random(5)
    bases = list(support.example_facts().values())
    out = [support.generated_facts(rng, rng.choice([0.3, 0.6, 1.0]), bases) for _ in range(N)]
    out[N // 3] = BAD                                        # bad items in the middle of partitions
    out[2 * N // 3 + 1] = BAD
    return out


def expected(engine: Engine, items: list) -> list:
    out = []
    for r in engine.evaluate_many(items, on_error="yield"):
        out.append({"error": "facts", "problems": r.messages()} if isinstance(r, FactsError) else r.model_dump(mode="json"))
    return out


def test_a_two_worker_cluster_gives_the_reports_of_one_process(client, items: list, tmp_path: Path) -> None:
    engine = Engine()
    bag = db.from_sequence(items, npartitions=12)
    reports = scale.diagnose_bag(bag, engine)
    reports.to_textfiles(str(tmp_path / "part-*.jsonl"))
    written = [json.loads(line) for f in sorted(tmp_path.glob("part-*.jsonl"), key=lambda p: int(p.stem.split("-")[1]))
               for line in f.read_text(encoding="utf-8").splitlines()]
    want = expected(engine, items)
    assert sum("error" in w for w in want) == 2
    assert written == want                                   # in input order, bad items in their place
    assert len(client.run(lambda: 1)) == 2                   # it ran on the two workers


def test_the_workers_use_the_engine_given(client, items: list) -> None:
    chosen = Engine(select=["critical"], thresholds={"ST201.active_floor": 0.3})
    some = items[:300]
    got = scale.diagnose_bag(db.from_sequence(some, npartitions=4), chosen, on_error="skip", output="data").compute()
    assert got == [w for w in expected(chosen, some) if "error" not in w]


def test_a_bad_item_can_fail_the_run(client, items: list) -> None:
    with pytest.raises(FactsError):
        scale.diagnose_bag(db.from_sequence(items[N // 3 - 5: N // 3 + 5], npartitions=2), on_error="raise").compute()


def test_summary_rows(client, items: list) -> None:
    rows = scale.diagnose_bag(db.from_sequence(items[N // 3 - 2: N // 3 + 2], npartitions=2)).map(
        scale.summary_record).compute()
    assert [r["problems"] is not None for r in rows] == [False, False, True, False]
    assert all(isinstance(r["score"], (int, type(None))) and r["stage"] in (1, 2, 3, 4, 5) for r in rows if not r["problems"])


def test_flat_rows_become_facts_records() -> None:
    row = {"community.name": "Book club", "size.members": 120, "size.active_members_7d": float("nan"),
           "governance.group_rules": None, "traffic.source_shares.old_customers": 0.5}
    assert scale.nest_record(row) == {"community": {"name": "Book club"}, "size": {"members": 120},
                                      "traffic": {"source_shares": {"old_customers": 0.5}}}
