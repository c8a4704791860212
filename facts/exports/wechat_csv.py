"""WeChatMsg / MemoTrace CSV export of one group chat."""
from __future__ import annotations

import codecs
import csv
import io
import re
from typing import Any, Iterator, Optional

from .base import (CARD, JOIN, MAX_TIME, RED_ENVELOPE, SYSTEM, TEXT, TIME_RANGE, F_AD, F_QUESTION, AdPatternTimeout,
                   BadValue, ExportError, HashingReader, Message, People, ReadContext, Reader, ad_timeout_error,
                   check_time, register, text_flags)
from .bounds import READ_SIZE, BoundedStream, GuardError

COLUMNS = ("localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
           "StrContent", "StrTime", "Remark", "NickName", "Sender")
REQUIRED = ("Type", "SubType", "IsSender", "CreateTime", "StrContent", "NickName", "Sender")

SYSTEM_TYPES = frozenset({10000, 10002})
CARD_SUBTYPES = frozenset({5, 33, 36})          # link card, mini-program cards
RED_TYPES = frozenset({436207665})              # and Type 49 / SubType 2001

EXPORTER = "<exporter>"
MAX_ROW_BYTES = 1 << 20          # one row (its fields included): 1 MiB; a real one takes a few kilobytes
YOU = "你"

_Q = "[\"“”]"
_JOIN_PATTERNS = (
    # (regex, inviter group or None for the exporter, invitees group or None for the exporter)
    (re.compile(f"^{_Q}(?P<a>.+?){_Q}邀请{_Q}(?P<b>.+){_Q}加入了群聊"), "a", "b"),
    (re.compile(f"^你邀请{_Q}(?P<b>.+){_Q}加入了群聊"), None, "b"),
    (re.compile(f"^{_Q}(?P<a>.+?){_Q}邀请你加入了群聊"), "a", None),
    (re.compile(f"^{_Q}(?P<b>.+?){_Q}通过扫描{_Q}(?P<a>.+?){_Q}分享的二维码加入群聊"), "a", "b"),
    (re.compile(f"^{_Q}(?P<b>.+?){_Q}通过扫描你分享的二维码加入群聊"), None, "b"),
)
_AT = re.compile("@([^@\u2005]{1,64})\u2005")
_AT_ALL = frozenset({"所有人", "All", "all"})


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _header_line(head: bytes) -> list[str]:
    enc = detect_encoding(head)
    try:
        text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head[:8192], final=False)
    except LookupError:  # pragma: no cover
        return []
    first = text.splitlines()[0] if text else ""
    try:
        return [c.strip() for c in next(csv.reader([first]))]
    except (StopIteration, csv.Error):
        return []


def parse_joins(text: str) -> list[tuple[Optional[str], Optional[str]]]:
    """Joins in a WeChat system text: a list of (invitee, inviter); names, or None for the exporter.

    ``"A"邀请"B、C"加入了群聊`` gives [("B", "A"), ("C", "A")]; 你 is the exporter.
    """
    for rx, ga, gb in _JOIN_PATTERNS:
        m = rx.search(text)
        if m:
            inviter = m.group(ga) if ga else None
            invitees = m.group(gb).split("、") if gb else [None]
            return [(b, inviter) for b in invitees]
    return []


def mentions_in(text: str) -> list[str]:
    """Display names mentioned as WeChat writes them: ``@name`` ended by U+2005 (not @所有人)."""
    if "\u2005" not in text:
        return []
    return [n for n in _AT.findall(text) if n not in _AT_ALL]


def _create_time(ct: str) -> float:
    """CreateTime that is not plain digits: a number written otherwise (1.7e9), else BadValue."""
    try:
        t = float(ct)
    except ValueError:
        raise BadValue("CreateTime", TIME_RANGE) from None
    return check_time(t, "CreateTime")


@register
class WeChatCSV(Reader):
    name = "wechat_csv"
    platform = "wechat"
    description = "a WeChatMsg/MemoTrace CSV (columns " + ", ".join(COLUMNS) + ")"
    priority = 30

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        cols = set(_header_line(head))
        return len(cols & set(COLUMNS)) >= 3

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[Message]:
        head = stream._f.read(65536)
        stream._f.seek(0)
        enc = detect_encoding(head)
        guard = BoundedStream(stream, max_depth=None, max_item_bytes=MAX_ROW_BYTES)
        buf = io.BufferedReader(guard, READ_SIZE)
        f = io.TextIOWrapper(buf, encoding=enc, newline="")
        rows = csv.reader(f)
        self._row: list[str] = []
        self._iL: Optional[int] = None
        return self._rows(rows, guard, ctx, label, enc, f, buf)

    def _rows(self, rows: Any, guard: BoundedStream, ctx: ReadContext, label: str, enc: str,
              f: io.TextIOWrapper, buf: io.BufferedIOBase) -> Iterator[Message]:
        """The rows' records; every problem becomes an ExportError that names its row."""
        n = 0                           # data rows taken (the header is row 1)
        try:
            try:
                header = [c.strip() for c in next(rows)]
            except StopIteration:
                raise ExportError(f"{label}: empty CSV, expected {self.description}") from None
            idx = {c: i for i, c in enumerate(header)}
            missing = [c for c in REQUIRED if c not in idx]
            if missing:
                raise ExportError(f"{label}: missing CSV column{'s' if len(missing) > 1 else ''} "
                                  f"{', '.join(missing)} (a WeChatMsg/MemoTrace CSV has columns {', '.join(COLUMNS)})")
            ctx.supports.update({"joins", "inviter", "red_envelopes"})
            people = ctx.people
            iT, iS, iIs, iC, iX, iN, iW = (idx[c] for c in REQUIRED)
            iL = idx.get("localId")
            self._iL = iL
            width = max(iT, iS, iIs, iC, iX, iN, iW) + 1
            ex = None
            is_ad = ctx.is_ad_text
            by_id = people.by_id
            senders: dict[tuple[str, Optional[str]], int] = {}     # (Sender, NickName) -> key: most rows repeat both
            for row in rows:
                n += 1
                guard.items = n
                self._row = row
                if len(row) < width:
                    if not row or row == [""]:
                        continue
                    raise ExportError(f"{label}: row {rows.line_num}{self._lid()}: {len(row)} columns, "
                                      f"expected {len(header)}")
                ct = row[iC]
                if ct.isdecimal() and len(ct) <= 12:                  # the usual case, quickly
                    t = float(ct)
                    if t > MAX_TIME:
                        raise BadValue("CreateTime", TIME_RANGE)
                else:
                    t = _create_time(ct)
                ty, st = row[iT], row[iS]
                if ty == "1" and (st == "0" or not st):
                    typ, sub = 1, 0
                else:
                    try:
                        typ = int(ty)
                        sub = int(st) if st else 0
                    except ValueError:
                        raise BadValue("Type/SubType", "whole numbers") from None
                name = row[iN] or None
                if row[iIs] == "1":
                    sender = by_id("wx:", EXPORTER, name)
                    if ex is None:
                        ex = sender
                        people.exporter[sender] = 1
                elif row[iW]:
                    ck = (row[iW], name)
                    known = senders.get(ck)
                    if known is None:
                        known = senders[ck] = by_id("wx:", row[iW], name)
                    sender = known
                elif name:
                    sender = by_id("wxn:", name, name)
                else:
                    sender = people.anonymous()
                mid = -1
                if iL is not None:
                    lid = row[iL]
                    if lid.isdecimal() and len(lid) <= 18:
                        mid = int(lid)
                if typ in SYSTEM_TYPES:
                    yield Message(t, sender, SYSTEM, 0, mid)
                    if typ == 10000:
                        for invitee, inviter in parse_joins(row[iX]):
                            a = self._who(people, inviter)
                            b = self._who(people, invitee)
                            yield Message(t, b, JOIN, actor=a)
                    continue
                if typ == 1 or (typ == 49 and sub == 57):
                    text = row[iX]
                    if typ == 49 and text.startswith("<"):
                        text = ""
                    mentions = None
                    if text:
                        flags, thash = text_flags(text, is_ad)
                        if "\u2005" in text:
                            names = mentions_in(text)
                            if names:
                                mentions = tuple(self._who(people, nm) for nm in names)
                    else:
                        flags, thash = 0, 0
                    yield Message(t, sender, TEXT, flags, mid, -1, mentions, thash)
                elif (typ == 49 and sub == 2001) or typ in RED_TYPES:
                    yield Message(t, sender, RED_ENVELOPE, 0, mid)
                elif typ == 49 and sub in CARD_SUBTYPES:
                    yield Message(t, sender, CARD, F_AD, mid)
                else:
                    yield Message(t, sender, TEXT, 0, mid)
        except BadValue as exc:
            raise ExportError(f"{label}: row {rows.line_num}{self._lid()}: {exc.field}: "
                              f"expected {exc.expected}") from None
        except AdPatternTimeout as exc:
            raise ad_timeout_error(label, exc, f"row {rows.line_num}{self._lid()}") from None
        except GuardError:
            raise ExportError(f"{label}: the row after row {n + 1}: more than {MAX_ROW_BYTES:,} bytes "
                              "(a real row takes a few kilobytes); the file is refused") from None
        except UnicodeDecodeError:
            raise ExportError(f"{label}: not valid {enc} text near row {rows.line_num} "
                              "(expected UTF-8, with or without BOM, or GB18030)") from None
        except csv.Error as exc:
            problem = "a field larger than the limit" if "field limit" in str(exc) else "malformed CSV"
            raise ExportError(f"{label}: row {rows.line_num}: {problem}") from None
        finally:
            f.detach()
            buf.detach()        # keep the hashing stream open: the caller drains and closes it

    def _lid(self) -> str:
        """`` (localId 123)`` for the row being read, when its localId is a number (a position
        in the chat database, not a person)."""
        iL, row = self._iL, self._row
        if iL is not None and iL < len(row) and row[iL].isascii() and row[iL].isdigit() and len(row[iL]) <= 18:
            return f" (localId {row[iL]})"
        return ""

    @staticmethod
    def _who(people: People, name: Optional[str]) -> int:
        if name is None or name == YOU:
            k = people.by_id("wx:", EXPORTER, None, sender=False)
            people.exporter[k] = 1
            return k
        return people.by_name(name)
