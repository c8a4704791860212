"""The facts measured from messages, one accumulator each (or per closely related
group). Every definition follows docs/exports.md; change both together."""
from __future__ import annotations

from array import array
from bisect import bisect_right
from itertools import compress, count, repeat
from operator import ne

from ..base import F_AD, F_QUESTION, RED_ENVELOPE, SYSTEM
from ..measure import (BOT, BURST_SECONDS, MEMBER, REPEAT_MIN_CHARS, STAFF, ChatLog, Fact, Unknown, iso,
                       max_gap_days, median, per_week, rnd, share)
from .common import NO_STAFF, MessageAccumulator, Outcome, Scope

NOT_A_REPLY = -1          # the reply column of a message that replies to none


class MessageCounts(MessageAccumulator):
    """Human messages in the window by the sender's role, and those with a URL, a link or
    mini-program card or an --ad-pattern match: messages a day, the staff's share, ads a week.

    One tally rather than two accumulators: it is fed every human message in the window.
    """

    IN_WINDOW_ONLY = True
    FACTS = ("engagement.messages_per_day", "engagement.official_voice_share",
             "ads.operator_ads_per_week", "ads.member_ads_per_week")

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.staff_messages = self.member_messages = 0
        self.staff_ads = self.member_ads = 0
        self.per_file: list[int] = []          # human messages in the window, per export
        self._before_file = 0

    @property
    def human_messages(self) -> int:
        return self.staff_messages + self.member_messages

    def start_file(self, log: ChatLog) -> None:
        self._before_file = self.human_messages

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        if role == STAFF:
            self.staff_messages += 1
            if flags & F_AD:
                self.staff_ads += 1
        else:
            self.member_messages += 1
            if flags & F_AD:
                self.member_ads += 1

    def end_file(self) -> None:
        self.per_file.append(self.human_messages - self._before_file)

    def finish(self) -> dict[str, Outcome]:
        human, staff, members = self.human_messages, self.staff_messages, self.member_messages
        days, w, staff_known = self.scope.days, self.scope.in_window_text, self.scope.staff_known
        ads = "with a URL, a link or mini-program card or an --ad-pattern match"
        return {
            "engagement.messages_per_day": Fact(
                rnd(human / days), f"{human} human messages (not system, not bots) {w} / {days:g} days"),
            "engagement.official_voice_share": Fact(
                share(staff, human), f"{staff} staff messages / {human} human messages {w}")
            if staff_known else Unknown(NO_STAFF),
            "ads.operator_ads_per_week": Fact(
                per_week(self.staff_ads, days), f"{self.staff_ads} staff messages {ads} {w} / ({days:g} / 7) weeks")
            if staff_known else Unknown(NO_STAFF),
            "ads.member_ads_per_week": Fact(
                per_week(self.member_ads, days), f"{self.member_ads} member messages {ads} {w} / ({days:g} / 7) weeks")
            if members else Unknown(f"no member messages {w}"),
        }

    def counts(self) -> dict[str, object]:
        return {"human_messages": self.human_messages, "staff_messages": self.staff_messages,
                "member_messages": self.member_messages, "per_file_human": self.per_file}


class ActiveSenders(MessageAccumulator):
    """Distinct human senders in the last 7 days (the fact) and the last 30 (for retention).

    Fed no messages: who sent in a stretch of time does not depend on the
    order, so it reads each export's columns in ``start_file``, in C (a slice
    of the stretch when the export is in time order), rather than being
    called for every message.
    """

    ROLES = frozenset()
    FACTS = ("size.active_members_7d",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.senders_7d: set[int] = set()
        self.senders_30d: set[int] = set()

    def start_file(self, log: ChatLog) -> None:
        s = self.scope
        role, canon = s.role, s.canon
        for since, senders in ((s.thirty_days_ago, self.senders_30d), (s.seven_days_ago, self.senders_7d)):
            keys = senders_between(log, since, s.as_of)
            senders.update(c for c in map(canon.__getitem__, keys) if role[c] != BOT)

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        n = len(self.senders_7d)
        return {"size.active_members_7d": Fact(
            n, f"{n} distinct human senders, staff included, in ({iso(s.seven_days_ago)}, {iso(s.as_of)}]")}


def senders_between(log: ChatLog, after: float, until: float) -> set[int]:
    """The sender keys (not canonical) of the non-system messages sent in (after, until]."""
    times, senders, kinds = log.t, log.sender, log.kind
    if log.in_time_order:
        lo, hi = bisect_right(times, after), bisect_right(times, until)
        if not log.system:                                  # most exports: no system row to leave out
            return set(senders[lo:hi])
        return set(compress(senders[lo:hi], map(SYSTEM.__ne__, kinds[lo:hi])))
    return {key for t, key, kind in zip(times, senders, kinds) if after < t <= until and kind != SYSTEM}


class ResponseTimes(MessageAccumulator):
    """Minutes from a member's question in the window to the next message of another human
    (which may come after the window); questions still open at the end of their export
    are unanswered."""

    FACTS = ("engagement.median_response_minutes",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.minutes: list[float] = []
        self.questions = 0
        self.unanswered = 0
        self._open: list[tuple[int, float]] = []      # (asker, time), this export

    def start_file(self, log: ChatLog) -> None:
        self._open = []

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        waiting = self._open
        if waiting:
            if len(waiting) == 1:                 # most often: one question open
                asker, asked = waiting[0]
                if asker != sender:
                    self.minutes.append((t - asked) / 60.0)
                    waiting = self._open = []
            else:
                still_open = []
                for asker, asked in waiting:
                    if asker != sender:
                        self.minutes.append((t - asked) / 60.0)
                    else:
                        still_open.append((asker, asked))
                waiting = self._open = still_open
        if flags & F_QUESTION and role == MEMBER and in_window:
            self.questions += 1
            waiting.append((sender, t))

    def end_file(self) -> None:
        self.unanswered += len(self._open)

    def finish(self) -> dict[str, Outcome]:
        w = self.scope.in_window_text
        mid = median(self.minutes)
        if mid is None:
            return {"engagement.median_response_minutes": Unknown(
                f"no answered member question {w} ({self.questions} questions, {self.unanswered} unanswered)")}
        return {"engagement.median_response_minutes": Fact(
            rnd(mid), f"median of {len(self.minutes)} answered member questions {w} (text ends with ? or ？): "
                      f"minutes to the next message from a different human; {self.unanswered} unanswered left out")}

    def counts(self) -> dict[str, object]:
        return {"questions": self.questions, "unanswered_questions": self.unanswered,
                "answered_questions": len(self.minutes)}


class MemberToMember(MessageAccumulator):
    """Member messages in the window that reply to or mention another member (of all the
    member messages in the window, which ``messages`` tallies).

    Fed no messages: only the few that reply or mention can count, so it finds
    them in each export's reply and mention columns in ``start_file`` rather
    than test every message the loop would feed it.
    """

    ROLES = frozenset()
    FACTS = ("engagement.member_to_member_share",)

    def __init__(self, scope: Scope, messages: MessageCounts) -> None:
        super().__init__(scope)
        self.messages = messages
        self.to_members = 0
        self.replies_not_found = 0        # replies to messages the export does not hold

    def start_file(self, log: ChatLog) -> None:
        replies, mentions = log.reply, log.mentions
        n = len(replies)
        # the scans run in C: a reply is rare, most exports have none at all
        replying = list(compress(count(), map(ne, replies, repeat(NOT_A_REPLY)))) \
            if replies.count(NOT_A_REPLY) != n else []
        if not replying and not mentions:
            return
        # who sent the messages replied to (by raw key), also before the window
        replied = {replies[i] for i in replying}
        sender_of = {mid: key for mid, key in zip(log.mid, log.sender) if mid in replied} if replied else {}
        s = self.scope
        start, end, role, canon = s.start, s.end, s.role, s.canon
        times, senders, kinds = log.t, log.sender, log.kind
        for seq in set(replying).union(mentions):
            if kinds[seq] == SYSTEM or not start < times[seq] <= end:
                continue
            sender = canon[senders[seq]]
            if role[sender] != MEMBER:
                continue
            reply_to = replies[seq]
            if reply_to != NOT_A_REPLY:
                target = sender_of.get(reply_to)
                if target is None:
                    self.replies_not_found += 1
                else:
                    target = canon[target]
                    if target != sender and role[target] == MEMBER:
                        self.to_members += 1
                        continue
            for k in mentions.get(seq, ()):
                c = canon[k]
                if c != sender and role[c] == MEMBER:
                    self.to_members += 1
                    break

    def finish(self) -> dict[str, Outcome]:
        w, n = self.scope.in_window_text, self.messages.member_messages
        if not n:
            return {"engagement.member_to_member_share": Unknown(f"no member messages {w}")}
        lost = self.replies_not_found
        return {"engagement.member_to_member_share": Fact(
            share(self.to_members, n),
            f"{self.to_members} member messages replying to or mentioning another member / {n} member "
            f"messages {w}" + (f" ({lost} replies to messages not in the export not counted)" if lost else ""))}


class RedEnvelopes(MessageAccumulator):
    """Red envelopes in the window per week (from anyone, bots included), and the share of
    the member messages in the window (``messages``) sent within BURST_SECONDS after one
    (of the same export)."""

    ROLES = frozenset({MEMBER, STAFF, BOT})
    FACTS = ("engagement.red_envelopes_per_week", "engagement.red_envelope_burst_share")

    def __init__(self, scope: Scope, messages: MessageCounts) -> None:
        super().__init__(scope)
        self.messages = messages
        self.red_envelopes = 0
        self.in_burst = 0
        self._last: float = float("-inf")

    def takes(self, log: ChatLog) -> bool:
        # an export that cannot record red envelopes holds none: its messages are never in a burst,
        # and the facts are unknown anyway unless every export records them
        return "red_envelopes" in log.supports

    def start_file(self, log: ChatLog) -> None:
        self._last = float("-inf")

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        if t - self._last <= BURST_SECONDS and role == MEMBER and in_window:
            self.in_burst += 1                       # _last: the last red envelope before this message
        if kind == RED_ENVELOPE:
            self._last = t
            if in_window:
                self.red_envelopes += 1

    def finish(self) -> dict[str, Outcome]:
        if not self.scope.all_support("red_envelopes"):
            why = Unknown("only WeChat exports record red envelopes")
            return {"engagement.red_envelopes_per_week": why, "engagement.red_envelope_burst_share": why}
        w, days, n = self.scope.in_window_text, self.scope.days, self.messages.member_messages
        return {
            "engagement.red_envelopes_per_week": Fact(
                per_week(self.red_envelopes, days), f"{self.red_envelopes} red envelopes {w} / ({days:g} / 7) weeks"),
            "engagement.red_envelope_burst_share": Fact(
                share(self.in_burst, n), f"{self.in_burst} member messages sent at most {BURST_SECONDS} s after "
                                         f"a red envelope / {n} member messages {w}")
            if n else Unknown(f"no member messages {w}"),
        }

    def counts(self) -> dict[str, object]:
        return {"red_envelopes": self.red_envelopes}


class StaffGaps(MessageAccumulator):
    """The longest stretch of the window without a staff message, edges included."""

    ROLES = frozenset({STAFF})
    IN_WINDOW_ONLY = True
    FACTS = ("activities.max_gap_days",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.times: list[float] = []

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        self.times.append(t)

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        if not s.staff_known:
            return {"activities.max_gap_days": Unknown(NO_STAFF)}
        return {"activities.max_gap_days": Fact(
            max_gap_days(self.times, s.start, s.end),
            f"longest stretch without a staff message {s.in_window_text}, from the window's start to the first "
            f"and from the last to as_of ({len(self.times)} staff messages)")}


class RepeatedStaffTexts(MessageAccumulator):
    """Staff messages in the window (of at least REPEAT_MIN_CHARS characters) whose text an
    earlier staff message already had, also one before the window."""

    ROLES = frozenset({STAFF})
    FACTS = ("content.repeated_share",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.texts: list[tuple[float, int, int, int, bool]] = []    # (time, file, seq, text hash, in the window)
        self._file = -1                    # the index of the export being fed
        self._hashes = array("q")

    def start_file(self, log: ChatLog) -> None:
        self._file += 1
        self._hashes = log.thash

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        text_hash = self._hashes[seq]
        # texts too short were hashed as 0
        if text_hash and t <= self.scope.end:
            self.texts.append((t, self._file, seq, text_hash, in_window))

    def finish(self) -> dict[str, Outcome]:
        if not self.scope.staff_known:
            return {"content.repeated_share": Unknown(NO_STAFF)}
        w = self.scope.in_window_text
        seen: set[int] = set()
        in_window = repeated = 0
        for _t, _file, _seq, text_hash, inw in sorted(self.texts):
            if inw:
                in_window += 1
                if text_hash in seen:
                    repeated += 1
            seen.add(text_hash)
        if not in_window:
            return {"content.repeated_share": Unknown(
                f"no staff message of at least {REPEAT_MIN_CHARS} characters {w}")}
        return {"content.repeated_share": Fact(
            share(repeated, in_window),
            f"{repeated} of {in_window} staff messages of at least {REPEAT_MIN_CHARS} characters "
            f"(whitespace collapsed) {w} repeat the text of an earlier staff message")}

