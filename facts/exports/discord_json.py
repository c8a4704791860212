"""DiscordChatExporter JSON export of one channel."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from .base import (person_id, JOIN, SYSTEM, TEXT, AdPatternTimeout, BadValue, ExportError, HashingReader,
                   Message, ReadContext, Reader, ad_timeout_error, bound_error, check_time, ijson_backend,
                   is_json_error, json_error, json_header, json_items, json_stream, register,
                   text_flags, where)
from .bounds import GuardError
from .shape import json_shape

# message types that are ordinary messages; everything else (GuildMemberJoin,
# ChannelPinnedMessage, ThreadCreated, Call, ...) is a system message
_ORDINARY = frozenset({"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "ApplicationCommand"})


def _mid(v: Any) -> int:
    """A message id (a snowflake, as a string of digits or a number); -1 when it is neither."""
    if type(v) is str and 0 < len(v) <= 19 and v.isascii() and v.isdigit():
        return int(v)
    if type(v) is int and 0 <= v < 2 ** 63:
        return v
    return -1



def _time(ts: object) -> float:
    """Unix seconds from an ISO-8601 ``timestamp``; BadValue otherwise."""
    if type(ts) is not str:
        raise BadValue("timestamp", "an ISO-8601 timestamp")
    try:
        d = datetime.fromisoformat(ts)
        t = d.timestamp() if d.tzinfo is not None else d.replace(tzinfo=timezone.utc).timestamp()
    except (ValueError, OverflowError):
        raise BadValue("timestamp", "an ISO-8601 timestamp from 1970 to 9999") from None
    return check_time(t, "timestamp")


def _is_staff(roles: object, staff_roles: set[str], by_id: bool) -> bool:
    if type(roles) is not list:
        return False
    for r in roles:
        if type(r) is dict:
            name, rid = r.get("name"), r.get("id")
            if (type(name) is str and name.casefold() in staff_roles) or \
                    (by_id and type(rid) in (str, int) and str(rid).casefold() in staff_roles):
                return True
    return False


@register
class DiscordJSON(Reader):
    name = "discord_json"
    platform = "discord"
    description = "a DiscordChatExporter JSON export"
    priority = 10

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        shape = json_shape(head)
        if shape is None or not (shape.has("guild", "object") and shape.has("channel", "object")):
            return False
        return shape.has("messages", "array") or ("messages" not in shape.keys and not shape.complete)

    @staticmethod
    def _author(people: Any, a: dict[str, Any]) -> int:
        """The key of a message's author (an object)."""
        aid = person_id(a.get("id"))
        nick, full = a.get("nickname"), a.get("name")
        nick = nick if type(nick) is str else None
        full = full if type(full) is str else None
        name = nick or full
        if aid is None:
            return people.anonymous()           # type: ignore[no-any-return]
        sender: int = people.by_id("dc:", aid, name, bot=a.get("isBot") is True)
        if full and full != name:
            people.names[sender].add(full)
        return sender

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[Message]:
        hdr = json_header(stream.path, label)
        guild, channel = hdr.get("guild"), hdr.get("channel")
        g = guild.get("name") if isinstance(guild, dict) else None
        c = channel.get("name") if isinstance(channel, dict) else None
        g = g if isinstance(g, str) else None
        c = c if isinstance(c, str) else None
        if g and c:
            ctx.group_name = f"{g} #{c}"
        elif g or c:
            ctx.group_name = str(g or c)
        ctx.supports.update({"joins", "replies"})        # no inviter, no leaves
        people = ctx.people
        roles = ctx.staff_roles
        skipped = ctx.skipped
        is_ad = ctx.is_ad_text
        senders: dict[tuple[str, str, str, bool], int] = {}     # an author seen before, by id and names
        backend = ijson_backend()
        guard = json_stream(stream)
        n = 0
        mid: object = None
        try:
            for m in json_items(backend, guard, "messages.item"):
                n += 1
                guard.items = n
                if type(m) is not dict:
                    mid = None
                    skipped(where(n), "the message", "is not an object: skipped")
                    continue
                mid = m.get("id")
                t = _time(m.get("timestamp"))
                a = m.get("author")
                if type(a) is dict:
                    aid, nick, full = a.get("id"), a.get("nickname"), a.get("name")
                    if type(aid) is str and type(nick) is str and type(full) is str:
                        ck = (aid, nick, full, a.get("isBot") is True)
                        sender = senders.get(ck)
                        if sender is None:
                            sender = senders[ck] = self._author(people, a)
                    else:
                        sender = self._author(people, a)
                    if roles and not people.role_staff[sender] and _is_staff(a.get("roles"), roles, True):
                        people.role_staff[sender] = 1
                else:
                    if a is not None:
                        skipped(where(n, mid), "author", "is not an object: the sender is unknown")
                    sender = people.anonymous()
                imid = _mid(mid)
                typ = m.get("type")
                if type(typ) is not str:
                    skipped(where(n, mid), "type", "is not text: read as a system message")
                    typ = ""
                if typ not in _ORDINARY:
                    yield Message(t, sender, SYSTEM, 0, imid)
                    if typ == "GuildMemberJoin":
                        yield Message(t, sender, JOIN, actor=None)
                    continue
                text = m.get("content")
                if type(text) is not str:
                    text = ""
                mentions: tuple[int, ...] | None = None
                mentioned = m.get("mentions")
                if mentioned:
                    if type(mentioned) is not list:
                        skipped(where(n, mid), "mentions", "is not a list: ignored")
                        mentioned = ()
                    for u in mentioned:
                        uid = person_id(u.get("id")) if type(u) is dict else None
                        if uid is None:
                            continue
                        unick, uname = u.get("nickname"), u.get("name")
                        k = people.by_id("dc:", uid, unick if type(unick) is str and unick else
                                         uname if type(uname) is str else None,
                                         bot=u.get("isBot") is True, sender=False)
                        if roles and not people.role_staff[k] and _is_staff(u.get("roles"), roles, False):
                            people.role_staff[k] = 1
                        mentions = (mentions or ()) + (k,)
                flags, thash = text_flags(text, is_ad) if text else (0, 0)
                ref = m.get("reference")
                rt = _mid(ref.get("messageId")) if type(ref) is dict else -1
                yield Message(t, sender, TEXT, flags, imid, rt, mentions, thash)
        except BadValue as exc:
            raise ExportError(f"{label}: {where(n, mid)}: {exc.field}: expected {exc.expected}") from None
        except AdPatternTimeout as exc:
            raise ad_timeout_error(label, exc, where(n, mid)) from None
        except GuardError as exc:
            raise bound_error(label, exc, where(n + 1) + (f", after {where(n, mid)}" if n else "")) from None
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if is_json_error(exc):
                raise json_error(label, exc, f"after {where(n, mid)}" if n else "") from None
            raise
