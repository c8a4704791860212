"""Fuzzing the export readers: generated exports, valid and hostile, through every reader,
`shequn facts extract` and `shequn check`. Anything but shequn's own errors is a failure,
and no output or error holds a planted name."""
import csv
import io
import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import support
from shequn.errors import ShequnError
from shequn.facts.exports import extract_facts
from shequn.facts.exports.bounds import BoundedStream, TooDeep

A = 1711843200
MARK = "zqx"

# --------------------------------------------------------------------------- the depth scanner


def _depth(v) -> int:
    if isinstance(v, list):
        return 1 + max((_depth(x) for x in v), default=0)
    if isinstance(v, dict):
        return 1 + max((_depth(x) for x in v.values()), default=0)
    return 0


tricky_text = st.text(alphabet=st.sampled_from(list('[]{}"\\ab,:\n\u2005秘')), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=30)


@settings(max_examples=support.examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(doc=json_values, limit=st.integers(1, 8), chunk=st.integers(1, 17), ascii_only=st.booleans())
def test_the_scanner_finds_the_depth_through_strings_and_chunks(doc, limit, chunk, ascii_only):
    data = json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8")
    guard = BoundedStream(io.BytesIO(data), max_depth=limit, max_item_bytes=1 << 30)
    got = bytearray()
    try:
        while True:
            part = guard.read(chunk)
            if not part:
                break
            got += part
    except TooDeep:
        assert _depth(doc) > limit
        # what was given stops right before the first bracket too deep
        assert data.startswith(bytes(got))
        assert data[len(got):len(got) + 1] in (b"[", b"{")
        return
    assert _depth(doc) <= limit
    assert bytes(got) == data


# --------------------------------------------------------------------------- generated exports

def planted(draw_text: str) -> str:
    return f"Zqx{draw_text}"


hostile = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "nan", "inf", "-1e14", "1e20", "0000-01-01T00:00:00", "10000-01-01T00:00:00+00:00",
                       str(A), "2024-03-30T00:00:00+00:00", "user1", "GuildMemberJoin", "service", "mention_name",
                       "invite_members", "https://x", "\x1b]0;title\x07", "\ufeff"])
    | st.text(max_size=8).map(planted),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["id", "type", "text", "user_id", "name", "nickname", "isBot", "roles", "href", "messageId"]), inner,
        max_size=4),
    max_leaves=12)

TG_FIELDS = ["id", "type", "date", "date_unixtime", "from", "from_id", "text", "text_entities", "actor", "actor_id",
             "action", "members", "reply_to_message_id"]
DC_FIELDS = ["id", "type", "timestamp", "content", "author", "mentions", "reference"]


@st.composite
def messages(draw, fields, good):
    out = []
    for _ in range(draw(st.integers(0, 5))):
        m = dict(good)
        for f in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)):
            m[f] = draw(hostile)
        out.append(m if draw(st.integers(0, 9)) else draw(hostile))
    return out


def tg_export(msgs):
    return {"name": "g", "type": "private_supergroup", "id": 1, "messages": msgs}


def dc_export(msgs):
    return {"guild": {"id": "1", "name": "g"}, "channel": {"id": "2", "name": "c"}, "messages": msgs}


TG_GOOD = {"id": 1, "type": "message", "date_unixtime": str(A), "from": "ZqxName", "from_id": "userZqx",
           "text": "Zqx text?"}
DC_GOOD = {"id": "1", "type": "Default", "timestamp": "2024-03-30T00:00:00+00:00", "content": "Zqx",
           "author": {"id": "Zqx1", "name": "ZqxName"}}
WX_COLUMNS = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
              "StrTime", "Remark", "NickName", "Sender"]


@st.composite
def wechat_csv(draw):
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(WX_COLUMNS)
    cell = st.sampled_from(["1", "0", "49", "10000", "2001", "57", str(A), "nan", "inf", "-1e14", "1e20", "",
                            '"Zqx"邀请"Zqx2"加入了群聊', "@Zqx\u2005hi", "Zqx"]) | st.text(max_size=6).map(planted)
    for _ in range(draw(st.integers(0, 5))):
        row = ["1", "x@chatroom", "1", "0", "0", str(A), "2", "Zqx hi", "", "", "ZqxNick", "wxid_Zqx"]
        for i in draw(st.lists(st.integers(0, 11), max_size=3, unique=True)):
            row[i] = draw(cell)
        w.writerow(row[:draw(st.integers(8, 12))] if draw(st.integers(0, 9)) == 0 else row)
    return buf.getvalue()


@st.composite
def wecom_json(draw):
    items = []
    for _ in range(draw(st.integers(0, 4))):
        item = {"stat_time": A, "data": {"member_total": 3, "new_member_cnt": 1}}
        if draw(st.booleans()):
            item[draw(st.sampled_from(["stat_time", "data"]))] = draw(hostile)
        if draw(st.booleans()):
            item["data"] = dict(item["data"]) if isinstance(item["data"], dict) else item["data"]
            if isinstance(item["data"], dict):
                item["data"][draw(st.sampled_from(["member_total", "msg_total", "new_member_cnt"]))] = draw(hostile)
        items.append(item)
    return {"errcode": draw(st.sampled_from([0, 0, 40001, "Zqx"])), "errmsg": "Zqx", "items": items}


def _encode(text: str, draw) -> bytes:
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    data = text.encode(enc, errors="replace")
    mangle = draw(st.sampled_from(["none", "none", "truncate", "flip", "bom"]))
    if mangle == "truncate" and data:
        data = data[:draw(st.integers(0, len(data) - 1))]
    elif mangle == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    elif mangle == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


@st.composite
def exports(draw):
    kind = draw(st.sampled_from(["telegram", "discord", "wechat", "wecom"]))
    if kind == "telegram":
        text, name = json.dumps(tg_export(draw(messages(TG_FIELDS, TG_GOOD))), ensure_ascii=False), "result.json"
    elif kind == "discord":
        text, name = json.dumps(dc_export(draw(messages(DC_FIELDS, DC_GOOD))), ensure_ascii=False), "channel.json"
    elif kind == "wechat":
        text, name = draw(wechat_csv()), "group.csv"
    else:
        text, name = json.dumps(draw(wecom_json()), ensure_ascii=False), "wecom.json"
    return name, _encode(text, draw)


def _no_leak(text: str) -> None:
    assert MARK not in text.lower(), text


@settings(max_examples=support.examples(200), suppress_health_check=[HealthCheck.too_slow])
@given(export=exports(), days=st.sampled_from([30, 7, 0.5]), patterns=st.sampled_from([(), ("Zqx",), ("(a+)+$",)]))
def test_every_reader_gives_facts_or_its_own_error(export, days, patterns):
    name, data = export
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        try:
            facts, prov = extract_facts(path, days=days, ad_patterns=patterns)
        except ShequnError as exc:
            _no_leak(str(exc))
            return
        _no_leak(json.dumps([facts, prov], ensure_ascii=False))


@settings(max_examples=support.examples(6), suppress_health_check=[HealthCheck.too_slow])
@given(export=exports())
def test_extract_and_check_on_generated_exports(export):
    from click.testing import CliRunner

    from shequn.cli.main import cli
    name, data = export
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        for args in (["facts", "extract", path, "--format", "json"], ["check", path, "--format", "json"]):
            res = runner.invoke(cli, args, catch_exceptions=True)
            out = res.stdout + res.stderr
            assert res.exit_code in (0, 1, 2), (args, res.exit_code, out)
            assert res.exception is None or isinstance(res.exception, SystemExit), (args, res.exception)
            assert "internal error" not in out, out
            _no_leak(out)
