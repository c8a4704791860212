"""The facts measured from joins and leaves; they need no messages in the window."""
from __future__ import annotations

from typing import Optional

from ..measure import MEMBER, Fact, Unknown, iso, share
from .common import EventAccumulator, Outcome, Scope
from .messages import ActiveSenders

NO_JOINS = Unknown("the exports do not record joins")


class Referrals(EventAccumulator):
    """Joins in the window invited by a member (not self-invitations)."""

    FACTS = ("traffic.referral_share",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.joins = 0
        self.by_members = 0

    def feed_join(self, t: float, joiner: int, inviter: Optional[int]) -> None:
        s = self.scope
        if s.start < t <= s.end:
            self.joins += 1
            if inviter is not None and inviter != joiner and s.role[inviter] == MEMBER:
                self.by_members += 1

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        if not s.all_support("joins"):
            outcome: Outcome = NO_JOINS
        elif not s.all_support("inviter"):
            outcome = Unknown("Discord exports do not say who invited a member")
        elif not self.joins:
            outcome = Unknown(f"no joins {s.in_window_text}")
        else:
            outcome = Fact(share(self.by_members, self.joins),
                           f"{self.by_members} joins invited by a member (invitation or QR code shared by a member; "
                           f"not self-invitations) / {self.joins} joins {s.in_window_text}")
        return {"traffic.referral_share": outcome}

    def counts(self) -> dict[str, object]:
        return {"joins_in_window": self.joins}


class Retention(EventAccumulator):
    """Of the people who joined between 60 and 30 days before as_of, the share who sent a
    message in the last 30 days (the senders come from :class:`ActiveSenders`)."""

    FACTS = ("retention.retention_30d",)

    def __init__(self, scope: Scope, active: ActiveSenders) -> None:
        super().__init__(scope)
        self.active = active
        self.cohort: set[int] = set()

    def feed_join(self, t: float, joiner: int, inviter: Optional[int]) -> None:
        if self.scope.sixty_days_ago < t <= self.scope.thirty_days_ago:
            self.cohort.add(joiner)

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        d60, d30 = iso(s.sixty_days_ago), iso(s.thirty_days_ago)
        if not s.all_support("joins"):
            outcome: Outcome = NO_JOINS
        elif not self.cohort:
            outcome = Unknown(f"nobody joined in ({d60}, {d30}] (between 60 and 30 days before as_of)")
        else:
            kept, n = len(self.cohort & self.active.senders_30d), len(self.cohort)
            outcome = Fact(share(kept, n), f"{kept} of the {n} people who joined in ({d60}, {d30}] "
                                           f"sent a message in ({d30}, {iso(s.as_of)}]")
        return {"retention.retention_30d": outcome}


class Leaves(EventAccumulator):
    """Distinct people who left or were removed in the last 30 days."""

    FACTS = ("retention.leaves_per_month",)

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.leavers: set[int] = set()

    def feed_leave(self, t: float, person: int) -> None:
        if self.scope.thirty_days_ago < t <= self.scope.as_of:
            self.leavers.add(person)

    def finish(self) -> dict[str, Outcome]:
        s = self.scope
        if not s.all_support("leaves"):
            return {"retention.leaves_per_month": Unknown(
                "only Telegram exports (remove_members) and WeCom statistics record leaves")}
        n = len(self.leavers)
        return {"retention.leaves_per_month": Fact(
            n, f"{n} distinct people listed in remove_members in ({iso(s.thirty_days_ago)}, {iso(s.as_of)}]")}

    def counts(self) -> dict[str, object]:
        return {"leaves_last_30_days": len(self.leavers)}
