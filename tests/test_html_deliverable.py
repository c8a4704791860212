"""The client's HTML: plan and stage first, each finding a few lines with its long parts folded,
evidence in words (the dotted name a tooltip), a link to the rule's page, a print stylesheet, and a
portfolio that folds each community's report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
COSMETICS = "facts/examples/cosmetics-brand-matrix.yaml"


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def html_of(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", *args, "--format", "html", "--fail-on", "never"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def page() -> str:
    import os
    os.chdir(ROOT)
    return html_of(COSMETICS)


def cards(html: str) -> list[str]:
    return re.findall(r'<article class="finding .*?</article>', html, flags=re.S)


def test_the_page_leads_with_the_plan_and_the_stage_then_findings(page):
    order = [page.index(mark) for mark in ('id="report-plan"', 'class="card stage"', 'id="report-findings"',
                                            'class="card areas"')]
    assert order == sorted(order)


def test_a_finding_shows_title_message_and_first_advice_and_folds_the_rest(page):
    found = cards(page)
    assert len(found) >= 20
    nm102 = next(c for c in found if 'id="NM102"' in c)
    head, _, folded = nm102.partition('<details class="more">')
    assert "Confirm each joiner&#39;s intention" in head                      # the first advice stays in view
    assert "Stop filling groups with relatives" in folded                     # the second is folded
    assert "<blockquote>" in folded and "<blockquote>" not in head          # quotes folded
    assert '<table class="evidence"' in folded and "<table" not in head      # evidence folded
    assert all(c.count('<details class="more">') == 1 for c in found)


def test_evidence_names_facts_in_words_with_the_dotted_name_as_tooltip(page):
    nm102 = next(c for c in cards(page) if 'id="NM102"' in c)
    assert '<td title="traffic.intent_confirmed">joiners are screened for intention before they enter</td><td>no</td>' \
        in nm102
    assert '<td title="traffic.imprecise_share">share of new members from relatives, friends and general traffic</td>' \
        in nm102
    assert "<code" not in nm102.split('<table class="evidence"')[1].split("</table>")[0]


def test_every_finding_links_its_rule_page_and_names_the_command(page):
    for card in cards(page):
        rule = re.search(r'id="([A-Z]+\d+)"', card).group(1)
        href = re.search(r'<a class="badge rule" href="([^"]+)"', card).group(1)
        assert f"<code>shequn rules show {rule}</code>" in card
        path, _, fragment = href.partition("#")
        assert path.startswith("docs/rules/") and fragment == rule.lower()
        doc = (ROOT / path).read_text(encoding="utf-8")                        # the page `rules docs` wrote
        assert f'<a id="{fragment}"></a>' in doc and f"## {rule}" in doc


def test_rule_pages_base_is_configurable_and_can_be_turned_off(tmp_path):
    linked = html_of(COSMETICS, "--rule-pages", "https://example.org/shequn/rules")
    assert 'href="https://example.org/shequn/rules/nine-minefields.md#nm102"' in linked
    plain = html_of(COSMETICS, "--rule-pages", "")
    assert '<a class="badge rule"' not in plain and "<code>shequn rules show NM102</code>" in plain
    (tmp_path / "shequn.yaml").write_text("rule_pages: https://rules.example/\n", encoding="utf-8")
    from shequn.project import default_map
    assert default_map(tmp_path)["check"]["rule_pages"] == "https://rules.example/"


def test_a_teams_own_rule_names_its_command_without_a_link(rengine):
    from support import facts
    from shequn.report.html import render
    html = render(rengine.evaluate(facts()), generated="2024-06-01")
    rpt = next(c for c in cards(html) if 'id="RPT001"' in c)
    assert '<span class="badge rule" title="shequn rules show RPT001">RPT001</span>' in rpt
    assert "href" not in rpt and "<code>shequn rules show RPT001</code>" in rpt


def test_print_stylesheet(page):
    style = page[page.index("<style>"):page.index("</style>")]
    printing = style[style.index("@media print"):]
    assert re.search(r"@page \{ size: A4; margin: \d+mm \d+mm; \}", printing)
    assert "break-before: page" not in style and "page-break-before: always" not in style   # no forced breaks
    assert re.search(r"\.finding[^{]*\{[^}]*break-inside: avoid", printing)
    assert "details.more::details-content { content-visibility: visible" in printing          # folded parts print
    assert ".scroll { overflow: visible; }" in printing                                    # the table prints whole


def test_portfolio_folds_each_communitys_report():
    html = html_of("facts/examples/")
    sections = re.findall(r'<details class="community-more" id="(c\d+)-more">\s*<summary>(.*?)</summary>', html, re.S)
    assert len(sections) == len(list((ROOT / "facts/examples").glob("*.yaml")))
    assert '<details class="community-more" id="c1-more" open' not in html
    assert "Health 81" in sections[0][1] and "0 critical" in sections[0][1]
    assert 'href="#c1"' in html and 'id="c1"' in html
