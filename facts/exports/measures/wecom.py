"""The facts of WeCom daily statistics: one accumulator per group of facts, fed the
days (summed over the files, see ``merge_days``)."""
from __future__ import annotations

from typing import Sequence

from ..base import DayStat
from ..measure import CHAT_FACTS, DAY, Fact, Result, Unknown, iso, rnd, wecom_leaves, window
from .common import Outcome


class DailyTotals:
    """Groups and members on the last day in the window, messages a day over the window."""

    FACTS = ("community.groups", "size.members", "engagement.messages_per_day")

    def __init__(self, as_of: float, days: float) -> None:
        self.start, self.end = window(as_of, days)
        self.in_window_text = f"({iso(self.start)}, {iso(self.end)}]"
        self.days: list[DayStat] = []

    def feed(self, day: DayStat) -> None:
        if self.start < day.t <= self.end:
            self.days.append(day)

    def finish(self) -> dict[str, Outcome]:
        """Only the facts the days hold: a total missing on the last day stays out."""
        w = self.in_window_text
        days = sorted(self.days, key=lambda d: d.t)
        if not days:
            why = Unknown(f"no statistics day in the window {w}")
            return {name: why for name in self.FACTS}
        last = days[-1]
        out: dict[str, Outcome] = {}
        if last.chat_total is not None:
            out["community.groups"] = Fact(last.chat_total,
                                           f"chat_total of the last day in the window ({iso(last.t)})")
        if last.member_total is not None:
            out["size.members"] = Fact(last.member_total,
                                       f"member_total of the last day in the window ({iso(last.t)})")
        msgs = [d.msg_total for d in days if d.msg_total is not None]
        if msgs:
            out["engagement.messages_per_day"] = Fact(
                rnd(sum(msgs) / len(msgs)), f"mean msg_total of the {len(msgs)} days whose stat_time is in {w}")
        return out

    def counts(self) -> dict[str, object]:
        return {"days_in_window": len(self.days)}


class MonthlyLeaves:
    """Leaves over the last 30 days, from the daily new members and member totals."""

    FACTS = ("retention.leaves_per_month",)

    def __init__(self, as_of: float) -> None:
        self.as_of = as_of
        self.since = as_of - 30 * DAY
        self.days: list[DayStat] = []

    def feed(self, day: DayStat) -> None:
        if self.since < day.t <= self.as_of:
            self.days.append(day)

    def finish(self) -> dict[str, Outcome]:
        leaves = wecom_leaves(self.days)
        if leaves is None:
            return {"retention.leaves_per_month": Unknown("fewer than two statistics days in the last 30 days")}
        return {"retention.leaves_per_month": Fact(
            leaves, f"over the {len(self.days)} days in ({iso(self.since)}, {iso(self.as_of)}]: sum of "
                    "new_member_cnt of all days but the first, minus (member_total of the last day − that of "
                    "the first), at least 0")}


# the chat facts daily totals cannot give
NOT_FROM_STATISTICS = tuple(n for n in CHAT_FACTS
                            if n not in ("engagement.messages_per_day", "retention.leaves_per_month"))


def measure_wecom(days_stats: Sequence[DayStat], as_of: float, days: float) -> Result:
    """Facts from WeCom daily statistics (summed over the files, day by day)."""
    totals, leaves = DailyTotals(as_of, days), MonthlyLeaves(as_of)
    for day in days_stats:
        totals.feed(day)
        leaves.feed(day)
    res = Result()
    res.counts.update(totals.counts())
    if not totals.days:
        res.notes.append(f"no WeCom statistics days in the window {totals.in_window_text}: the facts are unknown")
    res.record(totals.finish())
    res.record(leaves.finish())
    for name in NOT_FROM_STATISTICS:
        res.unset(name, "WeCom group statistics hold daily totals only")
    return res
