"""Bounds on a streamed export: the bytes of one message (or row) and, for JSON, nesting depth.

The C parser behind ijson keeps, for every open array or object, the path
to it as a string, so ``[[[…]]]`` nested N deep costs N² bytes (200 KB of
brackets reached gigabytes); and a string token spread over many reads is
re-scanned on every read, so one 300 MB message takes minutes. Neither can
be stopped from inside the parser, so :class:`BoundedStream` sits between the
file and the parser and looks at every chunk before the parser does:

- it tracks the nesting depth outside strings with C-speed byte operations
  (strings removed by one regular expression, brackets kept by
  ``bytes.translate``), and stops the stream just before the first bracket
  deeper than ``max_depth``, so the parser never sees it;
- the reader adds one to ``items`` for each message it takes from the
  parser; when more than ``max_item_bytes`` are read without a
  message being completed, the stream stops.

Either way the next read raises :class:`TooDeep` or :class:`TooLarge`,
which the reader turns into an :class:`ExportError` that says which message.
Exports written by the chat clients nest a few levels deep and a message
takes kilobytes, so real files never come near the bounds. A CSV reader
uses the same stream without the depth (``max_depth=None``), counting rows:
a row (or a field) of hundreds of megabytes stops at the bound instead of
being read whole into memory.
"""
from __future__ import annotations

import io
import re
from array import array
from itertools import accumulate
from typing import TYPE_CHECKING, Optional

from shequn.errors import ShequnError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_DEPTH = 64                    # levels of arrays and objects, counted from the top of the file
MAX_ITEM_BYTES = 1 << 20          # one message (or one statistics day): 1 MiB; a real one takes kilobytes
READ_SIZE = 1 << 16               # bytes per read (the parser re-scans a token split over reads; MAX_ITEM_BYTES bounds that)

_STRING = re.compile(rb'"[^"]*"')                   # a string, once escapes and other bytes are gone
_KEEP_QUOTES_AND_BRACKETS = bytes(b for b in range(256) if b not in b'"[]{}')
_SIGNS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")                  # +1 / -1 as signed bytes


class GuardError(ShequnError):
    """The stream stopped at a bound; the reader turns it into an ExportError that says where."""

    code = "export"


class TooDeep(GuardError):
    pass


class TooLarge(GuardError):
    pass


class BoundedStream(io.RawIOBase):
    """A raw binary stream over ``raw`` that refuses nesting deeper than ``max_depth`` (JSON;
    None: not JSON) and more than ``max_item_bytes`` read without an item being completed
    (the reader adds 1 to ``items`` for each message or row it takes)."""

    def __init__(self, raw: io.RawIOBase | io.BufferedIOBase, max_depth: Optional[int] = MAX_DEPTH,
                 max_item_bytes: int = MAX_ITEM_BYTES) -> None:
        super().__init__()
        self._raw = raw
        self.max_depth = max_depth
        self.max_item_bytes = max_item_bytes
        self.depth = 0
        self.pos = 0                      # bytes given to the parser
        self.items = 0                    # items (messages, rows) the reader has taken
        self._mark = 0                    # pos at the last read before which an item was completed
        self._marked_items = 0
        self._in_string = False           # the last chunk ended inside a string
        self._carry = b""                 # an odd backslash run at its end, scanned with the next chunk
        self._stop: Optional[GuardError] = None

    def readable(self) -> bool:
        return True

    def readinto(self, b: WriteableBuffer) -> int:
        data = self.read(len(memoryview(b)))
        n = len(data)
        memoryview(b)[:n] = data
        return n

    def read(self, size: int = -1) -> bytes:
        if self._stop is not None:
            raise self._stop
        if self.items != self._marked_items:
            self._marked_items, self._mark = self.items, self.pos
        elif self.pos - self._mark > self.max_item_bytes:
            self._stop = TooLarge()
            raise self._stop
        data = self._raw.read(READ_SIZE if size is None or size < 0 else size)
        if not data:
            return b""
        cut = self._scan(data, self.max_depth) if self.max_depth is not None else None
        if cut is not None:
            self._stop = TooDeep()
            if cut == 0:                # an empty read would mean the end of the file
                raise self._stop
            data = data[:cut]
        self.pos += len(data)
        return data

    def _scan(self, data: bytes, max_depth: int) -> Optional[int]:
        """Follow strings and depth through ``data``; the offset of the first bracket
        deeper than the bound, or None.

        Only C-speed operations on the whole chunk: escaped backslashes and quotes
        are dropped, then every byte but quotes and brackets; two adjacent quotes
        never have an outside bracket between them, so they go too, and what
        is left between quotes is inside a string.
        """
        carry = self._carry
        s = carry + data if carry else data
        body = s.rstrip(b"\\")
        tail = len(s) - len(body)                 # a backslash run may escape the next chunk's first byte
        self._carry = b"\\" if tail % 2 else b""
        in_string = self._in_string
        if b"\\" in body:
            if b"\\\\" in body:
                body = body.replace(b"\\\\", b"")
            if b'\\"' in body:
                body = body.replace(b'\\"', b"")
        r = body.translate(None, _KEEP_QUOTES_AND_BRACKETS)
        if in_string:
            r = b'"' + r
        if b'""' in r:
            r = r.replace(b'""', b"")
        if b'"' in r:
            r = _STRING.sub(b"", r)
            q = r.find(b'"')
            self._in_string = q >= 0
            if q >= 0:
                r = r[:q]
        else:
            self._in_string = False
        if not r:
            return None
        depth = self.depth
        if depth + _depth_bound(r) > max_depth and \
                max(accumulate(array("b", r.translate(_SIGNS)), initial=depth)) > max_depth:
            return max(0, _offset_too_deep(s, in_string, depth, max_depth) - len(carry))
        self.depth = depth + 2 * (r.count(b"[") + r.count(b"{")) - len(r)
        return None


def _depth_bound(brackets: bytes) -> int:
    """An upper bound of how much deeper than at their start ``brackets`` go: three rounds of
    removing adjacent pairs (up to two levels each) leave what a few messages' fields open."""
    s = brackets
    for _ in range(3):
        s = s.replace(b"[]", b"").replace(b"{}", b"")
    return s.count(b"[") + s.count(b"{") + 6


def _offset_too_deep(s: bytes, in_string: bool, depth: int, limit: int) -> int:
    """The offset in ``s`` of the first bracket deeper than ``limit``, byte by byte (only
    when the fast pass found one)."""
    escape = False
    for i, c in enumerate(s):
        if in_string:
            if escape:
                escape = False
            elif c == 0x5C:                 # backslash
                escape = True
            elif c == 0x22:                 # quote
                in_string = False
        elif c == 0x22:
            in_string = True
        elif c in (0x5B, 0x7B):             # [ {
            depth += 1
            if depth > limit:
                return i
        elif c in (0x5D, 0x7D):             # ] }
            depth -= 1
    return len(s)
