"""WeCom group statistics: last day, mean msg_total, the leaves formula."""
from shequn.facts.exports import extract_facts

T = 1711843200 - 3 * 86400      # four days: T, T+1d, T+2d, T+3d (= 2024-03-31T00:00:00Z)
D = 86400


def day(t, new, total, msgs, chats=2):
    return (t, {"new_chat_cnt": 0, "chat_total": chats, "chat_has_msg": 1, "new_member_cnt": new,
                "member_total": total, "member_has_msg": 10, "msg_total": msgs})


DAYS = [day(T, 9, 100, 50), day(T + D, 5, 103, 10), day(T + 2 * D, 2, 104, 20), day(T + 3 * D, 0, 101, 31, chats=3)]


def test_wecom_definitions(write_wecom):
    facts, prov = extract_facts([write_wecom(DAYS)], days=3)
    assert facts["community"]["platform"] == "wecom"
    assert facts["community"]["groups"] == 3                      # chat_total of the last day
    assert facts["size"]["members"] == 101                        # member_total of the last day
    assert facts["engagement"]["messages_per_day"] == round(61 / 3, 4)   # days T+1d..T+3d are in (as_of-3d, as_of]
    # leaves: new_member_cnt of all days but the first (5+2+0) - (101 - 100) = 6
    assert facts["retention"]["leaves_per_month"] == 6
    assert prov["window"]["as_of"] == "2024-03-31T00:00:00Z"
    assert prov["window"]["as_of_from"].startswith("the last stat_time")


def test_wecom_leaves_never_negative_and_needs_two_days(write_wecom):
    facts, _ = extract_facts([write_wecom([day(T, 0, 100, 1), day(T + D, 1, 110, 1)])])
    assert facts["retention"]["leaves_per_month"] == 0            # 1 - 10 < 0
    facts, prov = extract_facts([write_wecom([day(T, 4, 100, 1)])])
    assert "leaves_per_month" not in facts.get("retention", {})
    assert "retention.leaves_per_month" in prov["unknown"]


def test_wecom_leaves_look_at_30_days_whatever_days_says(write_wecom):
    old = day(T - 40 * D, 50, 10, 1)                              # outside the last 30 days
    facts, _ = extract_facts([write_wecom([old] + DAYS)], days=1)
    assert facts["retention"]["leaves_per_month"] == 6
    assert facts["engagement"]["messages_per_day"] == 31.0


def test_members_option_wins(write_wecom):
    facts, prov = extract_facts([write_wecom(DAYS)], members=250)
    assert facts["size"]["members"] == 250
    assert prov["facts"]["size.members"] == "--members"


def test_two_statistics_files_add_up_by_day(write_wecom):
    a = write_wecom(DAYS, fname="a.json")
    b = write_wecom(DAYS, fname="b.json")
    facts, _ = extract_facts([a, b], days=3)
    assert facts["community"]["groups"] == 6 and facts["size"]["members"] == 202
    assert facts["engagement"]["messages_per_day"] == round(122 / 3, 4)
