"""The line map of a parsed file is a dict whose own methods still work."""
from shequn.facts.loader import Lines, read_document


def test_lines_is_a_dict_with_its_methods():
    _, lines = read_document("community:\n  name: Acme\nsize:\n  members: 30\n", "f.yaml")
    assert isinstance(lines, Lines)
    assert sorted(lines.values()) == [1, 2, 3, 4]
    assert dict(lines.items())["size.members"] == 4
    assert lines.value("size.members") == (4, 12, "")
    assert lines.value("community.name") == (2, 9, "")
    assert lines.value("nowhere") == (None, 0, "")


def test_an_empty_line_map_answers_unknown():
    lines = Lines()
    assert list(lines.values()) == [] and lines.value("a.b") == (None, 0, "")
