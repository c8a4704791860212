"""Facts from the data operators already have: chat exports and WeCom group statistics.

    facts, provenance = extract_facts(["result.json"], staff=["王小明"], days=30)

``facts`` is the nested facts mapping (``{"community": {...}, "engagement":
{...}, ...}``) with only the facts the exports can support; ``provenance``
says where they came from and how each was computed (and why the others are
unknown). Neither holds message text, names or ids.

Readers live one per module in this package and register themselves (see
``base.Reader``); every module here is imported, so a new format is one new
file.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import re
from typing import Callable, Iterable, Optional, Sequence, Union

from .base import READERS, ExportError, HashingReader, People, ReadContext, Reader, basename
from .measure import (DAY, ChatLog, Result, build_log, classify, iso, merge_days, parse_as_of, staff_entries,
                      window)
from .measures import measure_chats, measure_wecom

__all__ = ["extract_facts", "detect_format", "ExportError", "READERS", "Reader", "DEFINITIONS"]

_SKIP = {"base", "measure", "measures"}
for _m in pkgutil.iter_modules(__path__):
    if _m.name not in _SKIP and not _m.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_m.name}")

HEAD_BYTES = 65536

DEFINITIONS = {
    "window": "(as_of − days, as_of]: start excluded, end included; as_of defaults to the last timestamp "
              "in the exports (WeCom: the last stat_time), days to 30; --as-of without an offset is UTC",
    "human": "human messages are non-system messages from non-bots; red envelopes and cards are messages",
    "staff": "people named by --staff/--staff-file (id or display name), holding a --staff-role role "
             "(Discord), and the WeChat exporter (rows with IsSender = 1)",
    "members": "every other human; without any staff everyone is a member and the staff facts are unknown",
}


def _expected() -> str:
    descs = [r.description for r in READERS]
    return ", ".join(descs[:-1]) + " or " + descs[-1] if len(descs) > 1 else descs[0]


def _open_head(path: str) -> tuple[str, bytes]:
    label = basename(path)
    if not os.path.exists(path):
        raise ExportError(f"{label}: no such file")
    if os.path.isdir(path):
        raise ExportError(f"{label}: is a directory, not an export file")
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        raise ExportError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if not head:
        raise ExportError(f"{label}: empty file, expected {_expected()}")
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ExportError(f"{label}: only whitespace, expected {_expected()}")
    return label, head


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    sample = head[:4096]
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if ctrl > len(sample) * 0.05:
        return True
    for enc in ("utf-8", "gb18030"):
        try:
            import codecs
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
            return False
        except UnicodeDecodeError:
            continue
    return True


def detect_format(path: str) -> str:
    """The name of the reader for this file (e.g. ``"telegram_json"``), from its content only."""
    return _detect(path)[0].name


def _detect(path: str) -> tuple[type[Reader], str, bytes]:
    label, head = _open_head(path)
    if _looks_binary(head):
        raise ExportError(f"{label}: binary data, not an export; expected {_expected()}")
    for r in READERS:
        if r.sniff(head):
            return r, label, head
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    what = "a JSON file" if h[:1] in (b"{", b"[") else "a text file"
    raise ExportError(f"{label}: not a known export ({what}); expected {_expected()}")


def extract_facts(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]],
                  staff: Iterable[str] = (), staff_file: Optional[str] = None,
                  staff_roles: Iterable[str] = (), as_of=None, days: float = 30,
                  name: Optional[str] = None, members: Optional[int] = None,
                  ad_patterns: Iterable[str] = (),
                  progress: Optional[Callable[[str, int], object]] = None) -> tuple[dict, dict]:
    """Measure facts from exports; ``paths`` are the groups of one community.

    Returns ``(facts, provenance)``. Raises :class:`ExportError` for a file
    that is no readable export and for bad options. ``progress(label,
    total_bytes)``, when given, returns a callable taking the bytes read.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(staff, str):
        staff = [staff]
    if isinstance(staff_roles, str):
        staff_roles = [staff_roles]
    if isinstance(ad_patterns, str):
        ad_patterns = [ad_patterns]
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ExportError("no export files given")
    try:
        days = float(days)
    except (TypeError, ValueError):
        raise ExportError(f"--days must be a number of days, not {days!r}") from None
    if not days > 0:
        raise ExportError("--days must be greater than 0")
    if days.is_integer():
        days = int(days)
    if members is not None and (not isinstance(members, int) or members < 0):
        raise ExportError("--members must be a whole number ≥ 0")
    as_of_t = None
    if as_of is not None:
        try:
            as_of_t = parse_as_of(as_of)
        except (TypeError, ValueError):
            raise ExportError(f"--as-of: not an ISO-8601 date or time: {str(as_of)[:40]!r}") from None
    file_text = None
    if staff_file is not None:
        try:
            with open(staff_file, encoding="utf-8-sig") as f:
                file_text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportError(f"{basename(staff_file)}: cannot read the staff file "
                              f"({getattr(exc, 'strerror', None) or exc})") from None
    entries = staff_entries(staff, file_text)
    ad_patterns = tuple(ad_patterns or ())
    for p in ad_patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ExportError(f"--ad-pattern: invalid regular expression ({exc})") from None
    staff_roles = tuple(staff_roles or ())

    people = People()
    logs: list[ChatLog] = []
    stats = []
    sources = []
    detected = [_detect(p) for p in paths]          # all files are checked before any is read
    kinds = {r.kind for r, _, _ in detected}
    if len(kinds) > 1:
        raise ExportError("WeCom group statistics cannot be combined with chat exports; "
                          "extract them separately")
    for path, (reader_cls, label, head) in zip(paths, detected):
        ctx = ReadContext(people, ad_patterns, staff_roles)
        upd = progress(label, os.path.getsize(path)) if progress else None
        stream = HashingReader(path, upd)
        try:
            reader = reader_cls()
            if reader_cls.kind == "stats":
                days_read = list(reader.read(stream, ctx, label))
                stats.extend(days_read)
                src = {"file": label, "format": reader_cls.name, "days": len(days_read)}
                if days_read:
                    src["first"] = iso(min(d.t for d in days_read))
                    src["last"] = iso(max(d.t for d in days_read))
            else:
                log = build_log(label, reader_cls.name, reader_cls.platform, reader.read(stream, ctx, label))
                people.finish_file()
                log.group_name = ctx.group_name
                log.supports = set(ctx.supports)
                logs.append(log)
                src = {"file": label, "format": reader_cls.name, "messages": len(log),
                       "system_messages": log.system, "joins": len(log.joins), "leaves": len(log.leaves)}
                if log.first is not None:
                    src["first"] = iso(log.first)
                    src["last"] = iso(log.last)
            src["sha256"] = stream.drain()
            src["_group_name"] = ctx.group_name or os.path.splitext(label)[0]
            src["_platform"] = reader_cls.platform
            sources.append(src)
        except UnicodeDecodeError:
            raise ExportError(f"{label}: undecodable text") from None
        except OSError as exc:
            raise ExportError(f"{label}: cannot read ({exc.strerror or exc})") from None
        finally:
            stream.close()

    # as_of and the window
    if as_of_t is None:
        lasts = [d.t for d in stats] if stats else [lg.last for lg in logs if lg.last is not None]
        if not lasts:
            as_of_t = None
        else:
            as_of_t = max(lasts)
        as_of_src = "the last stat_time in the statistics" if stats else "the last timestamp in the exports"
    else:
        as_of_src = "--as-of"

    facts_flat: dict[str, object] = {}
    how: dict[str, str] = {}
    notes: list[str] = []
    platforms = {s["_platform"] for s in sources}
    platform = platforms.pop() if len(platforms) == 1 else "other"
    group_names = list(dict.fromkeys(s["_group_name"] for s in sources))
    if name:
        facts_flat["community.name"] = name
        how["community.name"] = "--name"
    else:
        facts_flat["community.name"] = " / ".join(group_names)
        how["community.name"] = "the export's group name" + ("s" if len(group_names) > 1 else "") + \
            " (the file name where the export does not name the group)"
    facts_flat["community.platform"] = platform
    how["community.platform"] = "the detected format" + ("s (several platforms: other)" if platform == "other" else "")
    if not stats:
        facts_flat["community.groups"] = len(paths)
        how["community.groups"] = f"number of exports ({len(paths)})"

    res: Optional[Result] = None
    roles_summary = {}
    if as_of_t is None:
        notes.append("the exports hold no messages: the message facts are unknown")
        res = Result()
        res.unset("engagement.messages_per_day", "the exports hold no messages")
    elif stats:
        res = measure_wecom(merge_days(stats), as_of_t, days)
    else:
        role, matched = classify(people, entries)
        res = measure_chats(logs, people, role, as_of_t, days)
        canon_keys = {people.alias[k] for k in range(len(people))}
        roles_summary = {"staff": sum(1 for c in canon_keys if role[c] == 1),
                         "bots": sum(1 for c in canon_keys if role[c] == 2)}
        unmatched = [str(i + 1) for i, n in enumerate(matched) if not n]
        if unmatched:
            notes.append(f"{len(unmatched)} of {len(entries)} --staff entries matched nobody in the exports "
                         f"(entries {', '.join(unmatched)})")
        for log, n in zip(logs, res.counts.pop("per_file_human", [])):
            for s in sources:
                if s["file"] == log.label and "human_messages_in_window" not in s:
                    s["human_messages_in_window"] = n
                    break
    for k, v in res.facts.items():
        facts_flat[k] = v
        how[k] = res.how[k]
    notes.extend(res.notes)
    if members is not None:
        if "size.members" in facts_flat:
            notes.append(f"--members replaces the measured size.members ({facts_flat['size.members']})")
        facts_flat["size.members"] = members
        how["size.members"] = "--members"
    unknown = dict(res.unknown)
    if "size.members" not in facts_flat:
        unknown["size.members"] = "chat exports do not list the members; give --members " \
                                  "(or use WeCom group statistics)"
    for k in facts_flat:
        unknown.pop(k, None)

    # coverage: a window that starts before the exports do
    if as_of_t is not None:
        start, end = window(as_of_t, days)
        firsts = [lg.first for lg in logs if lg.first is not None] + [d.t for d in stats]
        if firsts and min(firsts) > start + DAY:
            notes.append(f"the exports start at {iso(min(firsts))}, after the window's start {iso(start)}: "
                         "rates are still divided by the whole window")

    facts = nest(facts_flat)
    for s in sources:
        s.pop("_group_name", None)
        s.pop("_platform", None)
    prov = {
        "extractor": "shequn facts extract",
        "sources": sources,
        "window": ({"as_of": iso(as_of_t), "as_of_from": as_of_src, "days": days,
                    "start": iso(as_of_t - days * DAY), "end": iso(as_of_t),
                    "definition": DEFINITIONS["window"]} if as_of_t is not None else None),
        "definitions": {k: v for k, v in DEFINITIONS.items() if k != "window"},
        "counts": {**{k: v for k, v in res.counts.items()}, **({"people": roles_summary} if roles_summary else {})},
        "facts": {k: how[k] for k in sorted(how)},
        "unknown": {k: unknown[k] for k in sorted(unknown)},
    }
    if entries or staff_roles:
        prov["staff_given"] = {"entries": len(entries), "roles": len(staff_roles)}
    if ad_patterns:
        prov["ad_patterns"] = len(ad_patterns)
    if notes:
        prov["notes"] = notes
    return facts, prov


def nest(flat: dict) -> dict:
    """{"a.b": 1} → {"a": {"b": 1}}, sections in the vocabulary's order."""
    order = ["community", "size", "positioning", "traffic", "governance", "leadership", "content",
             "ads", "engagement", "activities", "retention", "conversion", "offer", "culture"]
    first = {"community.name": 0, "community.platform": 1, "community.groups": 2}
    out: dict = {}
    for key in sorted(flat, key=lambda k: (order.index(k.split(".")[0]) if k.split(".")[0] in order else 99,
                                           first.get(k, 9), k)):
        sec, _, fact = key.partition(".")
        out.setdefault(sec, {})[fact] = flat[key]
    return out
