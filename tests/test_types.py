"""Type checking against the fact vocabulary."""
import pytest

from shequn.errors import ExpressionTypeError, UnknownFactError
from shequn.lang.parser import parse
from shequn.lang.types import check


@pytest.mark.parametrize("text", [
    "size.members > 150 and governance.admins < 2",
    "not governance.group_rules",
    '"endorsement" not in conversion.methods',
    'community.platform in ["wechat", "wecom"]',
    "size.active_share_7d < 0.1",
    "community.declared_stage > stage.current",
    "size.active_members_7d / size.members < 0.1",
    'positioning.statement == ""',
    "traffic.source_shares.relatives_friends + traffic.source_shares.general_traffic > 0.3",
])
def test_valid_conditions(text):
    check(parse(text))


@pytest.mark.parametrize("text, fragment", [
    ("size.member > 3", "did you mean 'size.members'"),
    ("nonsense.fact", "unknown fact 'nonsense.fact'"),
])
def test_unknown_facts(text, fragment):
    with pytest.raises(UnknownFactError, match=fragment.replace("(", r"\(")):
        check(parse(text))


@pytest.mark.parametrize("text, fragment", [
    ("size.active_share_7d < 5", "share (0-1) and is compared with 5"),
    ("community.declared_stage > 7", "stage (1-5)"),
    ('traffic.entry_threshold == "nne"', "did you mean 'none'"),
    ('"celebrity" in conversion.methods', "not a value of conversion.methods"),
    ("size.members", "must be yes/no"),
    ("size.members > true", "'>' compares numbers"),
    ('size.members == "many"', "cannot compare"),
    ("governance.group_rules > 1", "compares numbers"),
    ("conversion.methods == 1", "use 'in'"),
    ("size.members and governance.group_rules", "needs yes/no"),
    ("size.members / 0 > 1", "division by zero"),
    ("size.members * size.members > 1", "multiply by a number"),
    ("1 > 2", "no fact"),
    ("size.members < -1", "never negative"),
    ('community.platform in ["wechat", 3]', "mixes values"),
    ('community.platform in ["wechat", "line"]', "not a value of community.platform"),
    ("size.members in conversion.methods", "quoted value"),
])
def test_type_errors(text, fragment):
    with pytest.raises(ExpressionTypeError) as info:
        check(parse(text))
    assert fragment in info.value.message
    assert info.value.column and info.value.column >= 1
