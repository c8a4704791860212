"""The facts measured from messages, one accumulator each (or per closely related
group). Every definition follows docs/exports.md; change both together."""
from __future__ import annotations

from array import array

from ..base import F_AD, F_QUESTION, RED_ENVELOPE
from ..measure import (BOT, BURST_SECONDS, MEMBER, REPEAT_MIN_CHARS, STAFF, ChatLog, iso, max_gap_days,
                       median, per_week, rnd, share)
from ..measure import Fact, Unknown
from .common import NO_STAFF, ChatMessage, MessageAccumulator, Outcome, Scope


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

    def feed(self, m: ChatMessage) -> None:
        if m.role == STAFF:
            self.staff_messages += 1
            if m.flags & F_AD:
                self.staff_ads += 1
        else:
            self.member_messages += 1
            if m.flags & F_AD:
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
    """Distinct human senders in the last 7 days (the fact) and the last 30 (for retention)."""

    FACTS = ("size.active_members_7d",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.senders_7d: set[int] = set()
        self.senders_30d: set[int] = set()
        self._since_7d, self._since_30d, self._as_of = scope.seven_days_ago, scope.thirty_days_ago, scope.as_of

    def feed(self, m: ChatMessage) -> None:
        t = m.t
        if self._since_30d < t <= self._as_of:
            self.senders_30d.add(m.sender)
            if t > self._since_7d:               # the last 7 days are within the last 30
                self.senders_7d.add(m.sender)

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        n = len(self.senders_7d)
        return {"size.active_members_7d": Fact(
            n, f"{n} distinct human senders, staff included, in ({iso(s.seven_days_ago)}, {iso(s.as_of)}]")}


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

    def feed(self, m: ChatMessage) -> None:
        if self._open:
            still_open = []
            for asker, asked in self._open:
                if asker != m.sender:
                    self.minutes.append((m.t - asked) / 60.0)
                else:
                    still_open.append((asker, asked))
            self._open = still_open
        if m.flags & F_QUESTION and m.role == MEMBER and m.in_window:
            self.questions += 1
            self._open.append((m.sender, m.t))

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
    member messages in the window, which ``messages`` tallies)."""

    ROLES = frozenset({MEMBER})
    IN_WINDOW_ONLY = True
    FACTS = ("engagement.member_to_member_share",)

    def __init__(self, scope: Scope, messages: MessageCounts) -> None:
        super().__init__(scope)
        self.messages = messages
        self.to_members = 0
        self.replies_not_found = 0        # replies to messages the export does not hold
        self._sender_of: dict[int, int] = {}
        self._replies: array[int] = array("q")
        self._mentions: dict[int, tuple[int, ...]] = {}
        self._role, self._canon = scope.role, scope.canon

    def start_file(self, log: ChatLog) -> None:
        # read straight from the columns: a property of the message costs more than this fact's test
        self._replies, self._mentions = log.reply, log.mentions
        # who sent the messages replied to, also before the window and outside the fed messages
        replied = {r for r in log.reply if r != -1}
        self._sender_of = {}
        if replied:
            ids, senders, canon = log.mid, log.sender, self.scope.canon
            for i in range(len(ids)):
                if ids[i] in replied:
                    self._sender_of[ids[i]] = canon[senders[i]]

    def feed(self, m: ChatMessage) -> None:
        reply_to = self._replies[m.seq]
        if reply_to == -1 and m.seq not in self._mentions:        # most messages
            return
        if reply_to != -1:
            target = self._sender_of.get(reply_to)
            if target is None:
                self.replies_not_found += 1
            elif target != m.sender and self._role[target] == MEMBER:
                self.to_members += 1
                return
        mentions = self._mentions.get(m.seq)
        if mentions:
            sender, role, canon = m.sender, self._role, self._canon
            for k in mentions:
                c = canon[k]
                if c != sender and role[c] == MEMBER:
                    self.to_members += 1
                    return

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

    def feed(self, m: ChatMessage) -> None:
        t = m.t
        if t - self._last <= BURST_SECONDS and m.role == MEMBER and m.in_window:
            self.in_burst += 1                       # _last: the last red envelope before this message
        if m.kind == RED_ENVELOPE:
            self._last = t
            if m.in_window:
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

    def feed(self, m: ChatMessage) -> None:
        self.times.append(m.t)

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
        self.texts: list[tuple[float, int, int, int, bool]] = []       # (time, file, seq, text hash, in the window)

    def feed(self, m: ChatMessage) -> None:
        # texts too short were hashed as 0
        if m.text_hash and m.t <= self.scope.end:
            self.texts.append((m.t, m.file, m.seq, m.text_hash, m.in_window))

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

