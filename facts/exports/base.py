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

from shequn.errors import ShequnError

from ..files import open_regular

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "ExportError", "Message", "DayStat", "People", "Reader", "ReadContext",
    "register", "READERS", "TEXT", "SYSTEM", "RED_ENVELOPE", "CARD", "JOIN",
    "LEAVE", "KIND_NAMES", "F_QUESTION", "F_AD", "text_hash", "collapse",
    "is_question", "HashingReader",
]


class ExportError(ShequnError):
    """A file that cannot be read as an export, or a bad option; the message names the file."""

    code = "export"


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


_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace collapsed: runs of whitespace become one space, ends trimmed."""
    return _WS.sub(" ", text).strip()


def text_hash(text: str) -> int:
    """64-bit hash of the collapsed text when it has at least 10 characters, else 0."""
    c = collapse(text)
    if len(c) < 10:
        return 0
    h = int.from_bytes(hashlib.blake2b(c.encode("utf-8"), digest_size=8).digest(), "little", signed=True)
    return h or 1


def is_question(text: str) -> bool:
    t = text.rstrip()
    return t.endswith("?") or t.endswith("？")


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
    """What a reader needs besides the file: the people registry and options."""

    def __init__(self, people: People, ad_patterns: tuple[str, ...] = (), staff_roles: tuple[str, ...] = ()):
        self.people = people
        self.ad_re = [re.compile(p) for p in ad_patterns]
        self.staff_roles = {r.strip().casefold() for r in staff_roles if r.strip()}
        self.group_name: Optional[str] = None       # set by the reader when the export names it
        self.supports: set[str] = set()                  # capabilities: "joins", "inviter", "leaves", "red_envelopes", "replies"
        self.bytes_read = 0

    def is_ad_text(self, text: str) -> bool:
        if "http://" in text or "https://" in text:
            return True
        for r in self.ad_re:
            if r.search(text):
                return True
        return False


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


def json_object_head(head: bytes) -> bool:
    """The file starts with a JSON object (after a BOM and white space)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


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


def json_error(label: str, exc: Exception) -> ExportError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "incomplete" in text.lower() or "premature" in text.lower() or "unexpected end" in text.lower():
        return ExportError(f"{label}: truncated JSON: the file ends before the export is complete ({text})")
    return ExportError(f"{label}: invalid JSON: {text}")


def json_header(path: str, label: str, stop_key: str = "messages", limit: int = 20000) -> dict[str, Any]:
    """Top-level scalar fields and small objects that come before ``stop_key``.

    Stops at ``stop_key`` (or after ``limit`` events), so it reads only the
    head of a big export. Nested objects are kept one level deep (e.g.
    ``guild.name``).
    """
    backend = ijson_backend()
    out: dict[str, Any] = {}
    with open_regular(path) as f:
        try:
            n = 0
            for prefix, event, value in backend.parse(f, use_float=True):
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
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if type(exc).__module__.startswith("ijson") or isinstance(exc, (ValueError, UnicodeDecodeError)):
                raise json_error(label, exc) from None
            raise
    return out
