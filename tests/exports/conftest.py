"""Builders for tiny hand-made exports (fixtures) and a CLI runner."""
from __future__ import annotations

import csv
import io
import json

import pytest

A = 1711843200            # 2024-03-31T00:00:00Z, the as_of of the hand-built exports
D = 86400

WX_COLUMNS = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
              "StrTime", "Remark", "NickName", "Sender"]


@pytest.fixture
def write_tg(tmp_path):
    """write_tg(messages, name=...) -> path of a Telegram Desktop result.json."""
    def write(messages, name="测试群 Test Group", fname="result.json"):
        doc = {"name": name, "type": "private_supergroup", "id": 4242, "messages": messages}
        p = tmp_path / fname
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        return str(p)
    return write


def tg_msg(mid, t, uid, name, text="", **extra):
    m = {"id": mid, "type": "message", "date": "2024-01-01T00:00:00", "date_unixtime": str(int(t)),
         "from": name, "from_id": uid, "text": text,
         "text_entities": [{"type": "plain", "text": text}] if isinstance(text, str) else
         [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text]}
    m.update(extra)
    return m


def tg_service(mid, t, actor_id, actor, action, members=None):
    m = {"id": mid, "type": "service", "date": "2024-01-01T00:00:00", "date_unixtime": str(int(t)),
         "actor": actor, "actor_id": actor_id, "action": action, "text": "", "text_entities": []}
    if members is not None:
        m["members"] = members
    return m


@pytest.fixture
def write_dc(tmp_path):
    def write(messages, fname="channel.json"):
        doc = {"guild": {"id": "1", "name": "测试服务器", "iconUrl": ""},
               "channel": {"id": "2", "type": "GuildTextChat", "name": "general", "topic": None},
               "dateRange": {"after": None, "before": None}, "exportedAt": "2024-03-31T00:00:00+00:00",
               "messages": messages, "messageCount": len(messages)}
        p = tmp_path / fname
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        return str(p)
    return write


def dc_user(uid, name, bot=False, roles=(), nickname=None):
    return {"id": str(uid), "name": name, "discriminator": "0000", "nickname": nickname or name,
            "isBot": bot, "roles": [{"id": str(900 + i), "name": r} for i, r in enumerate(roles)]}


def dc_msg(mid, stamp, author, content="", type="Default", mentions=(), reference=None):
    m = {"id": str(mid), "type": type, "timestamp": stamp, "content": content, "author": author,
         "attachments": [], "embeds": [], "mentions": list(mentions)}
    if reference is not None:
        m["reference"] = {"messageId": str(reference), "channelId": "2", "guildId": "1"}
    return m


@pytest.fixture
def write_wx(tmp_path):
    """write_wx(rows, encoding=...) with rows (localId, Type, SubType, IsSender, CreateTime, StrContent,
    NickName, Sender)."""
    def write(rows, encoding="utf-8-sig", fname="group.csv", columns=None):
        cols = columns or WX_COLUMNS
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        for lid, typ, sub, is_sender, t, content, nick, sender in rows:
            full = {"localId": lid, "TalkerId": "100@chatroom", "Type": typ, "SubType": sub,
                    "IsSender": is_sender, "CreateTime": t, "Status": 2, "StrContent": content,
                    "StrTime": "2024-01-01 08:00:00", "Remark": "", "NickName": nick, "Sender": sender}
            w.writerow([full[c] for c in cols])
        p = tmp_path / fname
        p.write_bytes(buf.getvalue().encode(encoding))
        return str(p)
    return write


@pytest.fixture
def write_wecom(tmp_path):
    def write(days, fname="wecom.json"):
        items = [{"stat_time": t, "data": data} for t, data in days]
        p = tmp_path / fname
        p.write_text(json.dumps({"errcode": 0, "errmsg": "ok", "items": items}), encoding="utf-8")
        return str(p)
    return write


def make_runner():
    from click.testing import CliRunner
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:            # click >= 8.2 keeps stderr apart by itself
        return CliRunner()


@pytest.fixture
def run_extract():
    """run_extract(*args) -> click Result of `shequn facts extract ARGS`."""
    from shequn.cli.extract import extract
    runner = make_runner()

    def run(*args):
        return runner.invoke(extract, [str(a) for a in args], catch_exceptions=True)
    return run


@pytest.fixture
def b():
    """The plain builders: b.tg_msg, b.tg_service, b.dc_user, b.dc_msg; b.A (as_of) and b.D (a day)."""
    from types import SimpleNamespace
    return SimpleNamespace(tg_msg=tg_msg, tg_service=tg_service, dc_user=dc_user, dc_msg=dc_msg, A=A, D=D)
