"""Diagnose millions of communities on Dask, one Engine per worker process (docs/scale.md).

    pip install 'shequn[dask]'

    import json
    import dask.bag as db
    from shequn import Engine
    from shequn.scale import diagnose_bag

    facts = db.read_text("facts/*.jsonl").map(json.loads)       # one facts record per line
    reports = diagnose_bag(facts, Engine(select=["critical"]))   # a bag of report JSON lines
    reports.to_textfiles("reports/*.jsonl")

The Engine given is never sent: its construction arguments are (`Engine.recipe`),
and each worker process builds the Engine once, the first time a partition
reaches it, and keeps it for every later partition (any Dask scheduler: a
LocalCluster, dask-kubernetes, dask-jobqueue, Coiled, or the local processes
or threads schedulers). Each item becomes one line of JSON text, the report's
JSON (or of whatever the keywords ask `evaluate_many` for: they reach it
unchanged): text is what moves between processes quickest, and the bag
writes to JSON Lines as it is. `output="data"` gives the same as dicts; to
Parquet through `summary_record` and `to_dataframe`.

A bad item does not stop the run by default (`on_error="yield"`): it becomes
`{"error": "facts", "problems": [...]}` in its place; `"skip"` leaves it out
and `"raise"` fails the computation, as with `Engine.evaluate_many`.
"""
from __future__ import annotations

import gc
import json
import pickle
import threading
from typing import Any, Iterable, TYPE_CHECKING, cast

from pydantic import BaseModel

from shequn.diagnose.engine import Engine
from shequn.diagnose.parallel import EngineRecipe
from shequn.facts.loader import FactsError

if TYPE_CHECKING:
    from dask.bag import Bag

__all__ = ["diagnose_bag", "diagnose_partition", "nest_record", "summary_record", "ERROR"]

ERROR = "error"                 # the key that marks a bad item's record

_engines: dict[bytes, Engine] = {}
_lock = threading.Lock()


def worker_engine(recipe: EngineRecipe) -> Engine:
    """This process's Engine for `recipe`, built on first use (one per worker, whatever its threads)."""
    key = pickle.dumps(recipe)
    engine = _engines.get(key)
    if engine is None:
        with _lock:
            engine = _engines.get(key)
            if engine is None:
                engine = _engines[key] = cast(Engine, recipe.build())
                gc.freeze()                                     # it lives as long as the worker
    return engine


def diagnose_partition(items: Iterable[Any], recipe: EngineRecipe, on_error: str = "yield",
                       options: dict[str, Any] | None = None, output: str = "json") -> list[Any]:
    """One partition's records: each item diagnosed by this worker's Engine, as JSON text or data."""
    engine = worker_engine(recipe)
    out: list[Any] = []
    for result in engine.evaluate_many(list(items), on_error="yield", **(options or {})):
        if isinstance(result, FactsError):
            if on_error == "raise":
                raise result
            if on_error == "skip":
                continue
            record: Any = {ERROR: "facts", "problems": result.messages()}
            out.append(json.dumps(record, ensure_ascii=False) if output == "json" else record)
        elif isinstance(result, BaseModel):
            out.append(result.model_dump_json() if output == "json" else result.model_dump(mode="json"))
        else:
            out.append(json.dumps(result, ensure_ascii=False) if output == "json" else result)
    return out


def diagnose_bag(bag: Bag, engine: Engine | EngineRecipe | None = None, *, on_error: str = "yield",
                 output: str = "json", **options: Any) -> Bag:
    """A bag of facts records (mappings or Facts) diagnosed, partition by partition, in order:
    one JSON text per item (`output="json"`) or its data (`output="data"`).

    `engine` is the Engine whose rules and options to use (default: the built-in
    rulesets); keywords go to `Engine.evaluate_many` in the workers.
    """
    if on_error not in ("raise", "skip", "yield"):
        raise ValueError(f"on_error must be 'raise', 'skip' or 'yield', not {on_error!r}")
    if output not in ("json", "data"):
        raise ValueError(f"output must be 'json' or 'data', not {output!r}")
    recipe = engine if isinstance(engine, EngineRecipe) else (engine or Engine()).recipe
    diagnosed: Bag = bag.map_partitions(diagnose_partition, recipe, on_error, options,  # type: ignore[no-untyped-call]
                                        output)
    return diagnosed


def nest_record(row: dict[str, Any]) -> dict[str, Any]:
    """A flat row of dotted fact names (a DataFrame's, a Parquet file's) as a facts record:
    `{"size.members": 120}` -> `{"size": {"members": 120}}`. A missing value (None, NaN)
    is left out: unknown is never zero."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if value is None or (isinstance(value, float) and value != value):
            continue
        *path, key = str(name).split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[key] = value
    return out


def summary_record(record: dict[str, Any] | str) -> dict[str, Any]:
    """One flat row of a report record (its JSON text or data) for a table (Parquet, a DataFrame):
    who, score, coverage, stage and the open findings' rule ids; a bad item's row says so."""
    if isinstance(record, str):
        record = json.loads(record)
        assert isinstance(record, dict)
    if ERROR in record:
        return {"name": None, "platform": None, "members": None, "score": None, "coverage": None, "stage": None,
                "stage_at_most": None, "critical": None, "warning": None, "findings": None,
                "problems": "\n".join(record.get("problems", []))}
    community, summary, stage = record["community"], record["summary"], record["stage"]
    return {"name": community["name"], "platform": community["platform"], "members": community["members"],
            "score": summary["score"], "coverage": summary["coverage"], "stage": stage["current"],
            "stage_at_most": stage["at_most"], "critical": summary["critical"], "warning": summary["warning"],
            "findings": " ".join(f["rule"] for f in record["findings"] if f["status"] == "open"), "problems": None}
