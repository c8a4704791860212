"""The command line: every command registered whatever is imported first, exit codes by error class."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

CLI = pathlib.Path(__file__).resolve().parent.parent / "cli"
MODULES = sorted(p.stem for p in CLI.glob("*.py") if p.stem != "__init__")


@pytest.fixture()
def facts_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("community: {name: Acme}\nsize: {members: 30}\n")
    return str(path)


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("first", MODULES)
def test_diff_is_registered_whatever_module_is_imported_first(first):
    code = (f"import shequn.cli.{first}; from shequn.cli.main import cli; "
            "print('diff' in cli.commands, sorted(cli.commands['rules'].commands), sorted(cli.commands['facts'].commands))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("True ['coverage', 'docs', 'lint', 'list', 'show', 'test'] "
                           "['extract', 'init', 'questions', 'schema']")


def test_no_command_module_imports_the_main_module():
    for path in CLI.glob("*.py"):
        if path.name != "main.py":
            text = path.read_text(encoding="utf-8")
            assert "cli.main" not in text and "cli import main" not in text, path.name


def test_an_unexpected_exception_is_a_bug_exit_70_without_traceback(monkeypatch, facts_file):
    from shequn.diagnose.engine import Engine

    def broken(self, facts, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(Engine, "evaluate", broken)
    result = run("check", facts_file)
    assert result.exit_code == 70
    assert result.stderr == "shequn: internal error, please report it: RuntimeError: boom\n"
    assert "Traceback" not in result.stderr + result.output


def test_debug_prints_the_traceback(monkeypatch, facts_file):
    from shequn.diagnose.engine import Engine

    def broken(self, facts, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(Engine, "evaluate", broken)
    result = run("--debug", "check", facts_file)
    assert result.exit_code == 70
    assert "Traceback (most recent call last)" in result.stderr and "in broken" in result.stderr
    assert result.stderr.endswith("shequn: internal error, please report it: RuntimeError: boom\n")


def test_a_value_error_is_not_bad_input(monkeypatch, facts_file):
    """A stray ValueError is a bug, not a problem of the user's file: it must not be hidden as exit 2."""
    from shequn.diagnose.engine import Engine

    def broken(self, facts, **kwargs):
        raise ValueError("math domain error")
    monkeypatch.setattr(Engine, "evaluate", broken)
    result = run("check", facts_file)
    assert result.exit_code == 70 and "internal error" in result.stderr


def test_an_internal_error_of_the_library_is_a_bug(monkeypatch, facts_file):
    from shequn.diagnose.engine import Engine
    from shequn.durable.matcher import MatcherError

    def broken(self, facts, **kwargs):
        raise MatcherError("durable_rules rejected the facts: 3")
    monkeypatch.setattr(Engine, "evaluate", broken)
    result = run("check", facts_file)
    assert result.exit_code == 70 and "MatcherError" in result.stderr


def test_a_shequn_error_is_bad_input_one_line_per_problem(monkeypatch, facts_file):
    from shequn.diagnose.engine import Engine
    from shequn.errors import RuleError, RulesetErrors

    def broken(self, facts, **kwargs):
        raise RulesetErrors([RuleError("first"), RuleError("second")])
    monkeypatch.setattr(Engine, "evaluate", broken)
    result = run("check", facts_file)
    assert result.exit_code == 2
    assert result.stderr == "error: first\nerror: second\n"


def test_a_usage_error_exits_2():
    result = run("check", "--format", "pdf", "x.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_a_file_that_is_not_a_report_is_bad_input(tmp_path, facts_file):
    baseline = tmp_path / "old.json"
    baseline.write_text('{"not": "a report"}')
    result = run("check", facts_file, "--baseline", str(baseline))
    assert result.exit_code == 2 and "neither a shequn report nor a facts file" in result.stderr   # facts files are baselines too
    binary = tmp_path / "old2.json"
    binary.write_bytes(b'{"schema_version": "\xff\xfe"}')
    result = run("diff", str(binary), facts_file)
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_extract_keeps_the_exports_text_out_of_an_internal_error(monkeypatch, tmp_path):
    import shequn.facts.exports as exports
    from shequn.cli.extract import extract

    def broken(*args, **kwargs):
        raise KeyError("a member's message text")
    monkeypatch.setattr(exports, "extract_facts", broken)
    result = CliRunner().invoke(extract, [str(tmp_path / "x.csv")])
    assert result.exit_code == 70
    assert result.stderr == "shequn: internal error, please report it: KeyError\n"


def test_ctrl_c_exits_130_without_traceback(monkeypatch, facts_file):
    from shequn.diagnose.engine import Engine

    def interrupted(self, facts, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(Engine, "evaluate", interrupted)
    result = run("check", facts_file)
    assert result.exit_code == 130
    assert result.stderr == "shequn: interrupted\n"
    assert "Traceback" not in result.stderr + result.output


@pytest.mark.parametrize("args", [["check", "{facts}", "--format", "json", "-o", "{out}"],
                                  ["facts", "init", "-o", "{out}", "--force"]])
def test_a_failed_write_keeps_the_previous_file(monkeypatch, tmp_path, facts_file, args):
    import os

    out = tmp_path / "out.txt"
    out.write_text("the previous report\n", encoding="utf-8")
    real_replace = os.replace

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", disk_full)
    result = run(*[a.format(facts=facts_file, out=out) for a in args])
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr
    assert "the previous file is unchanged" in result.stderr
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

