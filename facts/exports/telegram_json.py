"""Telegram Desktop chat export (``result.json`` of one chat, machine-readable JSON)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterator

from .base import (json_object_head, JOIN, LEAVE, SYSTEM, TEXT, F_AD, F_QUESTION, ExportError, HashingReader, Message,
                   People, ReadContext, Reader, ijson_backend, is_question, json_error, json_header, register, text_hash)

_CHAT_TYPES = re.compile(
    rb'"type"\s*:\s*"(private_group|private_supergroup|public_supergroup|personal_chat|bot_chat|'
    rb'private_channel|public_channel|saved_messages)"')


def _parse_time(m: dict[str, Any], label: str) -> float:
    ts = m.get("date_unixtime")
    try:
        if ts is not None and ts != "":
            return float(int(ts))
        d = datetime.fromisoformat(str(m.get("date")))
        if d.tzinfo is None:
            d = d.replace(tzinfo=timezone.utc)
        return d.timestamp()
    except (TypeError, ValueError):
        raw = ts if ts not in (None, "") else m.get("date")
        raise ExportError(f"{label}: message id {m.get('id')}: unparseable timestamp {str(raw)[:40]!r}") from None


@register
class TelegramJSON(Reader):
    name = "telegram_json"
    platform = "telegram"
    description = "a Telegram Desktop chat export (result.json)"
    priority = 20

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        if not json_object_head(head) or b'"guild"' in head:
            return False
        return b'"date_unixtime"' in head or (bool(_CHAT_TYPES.search(head)) and b'"messages"' in head) \
            or (b'"personal_information"' in head and b'"chats"' in head)

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
        found = False
        try:
            for m in backend.items(stream, "messages.item", use_float=True):
                found = True
                if not isinstance(m, dict):
                    continue
                t = _parse_time(m, label)
                mid = m.get("id")
                mid = mid if isinstance(mid, int) else -1
                if m.get("type") == "service":
                    yield from self._service(m, t, mid, people)
                    continue
                fid = m.get("from_id")
                name = m.get("from")
                sender = people.by_id("tg:", str(fid), name) if fid is not None else people.anonymous()
                text = m.get("text")
                entities = m.get("text_entities")
                hrefs = False
                if isinstance(text, list):
                    parts = []
                    for p in text:
                        if isinstance(p, str):
                            parts.append(p)
                        elif isinstance(p, dict):
                            parts.append(str(p.get("text") or ""))
                            href = p.get("href")
                            if isinstance(href, str) and href.startswith(("http://", "https://")):
                                hrefs = True
                    if entities is None:
                        entities = [p for p in text if isinstance(p, dict)]
                    text = "".join(parts)
                elif not isinstance(text, str):
                    text = ""
                mentions: tuple[int, ...] | None = None
                if entities:
                    for e in entities:
                        if not isinstance(e, dict):
                            continue
                        et = e.get("type")
                        if et == "mention":
                            u = str(e.get("text") or "").lstrip("@")
                            if u:
                                k = people.by_id("tgu:", "@" + u.lower(), "@" + u,
                                                 bot=u.lower().endswith("bot"), sender=False)
                                mentions = (mentions or ()) + (k,)
                        elif et == "mention_name":
                            uid = e.get("user_id")
                            if uid is not None:
                                k = people.by_id("tg:", f"user{int(uid)}", e.get("text") or None, sender=False)
                                mentions = (mentions or ()) + (k,)
                        elif et == "text_link":
                            href = e.get("href")
                            if isinstance(href, str) and href.startswith(("http://", "https://")):
                                hrefs = True
                flags = 0
                if text:
                    if hrefs or ctx.is_ad_text(text):
                        flags |= F_AD
                    if is_question(text):
                        flags |= F_QUESTION
                elif hrefs:
                    flags |= F_AD
                rt = m.get("reply_to_message_id")
                yield Message(t, sender, TEXT, flags, mid, rt if isinstance(rt, int) else -1, mentions,
                              text_hash(text) if len(text) >= 10 else 0)
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if type(exc).__module__.startswith("ijson") or isinstance(exc, (ValueError, UnicodeDecodeError)):
                raise json_error(label, exc) from None
            raise
        if not found and "messages" not in keys:
            raise ExportError(f"{label}: no \"messages\" array; expected {self.description}")

    @staticmethod
    def _service(m: dict[str, Any], t: float, mid: int, people: People) -> Iterator[Message]:
        aid = m.get("actor_id")
        actor = m.get("actor")
        akey = people.by_id("tg:", str(aid), actor) if aid is not None else people.anonymous()
        yield Message(t, akey, SYSTEM, 0, mid)
        action = m.get("action")
        if action in ("join_group_by_link", "join_group_by_request"):
            yield Message(t, akey, JOIN, actor=None)
        elif action == "invite_members":
            for name in m.get("members") or ():
                if name is not None and name == actor:
                    joiner = akey                      # a self-invitation: not a referral
                else:
                    joiner = people.by_name(name) if name else people.anonymous()
                yield Message(t, joiner, JOIN, actor=akey)
        elif action == "remove_members":
            for name in m.get("members") or ():
                if name is not None and name == actor:
                    leaver = akey
                else:
                    leaver = people.by_name(name) if name else people.anonymous()
                yield Message(t, leaver, LEAVE)
