"""Every renderer over reports with hostile text in every field (fuzzed with Hypothesis).

HTML and Markdown: no markup comes out that the template did not write (the Markdown is
rendered by a CommonMark parser and its HTML checked); a backtick never closes a code span
early. Terminal text (text, concise, diff, -o text files): no ESC, BEL, C1 control or bidi
override. Reports read back from disk are validated, with a located error.
"""
from __future__ import annotations

import io
import json
import pathlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt
from rich.console import Console

from shequn.cli.check import concise_lines
from shequn.cli.main import cli
from shequn.report import diff, html, markdown, portfolio, text
from shequn.report.escape import code_span, terminal
from shequn.report.model import Report

import support

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden" / "cosmetics-brand-matrix.json"
BASE = json.loads(GOLDEN.read_text(encoding="utf-8"))

ESC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
HOSTILE = [ESC_TITLE + CLEAR + "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "a`b``c` <b>x</b>",
           "`<script>`", "\u202eevil\u202c \x9b31m", "[x](javascript:alert(1)) | ~~ *_", "1. # > - <!-- x -->"]
NOT_STRINGS = {"schema_version"}

# what a terminal must never receive from a value: C0 but tab and newline, DEL, C1, bidi controls
FORBIDDEN_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OUR_TAGS = {"a", "details", "summary", "p", "ul", "ol", "li", "strong", "em", "code", "h1", "h2", "h3", "h4", "h5",
            "table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr", "br", "pre", "input", "del", "s"}


def plant(value: Any, hostile: str, key: str = "") -> Any:
    """The report with every string (and every key of a free-form mapping) replaced by hostile text."""
    if isinstance(value, str):
        return value if key in NOT_STRINGS else hostile + value[:0]
    if isinstance(value, dict):
        free = key in ("evidence", "scores", "coverage", "waiver")
        return {(hostile + k if free else k): plant(v, hostile, k) for k, v in value.items()}
    if isinstance(value, list):
        return [plant(v, hostile, key) for v in value]
    return value


def hostile_report(hostile: str) -> Report:
    data = plant(BASE, hostile)
    data["problems"] = [hostile]
    data["discrepancies"] = [{"fact": hostile, "written": hostile, "measured": hostile}]
    return Report.model_validate(data)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def assert_markdown_safe(page: str) -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(page)
    for tag, attrs in tags_of(rendered):
        assert tag in OUR_TAGS, (tag, page)
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
        assert not any((v or "").lower().startswith("javascript:") for _, v in attrs), attrs
    assert FORBIDDEN_TERMINAL.search(page) is None


def assert_html_safe(page: str) -> None:
    for tag, attrs in tags_of(page):
        assert tag not in ("script", "img", "iframe", "object", "embed"), tag      # the templates write none
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)


def assert_terminal_safe(out: str) -> None:
    assert FORBIDDEN_TERMINAL.search(out) is None, repr(FORBIDDEN_TERMINAL.search(out))


def text_of(report: Report, lang: str) -> str:
    buf = io.StringIO()
    text.render(report, Console(file=buf, width=100, force_terminal=True, color_system="truecolor"), lang=lang)
    return re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())       # rich's own colours are fine


def check_every_renderer(report: Report, langs: tuple[str, ...] = ("en", "zh"), both_ways: bool = True) -> None:
    base = Report.model_validate(BASE)
    for lang in langs:
        assert_markdown_safe(markdown.render(report, lang=lang, generated="2026-01-01"))
        assert_markdown_safe(portfolio.render_markdown([report, base], lang=lang, generated="2026-01-01"))
        assert_html_safe(html.render(report, lang=lang, generated="2026-01-01"))
        assert_html_safe(portfolio.render_html([report, base], lang=lang, generated="2026-01-01"))
        assert_terminal_safe(text_of(report, lang))
        for old, new in ((base, report), (report, base), (report, report)) if both_ways else ((base, report),):
            d = diff.compare(old, new)
            assert_markdown_safe(diff.render_markdown(d, lang=lang, generated="2026-01-01"))
            assert_html_safe(diff.render_html(d, lang=lang, generated="2026-01-01"))
            assert_terminal_safe(diff.render_text(d, lang=lang))
    assert_terminal_safe(concise_lines("f.yaml", report))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_renderer_escapes_hostile_text_in_every_field(hostile):
    check_every_renderer(hostile_report(hostile), both_ways=hostile == HOSTILE[0])


HOSTILE_TEXT = st.text(alphabet=st.sampled_from(list("<>&\"'`*_[]()|#!~-=+.1 \n\t\\\x1b\x07\x9b\u202e\u2066aé社")),
                       min_size=1, max_size=30)


@settings(deadline=None, max_examples=support.examples(10))
@given(HOSTILE_TEXT, st.sampled_from(["en", "zh"]))
def test_fuzz_every_renderer(hostile, lang):
    check_every_renderer(hostile_report(hostile), (lang,), both_ways=False)


@settings(deadline=None, max_examples=support.examples(200))
@given(st.text(max_size=40))
def test_a_code_span_holds_any_text(value):
    span = code_span(value)
    rendered = MarkdownIt("commonmark").render(span).strip()
    assert rendered.startswith("<p><code>") and rendered.endswith("</code></p>") and rendered.count("<code>") == 1


def test_terminal_escapes_are_visible():
    assert terminal(ESC_TITLE + CLEAR) == "\\x1b]0;pwned\\x07\\x1b[2J"
    assert terminal("a\tb\nc\u202ed") == "a\tb\nc\\u202ed"


def test_diff_markdown_of_a_hostile_report_on_the_command_line(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(GOLDEN.read_text(encoding="utf-8"), encoding="utf-8")
    new.write_text(hostile_report(HOSTILE[0] + HOSTILE[1]).model_dump_json(), encoding="utf-8")
    for fmt in ("markdown", "text"):
        result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", fmt])
        assert result.exit_code in (0, 1), result.output
        assert_terminal_safe(result.output)
        if fmt == "markdown":
            assert_markdown_safe(result.output)
            assert "\\<script\\>" in result.output          # shown as text, escaped


def test_a_text_report_written_with_o_holds_no_escape_sequence(tmp_path, ruleset_path):
    facts = tmp_path / "f.yaml"
    facts.write_text('community:\n  name: "\\e]0;pwned\\a\\e[2J Acme"\n', encoding="utf-8")
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(cli, ["check", str(facts), "-o", str(out), "--fail-on", "never"])
    written = out.read_text(encoding="utf-8") if out.exists() else ""
    assert "\x1b" not in result.output + written and "\x07" not in result.output + written


def test_an_error_naming_a_hostile_fact_key_is_escaped(tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text('community:\n  name: Acme\n  "\\e]0;pwned\\a\\e[2J": 1\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(facts)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\\x1b" in result.output


def test_a_report_read_back_is_validated_with_a_located_error(tmp_path):
    bad = dict(BASE)
    bad["findings"] = [dict(BASE["findings"][0], severity=5)] if BASE["findings"] else [{"rule": 1}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    other = tmp_path / "old.json"
    other.write_text(GOLDEN.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(other), str(path)])
    assert result.exit_code == 2
    assert f"{path}: findings.0." in result.output and "not a valid shequn report" in result.output


def test_a_hostile_source_document_key_and_a_fenced_rule_body_stay_text_in_the_generated_pages(tmp_path):
    import copy

    from shequn.authoring.coverage import coverage_map, render_markdown, ruleset_markdown
    from shequn.rules.ruleset import load_ruleset

    path = tmp_path / "mine.yaml"
    hostile = re.sub(r"note: nine-minefields.*", 'note: "``` <script>x</script> ```"', support.RULESET, count=1)
    assert hostile != support.RULESET
    path.write_text(hostile, encoding="utf-8")
    ruleset = load_ruleset(path)
    page = ruleset_markdown(ruleset)
    assert_markdown_safe(page)
    data = copy.deepcopy(coverage_map([r for r in ruleset.rules]))
    for d in data["documents"]:
        d["key"] = '<img src=x onerror="alert(1)">`' + d["key"]
        d["author"] = "<script>alert(1)</script>"
    assert_markdown_safe(render_markdown(data))


def test_rules_list_prints_a_title_as_text_not_as_markup(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(support.RULESET.replace("title: No positioning statement", "title: \"[bold red]No[/bold red] <b>\"", 1),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "list", "--ruleset", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold red]No[/bold red] <b>" in result.output
    shown = CliRunner().invoke(cli, ["rules", "show", "RPT001", "--ruleset", str(path)])
    assert "[bold red]No[/bold red] <b>" in shown.output
