"""Write the example exports in this folder: small, realistic, deterministic.

    python facts/examples/exports/generate.py [OUTDIR]

Four files, one per supported format, for an invented community (every name
is made up): a WeChatMsg/MemoTrace CSV, a Telegram Desktop result.json, a
DiscordChatExporter JSON and WeCom group statistics. The same seed always
gives the same bytes, so the outputs are checked in beside this script and
tests can pin the facts they give.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 20240531
END = datetime(2024, 5, 31, 12, 0, tzinfo=timezone.utc)   # the last day of every example
DAYS = 60

WECHAT_STAFF = ["晨曦-社群助理"]                          # besides the exporter (IsSender = 1)
WECHAT_EXPORTER = "陈老师"
WECHAT_MEMBERS = ["林小雨", "王建国", "赵思琪", "周明轩", "孙悦", "吴浩然", "郑佳怡", "冯子墨",
                  "许若兰", "何志远", "高美玲", "罗一鸣"]
WECHAT_JOINERS = ["唐小糖", "韩冬", "曹静"]

TG_STAFF = [("Mira Okafor", "user5550001")]
TG_MEMBERS = [("Lars Brenner", "user5550101"), ("Yuki Tanabe", "user5550102"), ("Ana Souza", "user5550103"),
              ("Omar Haddad", "user5550104"), ("刘晓光", "user5550105"), ("Ines Moreau", "user5550106"),
              ("Pavel Novak", "user5550107"), ("Chen Jia", "user5550108")]
TG_JOINERS = [("Dara Quill", "user5550201"), ("Tomas Ekberg", "user5550202"), ("Bo Lindqvist", "user5550203")]

DC_STAFF = [("9100000000000001", "river_mod", "River")]
DC_MEMBERS = [("9100000000000101", "pixelfern", "Fern"), ("9100000000000102", "quietoak", None),
              ("9100000000000103", "lumen42", "Lumen"), ("9100000000000104", "saltycrab", None),
              ("9100000000000105", "mochi_cat", "Mochi"), ("9100000000000106", "kestrel", None),
              ("9100000000000107", "张一帆", None)]
DC_BOT = ("9100000000000900", "TallyBot", None)

CHAT = ["今天的作业大家完成了吗", "这个方法我试过，效果不错", "同意楼上", "周末有人一起练习吗", "哈哈哈",
        "收到，谢谢", "我也遇到过这个问题", "有没有推荐的书", "刚到家，补看了直播", "学到了👍",
        "请问录播在哪里看?", "这个课程适合零基础吗？", "明天几点开始？", "有没有人知道报名截止时间？"]
STAFF_TEXT = ["【今日打卡】请大家在群里晒出今天的练习成果，坚持就是胜利！",
              "本周直播预告：周四晚8点，主题是如何制定三个月学习计划。",
              "欢迎新朋友入群，请修改群名片为 城市-昵称，并按模板做自我介绍。",
              "录播在课程页第三节，链接已更新：https://example.com/course/3",
              "好问题，我整理一下，晚点统一回复大家。", "大家辛苦了，早点休息～"]
EN_CHAT = ["morning all", "that worked for me, thanks!", "anyone tried the new build?", "same here",
           "lol", "I'll share my notes later", "what time is the call?", "does this work on Windows?",
           "great session yesterday", "+1", "where can I find the slides?", "nice, thanks for sharing"]
EN_STAFF = ["Weekly call is on Thursday 18:00 UTC, agenda in the pinned message.",
            "Reminder: please keep self-promotion to the #showcase channel.",
            "Slides are up: https://example.org/slides/week-12",
            "Welcome to everyone who joined this week, say hi and tell us what you build!",
            "Good question, I will answer it in the call."]


def ts(d: datetime) -> int:
    return int(d.timestamp())


def _times(rng: random.Random, n: int, start: datetime, end: datetime) -> list[datetime]:
    span = (end - start).total_seconds()
    out = []
    for _ in range(n):
        d = start + timedelta(seconds=rng.random() * span)
        # chat happens in the daytime (China time for WeChat)
        out.append(d.replace(microsecond=0))
    return sorted(out)


# --------------------------------------------------------------------------- WeChat

def wechat_csv(rng: random.Random) -> bytes:
    start = END - timedelta(days=DAYS)
    rows = []
    lid = 0

    def row(t, typ, sub, is_sender, content, nick, sender):
        nonlocal lid
        lid += 1
        st = (t + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([lid, "27182818@chatroom", typ, sub, is_sender, ts(t), 2, content, st, "", nick, sender])

    wxid = {n: f"wxid_ex{i:04d}" for i, n in enumerate(WECHAT_MEMBERS + WECHAT_STAFF + WECHAT_JOINERS)}
    events = []
    for t in _times(rng, 260, start, END):
        events.append((t, "chat"))
    for t in _times(rng, 45, start, END):
        events.append((t, "staff"))
    for t in _times(rng, 6, start, END):
        events.append((t, "red"))
    events.append((start + timedelta(days=12, hours=3), "join0"))
    events.append((start + timedelta(days=41, hours=5), "join1"))
    events.append((start + timedelta(days=50, hours=2), "join2"))
    events.sort(key=lambda e: e[0])
    for t, kind in events:
        if kind == "chat":
            who = rng.choice(WECHAT_MEMBERS)
            text = rng.choice(CHAT)
            r = rng.random()
            if r < 0.12:
                other = rng.choice([m for m in WECHAT_MEMBERS if m != who])
                text = f"@{other}\u2005{text}"
            elif r < 0.15:
                text = "这个团购很划算 https://shop.example.cn/item/778"
            elif r < 0.18:
                row(t, 49, 33, 0, "[小程序]拼团", who, wxid[who])
                continue
            if rng.random() < 0.12:
                row(t, 3, 0, 0, "[图片]", who, wxid[who])
                continue
            row(t, 1, 0, 0, text, who, wxid[who])
        elif kind == "staff":
            text = rng.choice(STAFF_TEXT)
            if rng.random() < 0.5:
                row(t, 1, 0, 1, text, WECHAT_EXPORTER, "")
            else:
                n = WECHAT_STAFF[0]
                row(t, 1, 0, 0, text, n, wxid[n])
        elif kind == "red":
            if rng.random() < 0.7:
                row(t, 49, 2001, 1, "[红包]恭喜发财，大吉大利", WECHAT_EXPORTER, "")
            else:
                who = rng.choice(WECHAT_MEMBERS)
                row(t, 436207665, 0, 0, "[红包]", who, wxid[who])
            for k in range(rng.randint(2, 5)):
                who = rng.choice(WECHAT_MEMBERS)
                row(t + timedelta(seconds=20 + 60 * k), 1, 0, 0, rng.choice(["谢谢老板", "手气最佳！", "抢到了"]),
                    who, wxid[who])
        elif kind == "join0":
            a, b = WECHAT_MEMBERS[0], WECHAT_JOINERS[0]
            row(t, 10000, 0, 0, f'"{a}"邀请"{b}"加入了群聊', "", "")
            row(t + timedelta(minutes=3), 1, 0, 0, "大家好，我是新来的，请多关照", b, wxid[b])
        elif kind == "join1":
            b = WECHAT_JOINERS[1]
            row(t, 10000, 0, 0, f'你邀请"{b}"加入了群聊', "", "")
        elif kind == "join2":
            a, b = WECHAT_MEMBERS[3], WECHAT_JOINERS[2]
            row(t, 10000, 0, 0, f'"{b}"通过扫描"{a}"分享的二维码加入群聊', "", "")
            row(t + timedelta(minutes=10), 1, 0, 0, "谢谢邀请～", b, wxid[b])
    rows.sort(key=lambda r: (r[5], r[0]))
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
                "StrTime", "Remark", "NickName", "Sender"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- Telegram

def telegram_json(rng: random.Random) -> bytes:
    start = END - timedelta(days=DAYS)
    msgs = []
    mid = 100

    def base(t, typ):
        nonlocal mid
        mid += 1
        return {"id": mid, "type": typ, "date": t.strftime("%Y-%m-%dT%H:%M:%S"), "date_unixtime": str(ts(t))}

    events = [(t, "chat") for t in _times(rng, 300, start, END)]
    events += [(t, "staff") for t in _times(rng, 30, start, END)]
    events += [(start + timedelta(days=10, hours=4), "link_join"), (start + timedelta(days=20), "invite"),
               (start + timedelta(days=44), "self_invite"), (start + timedelta(days=50), "leave"),
               (start + timedelta(days=55), "kick")]
    events.sort(key=lambda e: e[0])
    recent = []
    people = TG_MEMBERS[:]
    for t, kind in events:
        if kind in ("chat", "staff"):
            name, uid = rng.choice(TG_STAFF) if kind == "staff" else rng.choice(people)
            m = base(t, "message")
            m.update({"from": name, "from_id": uid})
            text = rng.choice(EN_STAFF if kind == "staff" else EN_CHAT)
            r = rng.random()
            if kind == "chat" and r < 0.1 and recent:
                m["reply_to_message_id"] = rng.choice(recent[-5:])
            if kind == "chat" and 0.1 <= r < 0.18:
                other, oid = rng.choice([p for p in TG_MEMBERS if p[1] != uid])
                parts = [{"type": "mention_name", "text": other, "user_id": int(oid[4:])}, " " + text]
                m["text"] = parts
                m["text_entities"] = [{"type": "mention_name", "text": other, "user_id": int(oid[4:])},
                                      {"type": "plain", "text": " " + text}]
            elif "https://" in text:
                url = text[text.index("https://"):]
                m["text"] = [text[: text.index("https://")], {"type": "link", "text": url}]
                m["text_entities"] = [{"type": "plain", "text": text[: text.index("https://")]},
                                      {"type": "link", "text": url}]
            else:
                m["text"] = text
                m["text_entities"] = [{"type": "plain", "text": text}]
            msgs.append(m)
            recent.append(m["id"])
        elif kind == "link_join":
            name, uid = TG_JOINERS[0]
            m = base(t, "service")
            m.update({"actor": name, "actor_id": uid, "action": "join_group_by_link",
                      "inviter": "Group", "text": "", "text_entities": []})
            msgs.append(m)
            people.append(TG_JOINERS[0])
        elif kind == "invite":
            name, uid = TG_JOINERS[1]
            inv, iid = TG_MEMBERS[2]
            m = base(t, "service")
            m.update({"actor": inv, "actor_id": iid, "action": "invite_members", "members": [name],
                      "text": "", "text_entities": []})
            msgs.append(m)
            people.append(TG_JOINERS[1])
        elif kind == "self_invite":
            name, uid = TG_JOINERS[2]
            m = base(t, "service")
            m.update({"actor": name, "actor_id": uid, "action": "invite_members", "members": [name],
                      "text": "", "text_entities": []})
            msgs.append(m)
            people.append(TG_JOINERS[2])
        elif kind == "leave":
            name, uid = TG_MEMBERS[6]
            m = base(t, "service")
            m.update({"actor": name, "actor_id": uid, "action": "remove_members", "members": [name],
                      "text": "", "text_entities": []})
            msgs.append(m)
            people.remove(TG_MEMBERS[6])
        elif kind == "kick":
            sname, sid = TG_STAFF[0]
            name, uid = TG_MEMBERS[7]
            m = base(t, "service")
            m.update({"actor": sname, "actor_id": sid, "action": "remove_members", "members": [name],
                      "text": "", "text_entities": []})
            msgs.append(m)
            people.remove(TG_MEMBERS[7])
    doc = {"name": "Open Robotics Study Group", "type": "private_supergroup", "id": 1777000111, "messages": msgs}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- Discord

def _dc_user(u, roles=()):
    uid, name, nick = u
    d = {"id": uid, "name": name, "discriminator": "0000", "nickname": nick or name, "color": None,
         "isBot": u == DC_BOT, "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png"}
    d["roles"] = [{"id": "9200000000000001", "name": "Moderator", "color": "#3498DB", "position": 5}] \
        if "mod" in roles else []
    return d


def discord_json(rng: random.Random) -> bytes:
    start = END - timedelta(days=DAYS)
    msgs = []
    mid = 9300000000000000
    recent = []
    events = [(t, "chat") for t in _times(rng, 240, start, END)]
    events += [(t, "staff") for t in _times(rng, 25, start, END)]
    events += [(t, "bot") for t in _times(rng, 12, start, END)]
    events += [(start + timedelta(days=d, hours=1), "join") for d in (8, 15, 47)]
    events.sort(key=lambda e: e[0])
    joiners = [("9100000000000201", "newt", None), ("9100000000000202", "orbit", "Orbit"),
               ("9100000000000203", "海风", None)]
    people = DC_MEMBERS[:]
    for t, kind in events:
        mid += rng.randint(1000, 99999)
        off = rng.choice([0, 8, -5])
        local = t.astimezone(timezone(timedelta(hours=off)))
        stamp = local.isoformat(timespec="milliseconds")
        m = {"id": str(mid), "type": "Default", "timestamp": stamp, "timestampEdited": None,
             "callEndedTimestamp": None, "isPinned": False, "content": "", "author": None,
             "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": []}
        if kind == "join":
            u = joiners.pop(0)
            people.append(u)
            m.update({"type": "GuildMemberJoin", "author": _dc_user(u)})
        elif kind == "bot":
            m.update({"author": _dc_user(DC_BOT), "content": "Daily tally: 12 commits, 3 PRs merged https://example.org/t"})
        else:
            u = DC_STAFF[0] if kind == "staff" else rng.choice(people)
            m["author"] = _dc_user(u, roles=("mod",) if kind == "staff" else ())
            m["content"] = rng.choice(EN_STAFF if kind == "staff" else EN_CHAT)
            r = rng.random()
            if kind == "chat" and r < 0.15 and recent:
                m["type"] = "Reply"
                m["reference"] = {"messageId": rng.choice(recent[-6:]), "channelId": "9400000000000001",
                                  "guildId": "9500000000000001"}
            elif kind == "chat" and r < 0.22:
                o = rng.choice([p for p in DC_MEMBERS if p != u])
                m["mentions"] = [_dc_user(o)]
                m["content"] = f"<@{o[0]}> " + m["content"]
            recent.append(str(mid))
        msgs.append(m)
    doc = {"guild": {"id": "9500000000000001", "name": "Makers Lounge", "iconUrl": ""},
           "channel": {"id": "9400000000000001", "type": "GuildTextChat", "categoryId": "9400000000000000",
                       "category": "Text Channels", "name": "general", "topic": None},
           "dateRange": {"after": None, "before": None}, "exportedAt": END.isoformat(),
           "messages": msgs, "messageCount": len(msgs)}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


# --------------------------------------------------------------------------- WeCom

def wecom_json(rng: random.Random) -> bytes:
    items = []
    day0 = datetime(2024, 4, 2, tzinfo=timezone(timedelta(hours=8)))   # stat_time: 00:00 China time
    total, chats = 412, 3
    for d in range(DAYS):
        new = rng.randint(0, 9)
        left = rng.randint(0, 4)
        total = total + new - left
        new_chats = 1 if d == 25 else 0
        chats += new_chats
        items.append({"stat_time": ts(day0 + timedelta(days=d)),
                      "data": {"new_chat_cnt": new_chats, "chat_total": chats,
                               "chat_has_msg": rng.randint(1, chats), "new_member_cnt": new,
                               "member_total": total, "member_has_msg": rng.randint(20, 90),
                               "msg_total": rng.randint(80, 400), "migrate_trainee_chat_cnt": 0}})
    doc = {"errcode": 0, "errmsg": "ok", "items": items}
    return json.dumps(doc, indent=2).encode("utf-8")


FILES = {
    "wechat_group.csv": wechat_csv,
    "telegram_result.json": telegram_json,
    "discord_channel.json": discord_json,
    "wecom_statistics.json": wecom_json,
}


def main(outdir: str) -> None:
    os.makedirs(outdir, exist_ok=True)
    for i, (name, fn) in enumerate(FILES.items()):
        data = fn(random.Random(SEED + i))
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        print(f"wrote {name} ({len(data)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
