"""`rules lint`: each kind of problem with file, line and column; the built-in rulesets lint clean."""
from __future__ import annotations

import textwrap

import pytest

from shequn.authoring.lint import analyse, lint, load_sources, source_files, SourcesError
from shequn.rules.documents import normalise_quote
from shequn.lang.parser import parse
from shequn.rulesets import builtin_paths

import pathlib

SEEDS = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

HEADER = "name: mine\nversion: 1\nrules:\n"


def rule(rid="MY001", when="size.members > 150", extra="", examples=True):
    text = f"""\
  - id: {rid}
    title: Too big to know each other
    kind: practice
    severity: warning
    dimension: scale
    when: {when}
    message: "{{size.members}} members"
    advice: [Split the group.]
    sources: [{{doc: six-aspects, quote: "150"}}]
{extra}"""
    if examples:
        text += """\
    examples:
      trigger:
        - size: {members: 200}
      no_trigger:
        - size: {members: 100}
"""
    return text


def write(tmp_path, body, name="mine.yaml", header=HEADER):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def codes(problems):
    return [p.code for p in problems]


def test_clean_rule_has_no_problems(tmp_path):
    assert lint([write(tmp_path, rule())]) == []


def test_yaml_error_has_line(tmp_path):
    path = write(tmp_path, rule() + "  - id: [unclosed\n")
    (p,) = lint([path])
    assert p.code == "yaml" and p.file == str(path) and p.line >= 19 and p.column >= 1


def test_missing_field_points_at_the_rule(tmp_path):
    body = rule().replace("    advice: [Split the group.]\n", "")
    (p,) = lint([write(tmp_path, body)])
    assert (p.code, p.line, p.column, p.rule) == ("structure", 4, 5, "MY001")
    assert "missing field 'advice'" in p.message


def test_duplicate_ids_across_files(tmp_path):
    a = write(tmp_path, rule(), "a.yaml")
    b = write(tmp_path, rule(), "b.yaml", header="name: other\nversion: 1\nrules:\n")
    (p,) = lint([a, b])                           # the same rule twice: one problem, not a second for its condition
    assert p.code == "duplicate" and p.file == str(b) and p.line == 4
    assert f"first defined at {a}:4" in p.message


def test_unknown_fact_with_did_you_mean_and_column(tmp_path):
    (p,) = lint([write(tmp_path, rule(when="size.member > 150"))])
    assert p.code == "unknown-fact" and "did you mean 'size.members'" in p.message
    assert (p.line, p.column) == (9, 11)


def test_type_error(tmp_path):
    (p,) = lint([write(tmp_path, rule(when="content.original_share > 5"))])
    assert p.code == "type" and p.line == 9 and p.column == 36


def test_unknown_document(tmp_path):
    body = rule().replace("doc: six-aspects", "doc: six-aspect")
    (p,) = lint([write(tmp_path, body)])
    assert p.code == "document" and p.line == 12 and "unknown document 'six-aspect'" in p.message


@pytest.mark.parametrize("when, code, at", [
    ("size.members > 5 and size.members < 3", "contradiction", "size.members < 3"),
    ("governance.group_rules and not governance.group_rules", "contradiction", "not governance.group_rules"),
    ("community.platform == \"qq\" and community.platform == \"wechat\"", "contradiction", "community.platform == \"wechat\""),
    ("size.members > 150 and size.members > 100", "redundant", "size.members > 100"),
    ("size.members > 150 or size.members > 200", "redundant", "size.members > 200"),
    ("size.members > 150 or size.members > 150 and governance.admins < 2", "redundant", "size.members > 150 and"),
    ("content.original_share >= 0 and size.members > 150", "constant", "content.original_share"),
    ("size.members < 0 or size.members > 150", "constant", "size.members < 0"),
    ("size.members > 150 or size.members <= 150", "constant", "size.members > 150"),
])
def test_static_analysis(tmp_path, when, code, at):
    problems = lint([write(tmp_path, rule(when=f"'{when}'", examples=False))], examples=False)
    (p,) = [p for p in problems if p.code == code]
    assert p.line == 9 and p.column == 12 + when.index(at)      # `    when: '` is 11 columns


def test_analyse_is_quiet_on_sensible_conditions():
    for when in ("size.members > 150 and governance.admins < 2",
                 "size.members > 150 or governance.members_per_admin > 100",
                 "size.members >= 20 and size.members <= 150",
                 "community.platform in [\"wechat\", \"wecom\"] and \"endorsement\" not in conversion.methods",
                 "not (governance.group_rules or governance.rules_ban_ads)"):
        assert analyse(parse(when)) == [], when


def test_missing_examples_are_warnings(tmp_path):
    problems = lint([write(tmp_path, rule(examples=False))])
    assert codes(problems) == ["examples-missing", "examples-missing"]
    assert all(p.severity == "warning" and p.line == 4 for p in problems)


def test_example_that_does_not_do_what_it_claims(tmp_path):
    body = rule().replace("- size: {members: 100}", "- size: {members: 300}")
    (p,) = lint([write(tmp_path, body)])
    assert p.code == "example-fails" and p.line == 17
    assert "no_trigger example 1 should make the rule passed but it is violated" in p.message


def test_example_with_invalid_facts(tmp_path):
    body = rule().replace("- size: {members: 200}", "- size: {membres: 200}")
    (p,) = lint([write(tmp_path, body)])
    assert p.code == "example-fails" and "not a valid facts file" in p.message and p.line == 15


def test_example_missing_a_fact_is_not_evaluated(tmp_path):
    body = rule().replace("- size: {members: 200}", "- governance: {admins: 2}")
    (p,) = lint([write(tmp_path, body)])
    assert "it is not evaluated" in p.message and "'size.members > 150' is unknown" in p.message


def test_every_problem_prints_file_line_column(tmp_path):
    body = rule(when="size.member > 1") + rule(rid="MY002", when="size.members > 5 and size.members < 3")
    for p in lint([write(tmp_path, body)]):
        assert str(p).startswith(f"{p.file}:{p.line}:{p.column}: ")


# --- sources ------------------------------------------------------------------

def test_quotes_checked_against_a_folder_of_key_files(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "six-aspects.txt").write_text("Dunbar\u2019s number is   150 people.", encoding="utf-8")
    body = rule() + rule(rid="MY002").replace('quote: "150"', "quote: \"dunbar's number IS 150\"") \
        + rule(rid="MY003").replace('quote: "150"', 'quote: "two hundred"')
    problems = [p for p in lint([write(tmp_path, body)], docs) if p.code != "duplicate-condition"]
    (p,) = problems
    assert p.code == "quote" and p.rule == "MY003" and p.line == 40 and p.column == 41


def test_document_without_text_in_the_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nine-minefields.txt").write_text("something", encoding="utf-8")
    (p,) = lint([write(tmp_path, rule())], docs)
    assert p.code == "document" and "no text for document 'six-aspects'" in p.message


def test_sources_folder_must_exist(tmp_path):
    with pytest.raises(SourcesError):
        load_sources(tmp_path / "nope")


def test_readme_table_maps_keys_to_files(tmp_path):
    (tmp_path / "a1.txt").write_text("alpha text", encoding="utf-8")
    (tmp_path / "README.md").write_text("| file | key |\n|---|---|\n| a1.txt | `my-doc` | x |\n", encoding="utf-8")
    assert source_files(tmp_path) == {"my-doc": tmp_path / "a1.txt"}


def test_normalise_quote():
    assert normalise_quote("Don\u2019t  \n STOP") == "don't stop"


# --- rules that check rules -----------------------------------------------------

def test_builtin_rulesets_lint_clean():
    problems = [p for p in lint(builtin_paths()) if p.severity != "note"]
    assert problems == [], "\n".join(map(str, problems))


def test_equivalent_and_narrower_conditions_across_files(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("name: a\nversion: 1\nrules:\n" + rule("A001", "size.members > 150", examples=False))
    b.write_text("name: b\nversion: 1\nrules:\n" + rule("B001", "size.members > 150", examples=False)
                 + rule("B002", "size.members > 150 and not governance.group_rules", examples=False))
    problems = {(p.rule, p.code, p.severity) for p in lint([a, b], examples=False)}
    assert ("B001", "duplicate-condition", "warning") in problems
    assert ("B002", "subsumed-condition", "note") in problems
    assert not any(r == "A001" for r, _, _ in problems)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not here")
def test_builtin_quotes_are_in_the_seed_documents():
    problems = [p for p in lint(builtin_paths(), SEEDS, examples=False) if p.severity != "note"]
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not here")
def test_seed_folder_maps_the_five_documents():
    assert set(source_files(SEEDS)) >= {"social-marketing-rules", "nine-minefields", "six-aspects",
                                        "three-cognitions", "positioning-and-stages"}


def test_a_custom_rule_may_cite_no_source(tmp_path):
    text = HEADER + rule("OWN001").replace('    sources: [{doc: six-aspects, quote: "150"}]\n', "")
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    problems = lint([path])
    assert [(p.code, p.severity) for p in problems] == [("no-sources", "note")]


def test_every_builtin_rule_cites_its_document():
    from shequn.rules.ruleset import load_rulesets
    assert all(r.sources for rs in load_rulesets(builtin_paths()) for r in rs.rules)


def test_a_custom_file_clashing_with_the_builtins_is_caught_before_check(tmp_path):
    path = tmp_path / "clash.yaml"
    path.write_text("name: stages\n" + "version: 1\nrules:\n" + rule("NM201"), encoding="utf-8")
    codes = [(p.code, p.line) for p in lint([path]) if p.severity != "note"]
    assert codes == [("duplicate", 1), ("duplicate", 4)]                       # the ruleset name, then the rule id
    assert [p for p in lint([path], builtin=False) if p.severity != "note"] == []


def test_rule_text_with_an_escape_sequence_is_refused(tmp_path):
    path = tmp_path / "esc.yaml"
    path.write_text(HEADER + rule("ESC001").replace("title: Too big to know each other", 'title: "x\\e[2J"'),
                    encoding="utf-8")
    (problem,) = [p for p in lint([path], builtin=False, examples=False) if p.severity != "note"]
    assert problem.message == "title: contains a control character (U+001B); remove it" and problem.line == 5
