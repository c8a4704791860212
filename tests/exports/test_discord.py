"""DiscordChatExporter JSON: offsets, bots, roles, replies before the window, joins."""
import pytest

from shequn.facts.exports import extract_facts

A = 1711843200   # 2024-03-31T00:00:00Z
D = 86400


@pytest.fixture
def dc_path(write_dc, b):
    u, m = b.dc_user, b.dc_msg
    m1, m2, m3 = u(11, "mei"), u(12, "ola"), u(13, "pia")
    bot = u(90, "TallyBot", bot=True)
    mod = u(99, "river", roles=("Moderator",))
    msgs = [
        m(1, "2024-03-23T08:00:00+08:00", m1, "old message"),                       # A-8d
        m(2, "2024-03-25T08:00:00.000+08:00", m2, "agreed", type="Reply", reference=1),   # = A-6d, reply before window
        m(3, "2024-03-26T00:00:00+00:00", bot, "tally https://x.example"),          # A-5d, a bot: not human
        m(4, "2024-03-25T19:00:30-05:00", m1, "when is the call?"),                 # A-5d+30, a question
        m(5, "2024-03-26T00:00:40Z", bot, "pong"),                                  # bots do not answer
        m(6, "2024-03-26T00:01:30+00:00", mod, "The call is at 18:00 UTC", mentions=[m1]),   # staff by role: 60 s
        m(7, "2024-03-28T00:00:00+00:00", m3, "", type="GuildMemberJoin"),          # a join, no inviter
        m(8, "2024-03-29T00:00:00+00:00", m3, "hello <@12>", mentions=[m2]),        # mentions a member
        m(9, "2024-03-30T00:00:00+00:00", m1, "<@90> help", mentions=[bot]),        # a bot is not a member
        m(10, "2024-03-30T00:00:01+00:00", m2, "<@12> note to self", mentions=[m2]),   # not another member
    ]
    return write_dc(msgs)


def test_discord_definitions(dc_path):
    facts, prov = extract_facts([dc_path], staff_roles=["moderator"], as_of="2024-03-31T00:00:00Z", days=7)
    assert facts["community"] == {"name": "测试服务器 #general", "platform": "discord", "groups": 1}
    e = facts["engagement"]
    # human messages in the window: 2, 4, 6, 8, 9, 10
    assert e["messages_per_day"] == round(6 / 7, 4)
    assert e["official_voice_share"] == round(1 / 6, 4)
    assert e["member_to_member_share"] == 0.4                   # 2 (reply to 1, before the window) and 8
    assert e["median_response_minutes"] == 1.0
    assert facts["size"]["active_members_7d"] == 4              # mei, ola, pia, river; not the bot
    assert facts["ads"] == {"member_ads_per_week": 0.0, "operator_ads_per_week": 0.0}   # the bot's URL is not counted
    # the only staff message at A-5d+90: gaps 2d+90s and 5d-90s
    assert facts["activities"]["max_gap_days"] == round((5 * D - 90) / D, 4) == 4.999
    assert facts["content"]["repeated_share"] == 0.0
    assert "traffic.referral_share" in prov["unknown"] and "invited" in prov["unknown"]["traffic.referral_share"]
    assert "retention.leaves_per_month" in prov["unknown"]
    assert "retention.retention_30d" in prov["unknown"]         # nobody joined 60-30 days before
    assert prov["counts"]["people"]["bots"] == 1


def test_discord_staff_by_id_and_name(dc_path):
    by_id, _ = extract_facts([dc_path], staff=["99", "13"], as_of="2024-03-31T00:00:00Z", days=7)
    assert by_id["engagement"]["official_voice_share"] == round(2 / 6, 4)
    by_name, _ = extract_facts([dc_path], staff=["river"], as_of="2024-03-31T00:00:00Z", days=7)
    assert by_name["engagement"]["official_voice_share"] == round(1 / 6, 4)


def test_bot_named_as_staff_stays_a_bot(dc_path):
    facts, _ = extract_facts([dc_path], staff=["TallyBot", "river"], as_of="2024-03-31T00:00:00Z", days=7)
    assert facts["engagement"]["messages_per_day"] == round(6 / 7, 4)
    assert facts["engagement"]["official_voice_share"] == round(1 / 6, 4)


def test_discord_retention_from_member_joins(write_dc, b):
    u, m = b.dc_user, b.dc_msg
    x, y = u(21, "x"), u(22, "y")
    msgs = [m(1, "2024-02-15T00:00:00+00:00", x, type="GuildMemberJoin"),   # A-45d
            m(2, "2024-02-20T00:00:00+00:00", y, type="GuildMemberJoin"),   # A-40d
            m(3, "2024-03-01T00:00:00+00:00", x, "still here"),             # A-30d exactly: not in the last 30 days
            m(4, "2024-03-30T00:00:00+00:00", y, "still here too")]
    facts, _ = extract_facts([write_dc(msgs)], as_of="2024-03-31T00:00:00Z")
    assert facts["retention"]["retention_30d"] == 0.5
