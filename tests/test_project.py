"""Project defaults from shequn.yaml or [tool.shequn] in pyproject.toml."""
from __future__ import annotations

import pytest

from shequn.project import ProjectError, default_map, find_project_file, project_defaults


def test_no_project_file(tmp_path):
    assert project_defaults(tmp_path) == {} and default_map(tmp_path) == {}


def test_shequn_yaml_in_a_parent(tmp_path):
    (tmp_path / "shequn.yaml").write_text("rulesets: [rules/mine.yaml]\nselect: [NM, scale]\nignore: NM101, SA1\n"
                                          "fail_on: warning\nformat: json\n", encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    d = project_defaults(sub)
    assert d["rulesets"] == [str((tmp_path / "rules" / "mine.yaml").resolve())]
    assert d["select"] == ["NM", "scale"] and d["ignore"] == ["NM101", "SA1"]
    assert (d["fail_on"], d["format"]) == ("warning", "json")
    assert d["file"] == str(tmp_path / "shequn.yaml")
    assert default_map(sub) == {"check": {"rulesets": d["rulesets"], "select": ["NM", "scale"], "ignore": ["NM101", "SA1"],
                                          "fail_on": "warning", "fmt": "json"}}


def test_pyproject_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.shequn]\nfail-on = "info"\nselect = ["governance"]\n',
                                             encoding="utf-8")
    assert project_defaults(tmp_path) | {"file": ""} == {"fail_on": "info", "select": ["governance"], "file": ""}


def test_pyproject_without_the_table_is_skipped(tmp_path):
    (tmp_path / "shequn.yaml").write_text("fail_on: never\n", encoding="utf-8")
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert project_defaults(sub)["fail_on"] == "never"


def test_nearest_wins_and_yaml_before_pyproject(tmp_path):
    (tmp_path / "shequn.yaml").write_text("fail_on: never\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.shequn]\nfail_on = "info"\n', encoding="utf-8")
    assert find_project_file(tmp_path)[1] == "yaml"


@pytest.mark.parametrize("text, words", [
    ("fail_on: sometimes\n", "'fail_on' must be one of"),
    ("selct: [NM]\n", "unknown setting 'selct' (did you mean 'select'?)"),
    ("select: 3\n", "'select' must be a list"),
    ("- a\n", "must be a mapping"),
    ("fail_on: [\n", "invalid YAML"),
])
def test_bad_project_file(tmp_path, text, words):
    (tmp_path / "shequn.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError, match=None) as exc:
        project_defaults(tmp_path)
    assert words in str(exc.value) and "shequn.yaml" in str(exc.value)


def test_bad_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shequn\n", encoding="utf-8")
    with pytest.raises(ProjectError):
        project_defaults(tmp_path)
