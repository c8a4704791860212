"""`shequn check --detail verdicts`: the verdicts stream on the command line (docs/commands.md)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import load_facts
from shequn.report.verdicts import Verdicts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p) for p in (ROOT / "facts" / "examples").glob("*.yaml"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_one_line_per_community_that_expands_to_its_report():
    import shequn

    got = run("check", *EXAMPLES[:4], "--format", "jsonl", "--detail", "verdicts")
    lines = got.output.splitlines()
    assert len(lines) == 4
    engine = shequn.Engine()
    for path, line in zip(EXAMPLES, lines):
        verdicts = Verdicts.model_validate_json(line)
        assert engine.report(verdicts).model_dump() == engine.evaluate(load_facts(path)).model_dump()


def test_the_exit_status_is_that_of_the_reports():
    for path in EXAMPLES:
        for fail_on in ("critical", "info", "never"):
            full = run("check", path, "--format", "json", "--fail-on", fail_on)
            short = run("check", path, "--format", "json", "--fail-on", fail_on, "--detail", "verdicts")
            assert short.exit_code == full.exit_code, (path, fail_on)


def test_a_bad_file_is_named_and_the_good_ones_kept(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: {name: x}\nsize: {members: many}\n", encoding="utf-8")
    got = CliRunner().invoke(cli, ["check", EXAMPLES[0], str(bad), "--format", "jsonl", "--detail", "verdicts"])
    assert got.exit_code == 2
    assert len(got.stdout.splitlines()) == 1 and "size.members" in got.stderr


def test_verdicts_need_a_json_format_and_no_report_options():
    assert "needs --format json or jsonl" in CliRunner().invoke(cli, ["check", EXAMPLES[0], "--detail", "verdicts"]).stderr
    got = CliRunner().invoke(cli, ["check", EXAMPLES[0], "--format", "jsonl", "--detail", "verdicts", "--explain"])
    assert got.exit_code == 2 and "--explain" in got.stderr


def test_jobs_give_the_same_stream_in_the_same_order(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: {name: x}\nsize: {members: -3}\n", encoding="utf-8")
    files = [*EXAMPLES[:3], str(bad), *EXAMPLES[3:6]]
    one = CliRunner().invoke(cli, ["check", *files, "--format", "jsonl", "--detail", "verdicts", "--fail-on", "never"])
    two = CliRunner().invoke(cli, ["check", *files, "--format", "jsonl", "--detail", "verdicts", "--fail-on", "never",
                                   "--jobs", "2"])
    assert one.exit_code == two.exit_code == 2                  # the bad file is named, the good ones reported
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 6
    assert "bad.yaml" in two.stderr
