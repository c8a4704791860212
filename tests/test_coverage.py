"""The coverage map (docs/coverage.md) and the rule pages (docs/rules/): complete, checked, never stale."""
import json
import pathlib
import re

import pytest
from click.testing import CliRunner

from shequn.authoring.coverage import (coverage_map, is_generated, load_passages, passages_path, quotes_not_found,
                             render_markdown, rules_docs)
from shequn.rules.documents import DOCUMENTS, normalise_quote
from shequn.rules.ruleset import expand_paths, load_rulesets
from shequn.rulesets import builtin_paths

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

# Every number the documents give for a norm (the list): each must be
# given by some passage and held by the condition of one of that passage's rules.
DOCUMENT_NUMBERS = [150, 20, 500, 6, 3, 10, 2, 199, 99, 29.9, 30, 5]


@pytest.fixture(scope="module")
def rulesets():
    return load_rulesets(builtin_paths())


@pytest.fixture(scope="module")
def rules(rulesets):
    return [r for rs in rulesets for r in rs.rules]


@pytest.fixture(scope="module")
def data(rules):
    return coverage_map(rules)


def _cli():
    from shequn.cli.main import cli

    return cli


# --- generated files are fresh ---------------------------------------------------

def test_coverage_md_is_a_fresh_render(data):
    path = ROOT / "docs" / "coverage.md"
    assert path.read_text(encoding="utf-8") == render_markdown(data), \
        "docs/coverage.md is stale: run `shequn rules coverage -o docs/coverage.md`"


def test_rule_pages_are_a_fresh_render(rulesets):
    folder = ROOT / "docs" / "rules"
    expected = rules_docs(rulesets)
    present = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = sorted(n for n, text in present.items() if n not in expected and is_generated(text))
    assert not stale, f"docs/rules/ has pages of no ruleset {stale}: run `shequn rules docs`"
    for name, text in expected.items():
        assert present.get(name) == text, f"docs/rules/{name} is stale or missing: run `shequn rules docs`"


def test_every_ruleset_has_a_page_listing_every_rule(rulesets):
    files = rules_docs(rulesets)
    for rs in rulesets:
        page = files[f"{rs.name}.md"]
        for rule in rs.rules:
            assert f"[{rule.id}](#{rule.id.lower()})" in page          # table of contents
            assert f"## {rule.id}: {rule.title}" in page                # the rule's page
        assert f"[{rs.name}]({rs.name}.md)" in files["README.md"]


# --- the map is complete and consistent ------------------------------------------

def test_the_map_has_no_problems(data):
    assert data["problems"] == []


def test_every_rule_id_in_the_map_exists(rules):
    ids = {r.id for r in rules}
    named = {str(i) for entries in load_passages().values() for p in entries
             for i in (p.get("rules") or []) + (p.get("contrasts") or [])}
    assert named <= ids, f"unknown rule ids in the coverage map: {sorted(named - ids)}"


def test_every_builtin_rule_is_mapped(rules, data):
    mapped = {r["id"] for d in data["documents"] for p in d["passages"] for r in p["rules"]}
    assert [r.id for r in rules if r.id not in mapped] == []
    assert data["unmapped_rules"] == []


def test_every_document_has_passages_implemented_and_reasons_given(data):
    keys = [d["key"] for d in data["documents"]]
    assert keys == list(DOCUMENTS)
    for d in data["documents"]:
        assert d["passages"], d["key"]
        assert any(p["rules"] for p in d["passages"]), d["key"]
        for p in d["passages"]:
            assert p["rules"] or p["reason"], p["passage"]
            if p["reason"]:
                assert "\n" not in p["reason"] and len(p["reason"]) < 200, p["passage"]


def test_rules_citing_a_document_are_listed_under_its_passages(data):
    for d in data["documents"]:
        assert d["citing_not_listed"] == [], d["key"]


def test_every_number_a_passage_gives_is_in_a_condition_of_its_rules(rules, data):
    from shequn.authoring.coverage import condition_numbers

    by_id = {r.id: r for r in rules}
    for d in data["documents"]:
        for p in d["passages"]:
            for n in p["numbers"]:
                held = [r["id"] for r in p["rules"] if n["value"] in condition_numbers(by_id[r["id"]])]
                assert held, f"{d['key']}: {p['passage']!r}: {n['value']} in no condition"


@pytest.mark.parametrize("number", DOCUMENT_NUMBERS)
def test_the_documents_numbers_are_given_and_checked(data, number):
    given = [n for d in data["documents"] for p in d["passages"] for n in p["numbers"] if n["value"] == number]
    assert given and all(n["rules"] for n in given), f"{number} is given by no passage or held by no rule"
    assert any(n["value"] == number and n["documents"] for n in data["numbers"])


def test_numbers_not_checked_say_why(data):
    for d in data["documents"]:
        for p in d["passages"]:
            for o in p["open_numbers"]:
                assert o["reason"].strip(), p["passage"]


# --- the passages file is package data, not a ruleset ---------------------------

def test_the_passages_file_is_never_loaded_as_a_ruleset():
    path = passages_path()
    assert path.is_file()
    assert path.parent.parent == pathlib.Path(builtin_paths()[0]).parent
    assert path not in builtin_paths()
    assert path not in expand_paths([path.parent.parent])


# --- quotes are verbatim ----------------------------------------------------------

def _seed_texts() -> dict[str, str]:
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    files = dict((key, name) for name, key in re.findall(r"^\|\s*(\S+\.txt)\s*\|\s*`([^`]+)`", readme, re.M))
    assert set(files) == set(DOCUMENTS)
    return {key: (SEEDS / name).read_text(encoding="utf-8") for key, name in files.items()}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not here")
def test_every_passage_occurs_verbatim_in_its_document(data):
    assert quotes_not_found(data, _seed_texts()) == []


def test_normalise_quote_and_quotes_not_found():
    assert normalise_quote("It\u2019s  \u201cGood\u201d\n") == "it's \"good\""
    data = {"documents": [{"key": "d", "passages": [{"passage": "It's GOOD"}, {"passage": "absent"}]}]}
    assert quotes_not_found(data, {"d": "Yes, it\u2019s   good."}) == ["d: 'absent'"]


# --- problems are found -----------------------------------------------------------

def test_coverage_map_reports_every_kind_of_problem(rules):
    some = rules[:3]
    first = some[0]
    passages = {
        "nine-minefields": [
            {"passage": "a", "rules": [first.id, "XX999"]},
            {"passage": "b"},
            {"passage": "c", "rules": [first.id], "numbers": [123456]},
            {"passage": "d", "reason": "x", "colour": "red"},
        ],
        "no-such-doc": [{"passage": "e", "reason": "y"}],
    }
    problems = "\n".join(coverage_map(some, passages)["problems"])
    assert "unknown rule 'XX999'" in problems
    assert "needs 'rules' or a 'reason'" in problems
    assert "number 123456 is in the condition of none" in problems
    assert "unknown field(s) colour" in problems
    assert "no-such-doc: unknown document key" in problems
    assert "six-aspects: no passages" in problems
    assert f"rule {some[1].id} is under no passage" in problems


# --- the commands -----------------------------------------------------------------

def test_rules_coverage_command(data, tmp_path):
    runner = CliRunner()
    result = runner.invoke(_cli(), ["rules", "coverage", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == data["summary"]
    out = tmp_path / "coverage.md"
    result = runner.invoke(_cli(), ["rules", "coverage", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_markdown(data)


def test_rules_docs_command_writes_pages_and_removes_only_stale_generated_ones(rulesets, tmp_path):
    (tmp_path / "gone.md").write_text(rules_docs(rulesets)["README.md"], encoding="utf-8")   # generated earlier
    (tmp_path / "notes.md").write_text("# my notes\n", encoding="utf-8")                     # not generated
    result = CliRunner().invoke(_cli(), ["rules", "docs", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = rules_docs(rulesets)
    assert {p.name for p in tmp_path.glob("*.md")} == set(expected) | {"notes.md"}
    for name, text in expected.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text
