"""The keyword options of ``extract_facts``, checked once."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Union

import regex

from ..files import read_regular
from .base import MAX_TIME, MIN_TIME, ExportError, basename
from .measure import parse_as_of, staff_entries

PathLike = Union[str, os.PathLike[str]]


@dataclass(frozen=True)
class ExtractOptions:
    """What to extract and how; build it with :meth:`from_arguments`, which checks every value."""

    paths: tuple[str, ...]
    staff_entries: tuple[str, ...] = ()     # --staff values and --staff-file lines, split and deduplicated
    staff_roles: tuple[str, ...] = ()
    as_of: Optional[float] = None           # Unix seconds; None: from the exports
    days: Union[int, float] = 30            # an int when whole
    name: Optional[str] = None
    members: Optional[int] = None
    ad_patterns: tuple[str, ...] = ()

    @classmethod
    def from_arguments(cls, paths: Union[PathLike, Sequence[PathLike]], staff: Iterable[str] = (),
                       staff_file: Optional[str] = None, staff_roles: Iterable[str] = (), as_of: object = None,
                       days: float = 30, name: Optional[str] = None, members: Optional[int] = None,
                       ad_patterns: Iterable[str] = ()) -> "ExtractOptions":
        """The options of ``extract_facts``; raises :class:`ExportError` for the first bad one.

        A single string is accepted wherever a list is, and the staff file is read here.
        """
        given = [paths] if isinstance(paths, (str, os.PathLike)) else paths
        staff = [staff] if isinstance(staff, str) else staff
        staff_roles = [staff_roles] if isinstance(staff_roles, str) else staff_roles
        ad_patterns = [ad_patterns] if isinstance(ad_patterns, str) else ad_patterns
        files = [os.fspath(p) for p in given]
        if not files:
            raise ExportError("no export files given")
        # checked in this order, so the first bad option is the one reported
        return cls(paths=tuple(files), days=_days(days), members=_members(members), as_of=_as_of(as_of),
                   staff_entries=tuple(staff_entries(staff, _read_staff_file(staff_file))),
                   ad_patterns=_ad_patterns(ad_patterns), staff_roles=tuple(staff_roles or ()), name=name)


MAX_DAYS = 36600                      # about a hundred years: the window must fit the dates a message can have


def _days(days: float) -> Union[int, float]:
    try:
        days = float(days)
    except (TypeError, ValueError, OverflowError):
        raise ExportError(f"--days must be a number of days, not {str(days)[:40]!r}") from None
    if not 0 < days <= MAX_DAYS:              # nan and inf too
        raise ExportError(f"--days must be greater than 0 and at most {MAX_DAYS:,}")
    return int(days) if days.is_integer() else days


def _members(members: Optional[int]) -> Optional[int]:
    if members is not None and (not isinstance(members, int) or members < 0):
        raise ExportError("--members must be a whole number ≥ 0")
    return members


def _as_of(as_of: object) -> Optional[float]:
    if as_of is None:
        return None
    try:
        t = parse_as_of(as_of)
    except (TypeError, ValueError, OverflowError):
        raise ExportError(f"--as-of: not an ISO-8601 date or time: {str(as_of)[:40]!r}") from None
    if not MIN_TIME <= t <= MAX_TIME:          # nan and inf too
        raise ExportError("--as-of must be between 1970-01-01 and 9999-12-31")
    return t


MAX_STAFF_FILE_BYTES = 1_000_000      # ids or names, one a line: a page, not a dump


def _read_staff_file(staff_file: Optional[str]) -> Optional[str]:
    if staff_file is None:
        return None
    try:
        return read_regular(staff_file, MAX_STAFF_FILE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{basename(staff_file)}: cannot read the staff file "
                          f"({getattr(exc, 'strerror', None) or exc})") from None


def _ad_patterns(ad_patterns: Iterable[str]) -> tuple[str, ...]:
    patterns = tuple(ad_patterns or ())
    for i, p in enumerate(patterns, 1):
        if not isinstance(p, str):
            raise ExportError(f"--ad-pattern number {i}: a regular expression must be text")
        try:
            regex.compile(p)
        except (regex.error, ValueError, OverflowError, RecursionError) as exc:
            raise ExportError(f"--ad-pattern: invalid regular expression (number {i}: {exc})") from None
    return patterns
