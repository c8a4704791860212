"""Facts from the data operators already have: chat exports and WeCom group statistics.

    facts, provenance = extract_facts(["result.json"], staff=["王小明"], days=30)

``facts`` is the nested facts mapping (``{"community": {...}, "engagement":
{...}, ...}``) with only the facts the exports can support; ``provenance``
says where they came from and how each was computed (and why the others are
unknown). Neither holds message text, names or ids.

Readers live one per module in this package and register themselves (see
``base.Reader``); every module here but the few listed in ``_SKIP`` is
imported, so a new format is one new file. ``extract_facts`` runs the parts:
the options (``options.py``), reading (``reading.py``), the time window
(``timewindow.py``), measuring (``measures/``) and the provenance
(``provenance.py``).
"""
from __future__ import annotations

import importlib
import os
import pkgutil
from typing import Any, Iterable, Optional, Sequence, Union, cast

from .base import READERS, ExportError, Reader
from .measure import BOT, STAFF, Result, classify, merge_days
from .measures import measure_chats, measure_wecom
from .options import ExtractOptions
from .provenance import DEFINITIONS, Provenance, nest
from .reading import Progress, Readings, detect, read_exports
from .timewindow import TimeWindow

__all__ = ["extract_facts", "detect_format", "ExportError", "READERS", "Reader", "DEFINITIONS", "ExtractOptions"]

# the modules that are not readers; every other module here is one and registers itself
_SKIP = {"base", "bounds", "shape", "measure", "measures", "options", "provenance", "reading", "timewindow"}
for _m in pkgutil.iter_modules(__path__):
    if _m.name not in _SKIP and not _m.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_m.name}")


def detect_format(path: str) -> str:
    """The name of the reader for this file (e.g. ``"telegram_json"``), from its content only."""
    return detect(path)[0].name


def extract_facts(paths: Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]],
                  staff: Iterable[str] = (), staff_file: Optional[str] = None,
                  staff_roles: Iterable[str] = (), as_of: object = None, days: float = 30,
                  name: Optional[str] = None, members: Optional[int] = None,
                  ad_patterns: Iterable[str] = (),
                  progress: Optional[Progress] = None) -> tuple[dict[str, dict[str, object]], dict[str, Any]]:
    """Measure facts from exports; ``paths`` are the groups of one community.

    Returns ``(facts, provenance)``. Raises :class:`ExportError` for a file
    that is no readable export and for bad options. ``progress(label,
    total_bytes)``, when given, returns a callable taking the bytes read.
    """
    options = ExtractOptions.from_arguments(paths, staff=staff, staff_file=staff_file, staff_roles=staff_roles,
                                            as_of=as_of, days=days, name=name, members=members,
                                            ad_patterns=ad_patterns)
    readings = read_exports(options, progress)
    when = TimeWindow.of(options.as_of, options.days, readings)
    prov = Provenance()
    prov.notes.extend(readings.notes)
    prov.add_community(options, readings)
    res, roles_summary = _measure(options, readings, when, prov.notes)
    unknown = prov.add_measured(res, options.members)
    note = when.coverage_note(readings)
    if note:
        prov.notes.append(note)
    return nest(prov.facts), prov.document(options, readings, when, res, roles_summary, unknown)


def _measure(options: ExtractOptions, readings: Readings, when: TimeWindow,
             notes: list[str]) -> tuple[Result, dict[str, int]]:
    """The measured facts and, for chats, how many people are staff and bots; notes go to ``notes``."""
    if when.as_of is None:
        notes.append("the exports hold no messages: the message facts are unknown")
        res = Result()
        res.unset("engagement.messages_per_day", "the exports hold no messages")
        return res, {}
    if readings.stats:
        return measure_wecom(merge_days(readings.stats), when.as_of, when.days), {}
    people, entries = readings.people, options.staff_entries
    role, matched = classify(people, entries)
    res = measure_chats(readings.logs, people, role, when.as_of, when.days)
    canon_keys = {people.alias[k] for k in range(len(people))}
    roles_summary = {"staff": sum(1 for c in canon_keys if role[c] == STAFF),
                     "bots": sum(1 for c in canon_keys if role[c] == BOT)}
    unmatched = [str(i + 1) for i, n in enumerate(matched) if not n]
    if unmatched:
        notes.append(f"{len(unmatched)} of {len(entries)} --staff entries matched nobody in the exports "
                     f"(entries {', '.join(unmatched)})")
    per_file = cast(list[int], res.counts.pop("per_file_human", []))       # MessageCounts' list
    for src, n in zip(readings.log_sources, per_file):
        src["human_messages_in_window"] = n
    return res, roles_summary
