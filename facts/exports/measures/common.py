"""What every accumulator shares: how it is fed the messages, the window it
measures in, and the outcome it gives for each fact (a value with how it was
computed, or why it is unknown)."""
from __future__ import annotations

from typing import Callable, ClassVar, Optional, Sequence, Union

from ..base import People
from ..measure import DAY, MEMBER, STAFF, ChatLog, Fact, Unknown, iso, window

Outcome = Union[Fact, Unknown]
# a bound ``MessageAccumulator.feed``: (seq, t, sender, role, kind, flags, in_window)
Feed = Callable[[int, float, int, int, int, int, bool], None]


class Scope:
    """The window and the people's roles, shared by the accumulators of one measurement."""

    def __init__(self, logs: Sequence[ChatLog], people: People, role: bytearray, as_of: float,
                 days: float):
        self.logs = logs
        self.canon = people.alias
        self.role = list(role)        # a list: indexing it in the hot loop is faster than a bytearray
        self.as_of, self.days = as_of, days
        self.start, self.end = window(as_of, days)
        self.seven_days_ago = as_of - 7 * DAY
        self.thirty_days_ago = as_of - 30 * DAY
        self.sixty_days_ago = as_of - 60 * DAY
        self.staff_known = STAFF in role
        self.in_window_text = f"in the window ({iso(self.start)}, {iso(self.end)}]"

    def all_support(self, capability: str) -> bool:
        """Every export records this (see ``ReadContext.supports``)."""
        return all(capability in log.supports for log in self.logs)


# why the staff facts are unknown without staff
NO_STAFF = ("no staff identified (give --staff, --staff-file or --staff-role; "
            "a WeChat export's own rows, IsSender = 1, count as staff)")


class MessageAccumulator:
    """Measures some facts in one pass over the messages: ``feed`` each message, then ``finish``.

    The loop feeds an accumulator only messages from senders with a role in
    ``ROLES`` (none: it measures each export on its own in ``start_file``)
    and, with ``IN_WINDOW_ONLY``, only messages in the window.

    A message is fed as plain arguments, not as an object: building or
    refilling one for every message would cost more than the measuring itself.
    ``seq`` is its index in the columns of the export last given to
    ``start_file`` (for the columns few accumulators read, like the text
    hash), ``sender`` the canonical person and ``role`` theirs.
    """

    ROLES: ClassVar[frozenset[int]] = frozenset({MEMBER, STAFF})
    IN_WINDOW_ONLY: ClassVar[bool] = False
    FACTS: ClassVar[tuple[str, ...]] = ()  # the dotted names it measures

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def takes(self, log: ChatLog) -> bool:
        """Whether it is fed the messages of this export at all (start_file and end_file
        are called either way)."""
        return True

    def start_file(self, log: ChatLog) -> None:
        """Called before the messages of each export."""

    def feed(self, seq: int, t: float, sender: int, role: int, kind: int, flags: int, in_window: bool) -> None:
        raise NotImplementedError

    def end_file(self) -> None:
        """Called after the messages of each export."""

    def finish(self) -> dict[str, Outcome]:
        raise NotImplementedError

    def counts(self) -> dict[str, object]:
        """Numerators and denominators for the provenance."""
        return {}


class EventAccumulator:
    """Measures facts from joins and leaves; fed after the messages."""

    FACTS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def feed_join(self, t: float, joiner: int, inviter: Optional[int]) -> None:
        """A canonical joiner and inviter (None when the export does not say)."""

    def feed_leave(self, t: float, person: int) -> None:
        """A canonical person who left or was removed."""

    def finish(self) -> dict[str, Outcome]:
        raise NotImplementedError

    def counts(self) -> dict[str, object]:
        return {}
