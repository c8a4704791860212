"""WeChatMsg / MemoTrace CSV: red envelopes, bursts, cards, joins, @mentions, the exporter, encodings."""
import pytest

from shequn.facts.exports import ExportError, extract_facts
from shequn.facts.exports.wechat_csv import mentions_in, parse_joins

A = 1711843200   # 2024-03-31T00:00:00Z
D = 86400
EX = ""          # the exporter's rows have IsSender = 1

ROWS = [
    # localId, Type, SubType, IsSender, CreateTime, StrContent, NickName, Sender
    (1, 10000, 0, 0, A - 40 * D, '"林小雨"邀请"王建国、赵思琪、冯子墨"加入了群聊', "", ""),
    (2, 1, 0, 1, A - 7 * D, "大家好， 欢迎来到读书会", "陈老师", EX),          # on the start edge: out
    (3, 49, 2001, 1, A - 6 * D, "[红包]恭喜发财", "陈老师", EX),               # staff red envelope
    (4, 1, 0, 0, A - 6 * D + 100, "谢谢老板", "林小雨", "wxid_lin"),           # burst (100 s)
    (5, 1, 0, 0, A - 6 * D + 600, "@林小雨\u2005收到了吗？", "王建国", "wxid_wang"),  # burst (600 s), mention, question
    (6, 436207665, 0, 0, A - 6 * D + 601, "[红包]", "赵思琪", "wxid_zhao"),    # 601 s: no burst; answers 5 after 1 s
    (7, 1, 0, 0, A - 6 * D + 700, "抢到了", "林小雨", "wxid_lin"),              # burst (99 s after 6)
    (8, 49, 33, 0, A - 5 * D, "[小程序]拼团", "周明轩", "wxid_zhou"),           # member card: an ad
    (9, 49, 5, 1, A - 5 * D + 10, "[链接]本周直播", "陈老师", EX),              # staff link card: an ad
    (10, 1, 0, 0, A - 4 * D, "大家好，  欢迎来到读书会", "晨曦", "wxid_chenxi"),  # named staff; repeats 2
    (11, 10000, 0, 0, A - 3 * D, '你邀请"曹静"加入了群聊', "", ""),
    (12, 10000, 0, 0, A - 3 * D + 5, '"唐小糖"通过扫描"周明轩"分享的二维码加入群聊', "", ""),
    (13, 10000, 0, 0, A - 2 * D, '"韩冬"通过扫描你分享的二维码加入群聊', "", ""),
    (14, 1, 0, 0, A - 1 * D, "@所有人\u2005大家好", "赵思琪", "wxid_zhao"),    # @所有人 is nobody
    (15, 3, 0, 0, A - 1 * D + 1, "[图片]", "林小雨", "wxid_lin"),
    (16, 1, 0, 0, A, "看这个 https://shop.example.cn/1", "周明轩", "wxid_zhou"),   # on the end edge: in; an ad
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_wechat_definitions(write_wx, encoding):
    p = write_wx(ROWS, encoding=encoding)
    facts, prov = extract_facts([p], staff=["晨曦"], as_of="2024-03-31T00:00:00", days=7)
    assert facts["community"] == {"name": "group", "platform": "wechat", "groups": 1}
    e = facts["engagement"]
    # human messages in (A-7d, A]: 3..10 and 14..16 = 11; staff 3, 9, 10; members 4, 5, 6, 7, 8, 14, 15, 16
    assert e["messages_per_day"] == round(11 / 7, 4)
    assert e["official_voice_share"] == round(3 / 11, 4)
    assert e["member_to_member_share"] == 0.125                 # 5 mentions 林小雨
    assert e["red_envelope_burst_share"] == 0.375               # 4, 5, 7
    assert e["red_envelopes_per_week"] == 2.0
    assert e["median_response_minutes"] == round(1 / 60, 4)
    assert facts["ads"] == {"member_ads_per_week": 2.0, "operator_ads_per_week": 1.0}
    assert facts["size"]["active_members_7d"] == 6
    assert facts["activities"]["max_gap_days"] == 4.0
    assert facts["content"]["repeated_share"] == 1.0
    assert facts["traffic"]["referral_share"] == round(1 / 3, 4)   # 唐小糖 by 周明轩; 曹静 and 韩冬 by the exporter
    assert facts["retention"] == {"retention_30d": round(2 / 3, 4)}   # 王建国 and 赵思琪 posted; 冯子墨 did not
    assert "retention.leaves_per_month" in prov["unknown"]
    assert prov["sources"][0]["format"] == "wechat_csv"


def test_exporter_alone_makes_staff_known(write_wx):
    facts, prov = extract_facts([write_wx(ROWS)], as_of="2024-03-31T00:00:00Z", days=7)
    assert facts["engagement"]["official_voice_share"] == round(2 / 11, 4)   # 3 and 9
    # the exporter's messages in the window have no text (a red envelope, a card): nothing to compare
    assert "content" not in facts
    assert "at least 10 characters" in prov["unknown"]["content.repeated_share"]
    assert facts["activities"]["max_gap_days"] == round((5 * D - 10) / D, 4) == 4.9999   # from 9 to as_of

def test_exporter_known_from_system_texts_only(write_wx):
    # no IsSender rows, but 你 (the exporter) invited people: the exporter is staff who did not post
    rows = [r for r in ROWS if r[3] != 1]
    facts, prov = extract_facts([write_wx(rows)], as_of="2024-03-31T00:00:00Z", days=7)
    assert facts["engagement"]["official_voice_share"] == 0.0
    assert facts["activities"]["max_gap_days"] == 7.0
    assert facts["traffic"]["referral_share"] == round(1 / 3, 4)


def test_no_staff_at_all_means_staff_facts_unknown(write_wx):
    rows = [r for r in ROWS if r[3] != 1 and "你" not in r[5]]
    facts, prov = extract_facts([write_wx(rows)], as_of="2024-03-31T00:00:00Z", days=7)
    assert "official_voice_share" not in facts["engagement"]
    assert "activities" not in facts
    assert "no staff" in prov["unknown"]["engagement.official_voice_share"]
    # 9 human messages, all from members (晨曦 is not named): 4, 5, 6, 7, 8, 10, 14, 15, 16
    assert facts["engagement"]["messages_per_day"] == round(9 / 7, 4)
    assert facts["ads"] == {"member_ads_per_week": 2.0}
    assert facts["traffic"]["referral_share"] == 1.0            # the only join left: 唐小糖 by 周明轩


def test_parse_joins():
    assert parse_joins('"A"邀请"B、C"加入了群聊') == [("B", "A"), ("C", "A")]
    assert parse_joins('你邀请"B"加入了群聊') == [("B", None)]
    assert parse_joins('"B"通过扫描"A"分享的二维码加入群聊') == [("B", "A")]
    assert parse_joins('"B"通过扫描你分享的二维码加入群聊') == [("B", None)]
    assert parse_joins('"A"撤回了一条消息') == []


def test_mentions_need_u2005():
    assert mentions_in("@张三\u2005你好 @李 四\u2005") == ["张三", "李 四"]
    assert mentions_in("邮箱 a@b.com 不是提及") == []
    assert mentions_in("@所有人\u2005开会") == []


def test_missing_columns_are_named(write_wx):
    cols = ["localId", "TalkerId", "Type", "SubType", "IsSender", "Status", "StrContent", "StrTime", "Remark",
            "NickName"]
    p = write_wx([], columns=cols)
    with pytest.raises(ExportError, match=r"group\.csv: missing CSV columns CreateTime, Sender"):
        extract_facts([p])


def test_bad_create_time_names_row(write_wx):
    rows = [(1, 1, 0, 0, A, "ok", "甲", "w1"), (7, 1, 0, 0, "yesterday", "x", "乙", "w2")]
    with pytest.raises(ExportError, match=r"group\.csv: row 3 \(localId 7\): CreateTime: expected a timestamp in Unix seconds"):
        extract_facts([write_wx(rows)])


def test_two_groups_add_up_and_match_people_by_id(write_wx):
    r1 = [(1, 1, 0, 0, A - 10, "一", "甲", "w1"), (2, 1, 0, 1, A - 5, "二", "我", EX)]
    r2 = [(1, 1, 0, 0, A - 8, "三", "甲 (群2)", "w1"), (2, 1, 0, 0, A, "四", "乙", "w2")]
    facts, prov = extract_facts([write_wx(r1, fname="g1.csv"), write_wx(r2, fname="g2.csv")], days=7)
    assert facts["community"]["groups"] == 2
    assert facts["community"]["name"] == "g1 / g2"
    assert facts["engagement"]["messages_per_day"] == round(4 / 7, 4)
    assert facts["size"]["active_members_7d"] == 3              # w1 in both groups is one person, w2, the exporter
    assert facts["engagement"]["official_voice_share"] == 0.25
    assert [s["file"] for s in prov["sources"]] == ["g1.csv", "g2.csv"]
