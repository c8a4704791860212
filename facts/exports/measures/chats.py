"""Every chat-export fact in one pass over the messages, then one over joins and leaves."""
from __future__ import annotations

from typing import Iterator, Sequence

from ..base import SYSTEM, People
from ..measure import BOT, MEMBER, STAFF, ChatLog, Result, iso
from .common import EventAccumulator, Feed, MessageAccumulator, Scope
from .joins import Leaves, Referrals, Retention
from .messages import (ActiveSenders, MemberToMember, MessageCounts, RedEnvelopes, RepeatedStaffTexts,
                       ResponseTimes, StaffGaps)

# the order the provenance lists the counts in ...
COUNT_ORDER = ("human_messages", "staff_messages", "member_messages", "questions", "unanswered_questions",
               "per_file_human", "joins_in_window", "leaves_last_30_days")
# ... and these last, only when there are messages to measure
COUNTS_WITH_MESSAGES = ("answered_questions", "red_envelopes")


def measure_chats(logs: Sequence[ChatLog], people: People, role: bytearray, as_of: float,
                  days: float) -> Result:
    """Every chat-export fact over the logs (the groups of one community)."""
    scope = Scope(logs, people, role, as_of, days)
    volume, active = MessageCounts(scope), ActiveSenders(scope)
    by_messages: list[MessageAccumulator] = [
        volume, active, ResponseTimes(scope), MemberToMember(scope, volume), RedEnvelopes(scope, volume),
        StaffGaps(scope), RepeatedStaffTexts(scope)]
    by_events: list[EventAccumulator] = [Referrals(scope), Retention(scope, active), Leaves(scope)]
    feed_messages(scope, by_messages)
    feed_events(scope, by_events)

    res = Result()
    counts: dict[str, object] = {}
    every: list[MessageAccumulator | EventAccumulator] = [*by_messages, *by_events]
    for acc in every:
        counts.update(acc.counts())
    res.counts.update({name: counts[name] for name in COUNT_ORDER})
    for acc in by_events:
        res.record(acc.finish())
    if not volume.human_messages:
        why = f"no human messages {scope.in_window_text}"
        for acc in by_messages:
            for name in acc.FACTS:
                res.unset(name, why)
        res.notes.append(f"no messages in the window ({iso(scope.start)}, {iso(scope.end)}]: "
                         "the message facts are unknown")
        return res
    for acc in by_messages:
        res.record(acc.finish())
    res.counts.update({name: counts[name] for name in COUNTS_WITH_MESSAGES})
    return res


Feeds = list[list[Feed]]      # by the sender's role


def routes(accumulators: Sequence[MessageAccumulator], log: ChatLog) -> tuple[Feeds, Feeds]:
    """The feed methods a message of this export goes to, by its sender's role: one table
    for messages in the window and one for those outside."""
    size = max(MEMBER, STAFF, BOT) + 1
    inside: Feeds = [[] for _ in range(size)]
    outside: Feeds = [[] for _ in range(size)]
    for acc in accumulators:
        if not acc.takes(log):
            continue
        for r in acc.ROLES:
            inside[r].append(acc.feed)
            if not acc.IN_WINDOW_ONLY:
                outside[r].append(acc.feed)
    return inside, outside


def feed_messages(scope: Scope, accumulators: Sequence[MessageAccumulator]) -> None:
    """Feed every non-system message, in time order per export, to the accumulators that take it.

    The hot loop of an extraction: everything it reads is bound to locals,
    each message is routed once, by its sender's role and whether it is in
    the window, to the bound ``feed`` methods that take it, and handed over
    as the row's own values (no object per message, no attribute lookups).
    """
    canon, role, start, end, system = scope.canon, scope.role, scope.start, scope.end, SYSTEM
    for log in scope.logs:
        inside, outside = routes(accumulators, log)
        for acc in accumulators:
            acc.start_file(log)
        for seq, t, key, kind, flags in rows_in_time_order(log):
            if kind == system:
                continue
            sender = canon[key]
            sender_role = role[sender]
            if start < t <= end:
                for feed in inside[sender_role]:
                    feed(seq, t, sender, sender_role, kind, flags, True)
            else:
                for feed in outside[sender_role]:
                    feed(seq, t, sender, sender_role, kind, flags, False)
        for acc in accumulators:
            acc.end_file()


def rows_in_time_order(log: ChatLog) -> Iterator[tuple[int, float, int, int, int]]:
    """(seq, time, sender key, kind, flags) of every message, in time order (export order
    among equal times); zipped straight from the columns when the export is in order."""
    order = log.order()
    times, senders, kinds, flags = log.t, log.sender, log.kind, log.flags
    if isinstance(order, range):
        return zip(order, times, senders, kinds, flags)
    return ((i, times[i], senders[i], kinds[i], flags[i]) for i in order)


def feed_events(scope: Scope, accumulators: Sequence[EventAccumulator]) -> None:
    """Feed every join and leave, people canonical, to the accumulators."""
    canon = scope.canon
    for log in scope.logs:
        for t, joiner, inviter in log.joins:
            joiner = canon[joiner]
            inviter = canon[inviter] if inviter is not None else None
            for acc in accumulators:
                acc.feed_join(t, joiner, inviter)
        for t, person in log.leaves:
            person = canon[person]
            for acc in accumulators:
                acc.feed_leave(t, person)

