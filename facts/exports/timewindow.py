"""The window ``(as_of − days, as_of]``: where as_of comes from, how the provenance
states it, and a note when the exports start well after it opens."""
from __future__ import annotations

from typing import Any, Optional, Union

from .measure import DAY, iso, window
from .reading import Readings

WINDOW_DEFINITION = ("(as_of − days, as_of]: start excluded, end included; as_of defaults to the last timestamp "
                     "in the exports (WeCom: the last stat_time), days to 30; --as-of without an offset is UTC")


class TimeWindow:
    """as_of (None when the exports hold nothing dated), where it came from, and days."""

    def __init__(self, as_of: Optional[float], source: str, days: Union[int, float]):
        self.as_of, self.source, self.days = as_of, source, days

    @classmethod
    def of(cls, given_as_of: Optional[float], days: Union[int, float], readings: Readings) -> "TimeWindow":
        """``--as-of`` when given, else the last stat_time (statistics) or the last timestamp (chats)."""
        if given_as_of is not None:
            return cls(given_as_of, "--as-of", days)
        if readings.stats:
            lasts = [d.t for d in readings.stats]
            source = "the last stat_time in the statistics"
        else:
            lasts = [lg.last for lg in readings.logs if lg.last is not None]
            source = "the last timestamp in the exports"
        return cls(max(lasts) if lasts else None, source, days)

    def provenance(self) -> Optional[dict[str, Any]]:
        if self.as_of is None:
            return None
        return {"as_of": iso(self.as_of), "as_of_from": self.source, "days": self.days,
                "start": iso(self.as_of - self.days * DAY), "end": iso(self.as_of),
                "definition": WINDOW_DEFINITION}

    def coverage_note(self, readings: Readings) -> Optional[str]:
        """A note when the exports start more than a day after the window does."""
        if self.as_of is None:
            return None
        start, _end = window(self.as_of, self.days)
        firsts = readings.first_times
        if firsts and min(firsts) > start + DAY:
            return (f"the exports start at {iso(min(firsts))}, after the window's start {iso(start)}: "
                    "rates are still divided by the whole window")
        return None
