"""The condition language: parsing, printing back, and hostile input."""
import pytest

from shequn.lang import ast
from shequn.errors import ExpressionSyntaxError
from shequn.lang.parser import parse


@pytest.mark.parametrize("text", [
    "size.members > 150 and governance.admins < 2",
    'traffic.entry_threshold == "none" and conversion.free_giveaway_without_threshold',
    '"endorsement" not in conversion.methods',
    'community.platform in ["wechat", "wecom"]',
    "not (a.b or c.d) and e.f",
    "size.active_members_7d / size.members < 0.1",
    "a.b + c.d * 2 - -3 >= 1.5",
])
def test_round_trip(text):
    node = parse(text)
    assert parse(str(node)) == node


def test_precedence_and_binds_tighter_than_or():
    node = parse("a.x or b.x and c.x")
    assert isinstance(node, ast.Or)
    assert isinstance(node.items[1], ast.And)


def test_arithmetic_precedence():
    node = parse("a.x + b.x * 2 > 1")
    assert isinstance(node.left, ast.Arith) and node.left.op == "+"
    assert isinstance(node.left.right, ast.Arith) and node.left.right.op == "*"


def test_not_in_and_negative_literals():
    node = parse('"x" not in a.list')
    assert isinstance(node, ast.In) and node.negated
    assert parse("a.x > -2").right == ast.Literal(-2)


@pytest.mark.parametrize("text, column, fragment", [
    ("", 1, "empty condition"),
    ("size.members >", 15, "expected a fact"),
    ("size.members > 1 > 2", 18, "cannot be chained"),
    ("(size.members > 1", 18, "expected ')'"),
    ("size.members && x", 14, "use 'and'"),
    ("size.members > 'abc", 16, "unexpected character"),
    ("a.b in []", 8, "empty list"),
    ("a.b in [c.d]", 9, "literal"),
    ("a.b c.d", 5, "expected 'and', 'or'"),
])
def test_syntax_errors_have_columns(text, column, fragment):
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(text)
    assert fragment in info.value.message
    assert info.value.column == column


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')",
    "exec('1')",
    "lambda: 1",
    "size.members; import os",
    "size.members if 1 else 2",
    "{}",
    "`x`",
    "size.members[0]",
])
def test_hostile_expressions_are_syntax_errors(text):
    with pytest.raises(ExpressionSyntaxError):
        parse(text)


def test_dunder_names_are_only_unknown_facts():
    """Attribute-looking names are plain fact names: the checker rejects them, nothing runs."""
    from shequn.errors import UnknownFactError
    from shequn.lang.types import check

    node = parse("size.members.__class__")
    assert node == ast.Name("size.members.__class__")
    with pytest.raises(UnknownFactError):
        check(node)


def test_deep_nesting_is_limited():
    with pytest.raises(ExpressionSyntaxError, match="nested deeper"):
        parse("(" * 500 + "a.b" + ")" * 500)
    with pytest.raises(ExpressionSyntaxError, match="nested deeper"):
        parse("not " * 500 + "a.b")
    with pytest.raises(ExpressionSyntaxError, match="nested deeper"):
        parse("-" * 500 + "1 > a.b")


def test_long_expression_is_limited():
    with pytest.raises(ExpressionSyntaxError, match="too long"):
        parse(" or ".join(["a.b"] * 2000))


def test_long_flat_chain_does_not_recurse():
    node = parse(" or ".join(["a.b"] * 500))
    assert isinstance(node, ast.Or) and len(node.items) == 500


def test_non_text_condition():
    with pytest.raises(ExpressionSyntaxError, match="must be text"):
        parse(42)


def test_string_escapes():
    assert parse(r'a.b == "say \"hi\""').right == ast.Literal('say "hi"')
    with pytest.raises(ExpressionSyntaxError, match="unknown escape"):
        parse(r'a.b == "\q"')


def test_names_in_order():
    assert ast.names(parse("b.x > 1 and a.y or b.x < 0")) == ["b.x", "a.y"]
