"""No name, person id or message text reaches any output or any error.

Distinctive names and ids are planted in every field of every format, in
valid exports and in broken ones (bad times, wrong shapes, invalid JSON,
truncated files, too deep, too large, bad CSV rows); every path out is
searched for them: stdout and stderr of `facts extract` and `check`, the
report JSON, and the message of every exception the library raises.
"""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.errors import ShequnError
from shequn.facts.exports import extract_facts

A = 1711843200
MARK = "zqx"                                  # in every planted string (searched case-insensitively)
NUMBER = 918273645546372819                    # a planted person id that is a number
NUMBERS = (str(NUMBER), "918273645546")


def planted(what: str) -> str:
    return f"Zqx {what} 秘密"


def _tg_doc(messages):
    return {"name": "group", "type": "private_supergroup", "id": 1, "messages": messages}


def _tg_messages():
    text = [planted("text part"), {"type": "mention_name", "text": planted("mention"), "user_id": NUMBER},
            {"type": "mention", "text": "@Zqxhandle"}, {"type": "text_link", "text": planted("link"),
                                                         "href": "https://zqx.example/" + planted("href")}]
    return [
        {"id": 1, "type": "message", "date": "2024-03-30T00:00:00", "date_unixtime": str(A - 100),
         "from": planted("sender"), "from_id": "userZqx1", "text": planted("message text, long enough?"),
         "text_entities": [{"type": "plain", "text": planted("entity")}], "reply_to_message_id": 2},
        {"id": 2, "type": "message", "date_unixtime": str(A - 50), "from": planted("other"),
         "from_id": f"user{NUMBER}", "text": text},
        {"id": 3, "type": "service", "date_unixtime": str(A - 10), "actor": planted("actor"),
         "actor_id": "userZqx3", "action": "invite_members", "members": [planted("member"), None]},
        {"id": 4, "type": "service", "date_unixtime": str(A), "actor": planted("actor"),
         "actor_id": "userZqx3", "action": "remove_members", "members": [planted("leaver")]},
    ]


def _dc_user(tag):
    return {"id": "Zqx" + tag, "name": planted("name " + tag), "nickname": planted("nick " + tag),
            "isBot": False, "roles": [{"id": "Zqxrole", "name": planted("role")}]}


def _dc_doc(messages):
    return {"guild": {"id": "1", "name": "guild"}, "channel": {"id": "2", "name": "chan"}, "messages": messages}


def _dc_messages():
    return [
        {"id": "1", "type": "Default", "timestamp": "2024-03-30T00:00:00+00:00",
         "content": planted("content, a question?"), "author": _dc_user("a"), "mentions": [_dc_user("b")],
         "reference": {"messageId": "Zqxref"}},
        {"id": "2", "type": "GuildMemberJoin", "timestamp": "2024-03-30T01:00:00+00:00", "content": "",
         "author": {"id": str(NUMBER), "name": planted("joiner")}},
    ]


WX_COLUMNS = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
              "StrTime", "Remark", "NickName", "Sender"]


def _wx_rows():
    return [
        ["1", "Zqx@chatroom", "1", "0", "0", str(A - 100), "2", planted("text") + " @Zqxat\u2005",
         "2024-03-30", planted("remark"), planted("nick"), "wxid_Zqx1"],
        ["2", "Zqx@chatroom", "10000", "0", "0", str(A - 50), "2",
         f'"{planted("inviter")}"邀请"{planted("invitee")}"加入了群聊', "", "", "", ""],
        ["3", "Zqx@chatroom", "1", "0", "1", str(A), "2", planted("exporter"), "", "", planted("me"), ""],
    ]


def _csv(rows, columns=WX_COLUMNS):
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _wecom(items, errcode=0):
    return json.dumps({"errcode": errcode, "errmsg": planted("errmsg"), "items": items}).encode()


def _variants():
    """(name, file name, bytes): valid exports and broken ones, names planted everywhere."""
    j = lambda doc: json.dumps(doc, ensure_ascii=False).encode("utf-8")  # noqa: E731
    tg, dc, wx = _tg_messages(), _dc_messages(), _wx_rows()
    out = [("telegram valid", "result.json", j(_tg_doc(tg))),
           ("discord valid", "channel.json", j(_dc_doc(dc))),
           ("wechat valid", "group.csv", _csv(wx)),
           ("wecom valid", "wecom.json", _wecom([{"stat_time": A, "data": {"member_total": 3}}]))]

    def tg_with(**change):
        m = dict(tg[0], **change)
        return j(_tg_doc([tg[1], m]))

    def dc_with(**change):
        m = dict(dc[0], **change)
        return j(_dc_doc([dc[1], m]))

    bad = planted("bad value")
    out += [
        ("tg time", "result.json", tg_with(date_unixtime=bad)),
        ("tg date", "result.json", tg_with(date_unixtime=None, date=bad)),
        ("tg entities", "result.json", tg_with(text_entities=bad)),
        ("tg user_id", "result.json", tg_with(text=[{"type": "mention_name", "text": planted("m"),
                                                        "user_id": "Zqx-user-id"}], text_entities=None)),
        ("tg members", "result.json", j(_tg_doc([dict(tg[2], members=[{"Zqx": planted("m")}])]))),
        ("tg members str", "result.json", j(_tg_doc([dict(tg[2], members=bad)]))),
        ("tg from_id", "result.json", tg_with(from_id={"Zqx": bad})),
        ("tg not object", "result.json", j(_tg_doc([bad, tg[0]]))),
        ("dc time", "channel.json", dc_with(timestamp=bad)),
        ("dc author", "channel.json", dc_with(author=bad)),
        ("dc mentions", "channel.json", dc_with(mentions=bad)),
        ("dc mention items", "channel.json", dc_with(mentions=[bad, {"id": ["Zqx"]}])),
        ("wx time", "group.csv", _csv([wx[0], wx[1][:5] + [bad] + wx[1][6:]])),
        ("wx type", "group.csv", _csv([wx[0][:2] + [bad] + wx[0][3:]])),
        ("wx local id", "group.csv", _csv([["Zqx1"] + wx[0][1:5] + ["nan"] + wx[0][6:]])),
        ("wx columns", "group.csv", _csv([wx[0], wx[1][:4]])),
        ("wx huge", "group.csv", _csv([wx[0], wx[1][:7] + [planted("huge") * 100000] + wx[1][8:]])),
        ("wecom time", "wecom.json", _wecom([{"stat_time": bad, "data": {}}])),
        ("wecom data", "wecom.json", _wecom([{"stat_time": A, "data": {"member_total": bad}}])),
        ("wecom item", "wecom.json", _wecom([bad])),
        ("wecom errcode", "wecom.json", _wecom([], errcode=40001)),
    ]
    valid_tg = j(_tg_doc(tg))
    out += [
        ("tg truncated", "result.json", valid_tg[: valid_tg.index(b"Zqx other") + 10]),
        ("tg invalid", "result.json", valid_tg.replace(b'"from": "Zqx sender', b'"from": Zqx "sender', 1)),
        ("tg control", "result.json", valid_tg.replace(b"Zqx text part", b"Zqx\x01text", 1)),
        ("tg deep", "result.json", tg_with(text=json.loads("[" * 30 + "]" * 30)).replace(
            b"[" * 30, b'["Zqx deep", ' + b"[" * 100, 1).replace(b"]" * 30, b"]" * 101, 1)),
        ("tg huge", "result.json", tg_with(text=planted("huge") * 200000)),
        ("dc invalid utf8", "channel.json", j(_dc_doc(dc)).replace("Zqx content".encode(), b"Zqx \xff\xfe", 1)),
    ]
    return out


VARIANTS = _variants()


def _leaks(text: str) -> list[str]:
    low = text.lower()
    found = [MARK] if MARK in low else []
    found += [n for n in NUMBERS if n in text]
    found += [s for s in ("秘密",) if s in text]
    return found


@pytest.mark.parametrize("name,fname,data", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_no_planted_name_in_any_output_or_error(tmp_path, name, fname, data):
    path = tmp_path / fname
    path.write_bytes(data)
    # the library: the facts, the provenance, or the exception's message
    try:
        facts, prov = extract_facts(str(path), staff=["Zqx staff"])
        api = json.dumps([facts, prov], ensure_ascii=False)
    except ShequnError as exc:
        api = str(exc) + "\n".join(exc.messages())
    assert _leaks(api) == [], api
    runner = CliRunner()
    for args in (["facts", "extract", str(path), "--format", "json"], ["facts", "extract", str(path)],
                 ["check", str(path), "--format", "json"], ["check", str(path)]):
        res = runner.invoke(cli, args, catch_exceptions=True)
        assert res.exit_code in (0, 1, 2), (args, res.exit_code, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
        out = res.stdout + res.stderr
        assert "internal error" not in out and "Traceback" not in out, (args, out)
        assert _leaks(out) == [], (args, out)


def test_the_variants_reach_the_paths_they_are_for(tmp_path):
    """The broken variants are refused or noted, the valid ones read: the search above covers every path."""
    outcomes = {}
    for name, fname, data in VARIANTS:
        path = tmp_path / fname
        path.write_bytes(data)
        try:
            _, prov = extract_facts(str(path))
            outcomes[name] = "noted" if any(fname in n for n in prov.get("notes", ())) else "read"
        except ShequnError:
            outcomes[name] = "refused"
    assert {outcomes[n] for n in ("telegram valid", "discord valid", "wechat valid", "wecom valid")} == {"read"}
    for n in ("tg entities", "tg user_id", "tg members", "tg members str", "dc author", "dc mentions", "tg not object"):
        assert outcomes[n] == "noted", n
    for n in ("tg time", "tg date", "dc time", "wx time", "wx type", "wx local id", "wx columns", "wx huge",
              "wecom time", "wecom data", "wecom item", "wecom errcode", "tg truncated", "tg invalid", "tg deep",
              "tg huge", "dc invalid utf8"):
        assert outcomes[n] == "refused", n
