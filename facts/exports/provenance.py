"""Which fact came from which file and definition: the community facts the files
themselves give, the nesting of the facts, and the provenance document."""
from __future__ import annotations

from typing import Any, Optional

from .measure import Result
from .options import ExtractOptions
from .reading import Readings
from .timewindow import WINDOW_DEFINITION, TimeWindow

DEFINITIONS = {
    "window": WINDOW_DEFINITION,
    "human": "human messages are non-system messages from non-bots; red envelopes and cards are messages",
    "staff": "people named by --staff/--staff-file (id or display name), holding a --staff-role role "
             "(Discord), and the WeChat exporter (rows with IsSender = 1)",
    "members": "every other human; without any staff everyone is a member and the staff facts are unknown",
}

SECTION_ORDER = ["community", "size", "positioning", "traffic", "governance", "leadership", "content",
                 "ads", "engagement", "activities", "retention", "conversion", "offer", "culture"]

NO_MEMBER_COUNT = "chat exports do not list the members; give --members (or use WeCom group statistics)"


class Provenance:
    """The flat facts (dotted name → value), how each was computed, and the notes, as they are gathered."""

    def __init__(self) -> None:
        self.facts: dict[str, object] = {}
        self.how: dict[str, str] = {}
        self.notes: list[str] = []

    def set(self, name: str, value: object, how: str) -> None:
        self.facts[name] = value
        self.how[name] = how

    def add_community(self, options: ExtractOptions, readings: Readings) -> None:
        """community.name, .platform and (for chats) .groups: from the options and the files."""
        platforms = set(readings.platforms)
        platform = platforms.pop() if len(platforms) == 1 else "other"
        group_names = list(dict.fromkeys(readings.group_names))
        if options.name:
            self.set("community.name", options.name, "--name")
        else:
            self.set("community.name", " / ".join(group_names),
                     "the export's group name" + ("s" if len(group_names) > 1 else "") +
                     " (the file name where the export does not name the group)")
        self.set("community.platform", platform,
                 "the detected format" + ("s (several platforms: other)" if platform == "other" else ""))
        if not readings.stats:
            n = len(options.paths)
            self.set("community.groups", n, f"number of exports ({n})")

    def add_measured(self, res: Result, members: Optional[int]) -> dict[str, str]:
        """The measured facts, then ``--members`` over a measured size.members; returns the
        unknown facts (name → why) that stay unknown."""
        for k, v in res.facts.items():
            self.set(k, v, res.how[k])
        self.notes.extend(res.notes)
        if members is not None:
            if "size.members" in self.facts:
                self.notes.append(f"--members replaces the measured size.members ({self.facts['size.members']})")
            self.set("size.members", members, "--members")
        unknown = dict(res.unknown)
        if "size.members" not in self.facts:
            unknown["size.members"] = NO_MEMBER_COUNT
        for k in self.facts:
            unknown.pop(k, None)
        return unknown

    def document(self, options: ExtractOptions, readings: Readings, when: TimeWindow, res: Result,
                 roles_summary: dict[str, int], unknown: dict[str, str]) -> dict[str, Any]:
        """The provenance: sources, window, definitions, counts, how each fact was computed,
        why the others are unknown, what was given, notes."""
        prov: dict[str, Any] = {
            "extractor": "shequn facts extract",
            "sources": readings.sources,
            "window": when.provenance(),
            "definitions": {k: v for k, v in DEFINITIONS.items() if k != "window"},
            "counts": {**res.counts, **({"people": roles_summary} if roles_summary else {})},
            "facts": {k: self.how[k] for k in sorted(self.how)},
            "unknown": {k: unknown[k] for k in sorted(unknown)},
        }
        if options.staff_entries or options.staff_roles:
            prov["staff_given"] = {"entries": len(options.staff_entries), "roles": len(options.staff_roles)}
        if options.ad_patterns:
            prov["ad_patterns"] = len(options.ad_patterns)
        if self.notes:
            prov["notes"] = self.notes
        return prov


def nest(flat: dict[str, object]) -> dict[str, dict[str, object]]:
    """{"a.b": 1} → {"a": {"b": 1}}, sections in the vocabulary's order."""
    order = SECTION_ORDER
    first = {"community.name": 0, "community.platform": 1, "community.groups": 2}
    out: dict[str, dict[str, object]] = {}
    for key in sorted(flat, key=lambda k: (order.index(k.split(".")[0]) if k.split(".")[0] in order else 99,
                                           first.get(k, 9), k)):
        sec, _, fact = key.partition(".")
        out.setdefault(sec, {})[fact] = flat[key]
    return out
