"""Right line, right status: leading blank lines and comments, indented documents, impossible dates,
constant expressions below zero, an empty ruleset folder and the Chinese message's placeholders."""
from __future__ import annotations

import pytest

from shequn.authoring.lint import lint
from shequn.errors import ExpressionSyntaxError, ExpressionTypeError, RulesetErrors
from shequn.facts.loader import FactsError, parse_facts
from shequn.lang.parser import parse
from shequn.lang.types import check

from test_lint import HEADER, rule, write

LEADING = "\n\n# the group of the spring campaign\n\n"


def _problem(text: str) -> tuple[int | None, str]:
    with pytest.raises(FactsError) as info:
        parse_facts(text, "f.yaml")
    (p,) = info.value.problems
    return p.line, p.path


@pytest.mark.parametrize("lead", ["", LEADING, "\n\n\n"])
def test_a_facts_error_names_its_own_line_after_blank_lines_and_comments(lead):
    line, path = _problem(lead + "community:\n  name: x\n  typo: 1\n")
    assert (line, path) == (lead.count("\n") + 3, "community.typo")


def test_a_json_error_names_its_own_line_after_blank_lines():
    with pytest.raises(FactsError) as info:
        parse_facts('\n\n\n{"community": {"name" "x"}}', "f.yaml")
    assert info.value.problems[0].line == 4


def test_a_document_indented_as_a_whole_loads_with_its_lines():
    facts = parse_facts("  community:\n    name: Acme\n  size:\n    members: 30\n")
    assert facts.flat()["size.members"] == 30
    assert _problem("\n  community:\n    name: x\n    typo: 1\n") == (4, "community.typo")


def test_an_impossible_waiver_date_names_its_line_and_path():
    text = LEADING + "community:\n  name: x\nwaivers:\n  - rule: SA101\n    reason: ok\n    expires: 2024-13-45\n"
    assert _problem(text) == (10, "waivers.0.expires")


def test_a_ruleset_error_names_its_own_line_after_comments(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(LEADING + HEADER + rule(when="size.membrs > 150"), encoding="utf-8")
    (p,) = [p for p in lint([path], builtin=False) if p.code == "unknown-fact"]
    assert p.line == LEADING.count("\n") + 3 + 6


@pytest.mark.parametrize("text", ["size.members < 0 - 1", "size.members >= -(2)", "size.members > 3 - 10",
                                  "size.members == 2 * -1"])
def test_a_constant_expression_below_zero_is_no_number_of_a_count(text):
    with pytest.raises(ExpressionTypeError, match="never negative"):
        check(parse(text))


@pytest.mark.parametrize("text", ["size.members > 1e308 * 10", "size.members > 1e308 + 1e308",
                                  "size.members + 1e308 * 10 > 1"])
def test_numbers_that_overflow_a_double_are_refused_before_durable(text):
    with pytest.raises(ExpressionTypeError, match="more than a double"):
        check(parse(text))


def test_an_integer_no_double_holds_is_refused():
    with pytest.raises(ExpressionSyntaxError, match="out of range"):
        parse("size.members > 1" + "0" * 400)


def test_lint_on_a_folder_without_rulesets_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a ruleset", encoding="utf-8")
    with pytest.raises(RulesetErrors, match="no ruleset file"):
        lint([tmp_path])


def test_lint_on_an_empty_folder_exits_2(tmp_path):
    from click.testing import CliRunner
    from shequn.cli.main import cli
    result = CliRunner().invoke(cli, ["rules", "lint", str(tmp_path)])
    assert result.exit_code == 2 and "no ruleset file" in result.output


def test_lint_checks_the_placeholders_of_the_chinese_message(tmp_path):
    zh = '    zh:\n      message: "{size.membrs}人"\n'
    problems = lint([write(tmp_path, rule(extra=zh))], builtin=False)
    (p,) = [p for p in problems if p.code == "unknown-fact"]
    assert "zh.message" in p.message and "size.membrs" in p.message


# --- what lint accepts, the engine accepts (durable/program.py's measured limits) ----------------

def _pairs(n):
    return " and ".join(f"(size.members > {i} or governance.admins > {i})" for i in range(n))


def test_lint_refuses_a_condition_durable_cannot_compile_with_its_rule_and_line(tmp_path):
    path = write(tmp_path, rule(when=_pairs(13), examples=False))
    (p,) = [p for p in lint([path], examples=False, builtin=False) if p.code == "limit"]
    assert p.rule == "MY001" and p.line == 4 and "4096 alternatives" in p.message


def test_the_engine_refuses_it_as_a_rule_error_not_an_internal_error(tmp_path):
    from shequn import Engine
    from shequn.errors import RuleLimitError
    path = write(tmp_path, rule(when=_pairs(13), examples=False))
    with pytest.raises(RuleLimitError, match="MY001"):
        Engine([path], builtin=False)


def test_a_condition_within_the_limit_compiles_and_evaluates(tmp_path):
    from shequn import Engine
    path = write(tmp_path, rule(when=_pairs(12), examples=False))
    assert not [p for p in lint([path], examples=False, builtin=False) if p.code == "limit"]
    report = Engine([path], builtin=False).evaluate({"community": {"name": "x"}, "size": {"members": 50},
                                                     "governance": {"admins": 1}})
    assert report.community.name == "x"


def test_too_many_essentials_of_one_stage_are_refused_by_lint(tmp_path):
    body = "".join(rule(rid=f"MY{i:03d}", when=f"size.members > {i}", examples=False,
                        extra="    stage: 1\n    gate: true\n").replace("kind: practice", "kind: stage")
                   for i in range(13))
    problems = [p for p in lint([write(tmp_path, body)], examples=False, builtin=False) if p.code == "limit"]
    assert problems and "stage 1 has 13 essentials" in problems[0].message


def _in_list(n):
    return "size.members in [" + ", ".join(str(i) for i in range(n)) + "]"


@pytest.mark.parametrize("applies", [None, "governance.admins < 5"])
def test_an_in_list_wider_than_durable_compiles_is_cut_into_several_rules(tmp_path, applies):
    from shequn import Engine
    extra = f"    applies: {applies}\n" if applies else ""
    path = write(tmp_path, rule(when=_in_list(800), examples=False, extra=extra))
    assert not [p for p in lint([path], examples=False, builtin=False) if p.severity == "error"]
    engine = Engine([path], builtin=False)
    for members, violated in ((0, True), (499, True), (500, True), (799, True), (800, False), (5000, False)):
        report = engine.evaluate({"community": {"name": "x"}, "size": {"members": members}, "governance": {"admins": 1}})
        assert ("MY001" in [f.rule for f in report.findings]) is violated, members
        assert ("MY001" in report.passed) is not violated, members


def test_an_in_list_durable_would_hang_on_is_refused_where_it_cannot_be_cut(tmp_path):
    from shequn import Engine
    from shequn.errors import RuleLimitError
    when = f"({_in_list(501)} and governance.admins > 1) or governance.admins > 50"
    path = write(tmp_path, rule(when=when, examples=False))
    (p,) = [p for p in lint([path], examples=False, builtin=False) if p.code == "limit"]
    assert p.rule == "MY001" and "500 values" in p.message
    with pytest.raises(RuleLimitError, match="MY001"):
        Engine([path], builtin=False)


def test_an_in_list_within_the_limit_evaluates(tmp_path):
    from shequn import Engine
    path = write(tmp_path, rule(when=_in_list(500), examples=False))
    report = Engine([path], builtin=False).evaluate({"community": {"name": "x"}, "size": {"members": 499}})
    assert "MY001" in [f.rule for f in report.findings]


def test_rules_test_turns_a_durable_refusal_into_a_rule_error(tmp_path, monkeypatch):
    from shequn.durable import budget, probe
    from shequn.durable.matcher import MatcherError
    from shequn.errors import RuleLimitError
    from shequn.rules.ruleset import load_ruleset

    def refuse(definitions):
        raise MatcherError("durable_rules rejected the compiled rules: error code 113")
    monkeypatch.setattr(probe, "compiled", refuse)
    (loaded,) = load_ruleset(write(tmp_path, rule())).rules
    with pytest.raises(RuleLimitError, match="MY001"):
        probe.Probe().outcome(loaded, {"size": {"members": 200}})
    assert budget.compiled is not refuse


def test_more_rules_than_durable_holds_are_refused_by_lint_at_the_last_rule(tmp_path):
    # each rule compiles to at least one durable rule: 4,100 of them are past what durable holds
    # (in two files: one file of them would pass the YAML size limit first)
    paths = [write(tmp_path, "".join(rule(rid=f"MY{i:04d}", when=f"size.members > {i}", examples=False)
                                     for i in range(start, start + 2050)), name=f"part{start}.yaml",
                   header=f"name: part{start}\nversion: 1\nrules:\n")
             for start in (0, 2050)]
    problems = [p for p in lint(paths, examples=False, builtin=False) if p.code == "limit"]
    assert len(problems) == 1 and problems[0].rule == "MY4099" and problems[0].line > 1
    assert "4096 durable_rules can hold" in problems[0].message
