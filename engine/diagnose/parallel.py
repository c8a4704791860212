"""Diagnose on every core: worker processes that each build the Engine once.

    for report in engine.evaluate_many(items, jobs=0): ...      # 0: one worker per core

Each worker builds its own Engine from the same construction arguments (an
Engine itself is never sent: its durable_rules handles belong to the process
that made them), then takes the items in chunks and runs the single-process
`evaluate_many` on each with `on_error="yield"`; the parent puts the results
back in input order and applies `on_error` itself, so a bad item gives the
same FactsError, skip or raise, at the same place, as with one process. Any
other keyword (a `detail=`, say) reaches the workers' `evaluate_many` as it is.

Results travel pickled, a chunk at a time: the parts reports share (each
rule's advice and sources, the not-evaluated entries, the questions) are then
sent once per chunk and shared again in the parent, which makes rebuilding a
report about three times quicker than validating its JSON, and the data a
third of the size; facts go as they are.
Workers ignore Ctrl-C: the parent stops them, also when the reader stops
early or an item raises (or drops the results).
"""
from __future__ import annotations

import gc
import itertools
import os
import signal
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Protocol, TYPE_CHECKING

from shequn.facts.loader import FactsError, Problem

if TYPE_CHECKING:                       # the pool is imported when a run starts: one process needs none of it
    from concurrent.futures import Future, ProcessPoolExecutor


class Engine(Protocol):
    """What the workers need of an Engine (diagnose/engine.py imports this module, not the reverse)."""
    def evaluate_many(self, items: Iterable[Any], **options: Any) -> Iterator[Any]: ...

__all__ = ["EngineRecipe", "Work", "cores", "run"]

CHUNK = 128                         # items per task: big enough that sending one costs little and that
                                    # the parts reports share go once for many (measured: 128 gives the
                                    # parent a third less work than 32), small enough that stopping
                                    # waits for little (a chunk is about 60 ms of work)
AHEAD = 4                           # tasks in flight per worker: results stream, memory stays bounded


@dataclass(frozen=True)
class EngineRecipe:
    """What it takes to build the same Engine in another process: its class (which travels
    by name) and its construction arguments."""
    factory: Callable[..., Engine]
    rulesets: tuple[Any, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    def build(self) -> Engine:
        return self.factory(list(self.rulesets), **self.options)


def cores(jobs: int) -> int:
    """The number of workers for `jobs`: 0 means one per core this process may use."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or more, not {jobs}")
    if jobs:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                          # no affinity on this platform
        return os.cpu_count() or 1


# --- in the workers ---------------------------------------------------------

_engine: Engine | None = None


def _start(recipe: EngineRecipe) -> None:
    """Build the worker's Engine once; Ctrl-C is the parent's to handle."""
    global _engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _engine = recipe.build()
    gc.freeze()                                     # the Engine lives as long as the worker


# One unit of work on one item: (engine, items, keywords) -> results, one per item, with a FactsError
# in the place of a bad item. Must be a module-level function (it travels by name).
Work = Callable[..., Iterable[Any]]


def evaluate_chunk(engine: Engine, items: list[Any], **kwargs: Any) -> Iterable[Any]:
    """The default work: the single-process evaluate_many, every bad item yielded in place."""
    return engine.evaluate_many(items, on_error="yield", **kwargs)


def _pack(value: Any) -> Any:
    if isinstance(value, FactsError):
        return ("error", value.problems)         # the exception itself does not survive pickle
    if type(value) is tuple:
        return ("tuple", [_pack(v) for v in value])
    return ("value", value)


def _unpack(packed: Any) -> Any:
    kind, *rest = packed
    if kind == "error":
        problems: list[Problem] = rest[0]
        return FactsError(problems)
    if kind == "tuple":
        return tuple(_unpack(v) for v in rest[0])
    return rest[0]


def _task(work: Work, items: list[Any], kwargs: dict[str, Any]) -> list[Any]:
    assert _engine is not None, "the worker's Engine is built by its initializer"
    return [_pack(v) for v in work(_engine, items, **kwargs)]


# --- in the parent ------------------------------------------------------------

def run(recipe: EngineRecipe, items: Iterable[Any], *, jobs: int, work: Work = evaluate_chunk,
        chunk_size: int = CHUNK, progress: Callable[[int], None] | None = None, **kwargs: Any) -> Iterator[Any]:
    """Results of `work` over `items` in input order, computed by `jobs` worker processes.

    A bad item comes back as its FactsError, in its place (the caller applies
    on_error). `progress(n)` is told how many items each finished chunk held.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    workers = cores(jobs)
    chunks = _chunks(items, chunk_size)
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start, initargs=(recipe,))
    pending: deque[tuple[Future[list[Any]], int]] = deque()
    finished = False
    try:
        def submit() -> bool:
            chunk = next(chunks, None)
            if chunk is None:
                return False
            pending.append((pool.submit(_task, work, chunk, kwargs), len(chunk)))
            return True

        while len(pending) < workers * AHEAD and submit():
            pass
        while pending:
            future, size = pending.popleft()
            results = future.result()
            submit()
            if progress is not None:
                progress(size)
            for packed in results:
                yield _unpack(packed)
        finished = True
    finally:
        _stop(pool, finished)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _stop(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the workers down. When the run did not finish (an error, Ctrl-C, a reader that
    stopped early) the chunks not yet started are dropped and only those in hand are waited
    for (a fraction of a second); a second Ctrl-C while waiting ends the workers at once."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    try:
        pool.shutdown(wait=True, cancel_futures=not finished)
    except KeyboardInterrupt:
        for process in processes:
            process.terminate()
        raise
