"""Each accumulator of facts/exports/measures on its own, at its edges (no messages, one
message, the window's bounds, several exports)."""
import pytest

from shequn.facts.exports.base import (JOIN, LEAVE, RED_ENVELOPE, SYSTEM, F_AD, F_QUESTION, DayStat, Message,
                                       People)
from shequn.facts.exports.measure import CHAT_FACTS, ChatLog, Fact, Unknown, classify
from shequn.facts.exports.measures.chats import COUNT_ORDER, COUNTS_WITH_MESSAGES, feed_events, feed_messages, \
    measure_chats
from shequn.facts.exports.measures.common import NO_STAFF, Scope
from shequn.facts.exports.measures.joins import Leaves, Referrals, Retention
from shequn.facts.exports.measures.messages import (ActiveSenders, MemberToMember, MessageCounts, RedEnvelopes,
                                                    RepeatedStaffTexts, ResponseTimes, StaffGaps)
from shequn.facts.exports.measures.wecom import DailyTotals, MonthlyLeaves, measure_wecom

A = 1711843200.0       # as_of: 2024-03-31T00:00:00Z
D = 86400
EVERYTHING = {"joins", "inviter", "leaves", "red_envelopes", "replies"}
PEOPLE = ("staff", "ann", "bob", "cat", "bot")


def build(*exports, staff=("staff",), supports=EVERYTHING):
    """(logs, people, roles) of exports given as lists of (kind, t, who, extra...) rows:
    ("msg", t, who, flags=0, mid=-1, reply_to=-1, mentions=None, thash=0), ("join", t, who, inviter),
    ("leave", t, who), ("sys", t, who), ("red", t, who)."""
    people = People()
    key = {p: people.by_id("t:", p, p, bot=p == "bot") for p in PEOPLE}
    logs = []
    for i, rows in enumerate(exports):
        log = ChatLog(f"f{i}.json", "test", "test")
        log.supports = set(supports)
        for kind, t, who, *extra in rows:
            if kind == "msg":
                flags, mid, reply_to, mentions, thash = (list(extra) + [0, -1, -1, None, 0][len(extra):])
                mentions = tuple(key[p] for p in mentions) if mentions else None
                log.add(Message(t, key[who], flags=flags, mid=mid, reply_to=reply_to, mentions=mentions,
                                thash=thash))
            elif kind == "join":
                log.add(Message(t, key[who], JOIN, actor=key[extra[0]] if extra and extra[0] else None))
            elif kind == "leave":
                log.add(Message(t, key[who], LEAVE))
            elif kind == "sys":
                log.add(Message(t, key[who], SYSTEM))
            elif kind == "red":
                log.add(Message(t, key[who], RED_ENVELOPE))
        people.finish_file()
        logs.append(log)
    role, _ = classify(people, list(staff))
    return logs, people, role


def scope_of(*exports, staff=("staff",), supports=EVERYTHING, days=30, as_of=A):
    return Scope(*build(*exports, staff=staff, supports=supports), as_of, days)


def fed(scope, *accumulators):
    feed_messages(scope, accumulators)
    return accumulators


def outcome(acc, name):
    return acc.finish()[name]


def msg(t, who, *extra):
    return ("msg", t, who, *extra)


# --------------------------------------------------------------------------- MessageCounts

def test_counts_no_messages():
    c, = fed(scope_of([]), MessageCounts(scope_of([])))
    assert c.counts() == {"human_messages": 0, "staff_messages": 0, "member_messages": 0, "per_file_human": [0]}
    assert outcome(c, "ads.member_ads_per_week") == Unknown(f"no member messages {c.scope.in_window_text}")


def test_counts_window_bounds_roles_and_files():
    s = scope_of([msg(A - 30 * D, "ann"), msg(A - 30 * D + 1, "ann", F_AD), msg(A, "staff", F_AD),
                  msg(A + 1, "bob"), msg(A - D, "bot"), ("sys", A - D, "ann")],
                 [msg(A - D, "bob")])
    c, = fed(s, MessageCounts(s))
    assert c.counts() == {"human_messages": 3, "staff_messages": 1, "member_messages": 2, "per_file_human": [2, 1]}
    out = c.finish()
    assert out["engagement.messages_per_day"].value == round(3 / 30, 4)
    assert out["engagement.official_voice_share"].value == round(1 / 3, 4)
    assert out["ads.operator_ads_per_week"].value == round(1 / (30 / 7), 4)
    assert out["ads.member_ads_per_week"].value == round(1 / (30 / 7), 4)


def test_counts_without_staff():
    s = scope_of([msg(A - D, "ann")], staff=())
    c, = fed(s, MessageCounts(s))
    assert outcome(c, "engagement.official_voice_share") == Unknown(NO_STAFF)
    assert outcome(c, "ads.operator_ads_per_week") == Unknown(NO_STAFF)
    assert outcome(c, "engagement.messages_per_day").value == round(1 / 30, 4)


def test_counts_one_day_window():
    s = scope_of([msg(A - D + 1, "ann"), msg(A - D, "ann")], days=1)
    c, = fed(s, MessageCounts(s))
    assert outcome(c, "engagement.messages_per_day") == Fact(1.0, c.finish()["engagement.messages_per_day"].how)
    assert "/ 1 days" in outcome(c, "engagement.messages_per_day").how


# --------------------------------------------------------------------------- ActiveSenders

def test_active_senders_bounds():
    s = scope_of([msg(A - 7 * D, "ann"), msg(A - 7 * D + 1, "bob"), msg(A, "staff"), msg(A + 1, "cat"),
                  msg(A - D, "bot"), msg(A - 29 * D, "ann")], days=3)
    a, = fed(s, ActiveSenders(s))
    assert outcome(a, "size.active_members_7d").value == 2                # bob and staff; not the bot, not cat
    assert len(a.senders_30d) == 3                                        # and ann, outside the 3-day window


def test_active_senders_none():
    s = scope_of([])
    a, = fed(s, ActiveSenders(s))
    assert outcome(a, "size.active_members_7d").value == 0


# --------------------------------------------------------------------------- ResponseTimes

def test_responses_no_question():
    s = scope_of([msg(A - D, "ann")])
    r, = fed(s, ResponseTimes(s))
    assert outcome(r, "engagement.median_response_minutes") == Unknown(
        f"no answered member question {s.in_window_text} (0 questions, 0 unanswered)")


def test_responses_answers_and_open_questions():
    s = scope_of([msg(A - 2 * D, "staff", F_QUESTION), msg(A - 2 * D + 60, "ann"),         # staff ask no questions
                  msg(A - D, "ann", F_QUESTION), msg(A - D + 30, "ann"), msg(A - D + 120, "staff"),
                  msg(A - 60, "bob", F_QUESTION), msg(A - 50, "bot"), msg(A + 60, "cat")],  # answered after as_of
                 [msg(A - 5 * D, "cat", F_QUESTION)],                                       # never answered
                 [msg(A - 5 * D + 1, "ann")])                                               # another export
    r, = fed(s, ResponseTimes(s))
    assert r.counts() == {"questions": 3, "unanswered_questions": 1, "answered_questions": 2}
    assert sorted(r.minutes) == [2.0, 2.0]
    assert outcome(r, "engagement.median_response_minutes").value == 2.0


# --------------------------------------------------------------------------- MemberToMember

def test_member_to_member_none():
    s = scope_of([msg(A - D, "staff")])
    c = MessageCounts(s)
    fed(s, c, m2m := MemberToMember(s, c))
    assert outcome(m2m, "engagement.member_to_member_share") == Unknown(f"no member messages {s.in_window_text}")


def test_member_to_member_replies_and_mentions():
    s = scope_of([msg(A - 40 * D, "ann", 0, 1),                      # before the window: a reply target
                  msg(A - D, "bob", 0, 2, 1),                        # reply to a member: yes
                  msg(A - D, "ann", 0, 3, 1),                        # reply to herself: no
                  msg(A - D, "staff", 0, 4),
                  msg(A - D, "cat", 0, 5, 4),                        # reply to staff: no
                  msg(A - D, "cat", 0, 6, 99),                       # reply to a message not in the export
                  msg(A - D, "cat", 0, 7, -1, ("staff", "ann")),     # mentions a member: yes
                  msg(A - D, "cat", 0, 8, -1, ("cat",))])            # mentions herself: no
    c = MessageCounts(s)
    fed(s, c, m2m := MemberToMember(s, c))
    o = outcome(m2m, "engagement.member_to_member_share")
    assert o.value == round(2 / 6, 4)
    assert "(1 replies to messages not in the export not counted)" in o.how


# --------------------------------------------------------------------------- RedEnvelopes

def test_red_envelopes_not_recorded():
    s = scope_of([("red", A - D, "ann"), msg(A - D + 1, "bob")], supports={"joins"})
    c = MessageCounts(s)
    fed(s, c, red := RedEnvelopes(s, c))
    why = Unknown("only WeChat exports record red envelopes")
    assert red.finish() == {"engagement.red_envelopes_per_week": why, "engagement.red_envelope_burst_share": why}


def test_red_envelopes_bursts():
    s = scope_of([("red", A - 40 * D, "bot"),                              # before the window: not counted
                  msg(A - 40 * D + 1, "ann"),                              # in its burst, but outside the window
                  ("red", A - 30 * D + 1, "bot"),                          # a bot's red envelope counts
                  msg(A - 30 * D + 601, "ann"),                            # 600 s after: in the burst
                  msg(A - 30 * D + 602, "bob"),                            # 601 s after: not
                  ("red", A - D, "ann"), msg(A - D, "staff")],             # staff messages are not members'
                 [msg(A - D + 1, "cat")])                                  # the burst stays in its export
    c = MessageCounts(s)
    fed(s, c, red := RedEnvelopes(s, c))
    assert red.counts() == {"red_envelopes": 2}
    out = red.finish()
    assert out["engagement.red_envelopes_per_week"].value == round(2 / (30 / 7), 4)
    assert out["engagement.red_envelope_burst_share"].value == round(1 / 4, 4)   # ann, bob, ann's envelope, cat


def test_red_envelopes_without_member_messages():
    s = scope_of([("red", A - D, "staff")])
    c = MessageCounts(s)
    fed(s, c, red := RedEnvelopes(s, c))
    assert outcome(red, "engagement.red_envelopes_per_week").value == round(1 / (30 / 7), 4)
    assert outcome(red, "engagement.red_envelope_burst_share") == Unknown(f"no member messages {s.in_window_text}")


# --------------------------------------------------------------------------- StaffGaps

def test_staff_gaps():
    s = scope_of([msg(A - 20 * D, "staff"), msg(A - 5 * D, "staff"), msg(A - D, "ann")], days=30)
    g, = fed(s, StaffGaps(s))
    assert outcome(g, "activities.max_gap_days").value == 15.0
    s = scope_of([msg(A - 40 * D, "staff")], days=30)
    g, = fed(s, StaffGaps(s))
    assert outcome(g, "activities.max_gap_days").value == 30.0               # none in the window: all of it
    s = scope_of([msg(A - D, "ann")], staff=())
    g, = fed(s, StaffGaps(s))
    assert outcome(g, "activities.max_gap_days") == Unknown(NO_STAFF)


# --------------------------------------------------------------------------- RepeatedStaffTexts

def test_repeated_staff_texts():
    s = scope_of([msg(A - 40 * D, "staff", 0, -1, -1, None, 7),             # before the window, same text
                  msg(A - 2 * D, "staff", 0, -1, -1, None, 7),              # repeats it
                  msg(A - D, "staff", 0, -1, -1, None, 8),
                  msg(A - D, "ann", 0, -1, -1, None, 8),                    # members do not count
                  msg(A - D, "staff", 0, -1, -1, None, 0),                  # too short (hash 0)
                  msg(A + D, "staff", 0, -1, -1, None, 8)])                 # after the window
    r, = fed(s, RepeatedStaffTexts(s))
    assert outcome(r, "content.repeated_share").value == 0.5


def test_repeated_staff_texts_only_short():
    s = scope_of([msg(A - D, "staff")])
    r, = fed(s, RepeatedStaffTexts(s))
    assert outcome(r, "content.repeated_share") == Unknown(
        f"no staff message of at least 10 characters {s.in_window_text}")


# --------------------------------------------------------------------------- joins and leaves

def events(scope, *accumulators):
    feed_events(scope, accumulators)
    return accumulators


def test_referrals():
    s = scope_of([("join", A - D, "ann", "bob"), ("join", A - D, "cat", "cat"), ("join", A - D, "bob", "staff"),
                  ("join", A - D, "bob", None), ("join", A - 40 * D, "cat", "ann")])
    r, = events(s, Referrals(s))
    assert outcome(r, "traffic.referral_share").value == 0.25
    assert r.counts() == {"joins_in_window": 4}


@pytest.mark.parametrize("supports, why", [
    ({"replies"}, "the exports do not record joins"),
    ({"joins"}, "Discord exports do not say who invited a member"),
    (EVERYTHING, "no joins in the window"),
])
def test_referrals_unknown(supports, why):
    s = scope_of([("join", A - 40 * D, "ann", "bob")], supports=supports)
    r, = events(s, Referrals(s))
    assert outcome(r, "traffic.referral_share").why.startswith(why)


def test_retention():
    s = scope_of([("join", A - 45 * D, "ann"), ("join", A - 45 * D, "bob"), ("join", A - 30 * D + 1, "cat"),
                  msg(A - D, "ann"), msg(A - 31 * D, "bob")])
    s_active = ActiveSenders(s)
    fed(s, s_active)
    r, = events(s, Retention(s, s_active))
    assert outcome(r, "retention.retention_30d").value == 0.5                 # ann of ann and bob; cat is too late
    s = scope_of([("join", A - 10 * D, "ann")])
    r, = events(s, Retention(s, ActiveSenders(s)))
    assert outcome(r, "retention.retention_30d").why.startswith("nobody joined in")


def test_leaves():
    s = scope_of([("leave", A - D, "ann"), ("leave", A - 2 * D, "ann"), ("leave", A - 31 * D, "bob")])
    lv, = events(s, Leaves(s))
    assert outcome(lv, "retention.leaves_per_month").value == 1
    s = scope_of([], supports={"joins"})
    lv, = events(s, Leaves(s))
    assert isinstance(outcome(lv, "retention.leaves_per_month"), Unknown)


# --------------------------------------------------------------------------- measure_chats

def test_every_chat_fact_has_one_accumulator():
    names = [n for cls in (MessageCounts, ActiveSenders, ResponseTimes, MemberToMember, RedEnvelopes, StaffGaps,
                           RepeatedStaffTexts, Referrals, Retention, Leaves) for n in cls.FACTS]
    assert sorted(names) == sorted(CHAT_FACTS)


def test_no_human_messages():
    logs, people, role = build([msg(A - 40 * D, "ann"), ("red", A - D, "bot"), ("leave", A - D, "cat")])
    res = measure_chats(logs, people, role, A, 30)
    assert list(res.counts) == list(COUNT_ORDER)                  # no answered questions, no red envelopes
    assert res.facts == {"retention.leaves_per_month": 1}          # joins and leaves need no messages
    assert res.unknown["engagement.red_envelopes_per_week"].startswith("no human messages in the window")
    assert res.notes[0].startswith("no messages in the window")


def test_counts_order_with_messages():
    res = measure_chats(*build([msg(A - D, "ann")]), A, 30)
    assert list(res.counts) == list(COUNT_ORDER) + list(COUNTS_WITH_MESSAGES)


# --------------------------------------------------------------------------- WeCom

def test_wecom_daily_totals():
    t = DailyTotals(A, 3)
    assert t.finish() == {name: Unknown(f"no statistics day in the window {t.in_window_text}")
                          for name in DailyTotals.FACTS}
    for day in (DayStat(A - 3 * D, chat_total=9, msg_total=100), DayStat(A - D, chat_total=4, msg_total=10),
                DayStat(A, chat_total=5, member_total=None, msg_total=None)):
        t.feed(day)
    out = t.finish()
    assert out["community.groups"].value == 5
    assert "size.members" not in out                          # missing on the last day: left out, not unknown
    assert out["engagement.messages_per_day"].value == 10.0
    assert t.counts() == {"days_in_window": 2}


def test_wecom_monthly_leaves():
    lv = MonthlyLeaves(A)
    lv.feed(DayStat(A - D, new_member_cnt=3, member_total=10))
    assert outcome(lv, "retention.leaves_per_month") == Unknown("fewer than two statistics days in the last 30 days")
    lv.feed(DayStat(A, new_member_cnt=5, member_total=12))
    lv.feed(DayStat(A - 31 * D, new_member_cnt=50, member_total=0))          # outside the 30 days
    assert outcome(lv, "retention.leaves_per_month").value == 3


def test_wecom_chat_facts_are_unknown():
    res = measure_wecom([], A, 30)
    assert res.unknown["size.active_members_7d"] == "WeCom group statistics hold daily totals only"
    assert res.notes[0].startswith("no WeCom statistics days in the window")
