"""The published definitions: window, staff, members, the compact chat records and
the rates and shares every measured fact is built from.

Everything here is a pure function of the compact records (see ``base.py``)
and the options, so each definition can be tested on its own. The facts
themselves are measured by the accumulators in ``measures/``. The numbers
follow docs/exports.md exactly; change both together.
"""
from __future__ import annotations

from array import array
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping, NamedTuple, Optional, Sequence, Union

from .base import JOIN, LEAVE, SYSTEM, DayStat, Message, People

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
    news = [d.new_member_cnt for d in days[1:] if d.new_member_cnt is not None]
    if first.member_total is None or last.member_total is None or len(news) < len(days) - 1:
        return None
    new = sum(news)
    return max(0, new - (last.member_total - first.member_total))


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso(t: float) -> str:
    """ISO-8601 in UTC (``Z``); also for a window that starts before 1970."""
    d = _EPOCH + timedelta(seconds=t)
    spec = "seconds" if float(t).is_integer() else "milliseconds"
    return d.isoformat(timespec=spec).replace("+00:00", "Z")


def parse_as_of(value: object) -> float:
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
    seen: set[str] = set()
    res: list[str] = []
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

    def __init__(self, label: str, fmt: str, platform: str) -> None:
        self.label, self.format, self.platform = label, fmt, platform
        self.group_name: Optional[str] = None
        self.sha256: Optional[str] = None
        self.supports: set[str] = set()
        self.t = array("d")
        self.sender = array("q")
        self.kind = array("b")
        self.flags = array("B")
        self.mid = array("q")
        self.reply = array("q")
        self.thash = array("q")
        self.mentions: dict[int, tuple[int, ...]] = {}
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

    @property
    def in_time_order(self) -> bool:
        """Whether the messages were added in time order (equal times allowed)."""
        return self._sorted

    def order(self) -> Union[range, list[int]]:
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

class Fact(NamedTuple):
    """A measured value and how it was computed."""
    value: object
    how: str


class Unknown(NamedTuple):
    """Why a fact cannot be measured from these exports."""
    why: str


class Result:
    """Measured facts (dotted name → value), how each was computed, and why others are unknown."""

    def __init__(self) -> None:
        self.facts: dict[str, object] = {}
        self.how: dict[str, str] = {}
        self.unknown: dict[str, str] = {}
        self.counts: dict[str, object] = {}
        self.notes: list[str] = []

    def set(self, name: str, value: object, how: str) -> None:
        if value is None:
            return
        self.facts[name] = value
        self.how[name] = how
        self.unknown.pop(name, None)

    def unset(self, name: str, why: str) -> None:
        if name not in self.facts:
            self.unknown[name] = why

    def record(self, outcomes: Mapping[str, Union[Fact, Unknown]]) -> None:
        """Set the facts and unset the unknowns an accumulator's ``finish`` gives (see ``measures``)."""
        for name, outcome in outcomes.items():
            if isinstance(outcome, Unknown):
                self.unset(name, outcome.why)
            else:
                self.set(name, outcome.value, outcome.how)


CHAT_FACTS = (
    "size.active_members_7d", "engagement.messages_per_day", "engagement.official_voice_share",
    "engagement.member_to_member_share", "engagement.median_response_minutes",
    "ads.member_ads_per_week", "ads.operator_ads_per_week", "engagement.red_envelopes_per_week",
    "engagement.red_envelope_burst_share", "activities.max_gap_days", "content.repeated_share",
    "traffic.referral_share", "retention.retention_30d", "retention.leaves_per_month",
)


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
