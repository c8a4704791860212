"""Telegram Desktop result.json: every definition on a hand-built export (hand-computed numbers)."""
import pytest

from shequn.facts.exports import extract_facts

A = 1711843200   # 2024-03-31T00:00:00Z
D = 86400
AS_OF = "2024-03-31T00:00:00"   # no offset: UTC

S = ("user1", "Sam Staff")
M1 = ("user2", "Mei Lin")
M2 = ("user3", "Ola Nordmann")
M3 = ("user4", "Pia Petersen")        # a member who is also named in --staff
NIA = ("user9", "Nia")


@pytest.fixture
def tg_path(write_tg, b):
    m, sv = b.tg_msg, b.tg_service
    msgs = [
        sv(1, A - 45 * D, *M2, "invite_members", ["Nia"]),                 # a join 45 days ago (cohort)
        sv(2, A - 40 * D, *S, "remove_members", ["Mei Lin"]),              # a leave older than 30 days
        m(10, A - 7 * D, *M1, "before the window, exactly on its start"),  # excluded: start is open
        m(11, A - 7 * D + 1, *M1, "is this on?"),                          # question, answered after 60 s
        m(12, A - 7 * D + 61, *M2, "yes", reply_to_message_id=10),         # reply to a member, before the window
        m(13, A - 6 * D, *S, "Welcome everyone to the group!"),
        m(14, A - 5 * D, *M1, [{"type": "mention", "text": "@helperbot"}, " see https://x.example/p"]),
        m(15, A - 5 * D + 10, *M2, "anyone around?"),                      # answered by 17 (16 is the asker)
        m(16, A - 5 * D + 20, *M2, [{"type": "mention_name", "text": "Mei", "user_id": 2}, " look"]),
        m(17, A - 4 * D, *S, "Welcome   everyone to the group! "),         # repeats 13 (whitespace collapsed)
        m(18, A - 3 * D, *M3, "ok"),
        m(19, A - 2 * D, *NIA, "hi all"),
        sv(20, A - 2 * D + 5, *S, "remove_members", ["Ola Nordmann"]),     # a leave in the last 30 days
        sv(21, A - 1 * D, "user10", "Quinn", "invite_members", ["Quinn"]),  # self-invitation: no referral
        sv(22, A - 1 * D + 5, *M2, "invite_members", ["Rex"]),             # invited by a member: referral
        m(23, A, *M1, "last question?"),                                  # exactly on the end: included; unanswered
    ]
    return write_tg(msgs)


def test_all_definitions(tg_path):
    facts, prov = extract_facts([tg_path], staff=["Sam Staff,Pia Petersen"], as_of=AS_OF, days=7)
    assert facts["community"] == {"name": "测试群 Test Group", "platform": "telegram", "groups": 1}
    # human messages in (A-7d, A]: 11..19 and 23 = 10; staff 13, 17, 18; members 11,12,14,15,16,19,23
    e = facts["engagement"]
    assert e["messages_per_day"] == round(10 / 7, 4) == 1.4286
    assert e["official_voice_share"] == 0.3
    assert e["member_to_member_share"] == round(2 / 7, 4)        # 12 (reply to 10) and 16 (mention_name)
    assert e["median_response_minutes"] == round((60 / 60 + (D - 10) / 60) / 2, 4) == 720.4167
    assert "red_envelopes_per_week" not in e and "red_envelope_burst_share" not in e
    assert facts["size"] == {"active_members_7d": 5}              # Mei, Ola, Sam, Pia, Nia
    assert facts["ads"] == {"member_ads_per_week": 1.0, "operator_ads_per_week": 0.0}
    assert facts["activities"]["max_gap_days"] == 3.0              # from the last staff message (A-3d) to as_of
    assert facts["content"]["repeated_share"] == 0.5               # 13 and 17 are long enough; 17 repeats
    assert facts["traffic"]["referral_share"] == 0.5               # Quinn (self) and Rex (by Ola)
    assert facts["retention"] == {"retention_30d": 1.0, "leaves_per_month": 1}
    c = prov["counts"]
    assert c["questions"] == 3 and c["answered_questions"] == 2 and c["unanswered_questions"] == 1
    assert "size.members" in prov["unknown"]
    assert prov["window"]["start"] == "2024-03-24T00:00:00Z" and prov["window"]["end"] == "2024-03-31T00:00:00Z"


def test_member_named_in_staff_is_staff(tg_path):
    without, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of=AS_OF, days=7)
    assert without["engagement"]["official_voice_share"] == 0.2          # 13, 17 of 10
    with_, _ = extract_facts([tg_path], staff=["Sam Staff", "user4"], as_of=AS_OF, days=7)   # by id
    assert with_["engagement"]["official_voice_share"] == 0.3
    by_number, _ = extract_facts([tg_path], staff=["1", "4"], as_of=AS_OF, days=7)          # from_id userN
    assert by_number["engagement"]["official_voice_share"] == 0.3


def test_without_staff_staff_facts_unknown_and_everyone_is_a_member(tg_path):
    facts, prov = extract_facts([tg_path], as_of=AS_OF, days=7)
    assert "official_voice_share" not in facts["engagement"]
    assert "ads" in facts and "operator_ads_per_week" not in facts["ads"]
    assert "activities" not in facts and "content" not in facts
    for name in ("engagement.official_voice_share", "activities.max_gap_days", "content.repeated_share",
                 "ads.operator_ads_per_week"):
        assert "no staff" in prov["unknown"][name]
    # 10 member messages; 12 replies to Mei, 16 mentions Mei, 17 and 13 are now member messages
    assert facts["engagement"]["member_to_member_share"] == 0.2
    # Sam is now a member, so his invitation... Quinn self, Rex by Ola: still 1 of 2
    assert facts["traffic"]["referral_share"] == 0.5


def test_as_of_defaults_to_last_timestamp_and_days(tg_path):
    facts, prov = extract_facts([tg_path], staff=["Sam Staff"])
    assert prov["window"]["as_of"] == "2024-03-31T00:00:00Z"
    assert prov["window"]["days"] == 30
    # 30 days: 10..19 and 23 are all in (A-30d, A] = 11 human messages
    assert facts["engagement"]["messages_per_day"] == round(11 / 30, 4)


def test_as_of_with_offset(tg_path):
    # 2024-03-31T08:00:00+08:00 is the same instant as A
    f1, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of="2024-03-31T08:00:00+08:00", days=7)
    f2, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of=AS_OF, days=7)
    assert f1 == f2
    # one second earlier: message 23 (on the end edge) falls out, message 10 is still out
    f3, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of="2024-03-30T23:59:59Z", days=7)
    # window (A-7d-1, A-1]: message 10 (at A-7d) is now inside, 23 (at A) outside: still 10 messages
    assert f3["engagement"]["messages_per_day"] == round(10 / 7, 4)
    assert f3["size"]["active_members_7d"] == 5


def test_retention_and_leaves_ignore_days(tg_path):
    f7, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of=AS_OF, days=7)
    f3, _ = extract_facts([tg_path], staff=["Sam Staff"], as_of=AS_OF, days=3)
    assert f7["retention"] == f3["retention"] == {"retention_30d": 1.0, "leaves_per_month": 1}


def test_text_as_list_of_parts_and_text_link(write_tg, b):
    msgs = [b.tg_msg(1, A - 10, "user2", "Mei", ["read ", {"type": "text_link", "text": "this",
                                                          "href": "https://ad.example/x"}, "?"]),
            b.tg_msg(2, A, "user3", "Ola", [{"type": "bold", "text": "sure"}])]
    p = write_tg(msgs)
    facts, prov = extract_facts([p], as_of=AS_OF, days=7)
    assert facts["ads"]["member_ads_per_week"] == 1.0             # the href counts as a URL
    assert facts["engagement"]["median_response_minutes"] == round(10 / 60, 4)   # "read this?" is a question


def test_full_account_export_is_refused(tmp_path):
    from shequn.facts.exports import ExportError
    p = tmp_path / "result.json"
    p.write_text('{"about": "x", "personal_information": {}, "chats": {"list": [{"name": "g", '
                 '"type": "private_group", "id": 1, "messages": [{"id": 1, "date_unixtime": "1"}]}]}}')
    with pytest.raises(ExportError, match="full Telegram account export"):
        extract_facts([str(p)])
