"""Diagnose a community from its chat exports, with facts written by hand on top.

    report = engine.evaluate_with_exports("acme.yaml", ["group1.csv", "group2.csv"])

The exports are the groups of one community: they are measured once
(`measure`), then each facts file is merged with what they measured
(`merge_measured`): the measured facts fill the gaps, the written ones win,
and where both give a value and they differ the report lists both in
`report.discrepancies`. Without a facts file the exports alone are diagnosed.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, Union

from shequn.facts.exports import extract_facts
from shequn.facts.loader import read_file, validate_facts
from shequn.facts.merge import merge_facts
from shequn.facts.model import Facts
from shequn.report.model import Report

Written = Union[str, os.PathLike[str], dict[str, Any], Facts, None]


class Evaluator(Protocol):
    """What diagnosing needs of the Engine (diagnose/engine.py imports this module: no import back)."""
    def evaluate(self, facts: Facts, *, today: _dt.date | None = None) -> Report: ...


@dataclass(frozen=True)
class Measured:
    """Facts measured from the exports of one community, and where they came from."""
    facts: dict[str, Any]
    provenance: dict[str, Any]
    label: str                      # the exports' paths, for messages about the measured facts alone


@dataclass(frozen=True)
class MergedFacts:
    """Written facts merged with measured ones, and the facts where the two differ."""
    facts: Facts
    discrepancies: list[dict[str, Any]] = field(default_factory=list)

    def diagnose(self, engine: Evaluator, *, today: _dt.date | None = None) -> Report:
        """The engine's report on these facts, carrying the discrepancies."""
        report = engine.evaluate(self.facts, today=today)
        return report.model_copy(update={"discrepancies": list(self.discrepancies)})


def measure(exports: Sequence[str | os.PathLike[str]], **options: Any) -> Measured:
    """Measure facts from the exports of one community (`extract_facts` options); raises ExportError."""
    paths = [os.fspath(p) for p in ([exports] if isinstance(exports, (str, os.PathLike)) else exports)]
    facts, provenance = extract_facts(paths, **options)
    return Measured(facts, provenance, "+".join(paths))


def merge_measured(written: Written, measured: Measured) -> MergedFacts:
    """Written facts (a facts file, a mapping, Facts, or None for the exports alone) over measured ones.

    Raises FactsError, placed in the facts file when one is given.
    """
    if written is None:
        return MergedFacts(validate_facts({**measured.facts, "provenance": measured.provenance}, measured.label))
    file = "<facts>"
    lines: dict[str, int] = {}
    data: Any = written                               # a facts file may hold anything: validate_facts says what is wrong
    if isinstance(written, (str, os.PathLike)):
        file = os.fspath(written)
        data, lines = read_file(written)
    elif isinstance(written, Facts):
        data = written.model_dump(exclude_none=True)
    if not isinstance(data, dict):
        validate_facts(data, file, lines)             # raises: the top level is not a mapping
    merged, differences = merge_facts(data, measured.facts)
    merged.setdefault("provenance", measured.provenance)
    return MergedFacts(validate_facts(merged, file, lines), differences)


def evaluate_with_exports(engine: Evaluator, written: Written, exports: Sequence[str | os.PathLike[str]] | Measured, *,
                          today: _dt.date | None = None, **options: Any) -> Report:
    """Diagnose one community from its exports (or facts already `measure`d) and its written facts."""
    measured = exports if isinstance(exports, Measured) else measure(exports, **options)
    return merge_measured(written, measured).diagnose(engine, today=today)
