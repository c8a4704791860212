"""Telegram Desktop chat export (``result.json`` of one chat, machine-readable JSON)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterator

from .base import (person_id, JOIN, LEAVE, MAX_TIME, MIN_TIME, SYSTEM, TEXT, TIME_RANGE, F_AD, AdPatternTimeout, BadValue, ExportError,
                   HashingReader, Message, People, ReadContext, Reader, ad_timeout_error, bound_error, check_time,
                   ijson_backend, is_json_error, json_error, json_header, json_items, json_stream,
                   register, text_flags, where)
from .bounds import GuardError
from .shape import json_shape

_CHAT_TYPES = frozenset({"private_group", "private_supergroup", "public_supergroup", "personal_chat", "bot_chat",
                         "private_channel", "public_channel", "saved_messages"})
_DIGITS = re.compile(r"-?[0-9]{1,20}")


def _parse_time(m: dict[str, Any]) -> float:
    """Unix seconds from ``date_unixtime`` (or, in old exports, ``date``); BadValue otherwise."""
    ts = m.get("date_unixtime")
    if ts is not None and ts != "":
        if type(ts) is str and _DIGITS.fullmatch(ts):
            ts = int(ts)
        if type(ts) is int:
            if not MIN_TIME <= ts <= MAX_TIME:
                raise BadValue("date_unixtime", TIME_RANGE)
            t = float(ts)
        elif type(ts) is float:
            t = ts
        else:
            raise BadValue("date_unixtime", TIME_RANGE)
        return check_time(t, "date_unixtime")
    d = m.get("date")
    if not isinstance(d, str):
        raise BadValue("date", "an ISO-8601 timestamp")
    try:
        when = datetime.fromisoformat(d)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return check_time(when.timestamp(), "date")
    except (ValueError, OverflowError):
        raise BadValue("date", "an ISO-8601 timestamp from 1970 to 9999") from None



_BIG = 2 ** 62                  # message ids beyond are no ids (the records keep 64-bit integers)
_WEB = ("http://", "https://")


@register
class TelegramJSON(Reader):
    name = "telegram_json"
    platform = "telegram"
    description = "a Telegram Desktop chat export (result.json)"
    priority = 20

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        shape = json_shape(head)
        if shape is None or "guild" in shape.keys:
            return False
        if shape.has("personal_information", "object") and shape.has("chats", "object"):
            return True                     # a whole account: refused with its own message
        chat = shape.strings.get("type") in _CHAT_TYPES
        if shape.has("messages", "array"):
            return chat or bool(shape.first_item_keys.get("messages", set()) & {"date_unixtime", "date"})
        return chat and "messages" not in shape.keys and not shape.complete   # the head ends before them

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[Message]:
        hdr = json_header(stream.path, label)
        keys = hdr.get("__keys__", [])
        if "messages" not in keys and ({"chats", "personal_information", "about", "left_chats"} & set(keys)):
            raise ExportError(f"{label}: a full Telegram account export; export a single group "
                              "(expected the result.json of one chat)")
        if isinstance(hdr.get("name"), str):
            ctx.group_name = hdr["name"]
        ctx.supports.update({"joins", "inviter", "leaves", "replies"})
        people = ctx.people
        backend = ijson_backend()
        guard = json_stream(stream)
        n = 0
        mid: object = None
        skipped = ctx.skipped
        is_ad = ctx.is_ad_text
        senders: dict[tuple[str, str], int] = {}          # (from_id, from) -> key: most messages repeat both
        try:
            for m in json_items(backend, guard, "messages.item"):
                n += 1
                guard.items = n
                if type(m) is not dict:
                    mid = None
                    skipped(where(n), "the message", "is not an object: skipped")
                    continue
                mid = m.get("id")
                ts = m.get("date_unixtime")
                if type(ts) is str and ts.isdecimal() and len(ts) <= 12:     # the usual case, quickly
                    t = float(ts)
                    if t > MAX_TIME:
                        raise BadValue("date_unixtime", TIME_RANGE)
                else:
                    t = _parse_time(m)
                imid = mid if type(mid) is int and -_BIG < mid < _BIG else -1
                if m.get("type") == "service":
                    yield from self._service(m, t, imid, people, ctx, n)
                    continue
                fid = m.get("from_id")
                name = m.get("from")
                if type(fid) is str and type(name) is str:
                    sender = senders.get((fid, name))
                    if sender is None:
                        sender = senders[(fid, name)] = people.by_id("tg:", fid, name)
                else:
                    fid = person_id(fid)
                    name = name if type(name) is str else None
                    sender = people.by_id("tg:", fid, name) if fid is not None else people.anonymous()
                text = m.get("text")
                entities = m.get("text_entities")
                hrefs = False
                if type(text) is list:
                    parts = []
                    for p in text:
                        if type(p) is str:
                            parts.append(p)
                        elif type(p) is dict:
                            pt = p.get("text")
                            parts.append(pt if type(pt) is str else "")
                            href = p.get("href")
                            if type(href) is str and href.startswith(_WEB):
                                hrefs = True
                    if entities is None:
                        entities = [p for p in text if type(p) is dict]
                    text = "".join(parts)
                elif type(text) is not str:
                    text = ""
                mentions: tuple[int, ...] | None = None
                if entities:
                    if type(entities) is not list:
                        skipped(where(n, mid), "text_entities", "is not a list: ignored")
                        entities = ()
                    for e in entities:
                        if type(e) is not dict:
                            continue
                        et = e.get("type")
                        if et == "plain":
                            continue
                        if et == "mention":
                            u = e.get("text")
                            u = u.lstrip("@") if type(u) is str else ""
                            if u:
                                k = people.by_id("tgu:", "@" + u.lower(), "@" + u,
                                                 bot=u.lower().endswith("bot"), sender=False)
                                mentions = (mentions or ()) + (k,)
                        elif et == "mention_name":
                            uid = e.get("user_id")
                            if type(uid) is int:
                                et_text = e.get("text")
                                k = people.by_id("tg:", f"user{uid}",
                                                 et_text if type(et_text) is str and et_text else None, sender=False)
                                mentions = (mentions or ()) + (k,)
                            elif uid is not None:
                                skipped(where(n, mid), "text_entities.user_id",
                                        "is not a whole number: that mention is ignored")
                        elif et == "text_link":
                            href = e.get("href")
                            if type(href) is str and href.startswith(_WEB):
                                hrefs = True
                if text:
                    flags, thash = text_flags(text, is_ad)
                    if hrefs:
                        flags |= F_AD
                else:
                    flags, thash = (F_AD if hrefs else 0), 0
                rt = m.get("reply_to_message_id")
                yield Message(t, sender, TEXT, flags, imid, rt if type(rt) is int and -_BIG < rt < _BIG else -1,
                              mentions, thash)
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
        if not n and "messages" not in keys:
            raise ExportError(f"{label}: no \"messages\" array; expected {self.description}")

    @staticmethod
    def _service(m: dict[str, Any], t: float, mid: int, people: People, ctx: ReadContext,
                 n: int) -> Iterator[Message]:
        aid = person_id(m.get("actor_id"))
        actor = m.get("actor")
        if type(actor) is not str:
            actor = None
        akey = people.by_id("tg:", aid, actor) if aid is not None else people.anonymous()
        yield Message(t, akey, SYSTEM, 0, mid)
        action = m.get("action")
        if action not in ("join_group_by_link", "join_group_by_request", "invite_members", "remove_members"):
            return
        if action in ("join_group_by_link", "join_group_by_request"):
            yield Message(t, akey, JOIN, actor=None)
            return
        members = m.get("members")
        if members is None:
            return
        if type(members) is not list:
            ctx.skipped(where(n, m.get("id")), "members", "is not a list of names: ignored")
            return
        for name in members:
            if name is not None and type(name) is not str:
                ctx.skipped(where(n, m.get("id")), "members", "holds something other than a name: ignored")
                name = None
            if name is not None and name == actor:
                who = akey                          # a self-invitation: not a referral
            else:
                who = people.by_name(name) if name else people.anonymous()
            if action == "invite_members":
                yield Message(t, who, JOIN, actor=akey)
            else:
                yield Message(t, who, LEAVE)
