"""The small interface every export reader implements, and the compact records.

A reader is a class registered with :func:`register`. It says whether a file
is its format from the first bytes (:meth:`Reader.sniff`, content only, never
the file name) and streams the file as compact :class:`Message` records
(:meth:`Reader.read`). Nothing a reader yields holds message text or names:
a message keeps its time, an interned sender key, its kind, a few flags, its
id, the id it replies to, the keys it mentions and a hash of its text.

People are interned in :class:`People`, shared by all files of one
extraction, so the same id in two exports is the same person. Names seen in
system texts and ``@`` mentions (WeChat, Telegram ``invite_members``) are
name-only references that are resolved, per file, to the sender who used that
display name when the file is finished.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Optional

import regex

from shequn.errors import ShequnError

from ..files import open_regular
from .bounds import MAX_DEPTH, MAX_ITEM_BYTES, READ_SIZE, BoundedStream, GuardError, TooDeep

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "ExportError", "Message", "DayStat", "People", "Reader", "ReadContext",
    "register", "READERS", "TEXT", "SYSTEM", "RED_ENVELOPE", "CARD", "JOIN",
    "LEAVE", "KIND_NAMES", "F_QUESTION", "F_AD", "text_hash", "collapse",
    "is_question", "text_flags", "HashingReader", "BadValue", "AdPatternTimeout", "where", "check_time",
    "MIN_TIME", "MAX_TIME", "AD_PATTERN_SECONDS",
]


class ExportError(ShequnError):
    """A file that cannot be read as an export, or a bad option; the message names the file.

    It says where (file, message, row, field) and what was expected, never a
    value taken from the file: a message's text, a name or a person's id.
    """

    code = "export"


class BadValue(ShequnError):
    """A field of one message that a reader cannot use: ``field`` and what was ``expected``.
    Raised inside a reader's loop and turned into an ExportError that says which message."""

    code = "export"

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"{field}: expected {expected}")
        self.field, self.expected = field, expected


class AdPatternTimeout(ShequnError):
    """An --ad-pattern (``index``, from 1) ran past its time budget on one message."""

    code = "export"

    def __init__(self, index: int) -> None:
        super().__init__(f"--ad-pattern number {index} ran past its time budget")
        self.index = index


# the dates a message may carry: from 1970-01-01 to 9999-12-31 (UTC), the years a date can be written in
MIN_TIME = 0.0
MAX_TIME = 253402300799.0
TIME_RANGE = "a timestamp in Unix seconds from 1970-01-01 to 9999-12-31"

# seconds one --ad-pattern may take on one message (the regex package stops it there)
AD_PATTERN_SECONDS = 0.25


def check_time(t: float, field: str) -> float:
    """``t`` when it is a time a message can have; BadValue otherwise (nan and ±inf included)."""
    if not MIN_TIME <= t <= MAX_TIME:           # false for nan too
        raise BadValue(field, TIME_RANGE)
    return t


def message_id(mid: object) -> Optional[str]:
    """A message id fit to print: a whole number of at most 20 digits (they are positions in
    the chat, not people); anything else is left out, as it could be text from the file."""
    if isinstance(mid, bool):
        return None
    if isinstance(mid, int):
        return str(mid) if abs(mid) < 10 ** 20 else None
    if isinstance(mid, str) and 0 < len(mid) <= 20 and mid.isascii() and mid.isdigit():
        return mid
    return None


def person_id(v: object) -> Optional[str]:
    """A person's id as an export writes it (``user123``, a snowflake string, or a number); None when it is neither."""
    if type(v) is str and v:
        return v
    if type(v) is int:
        return str(v)
    return None


def where(n: int, mid: object = None, what: str = "message") -> str:
    """``message 12 (message id 3456)``: the message's place in the file and its id when printable."""
    shown = message_id(mid)
    return f"{what} {n:,}" + (f" ({what} id {shown})" if shown is not None else "")


# message kinds
TEXT, SYSTEM, RED_ENVELOPE, CARD, JOIN, LEAVE = range(6)
KIND_NAMES = ("text", "system", "red_envelope", "card", "join", "leave")

# message flags
F_QUESTION = 1   # trimmed text ends with ? or ？
F_AD = 2         # a URL (http://, https://), a link/mini-program card or an --ad-pattern match


class Message:
    """One message (or one join/leave event), without its text.

    ``t`` is Unix seconds (UTC). ``sender`` is a :class:`People` key (for a
    join or leave, the person who joined or left). ``actor`` is, for a join,
    the inviter's key or None when the export does not say. ``mentions`` is a
    tuple of :class:`People` keys or None. ``thash`` is a 64-bit hash of the
    whitespace-collapsed text when it has at least 10 characters, else 0.
    """

    __slots__ = ("t", "sender", "kind", "flags", "mid", "reply_to", "mentions", "thash", "actor")

    def __init__(self, t: float, sender: int, kind: int = TEXT, flags: int = 0, mid: int = -1,
                 reply_to: int = -1, mentions: Optional[tuple[int, ...]] = None, thash: int = 0,
                 actor: Optional[int] = None):
        self.t = t
        self.sender = sender
        self.kind = kind
        self.flags = flags
        self.mid = mid
        self.reply_to = reply_to
        self.mentions = mentions
        self.thash = thash
        self.actor = actor

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (f"Message(t={self.t}, sender={self.sender}, kind={KIND_NAMES[self.kind]}, "
                f"flags={self.flags}, mid={self.mid}, reply_to={self.reply_to}, "
                f"mentions={self.mentions}, actor={self.actor})")


class DayStat:
    """One day of WeCom customer-group statistics."""

    __slots__ = ("t", "new_chat_cnt", "chat_total", "chat_has_msg", "new_member_cnt",
                 "member_total", "member_has_msg", "msg_total")
    FIELDS: ClassVar[tuple[str, ...]] = ("new_chat_cnt", "chat_total", "chat_has_msg", "new_member_cnt",
                               "member_total", "member_has_msg", "msg_total")

    # set from FIELDS in __init__; None when the statistics leave them out
    new_chat_cnt: Optional[int]
    chat_total: Optional[int]
    chat_has_msg: Optional[int]
    new_member_cnt: Optional[int]
    member_total: Optional[int]
    member_has_msg: Optional[int]
    msg_total: Optional[int]

    def __init__(self, t: float, **data: Optional[int]):
        self.t = t
        for f in self.FIELDS:
            setattr(self, f, data.get(f))




def collapse(text: str) -> str:
    """Whitespace collapsed: runs of whitespace become one space, ends trimmed."""
    return " ".join(text.split())


def text_hash(text: str) -> int:
    """A 64-bit hash of the collapsed text when it has at least 10 characters, else 0.

    Only compared within one extraction (repeated texts), so Python's own string
    hash serves: no digest is computed for every message.
    """
    c = " ".join(text.split())
    if len(c) < 10:
        return 0
    return hash(c) or 1


def is_question(text: str) -> bool:
    return text.rstrip().endswith(_QUESTION_MARKS)


_QUESTION_MARKS = ("?", "？")


def text_flags(text: str, ad: Callable[[str], bool]) -> tuple[int, int]:
    """F_AD and F_QUESTION of a message's text, and its :func:`text_hash`."""
    flags = F_AD if ad(text) else 0
    if text.rstrip().endswith(_QUESTION_MARKS):
        flags |= F_QUESTION
    if len(text) < 10:
        return flags, 0
    c = " ".join(text.split())
    return flags, (hash(c) or 1) if len(c) >= 10 else 0


class People:
    """Interned people: ids, the display names they used, bot and role flags.

    Keys are small ints. Ids are namespaced by platform (``tg:user42``,
    ``dc:1234``, ``wx:wxid_x``) so that people are matched by id across the
    files of one platform. Name-only references are scoped to one file and
    resolved at the end of that file (:meth:`finish_file`).
    """

    def __init__(self) -> None:
        self._by_id: dict[str, int] = {}
        self.raw_ids: list[Optional[str]] = []     # the id as the export writes it, None for name-only
        self.names: list[set[str]] = []
        self.bot = bytearray()
        self.exporter = bytearray()                # the WeChat exporter (IsSender = 1): staff
        self.role_staff = bytearray()              # holds a --staff-role role (Discord)
        self.alias: list[int] = []
        self._file_names: dict[str, int] = {}      # display name -> sender key, current file
        self._pending: dict[str, int] = {}         # display name -> name-only key, current file

    def __len__(self) -> int:
        return len(self.raw_ids)

    def _new(self, raw_id: Optional[str], name: Optional[str]) -> int:
        k = len(self.raw_ids)
        self.raw_ids.append(raw_id)
        self.names.append({name} if name else set())
        self.bot.append(0)
        self.exporter.append(0)
        self.role_staff.append(0)
        self.alias.append(k)
        return k

    def by_id(self, ns: str, raw_id: str, name: Optional[str] = None, bot: bool = False,
              sender: bool = True) -> int:
        """The key of the person with this id; ``name`` is a display name they used.

        ``sender`` says the name was seen on a message this person sent, so
        name references in the current file resolve to them.
        """
        key = ns + raw_id
        k = self._by_id.get(key)
        if k is None:
            k = self._by_id[key] = self._new(raw_id, name)
        elif name and name not in self.names[k]:
            self.names[k].add(name)
        if bot:
            self.bot[k] = 1
        if sender and name and name not in self._file_names:
            self._file_names[name] = k
        return k

    def anonymous(self) -> int:
        """A person the export does not identify (a deleted account, a null name)."""
        return self._new(None, None)

    def by_name(self, name: str) -> int:
        """A reference by display name, resolved when the file is finished."""
        k = self._pending.get(name)
        if k is None:
            k = self._pending[name] = self._new(None, name)
        return k

    def finish_file(self) -> None:
        """Resolve this file's name references to the senders who used the names."""
        for name, k in self._pending.items():
            target = self._file_names.get(name)
            if target is not None:
                self.alias[k] = target
        self._pending = {}
        self._file_names = {}

    def canon(self, k: int) -> int:
        return self.alias[k]


class ReadContext:
    """What a reader needs besides the file: the people registry, the options, and the
    problems it skipped over (:meth:`skipped`)."""

    def __init__(self, people: People, ad_patterns: tuple[str, ...] = (), staff_roles: tuple[str, ...] = ()):
        self.people = people
        # the regex package, not re: its searches take a timeout, so a pattern that
        # backtracks without end on one message stops after AD_PATTERN_SECONDS
        self.ad_re = [regex.compile(p) for p in ad_patterns]
        self.staff_roles = {r.strip().casefold() for r in staff_roles if r.strip()}
        self.group_name: Optional[str] = None       # set by the reader when the export names it
        self.supports: set[str] = set()                  # capabilities: "joins", "inviter", "leaves", "red_envelopes", "replies"
        self.bytes_read = 0
        # (field, what was done) -> [count, where the first one was]
        self.problems: dict[tuple[str, str], list[Any]] = {}

    def is_ad_text(self, text: str) -> bool:
        if "http" in text and ("http://" in text or "https://" in text):
            return True
        if not self.ad_re:
            return False
        for i, r in enumerate(self.ad_re):
            try:
                if r.search(text, timeout=AD_PATTERN_SECONDS):
                    return True
            except TimeoutError:
                raise AdPatternTimeout(i + 1) from None
        return False

    def skipped(self, place: str, field: str, done: str) -> None:
        """Count a value the reader could not use (``field`` at ``place``) and what it did instead."""
        entry = self.problems.get((field, done))
        if entry is None:
            self.problems[(field, done)] = [1, place]
        else:
            entry[0] += 1

    def notes(self, label: str) -> list[str]:
        """One note per kind of problem: how many, the first one's place, and what was done."""
        return [f"{label}: {field} {done} in {n:,} message{'s' if n > 1 else ''} (first: {first})"
                for (field, done), (n, first) in self.problems.items()]


class HashingReader(io.RawIOBase):
    """A raw binary stream over a file that hashes (sha256) what is read and reports progress."""

    def __init__(self, path: str, progress: Optional[Callable[[int], object]] = None):
        super().__init__()
        self.path = path
        self._f = open_regular(path)
        self.sha = hashlib.sha256()
        self.pos = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, b: WriteableBuffer) -> int:
        n = self._f.readinto(b)
        if n:
            self.sha.update(memoryview(b)[:n])
            self.pos += n
            if self._progress is not None:
                self._progress(n)
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        if data:
            self.sha.update(data)
            self.pos += len(data)
            if self._progress is not None:
                self._progress(len(data))
        return data

    def drain(self) -> str:
        """Read what is left (so the hash covers the whole file) and return the hex digest."""
        while True:
            chunk = self.read(1 << 20)
            if not chunk:
                break
        return self.sha.hexdigest()

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            super().close()


class Reader:
    """One export format. Subclass, set ``name``, ``platform``, ``kind`` and implement both methods."""

    name: ClassVar[str] = ""             # e.g. "telegram_json"
    platform: ClassVar[str] = "other"    # community.platform
    kind: ClassVar[str] = "chat"         # "chat" yields Message, "stats" yields DayStat
    description: ClassVar[str] = ""      # for "expected ..." messages
    priority: ClassVar[int] = 50         # lower sniffs first

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        raise NotImplementedError

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[Message | DayStat]:
        """Yield :class:`Message` (chat) or :class:`DayStat` (stats) records.

        ``label`` is the file's base name, for error messages. Raise
        :class:`ExportError` with a message that names it.
        """
        raise NotImplementedError


READERS: list[type[Reader]] = []


def register(cls: type[Reader]) -> type[Reader]:
    if cls not in READERS:
        READERS.append(cls)
        READERS.sort(key=lambda c: (c.priority, c.name))
    return cls


def basename(path: str) -> str:
    return os.path.basename(os.path.normpath(path))


def ijson_backend() -> Any:                   # a module of ijson, which ships no stubs
    """The fastest ijson backend available (the C backend, yajl2_c, when installed)."""
    import ijson
    for name in ("yajl2_c", "yajl2_cffi", "yajl2", "python"):
        try:
            return ijson.get_backend(name)
        except Exception:  # noqa: BLE001 - backend not available
            continue
    return ijson  # pragma: no cover


_PLAIN_WORDS = re.compile(r"[A-Za-z][A-Za-z ,.:()-]{0,99}")


def json_error(label: str, exc: Exception, place: str = "") -> ExportError:
    """The parser's complaint, kept only when it is plain words (a parser may quote the
    text around the error, which could be a message or a name)."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else ""
    text = text if _PLAIN_WORDS.fullmatch(text) else ""
    at = f" ({place})" if place else ""
    low = text.lower()
    if "incomplete" in low or "premature" in low or "unexpected end" in low:
        return ExportError(f"{label}: truncated JSON: the file ends before the export is complete{at}")
    return ExportError(f"{label}: invalid JSON{at}" + (f": {text}" if text else ""))


def bound_error(label: str, exc: GuardError, place: str) -> ExportError:
    """A message (or row) past one of the bounds of ``bounds.py``."""
    if isinstance(exc, TooDeep):
        return ExportError(f"{label}: {place}: arrays and objects nested more than {MAX_DEPTH} levels deep "
                           "(a chat client writes a few); the file is refused")
    return ExportError(f"{label}: {place}: more than {MAX_ITEM_BYTES:,} bytes "
                       "(a real one takes a few kilobytes); the file is refused")


def ad_timeout_error(label: str, exc: AdPatternTimeout, place: str) -> ExportError:
    """An --ad-pattern past its time budget: the run stops (a pattern that backtracks without
    end on one message would count ads wrongly on others)."""
    return ExportError(f"{label}: {place}: --ad-pattern number {exc.index} took more than {AD_PATTERN_SECONDS} s "
                       "on this message and was stopped; simplify the pattern (nested repeats such as "
                       "(a+)+ backtrack without end)")


def is_json_error(exc: BaseException) -> bool:
    """An error of the JSON parser (not of our code reading what it gave)."""
    import ijson
    return isinstance(exc, ijson.JSONError)


def json_stream(stream: io.RawIOBase | io.BufferedIOBase) -> BoundedStream:
    """The stream the JSON parser reads: bounded in depth and in the bytes of one message."""
    return BoundedStream(stream)


def json_items(backend: Any, guard: BoundedStream, prefix: str) -> Iterator[Any]:
    """The items at ``prefix``, numbers as floats, read in READ_SIZE chunks."""
    return backend.items(guard, prefix, use_float=True, buf_size=READ_SIZE)   # type: ignore[no-any-return]


def json_header(path: str, label: str, stop_key: str = "messages", limit: int = 20000) -> dict[str, Any]:
    """Top-level scalar fields and small objects that come before ``stop_key``.

    Stops at ``stop_key`` (or after ``limit`` events), so it reads only the
    head of a big export. Nested objects are kept one level deep (e.g.
    ``guild.name``). The head is bounded like a message (depth and size).
    """
    backend = ijson_backend()
    out: dict[str, Any] = {}
    with open_regular(path) as f:
        guard = json_stream(f)
        try:
            n = 0
            for prefix, event, value in backend.parse(guard, use_float=True, buf_size=READ_SIZE):
                n += 1
                if n > limit:
                    break
                if prefix == "" and event == "map_key":
                    out.setdefault("__keys__", []).append(value)
                    if value == stop_key:
                        break
                    continue
                if event in ("string", "number", "boolean", "null"):
                    parts = prefix.split(".")
                    if len(parts) == 1:
                        out[prefix] = value
                    elif len(parts) == 2:
                        d = out.setdefault(parts[0], {})
                        if isinstance(d, dict):
                            d[parts[1]] = value
        except GuardError as exc:
            raise bound_error(label, exc, f"the part before \"{stop_key}\"") from None
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if is_json_error(exc):
                raise json_error(label, exc) from None
            raise
    return out
