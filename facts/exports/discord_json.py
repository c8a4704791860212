"""DiscordChatExporter JSON export of one channel."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from .base import (json_object_head, JOIN, SYSTEM, TEXT, F_AD, F_QUESTION, ExportError, HashingReader, Message,
                   ReadContext, Reader, ijson_backend, is_question, json_error, json_header, register, text_hash)

# message types that are ordinary messages; everything else (GuildMemberJoin,
# ChannelPinnedMessage, ThreadCreated, Call, ...) is a system message
_ORDINARY = frozenset({"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "ApplicationCommand"})


def _mid(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return -1


@register
class DiscordJSON(Reader):
    name = "discord_json"
    platform = "discord"
    description = "a DiscordChatExporter JSON export"
    priority = 10

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return json_object_head(head) and b'"guild"' in head and b'"channel"' in head

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[Message]:
        hdr = json_header(stream.path, label)
        guild, channel = hdr.get("guild"), hdr.get("channel")
        g = guild.get("name") if isinstance(guild, dict) else None
        c = channel.get("name") if isinstance(channel, dict) else None
        if g and c:
            ctx.group_name = f"{g} #{c}"
        elif g or c:
            ctx.group_name = str(g or c)
        ctx.supports.update({"joins", "replies"})        # no inviter, no leaves
        people = ctx.people
        roles = ctx.staff_roles
        backend = ijson_backend()
        fromiso = datetime.fromisoformat
        try:
            for m in backend.items(stream, "messages.item", use_float=True):
                if not isinstance(m, dict):
                    continue
                ts: Any = m.get("timestamp")
                try:
                    d = fromiso(ts)
                    t = d.timestamp() if d.tzinfo is not None else d.replace(tzinfo=timezone.utc).timestamp()
                except (TypeError, ValueError):
                    raise ExportError(f"{label}: message id {m.get('id')}: unparseable timestamp "
                                      f"{str(ts)[:40]!r}") from None
                a = m.get("author") or {}
                aid = a.get("id")
                name = a.get("nickname") or a.get("name")
                if aid is not None:
                    sender = people.by_id("dc:", str(aid), name, bot=bool(a.get("isBot")))
                    if a.get("name") and a.get("name") != name:
                        people.names[sender].add(a["name"])
                    if roles and not people.role_staff[sender]:
                        for r in a.get("roles") or ():
                            if isinstance(r, dict) and (str(r.get("name", "")).casefold() in roles
                                                        or str(r.get("id", "")).casefold() in roles):
                                people.role_staff[sender] = 1
                                break
                else:
                    sender = people.anonymous()
                mid = _mid(m.get("id"))
                typ = m.get("type")
                if typ not in _ORDINARY:
                    yield Message(t, sender, SYSTEM, 0, mid)
                    if typ == "GuildMemberJoin":
                        yield Message(t, sender, JOIN, actor=None)
                    continue
                text = m.get("content")
                if not isinstance(text, str):
                    text = ""
                mentions: tuple[int, ...] | None = None
                for u in m.get("mentions") or ():
                    if isinstance(u, dict) and u.get("id") is not None:
                        k = people.by_id("dc:", str(u["id"]), u.get("nickname") or u.get("name"),
                                         bot=bool(u.get("isBot")), sender=False)
                        if roles and not people.role_staff[k]:
                            for r in u.get("roles") or ():
                                if isinstance(r, dict) and str(r.get("name", "")).casefold() in roles:
                                    people.role_staff[k] = 1
                        mentions = (mentions or ()) + (k,)
                flags = 0
                if text:
                    if ctx.is_ad_text(text):
                        flags |= F_AD
                    if is_question(text):
                        flags |= F_QUESTION
                ref = m.get("reference")
                rt = _mid(ref.get("messageId")) if isinstance(ref, dict) else -1
                yield Message(t, sender, TEXT, flags, mid, rt, mentions,
                              text_hash(text) if len(text) >= 10 else 0)
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if type(exc).__module__.startswith("ijson") or isinstance(exc, (ValueError, UnicodeDecodeError)):
                raise json_error(label, exc) from None
            raise

