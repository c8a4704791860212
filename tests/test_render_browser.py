"""The HTML report and portfolio in a real browser (headless Chromium): a phone never scrolls sideways,
the portfolio prints on a few A4 pages with its score table whole, a report is a few screens tall.

Skipped, with the reason, where Playwright's Python package or a Chromium is missing (CI installs both).
SHEQUN_CHROMIUM names the browser when it is not at /usr/bin/chromium.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from shequn.cli.check import render_document

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "facts" / "examples").glob("*.yaml"))
CHROMIUM = os.environ.get("SHEQUN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
A4_CONTENT_PX = 680          # 210 mm less the margins, at 96 px per inch: the width a printed page lays out in


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set SHEQUN_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
            pytest.skip(f"Chromium does not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The report of the example with the most findings, and the portfolio of all examples, as files."""
    import shequn
    from shequn.facts.loader import load_facts

    engine = shequn.Engine()
    reports = [engine.evaluate(load_facts(p)) for p in EXAMPLES]
    folder = tmp_path_factory.mktemp("html")
    longest = max(reports, key=lambda r: len(r.findings))
    out = {"report": folder / "report.html", "portfolio": folder / "portfolio.html"}
    out["report"].write_text(render_document([longest], "html"), encoding="utf-8")
    out["portfolio"].write_text(render_document(reports, "html", portfolio=True), encoding="utf-8")
    return out


def _open(browser, path: Path, width: int, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(path.as_uri())
    return page


@pytest.mark.parametrize("which", ["report", "portfolio"])
def test_a_phone_never_scrolls_sideways(browser, pages, which):
    page = _open(browser, pages[which], 390)
    try:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        # opened by the reader, the folded parts fit too
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        track = page.locator("ol.track").first.bounding_box()
        assert track["x"] >= 0 and track["x"] + track["width"] <= 390
    finally:
        page.close()


def test_the_chart_is_legible_on_a_phone(browser, pages):
    page = _open(browser, pages["report"], 390)
    try:
        sizes = page.evaluate("""[...document.querySelectorAll('svg.chart text')].filter(t => !t.classList.contains('axis'))
                                 .map(t => t.getBoundingClientRect().height)""")
        assert sizes and min(sizes) >= 10                      # at least 10 px tall on the screen
        labels = page.evaluate("""[...document.querySelectorAll('svg.chart text[text-anchor=end]')]
                                  .map(t => t.getBoundingClientRect().left)""")
        chart = page.locator("svg.chart").bounding_box()
        assert min(labels) >= chart["x"] - 0.5                 # no area name cut at the chart's left edge
    finally:
        page.close()


def test_a_report_is_a_few_screens_with_the_details_closed(browser, pages):
    page = _open(browser, pages["report"], 1280)
    try:
        height = page.evaluate("document.scrollingElement.scrollHeight")
        closed = page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
        assert closed and height <= 8 * 900, f"{height} px at 1280 px wide"
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate("document.scrollingElement.scrollHeight") > height   # there was something folded
    finally:
        page.close()


def test_the_portfolio_prints_on_a_few_a4_pages_with_the_table_whole(browser, pages):
    page = _open(browser, pages["portfolio"], A4_CONTENT_PX, 1000)
    try:
        page.emulate_media(media="print")
        tables = page.evaluate("""[...document.querySelectorAll('table')].filter(t => t.checkVisibility())
                                  .map(t => [t.className, t.scrollWidth, t.clientWidth, t.parentElement.clientWidth,
                                             getComputedStyle(t.parentElement).overflowX])""")
        assert any(t[0] == "matrix" for t in tables)
        for name, scroll, client, room, overflow in tables:
            assert scroll <= client <= room, f"table {name} is cut: {scroll} px in {room} px"
            assert overflow == "visible", f"table {name} prints with a scrollbar"
        pdf = page.pdf(format="A4")
        count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= count <= 3 + len(EXAMPLES) // 4, f"{count} pages for {len(EXAMPLES)} communities"
    finally:
        page.close()


def test_a_printed_report_opens_its_folded_parts(browser, pages):
    page = _open(browser, pages["report"], A4_CONTENT_PX, 1000)
    try:
        page.emulate_media(media="print")
        quote = page.locator("details.more blockquote").first
        assert quote.bounding_box() and quote.bounding_box()["height"] > 0
        later = page.locator("details.more-findings article.finding").first
        assert later.bounding_box() and later.bounding_box()["height"] > 0
        page.emulate_media(media="screen")
        assert not page.locator("details.more blockquote").first.is_visible()
    finally:
        page.close()
