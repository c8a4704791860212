"""Finding the format of each file and running its reader."""
from __future__ import annotations

import codecs
import os
from typing import Any, Callable, Iterator, Optional, cast

from ..files import open_regular
from .base import READERS, DayStat, ExportError, HashingReader, Message, People, ReadContext, Reader, basename
from .measure import ChatLog, build_log, iso
from .options import ExtractOptions

HEAD_BYTES = 65536

# progress(label, total bytes) gives the callable taking the bytes read, or None
Progress = Callable[[str, int], Optional[Callable[[int], object]]]


def expected() -> str:
    """The formats the readers know, for "expected ..." messages."""
    descs = [r.description for r in READERS]
    return ", ".join(descs[:-1]) + " or " + descs[-1] if len(descs) > 1 else descs[0]


def open_head(path: str) -> tuple[str, bytes]:
    """The file's label (base name) and its first HEAD_BYTES bytes."""
    label = basename(path)
    if not os.path.exists(path):
        raise ExportError(f"{label}: no such file")
    if os.path.isdir(path):
        raise ExportError(f"{label}: is a directory, not an export file")
    try:
        with open_regular(path) as f:          # a pipe or a device would block or never end
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        raise ExportError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if not head:
        raise ExportError(f"{label}: empty file, expected {expected()}")
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ExportError(f"{label}: only whitespace, expected {expected()}")
    return label, head


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    sample = head[:4096]
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if ctrl > len(sample) * 0.05:
        return True
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
            return False
        except UnicodeDecodeError:
            continue
    return True


def detect(path: str) -> tuple[type[Reader], str, bytes]:
    """The reader for this file (from its content only), its label and its head."""
    label, head = open_head(path)
    if looks_binary(head):
        raise ExportError(f"{label}: binary data, not an export; expected {expected()}")
    for r in READERS:
        if r.sniff(head):
            return r, label, head
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    what = "a JSON file" if h[:1] in (b"{", b"[") else "a text file"
    raise ExportError(f"{label}: not a known export ({what}); expected {expected()}")


class Readings:
    """What the readers gave: the chat logs (or WeCom days) and, per file, its source entry
    for the provenance (``sources``, in file order), its group name and platform."""

    def __init__(self) -> None:
        self.people = People()
        self.logs: list[ChatLog] = []
        self.log_sources: list[dict[str, Any]] = []      # the source entry of each log
        self.stats: list[DayStat] = []                   # DayStat of every statistics file
        self.sources: list[dict[str, Any]] = []
        self.group_names: list[str] = []       # the export's group name, else the file name
        self.platforms: list[str] = []
        self.notes: list[str] = []                       # values the readers skipped over, per file

    @property
    def first_times(self) -> list[float]:
        """The first timestamp of every export (chat logs, then statistics days)."""
        return [lg.first for lg in self.logs if lg.first is not None] + [d.t for d in self.stats]


def read_exports(options: ExtractOptions, progress: Optional[Progress] = None) -> Readings:
    """Read every file; all are checked (format, no mix of statistics and chats) before any is read."""
    detected = [detect(p) for p in options.paths]
    kinds = {r.kind for r, _, _ in detected}
    if len(kinds) > 1:
        raise ExportError("WeCom group statistics cannot be combined with chat exports; "
                          "extract them separately")
    out = Readings()
    for path, (reader_cls, label, _head) in zip(options.paths, detected):
        ctx = ReadContext(out.people, options.ad_patterns, options.staff_roles)
        upd = progress(label, os.path.getsize(path)) if progress else None
        stream = HashingReader(path, upd)
        try:
            if reader_cls.kind == "stats":
                src = _read_stats(out, reader_cls, stream, ctx, label)
            else:
                src = _read_chat(out, reader_cls, stream, ctx, label)
            src["sha256"] = stream.drain()
        except UnicodeDecodeError:
            raise ExportError(f"{label}: undecodable text") from None
        except OSError as exc:
            raise ExportError(f"{label}: cannot read ({exc.strerror or exc})") from None
        finally:
            stream.close()
        out.notes.extend(ctx.notes(label))
        out.sources.append(src)
        out.group_names.append(ctx.group_name or os.path.splitext(label)[0])
        out.platforms.append(reader_cls.platform)
    return out


def _read_stats(out: Readings, reader_cls: type[Reader], stream: HashingReader, ctx: ReadContext,
                label: str) -> dict[str, Any]:
    days = list(cast(Iterator[DayStat], reader_cls().read(stream, ctx, label)))    # a "stats" reader's records
    out.stats.extend(days)
    src: dict[str, Any] = {"file": label, "format": reader_cls.name, "days": len(days)}
    if days:
        src["first"] = iso(min(d.t for d in days))
        src["last"] = iso(max(d.t for d in days))
    return src


def _read_chat(out: Readings, reader_cls: type[Reader], stream: HashingReader, ctx: ReadContext,
               label: str) -> dict[str, Any]:
    messages = cast(Iterator[Message], reader_cls().read(stream, ctx, label))     # a "chat" reader's records
    log = build_log(label, reader_cls.name, reader_cls.platform, messages)
    out.people.finish_file()
    log.group_name = ctx.group_name
    log.supports = set(ctx.supports)
    src: dict[str, Any] = {"file": label, "format": reader_cls.name, "messages": len(log),
           "system_messages": log.system, "joins": len(log.joins), "leaves": len(log.leaves)}
    first, last = log.first, log.last
    if first is not None and last is not None:         # both or neither
        src["first"] = iso(first)
        src["last"] = iso(last)
    out.logs.append(log)
    out.log_sources.append(src)
    return src
