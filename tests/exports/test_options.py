"""ExtractOptions: the keyword options of extract_facts, checked once."""
import dataclasses

import pytest

from shequn.facts.exports import ExportError, ExtractOptions


def test_single_strings_and_defaults():
    o = ExtractOptions.from_arguments("a.json", staff="x, y", staff_roles="Mod", ad_patterns="buy")
    assert o.paths == ("a.json",) and o.staff_entries == ("x", "y") and o.staff_roles == ("Mod",)
    assert o.ad_patterns == ("buy",) and o.days == 30 and isinstance(o.days, int) and o.as_of is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.days = 7


def test_days_whole_or_not_and_as_of():
    assert ExtractOptions.from_arguments(["a"], days="7.0").days == 7
    assert ExtractOptions.from_arguments(["a"], days=0.5).days == 0.5
    assert ExtractOptions.from_arguments(["a"], as_of="2024-03-31").as_of == 1711843200.0


def test_staff_file(tmp_path):
    f = tmp_path / "staff.txt"
    f.write_text("\ufeff# staff\nann, bob\n\nann\n", encoding="utf-8")
    assert ExtractOptions.from_arguments(["a"], staff=["cat"], staff_file=str(f)).staff_entries == ("cat", "ann", "bob")


@pytest.mark.parametrize("kw, message", [
    ({"paths": []}, "no export files given"),
    ({"days": "x", "members": -1}, "--days must be a number of days, not 'x'"),     # the first bad one
    ({"days": 0}, "--days must be greater than 0"),
    ({"members": 1.5}, "--members must be a whole number ≥ 0"),
    ({"as_of": "soon"}, "--as-of: not an ISO-8601 date or time: 'soon'"),
    ({"staff_file": "missing.txt"}, "missing.txt: cannot read the staff file"),
    ({"ad_patterns": ["("]}, "--ad-pattern: invalid regular expression"),
])
def test_bad_options(kw, message):
    kw = {"paths": ["a.json"], **kw}
    with pytest.raises(ExportError) as e:
        ExtractOptions.from_arguments(**kw)
    assert str(e.value).startswith(message)
