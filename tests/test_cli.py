"""The command line: exit codes, messages on stderr, formats."""
import json
import pathlib

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

MINI = str(pathlib.Path(__file__).parent / "data" / "mini.yaml")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture()
def sick(tmp_path):
    path = tmp_path / "sick.yaml"
    path.write_text("community: {name: Sick group, platform: wechat}\nsize: {members: 300}\ngovernance: {admins: 1}\n")
    return str(path)


@pytest.fixture()
def healthy(tmp_path):
    path = tmp_path / "healthy.yaml"
    path.write_text("community: {name: Fine}\nsize: {members: 30}\ngovernance: {admins: 2, group_rules: yes}\n")
    return str(path)


def mini(*args):
    return run(*args, "--ruleset", MINI, "--select", "MINI")


def test_check_text(sick):
    result = mini("check", sick, "--fail-on", "warning")
    assert result.exit_code == 1
    assert "Sick group" in result.output and "MINI001" in result.output
    assert "300 members and 1 admins" in result.output
    assert "Appoint more admins" in result.output


def test_fail_on_levels(sick):
    assert mini("check", sick).exit_code == 0                 # default critical: only a warning is open
    assert mini("check", sick, "--fail-on", "warning").exit_code == 1
    assert mini("check", sick, "--fail-on", "never").exit_code == 0


def test_check_json_contract(sick):
    result = mini("check", sick, "--format", "json")
    data = json.loads(result.output)
    assert set(data) >= {"schema_version", "community", "engine", "summary", "scores", "stage", "findings", "actions",
                         "not_evaluated"}
    assert set(data["summary"]) >= {"score", "critical", "warning", "info", "not_evaluated"}
    assert set(data["stage"]) >= {"current", "name", "declared", "completed", "blockers"}
    finding = data["findings"][0]
    assert set(finding) >= {"rule", "title", "kind", "minefield", "severity", "dimension", "message", "evidence", "advice",
                            "sources"}
    assert finding["evidence"] == {"size.members": 300, "governance.admins": 1}


def test_check_many_files_json_is_a_list(sick, healthy):
    data = json.loads(mini("check", sick, healthy, "--format", "json").output)
    assert [d["community"]["name"] for d in data] == ["Sick group", "Fine"]


def test_output_file(sick, tmp_path):
    out = tmp_path / "r.json"
    result = mini("check", sick, "--format", "json", "-o", str(out))
    assert result.output == ""
    assert json.loads(out.read_text())["community"]["name"] == "Sick group"


@pytest.mark.parametrize("content, fragment", [
    ("", "empty file"),
    ("[1, 2]", "top level must be a mapping"),
    ("community: {name: A}\nsize: {member: 3}", "did you mean size.members?"),
    ("community: {name: A}\nsize: {members: 3, active_members_7d: 9}", "more than size.members"),
    ("community: {name: A", "invalid YAML"),
    ("community: {name: A}\nsize: {members: yes}", "size.members: expected whole number"),
])
def test_bad_facts_exit_2_with_one_message_each(tmp_path, content, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    result = run("check", str(path))
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr + result.output
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())


def test_missing_file_and_directory(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = run("check", str(tmp_path))
    assert result.exit_code == 2 and "no facts files" in result.stderr


def test_good_files_are_still_reported_when_one_is_bad(sick, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nope: 1")
    result = mini("check", sick, str(bad), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)[0]["community"]["name"] == "Sick group"
    assert "unknown section" in result.stderr


def test_hostile_name_is_printed_as_text(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text('community: {name: "[bold red]<script>alert(1)</script>[/]"}\n')
    result = run("check", str(path), "--fail-on", "never")
    assert result.exit_code == 0
    assert "[bold red]<script>alert(1)</script>[/]" in result.output


def test_bad_ruleset_exit_2(tmp_path, sick):
    path = tmp_path / "r.yaml"
    path.write_text("name: r\nversion: 1\nrules:\n  - id: R001\n    when: size.member > 1\n")
    result = run("check", sick, "--ruleset", str(path))
    assert result.exit_code == 2
    assert "missing field 'title'" in result.stderr
    assert "unknown fact 'size.member'" in result.stderr and f"{path}:5:11" in result.stderr


def test_usage_errors_exit_2(sick):
    assert run("check").exit_code == 2
    assert run("check", sick, "--format", "pdf").exit_code == 2
    assert run("check", sick, "--fail-on", "sometimes").exit_code == 2


def test_rules_list_and_show():
    result = run("rules", "list", "--format", "json")
    rules = json.loads(result.output)
    assert rules and {"id", "title", "kind", "severity", "dimension", "when", "sources", "examples"} <= set(rules[0])
    minefields = json.loads(run("rules", "list", "--format", "json", "--kind", "minefield").output)
    assert minefields and all(r["kind"] == "minefield" for r in minefields)
    first = rules[0]["id"]
    page = run("rules", "show", first)
    assert page.exit_code == 0
    for section in ("What it checks", "Why", "What to do", "Condition", "Example that triggers it"):
        assert section in page.output
    assert rules[0]["sources"][0]["quote"] in page.output


def test_rules_show_unknown_suggests():
    result = run("rules", "show", "NM10")
    assert result.exit_code == 2 and "unknown rule" in result.stderr


def test_facts_schema():
    schema = json.loads(run("facts", "schema").output)
    assert schema["title"] == "Facts" and "community" in schema["properties"]


EXPORTS = pathlib.Path(__file__).resolve().parent.parent / "facts" / "examples" / "exports"


def test_check_an_export_alone():
    result = run("check", str(EXPORTS / "telegram_result.json"), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.output)
    assert report["community"]["platform"] == "telegram"
    assert report["discrepancies"] == []


def test_check_with_export_keeps_written_facts_and_shows_differences(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("community: {name: Mine, platform: wechat, groups: 5}\nsize: {members: 500}\n")
    result = run("check", str(path), "--export", str(EXPORTS / "wechat_group.csv"), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.output)
    assert report["community"]["name"] == "Mine" and report["community"]["members"] == 500
    assert {"fact": "community.groups", "written": 5, "measured": 1} in report["discrepancies"]
    # measured facts fill what the file leaves out
    missing = {m for n in report["not_evaluated"] for m in n["missing"]}
    assert "engagement.official_voice_share" not in missing and "engagement.member_to_member_share" not in missing


def test_check_with_a_bad_export_exits_2(tmp_path, sick):
    bad = tmp_path / "x.csv"
    bad.write_text("just,some,columns\n1,2,3\n")
    result = run("check", sick, "--export", str(bad))
    assert result.exit_code == 2 and "not a known export" in result.stderr


def test_check_explain(sick):
    result = mini("check", sick, "--explain", "--format", "json")
    data = json.loads(result.output)
    explanation = data["explanations"]["MINI001"]
    assert explanation["outcome"] == "violated"
    assert "size.members > 150" in json.dumps(explanation)
    text = mini("check", sick, "--explain").output
    assert "Why, part by part" in text and "MINI001: violated" in text
