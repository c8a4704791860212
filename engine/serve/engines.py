"""The server's one Engine, and the few Engines its clients' `select`/`ignore` ask for.

A selection is an Engine of its own (rules/selection.py decides what is
reported and scored), built from the rulesets the server's Engine already
loaded, so no file is read again. Building one takes some milliseconds, so
the last few are kept; the bound keeps a client that tries many selections
from growing the server.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable

from shequn.diagnose.engine import Engine

MAX_SELECTIONS = 8


def selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors given repeated or comma-separated (`?select=NM,S2&select=critical`), as the CLI reads them."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


class Engines:
    """The Engine for a selection: the server's own without one, else a cached one (LRU, `MAX_SELECTIONS`)."""

    def __init__(self, engine: Engine, size: int = MAX_SELECTIONS) -> None:
        self.engine = engine
        self._size = size
        self._cache: OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], Engine] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> Engine:
        """SelectionError (a ShequnError) for a selector that matches no rule."""
        if not select and not ignore:
            return self.engine
        key = (select, ignore)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        built = Engine(self.engine.rulesets, builtin=False, select=list(select) or None, ignore=list(ignore) or None)
        with self._lock:
            self._cache[key] = built
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return built
