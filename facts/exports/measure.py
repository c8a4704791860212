"""The published definitions: window, staff, members and every measured fact.

Everything here is a pure function of the compact records (see ``base.py``)
and the options, so each definition can be tested on its own. The numbers
follow docs/exports.md exactly; change both together.
"""
from __future__ import annotations

from array import array
from datetime import datetime, timezone
from typing import Iterable, Optional, Sequence

from .base import JOIN, LEAVE, RED_ENVELOPE, SYSTEM, F_AD, F_QUESTION, DayStat, Message, People

DAY = 86400.0
WEEK_DAYS = 7
BURST_SECONDS = 600
REPEAT_MIN_CHARS = 10
DECIMALS = 4

MEMBER, STAFF, BOT = 0, 1, 2


# --------------------------------------------------------------------------- basics

def window(as_of: float, days: float) -> tuple[float, float]:
    """The window ``(as_of − days, as_of]`` as (start, end), Unix seconds."""
    return as_of - days * DAY, as_of


def in_window(t: float, start: float, end: float) -> bool:
    """Start excluded, end included."""
    return start < t <= end


def per_week(count: int, days: float) -> float:
    """A rate per week: count / (days / 7)."""
    return rnd(count / (days / WEEK_DAYS))


def share(part: int, whole: int) -> Optional[float]:
    """part / whole, 4 decimals; None (unknown) when whole is 0."""
    if not whole:
        return None
    return rnd(part / whole)


def rnd(x: float) -> float:
    return round(float(x), DECIMALS)


def median(values: Sequence[float]) -> Optional[float]:
    """The median; of an even count the mean of the two middle values; None when empty."""
    v = sorted(values)
    n = len(v)
    if not n:
        return None
    mid = n // 2
    return v[mid] if n % 2 else (v[mid - 1] + v[mid]) / 2


def max_gap_days(times: Iterable[float], start: float, end: float) -> float:
    """Longest stretch in (start, end] without any of ``times``, counting from the
    window's start to the first and from the last to ``end``, in days."""
    pts = sorted(t for t in times if start < t <= end)
    prev, gap = start, 0.0
    for t in pts:
        gap = max(gap, t - prev)
        prev = t
    gap = max(gap, end - prev)
    return rnd(gap / DAY)


def wecom_leaves(days: Sequence[DayStat]) -> Optional[int]:
    """Leaves from WeCom daily statistics: the sum of ``new_member_cnt`` of all
    days but the first, minus (``member_total`` of the last day − that of the
    first), at least 0. None with fewer than two days or missing fields."""
    days = sorted(days, key=lambda d: d.t)
    if len(days) < 2:
        return None
    first, last = days[0], days[-1]
    if first.member_total is None or last.member_total is None \
            or any(d.new_member_cnt is None for d in days[1:]):
        return None
    new = sum(d.new_member_cnt for d in days[1:])
    return max(0, new - (last.member_total - first.member_total))


def iso(t: float) -> str:
    d = datetime.fromtimestamp(t, tz=timezone.utc)
    spec = "seconds" if float(t).is_integer() else "milliseconds"
    return d.isoformat(timespec=spec).replace("+00:00", "Z")


def parse_as_of(value) -> float:
    """``--as-of``: ISO-8601; without an offset it is UTC. Also a datetime or Unix seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        d = value
    else:
        s = str(value).strip()
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        d = datetime.fromisoformat(s)   # ValueError for the caller
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()


# --------------------------------------------------------------------------- staff

def staff_entries(staff: Iterable[str] = (), staff_file_text: Optional[str] = None) -> list[str]:
    """``--staff`` values (comma-separated, repeatable) and ``--staff-file`` lines
    (one or more per line, comma-separated; blank lines and ``#`` comments skipped)."""
    out: list[str] = []
    for v in staff or ():
        out.extend(p.strip() for p in str(v).split(","))
    if staff_file_text:
        for line in staff_file_text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            out.extend(p.strip() for p in line.split(","))
    seen, res = set(), []
    for e in out:
        if e and e not in seen:
            seen.add(e)
            res.append(e)
    return res


def _name_form(s: str) -> str:
    return s.strip().lstrip("@").casefold()


def classify(people: People, entries: Sequence[str]) -> tuple[bytearray, list[int]]:
    """Roles of the canonical people: BOT (the export marks them as bots), STAFF
    (named by ``--staff``/``--staff-file`` by id or display name, holding a
    ``--staff-role`` role, or the WeChat exporter), MEMBER (everyone else,
    whether or not they ever posted). A bot is a bot even when named as staff.

    Returns the roles (indexed by canonical key) and, for each entry, how many
    people it matched.
    """
    n = len(people)
    ids: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        ids.setdefault(e, i)
        if e.isdigit():
            ids.setdefault("user" + e, i)          # Telegram: from_id userN
        names.setdefault(_name_form(e), []).append(i)
    matched = [0] * len(entries)
    staff = bytearray(n)
    bot = bytearray(n)
    alias = people.alias
    for k in range(n):
        c = alias[k]
        if people.bot[k]:
            bot[c] = 1
        hit = people.exporter[k] or people.role_staff[k]
        rid = people.raw_ids[k]
        if rid is not None and rid in ids:
            matched[ids[rid]] += 1
            hit = 1
        for nm in people.names[k]:
            idx = names.get(_name_form(nm))
            if idx:
                for i in idx:
                    matched[i] += 1
                hit = 1
        if hit:
            staff[c] = 1
    role = bytearray(n)
    for c in range(n):
        role[c] = BOT if bot[c] else STAFF if staff[c] else MEMBER
    return role, matched


# --------------------------------------------------------------------------- records

class ChatLog:
    """The compact records of one chat export, in columns (about 45 bytes a message)."""

    def __init__(self, label: str, fmt: str, platform: str):
        self.label, self.format, self.platform = label, fmt, platform
        self.group_name: Optional[str] = None
        self.sha256: Optional[str] = None
        self.supports: set = set()
        self.t = array("d")
        self.sender = array("q")
        self.kind = array("b")
        self.flags = array("B")
        self.mid = array("q")
        self.reply = array("q")
        self.thash = array("q")
        self.mentions: dict[int, tuple] = {}
        self.joins: list[tuple[float, int, Optional[int]]] = []    # (t, joiner, inviter)
        self.leaves: list[tuple[float, int]] = []
        self.system = 0
        self._sorted = True
        self._last = float("-inf")

    def __len__(self) -> int:
        return len(self.t)

    def add(self, m: Message) -> None:
        k = m.kind
        if k == JOIN:
            self.joins.append((m.t, m.sender, m.actor))
            return
        if k == LEAVE:
            self.leaves.append((m.t, m.sender))
            return
        if m.t < self._last:
            self._sorted = False
        self._last = m.t
        if m.mentions:
            self.mentions[len(self.t)] = m.mentions
        if k == SYSTEM:
            self.system += 1
        self.t.append(m.t)
        self.sender.append(m.sender)
        self.kind.append(k)
        self.flags.append(m.flags)
        self.mid.append(m.mid)
        self.reply.append(m.reply_to)
        self.thash.append(m.thash)

    def order(self):
        """Indices in time order (export order among equal times)."""
        if self._sorted:
            return range(len(self.t))
        t = self.t
        return sorted(range(len(t)), key=t.__getitem__)

    @property
    def first(self) -> Optional[float]:
        ts = [min(self.t)] if len(self.t) else []
        ts += [j[0] for j in self.joins[:1]] + [x[0] for x in self.leaves[:1]]
        return min(ts) if ts else None

    @property
    def last(self) -> Optional[float]:
        ts = [max(self.t)] if len(self.t) else []
        ts += [max(j[0] for j in self.joins)] if self.joins else []
        ts += [max(x[0] for x in self.leaves)] if self.leaves else []
        return max(ts) if ts else None


def build_log(label: str, fmt: str, platform: str, messages: Iterable[Message]) -> ChatLog:
    log = ChatLog(label, fmt, platform)
    add = log.add
    for m in messages:
        add(m)
    return log


# --------------------------------------------------------------------------- the facts

class Result:
    """Measured facts (dotted name → value), how each was computed, and why others are unknown."""

    def __init__(self) -> None:
        self.facts: dict[str, object] = {}
        self.how: dict[str, str] = {}
        self.unknown: dict[str, str] = {}
        self.counts: dict[str, object] = {}
        self.notes: list[str] = []

    def set(self, name: str, value, how: str) -> None:
        if value is None:
            return
        self.facts[name] = value
        self.how[name] = how
        self.unknown.pop(name, None)

    def unset(self, name: str, why: str) -> None:
        if name not in self.facts:
            self.unknown[name] = why


CHAT_FACTS = (
    "size.active_members_7d", "engagement.messages_per_day", "engagement.official_voice_share",
    "engagement.member_to_member_share", "engagement.median_response_minutes",
    "ads.member_ads_per_week", "ads.operator_ads_per_week", "engagement.red_envelopes_per_week",
    "engagement.red_envelope_burst_share", "activities.max_gap_days", "content.repeated_share",
    "traffic.referral_share", "retention.retention_30d", "retention.leaves_per_month",
)


def measure_chats(logs: Sequence[ChatLog], people: People, role: bytearray, as_of: float,
                  days: float) -> Result:
    """Every chat-export fact over the logs (the groups of one community)."""
    res = Result()
    start, end = window(as_of, days)
    d7 = as_of - 7 * DAY
    d30 = as_of - 30 * DAY
    d60 = as_of - 60 * DAY
    canon = people.alias
    staff_known = STAFF in role

    human = staff_msgs = member_msgs = 0
    staff_ads = member_ads = 0
    m2m = reply_unknown = 0
    red = burst = 0
    questions = unanswered = 0
    responses: list[float] = []
    active7: set = set()
    senders30: set = set()
    staff_times: list[float] = []
    staff_texts: list[tuple] = []     # (t, file, seq, hash, in window)
    per_file_human: list[int] = []

    for fi, log in enumerate(logs):
        T, S, K, F, M, R, H = log.t, log.sender, log.kind, log.flags, log.mid, log.reply, log.thash
        ments = log.mentions
        # who sent the messages that are replied to (also before the window)
        targets = {r for r in R if r != -1}
        msender: dict[int, int] = {}
        if targets:
            for i in range(len(M)):
                if M[i] in targets:
                    msender[M[i]] = canon[S[i]]
        pending: list[tuple[int, float]] = []
        last_re: Optional[float] = None
        file_human = 0
        for i in log.order():
            k = K[i]
            if k == SYSTEM:
                continue
            t = T[i]
            s = canon[S[i]]
            r = role[s]
            after_re = last_re is not None and t - last_re <= BURST_SECONDS
            if k == RED_ENVELOPE:
                last_re = t
                if start < t <= end:
                    red += 1
            if r == BOT:
                continue
            # a human message: it answers earlier questions of other people
            if pending:
                keep = []
                for q in pending:
                    if q[0] != s:
                        responses.append((t - q[1]) / 60.0)
                    else:
                        keep.append(q)
                pending = keep
            if d7 < t <= as_of:
                active7.add(s)
            if d30 < t <= as_of:
                senders30.add(s)
            inw = start < t <= end
            if r == STAFF:
                h = H[i]
                if h and t <= end:
                    staff_texts.append((t, fi, i, h, inw))
                if not inw:
                    continue
                human += 1
                file_human += 1
                staff_msgs += 1
                staff_times.append(t)
                if F[i] & F_AD:
                    staff_ads += 1
                continue
            if not inw:
                continue
            human += 1
            file_human += 1
            member_msgs += 1
            f = F[i]
            if f & F_AD:
                member_ads += 1
            if after_re:
                burst += 1
            hit = False
            rt = R[i]
            if rt != -1:
                ts = msender.get(rt)
                if ts is None:
                    reply_unknown += 1
                elif ts != s and role[ts] == MEMBER:
                    hit = True
            if not hit and i in ments:
                for mk in ments[i]:
                    c = canon[mk]
                    if c != s and role[c] == MEMBER:
                        hit = True
                        break
            if hit:
                m2m += 1
            if f & F_QUESTION:
                questions += 1
                pending.append((s, t))
        unanswered += len(pending)
        per_file_human.append(file_human)

    res.counts.update({
        "human_messages": human, "staff_messages": staff_msgs, "member_messages": member_msgs,
        "questions": questions, "unanswered_questions": unanswered,
    })
    res.counts["per_file_human"] = per_file_human
    w = f"in the window ({iso(start)}, {iso(end)}]"

    # joins, leaves
    all_support = lambda cap: all(cap in log.supports for log in logs)  # noqa: E731
    joins_w = referrals = 0
    cohort: set = set()
    leavers: set = set()
    for log in logs:
        for t, j, a in log.joins:
            j = canon[j]
            if start < t <= end:
                joins_w += 1
                if a is not None:
                    a = canon[a]
                    if a != j and role[a] == MEMBER:
                        referrals += 1
            if d60 < t <= d30:
                cohort.add(j)
        for t, p in log.leaves:
            if d30 < t <= as_of:
                leavers.add(canon[p])
    res.counts.update({"joins_in_window": joins_w, "leaves_last_30_days": len(leavers)})

    # facts that need joins or leaves do not need messages in the window
    if not all_support("joins"):
        res.unset("traffic.referral_share", "the exports do not record joins")
        res.unset("retention.retention_30d", "the exports do not record joins")
    else:
        if not all_support("inviter"):
            res.unset("traffic.referral_share", "Discord exports do not say who invited a member")
        elif not joins_w:
            res.unset("traffic.referral_share", f"no joins {w}")
        else:
            res.set("traffic.referral_share", share(referrals, joins_w),
                    f"{referrals} joins invited by a member (invitation or QR code shared by a member; "
                    f"not self-invitations) / {joins_w} joins {w}")
        if not cohort:
            res.unset("retention.retention_30d", f"nobody joined in ({iso(d60)}, {iso(d30)}] "
                                                 "(between 60 and 30 days before as_of)")
        else:
            kept = len(cohort & senders30)
            res.set("retention.retention_30d", share(kept, len(cohort)),
                    f"{kept} of the {len(cohort)} people who joined in ({iso(d60)}, {iso(d30)}] "
                    f"sent a message in ({iso(d30)}, {iso(as_of)}]")
    if not all_support("leaves"):
        res.unset("retention.leaves_per_month",
                  "only Telegram exports (remove_members) and WeCom statistics record leaves")
    else:
        res.set("retention.leaves_per_month", len(leavers),
                f"{len(leavers)} distinct people listed in remove_members in ({iso(d30)}, {iso(as_of)}]")

    if not human:
        why = f"no human messages {w}"
        for name in CHAT_FACTS:
            if name not in ("traffic.referral_share", "retention.retention_30d", "retention.leaves_per_month"):
                res.unset(name, why)
        res.notes.append(f"no messages in the window ({iso(start)}, {iso(end)}]: "
                         "the message facts are unknown")
        return res

    res.set("size.active_members_7d", len(active7),
            f"{len(active7)} distinct human senders, staff included, in ({iso(d7)}, {iso(as_of)}]")
    res.set("engagement.messages_per_day", rnd(human / days),
            f"{human} human messages (not system, not bots) {w} / {days:g} days")
    if staff_known:
        res.set("engagement.official_voice_share", share(staff_msgs, human),
                f"{staff_msgs} staff messages / {human} human messages {w}")
        res.set("ads.operator_ads_per_week", per_week(staff_ads, days),
                f"{staff_ads} staff messages with a URL, a link or mini-program card or an --ad-pattern "
                f"match {w} / ({days:g} / 7) weeks")
        res.set("activities.max_gap_days", max_gap_days(staff_times, start, end),
                f"longest stretch without a staff message {w}, from the window's start to the first "
                f"and from the last to as_of ({len(staff_times)} staff messages)")
        seen: set = set()
        long_w = repeated = 0
        for t, fi, i, h, inw in sorted(staff_texts):
            if inw:
                long_w += 1
                if h in seen:
                    repeated += 1
            seen.add(h)
        # staff messages of >= 10 characters in the window: texts too short were hashed as 0
        if long_w:
            res.set("content.repeated_share", share(repeated, long_w),
                    f"{repeated} of {long_w} staff messages of at least {REPEAT_MIN_CHARS} characters "
                    f"(whitespace collapsed) {w} repeat the text of an earlier staff message")
        else:
            res.unset("content.repeated_share",
                      f"no staff message of at least {REPEAT_MIN_CHARS} characters {w}")
    else:
        why = "no staff identified (give --staff, --staff-file or --staff-role; " \
              "a WeChat export's own rows, IsSender = 1, count as staff)"
        for name in ("engagement.official_voice_share", "ads.operator_ads_per_week",
                     "activities.max_gap_days", "content.repeated_share"):
            res.unset(name, why)
    if member_msgs:
        res.set("engagement.member_to_member_share", share(m2m, member_msgs),
                f"{m2m} member messages replying to or mentioning another member / {member_msgs} member "
                f"messages {w}" + (f" ({reply_unknown} replies to messages not in the export not counted)"
                                   if reply_unknown else ""))
        res.set("ads.member_ads_per_week", per_week(member_ads, days),
                f"{member_ads} member messages with a URL, a link or mini-program card or an --ad-pattern "
                f"match {w} / ({days:g} / 7) weeks")
    else:
        for name in ("engagement.member_to_member_share", "ads.member_ads_per_week",
                     "engagement.red_envelope_burst_share"):
            res.unset(name, f"no member messages {w}")
    md = median(responses)
    if md is None:
        res.unset("engagement.median_response_minutes",
                  f"no answered member question {w} ({questions} questions, {unanswered} unanswered)")
    else:
        res.set("engagement.median_response_minutes", rnd(md),
                f"median of {len(responses)} answered member questions {w} (text ends with ? or ？): "
                f"minutes to the next message from a different human; {unanswered} unanswered left out")
    if not all_support("red_envelopes"):
        res.unset("engagement.red_envelopes_per_week", "only WeChat exports record red envelopes")
        res.unset("engagement.red_envelope_burst_share", "only WeChat exports record red envelopes")
    else:
        res.set("engagement.red_envelopes_per_week", per_week(red, days),
                f"{red} red envelopes {w} / ({days:g} / 7) weeks")
        if member_msgs:
            res.set("engagement.red_envelope_burst_share", share(burst, member_msgs),
                    f"{burst} member messages sent at most {BURST_SECONDS} s after a red envelope / "
                    f"{member_msgs} member messages {w}")
    res.counts.update({"answered_questions": len(responses), "red_envelopes": red})
    return res


def measure_wecom(days_stats: Sequence[DayStat], as_of: float, days: float) -> Result:
    """Facts from WeCom daily statistics (summed over the files, day by day)."""
    res = Result()
    start, end = window(as_of, days)
    w = f"({iso(start)}, {iso(end)}]"
    inw = sorted((d for d in days_stats if start < d.t <= end), key=lambda d: d.t)
    res.counts["days_in_window"] = len(inw)
    if not inw:
        res.notes.append(f"no WeCom statistics days in the window {w}: the facts are unknown")
        for name in ("community.groups", "size.members", "engagement.messages_per_day"):
            res.unset(name, f"no statistics day in the window {w}")
    else:
        last = inw[-1]
        if last.chat_total is not None:
            res.set("community.groups", last.chat_total, f"chat_total of the last day in the window ({iso(last.t)})")
        if last.member_total is not None:
            res.set("size.members", last.member_total,
                    f"member_total of the last day in the window ({iso(last.t)})")
        msgs = [d.msg_total for d in inw if d.msg_total is not None]
        if msgs:
            res.set("engagement.messages_per_day", rnd(sum(msgs) / len(msgs)),
                    f"mean msg_total of the {len(msgs)} days whose stat_time is in {w}")
    d30 = as_of - 30 * DAY
    last30 = [d for d in days_stats if d30 < d.t <= as_of]
    lv = wecom_leaves(last30)
    if lv is None:
        res.unset("retention.leaves_per_month", "fewer than two statistics days in the last 30 days")
    else:
        res.set("retention.leaves_per_month", lv,
                f"over the {len(last30)} days in ({iso(d30)}, {iso(as_of)}]: sum of new_member_cnt of all "
                "days but the first, minus (member_total of the last day − that of the first), at least 0")
    why = "WeCom group statistics hold daily totals only"
    for name in CHAT_FACTS:
        if name not in ("engagement.messages_per_day", "retention.leaves_per_month"):
            res.unset(name, why)
    return res


def merge_days(days_stats: Iterable[DayStat]) -> list[DayStat]:
    """Add up the statistics of several files day by day (by stat_time)."""
    by_t: dict[float, DayStat] = {}
    for d in days_stats:
        cur = by_t.get(d.t)
        if cur is None:
            by_t[d.t] = DayStat(d.t, **{f: getattr(d, f) for f in DayStat.FIELDS})
            continue
        for f in DayStat.FIELDS:
            a, b = getattr(cur, f), getattr(d, f)
            setattr(cur, f, None if a is None or b is None else a + b)
    return [by_t[t] for t in sorted(by_t)]
