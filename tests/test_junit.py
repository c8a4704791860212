"""`shequn check --format junit`: one suite per community, one case per applicable rule, valid JUnit XML."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

xmlschema = pytest.importorskip("xmlschema", reason="xmlschema (the test extra) validates the JUnit XML")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p) for p in (ROOT / "facts" / "examples").glob("*.yaml"))
SCHEMA = Path(__file__).parent / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def junit() -> str:
    result = CliRunner().invoke(cli, ["check", *EXAMPLES, "--format", "junit", "--fail-on", "never"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def reports():
    import shequn
    from shequn.facts.loader import load_facts
    engine = shequn.Engine()
    return [engine.evaluate(load_facts(p)) for p in EXAMPLES]


def test_valid_against_the_jenkins_junit_schema(junit):
    xmlschema.XMLSchema(str(SCHEMA)).validate(junit)


def test_the_schema_check_would_catch_a_bad_document(junit):
    """The validation above is not vacuous: a testsuite without its counts is refused."""
    bad = junit.replace(' failures="', ' failed="', 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xmlschema.XMLSchema(str(SCHEMA)).validate(bad)


def test_one_suite_per_community_one_case_per_applicable_rule(junit, reports):
    root = ET.fromstring(junit)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r.community.name for r in reports]
    for suite, report in zip(suites, reports):
        cases = suite.findall("testcase")
        rules = [c.get("name").split()[0] for c in cases]
        applicable = [f.rule for f in report.findings] + report.passed + [n.rule for n in report.not_evaluated]
        assert sorted(rules) == sorted(applicable)
        assert not set(rules) & set(report.not_applicable)         # not applicable: no test case at all
        assert int(suite.get("tests")) == len(cases)
        failed = [c for c in cases if c.find("failure") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert int(suite.get("failures")) == len(failed) == sum(f.status == "open" for f in report.findings)
        assert int(suite.get("skipped")) == len(skipped) == len(report.not_evaluated) + report.summary.waived
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_a_failure_carries_the_message_and_the_severity(junit, reports):
    report = next(r for r in reports if any(f.status == "open" for f in r.findings))
    f = next(f for f in report.findings if f.status == "open")
    suite = next(s for s in ET.fromstring(junit).findall("testsuite") if s.get("name") == report.community.name)
    case = next(c for c in suite.findall("testcase") if c.get("name").startswith(f.rule + " "))
    failure = case.find("failure")
    assert failure.get("type") == f.severity
    assert failure.get("message") == f.message
    assert f"shequn rules show {f.rule}" in failure.text
    assert case.get("name") == f"{f.rule} {f.title}"


def test_a_rule_not_evaluated_is_skipped_with_the_facts_to_collect(junit, reports):
    report = next(r for r in reports if r.not_evaluated)
    n = report.not_evaluated[0]
    suite = next(s for s in ET.fromstring(junit).findall("testsuite") if s.get("name") == report.community.name)
    case = next(c for c in suite.findall("testcase") if c.get("name").split()[0] == n.rule)
    skipped = case.find("skipped")
    assert skipped is not None and all(fact in skipped.get("message") for fact in n.missing)
    assert len(case.get("name")) > len(n.rule)                     # named with the rule's title, not just the id


def test_a_passed_rule_is_an_empty_case(junit, reports):
    report = next(r for r in reports if r.passed)
    suite = next(s for s in ET.fromstring(junit).findall("testsuite") if s.get("name") == report.community.name)
    case = next(c for c in suite.findall("testcase") if c.get("name").split()[0] == report.passed[0])
    assert list(case) == []


def test_hostile_text_is_escaped(tmp_path):
    (tmp_path / "x.yaml").write_text('community: {name: "<b>&\\"x\\"</b>"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "x.yaml"), "--format", "junit"], catch_exceptions=False)
    root = ET.fromstring(result.stdout)
    assert root.find("testsuite").get("name") == '<b>&"x"</b>'
