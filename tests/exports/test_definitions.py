"""The pure definitions in measure.py."""
from datetime import datetime, timezone

import pytest

from shequn.facts.exports.base import DayStat, collapse, is_question, text_hash
from shequn.facts.exports.measure import (iso, max_gap_days, median, parse_as_of, per_week, share,
                                          staff_entries, wecom_leaves, window, in_window)

A = 1711843200.0
D = 86400


def test_window_is_open_at_start_closed_at_end():
    start, end = window(A, 30)
    assert end == A and start == A - 30 * D
    assert not in_window(start, start, end)
    assert in_window(start + 0.001, start, end)
    assert in_window(end, start, end)
    assert not in_window(end + 1, start, end)


def test_median_even_and_odd():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


def test_rates_and_shares():
    assert per_week(3, 30) == round(3 / (30 / 7), 4) == 0.7
    assert per_week(5, 7) == 5.0
    assert share(1, 3) == 0.3333
    assert share(0, 0) is None
    assert share(0, 5) == 0.0


def test_max_gap_counts_both_edges():
    assert max_gap_days([], A - 10 * D, A) == 10.0
    assert max_gap_days([A - 9 * D, A - 1 * D], A - 10 * D, A) == 8.0
    assert max_gap_days([A - 2 * D], A - 10 * D, A) == 8.0
    assert max_gap_days([A - 12 * D, A + D], A - 10 * D, A) == 10.0        # outside the window: ignored


def test_wecom_leaves_formula():
    days = [DayStat(0, new_member_cnt=100, member_total=50), DayStat(D, new_member_cnt=4, member_total=52),
            DayStat(2 * D, new_member_cnt=3, member_total=51)]
    assert wecom_leaves(days) == (4 + 3) - (51 - 50)
    assert wecom_leaves(days[:1]) is None


def test_as_of_without_offset_is_utc():
    assert parse_as_of("2024-03-31T00:00:00") == A
    assert parse_as_of("2024-03-31") == A
    assert parse_as_of("2024-03-31T08:00:00+08:00") == A
    assert parse_as_of("2024-03-31T00:00:00Z") == A
    assert parse_as_of(datetime(2024, 3, 31, tzinfo=timezone.utc)) == A
    with pytest.raises(ValueError):
        parse_as_of("last tuesday")
    assert iso(A) == "2024-03-31T00:00:00Z"


def test_staff_entries():
    assert staff_entries(["a, b", "c"], "# staff\nd\n\ne,a\n") == ["a", "b", "c", "d", "e"]


def test_text_hash_collapses_whitespace_and_needs_10_chars():
    assert collapse("  a \n\t b ") == "a b"
    assert text_hash("123456789") == 0
    assert text_hash("1234567890") != 0
    assert text_hash("hello   world  !") == text_hash(" hello world !")
    assert text_hash("hello world!") != text_hash("hello world?")


def test_questions():
    assert is_question("why? ") and is_question("为什么？") and not is_question("? no")


try:
    from hypothesis import given, strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    import statistics

    @given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=50))
    def test_median_matches_statistics(values):
        assert median(values) == pytest.approx(statistics.median(values))

    @given(st.lists(st.floats(min_value=A - 30 * D, max_value=A + D, allow_nan=False), max_size=40))
    def test_max_gap_is_between_zero_and_the_window(times):
        g = max_gap_days(times, A - 10 * D, A)
        assert 0 <= g <= 10.0
        inside = sorted(t for t in times if A - 10 * D < t <= A)
        if not inside:
            assert g == 10.0
        else:
            edges = [A - 10 * D] + inside + [A]
            assert g == round(max(b - a for a, b in zip(edges, edges[1:])) / D, 4)
