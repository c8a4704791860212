"""The portfolio: one overview across many communities (HTML and Markdown)."""
from __future__ import annotations


from support import Page, assert_self_contained, facts, healthier, hostile

from shequn.report.portfolio import portfolio_summary, render_html, render_markdown


def _reports(rengine):
    return [rengine.evaluate(d) for d in (facts("Sick group"), healthier("Healthy group"), hostile())]


def test_summary(rengine):
    reports = _reports(rengine)
    s = portfolio_summary(reports)
    assert s["communities"] == 3
    assert [r["community"] for r in s["rows"]] == ["Sick group", "Healthy group", reports[2].community.name]
    assert [r["anchor"] for r in s["rows"]] == ["c1", "c2", "c3"]
    assert s["rows"][0]["scores"]["governance"] == reports[0].scores["governance"]
    mines = {m["minefield"]: m["communities"] for m in s["common_minefields"]}
    assert mines == {2: ["c1", "c3"], 1: ["c1"]}                           # the hostile group has a statement
    assert [m["minefield"] for m in s["common_minefields"]] == [2, 1]          # most common first
    top = s["common_findings"][0]
    assert top["rule"] == "RPT002" and top["communities"] == ["c1", "c2", "c3"]
    scored = [r.summary.score for r in reports]
    assert s["average"]["score"] == round(sum(scored) / 3)
    assert sum(s["stages"].values()) == 3


def test_html_matrix_one_row_per_community(rengine):
    reports = _reports(rengine)
    html = render_html(reports)
    page = Page(html)
    assert_self_contained(html)
    assert page.find("table", class_="matrix")
    rows = page.find("tr", class_="community-row")
    assert len(rows) == 3
    dims = [a["data-dimension"] for t, a in page.tags if t == "th" and "data-dimension" in a]
    assert dims == list(reports[0].scores)
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#c")]
    assert {"#c1", "#c2", "#c3"} <= set(links)
    assert {"c1", "c2", "c3", "overview"} <= page.ids                     # each community's section
    assert page.find("table", class_="common-minefields") and page.find("table", class_="common-findings")
    assert "<script>" not in html and page.scripts == 0
    assert html.count('class="community"') == 3


def test_markdown_matrix(rengine):
    reports = _reports(rengine)
    text = render_markdown(reports)
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert len(rows) == 3
    assert rows[0].startswith("| [Sick group](#c1) |")
    assert '<a id="c2"></a>' in text and "## Healthy group" in text
    assert "## Most common minefields" in text and "**Minefield 2** — 2/3" in text
    assert "<script>" not in text


def test_chinese(rengine):
    html = render_html(_reports(rengine), lang="zh")
    text = Page(html).all_text
    assert "社群矩阵总览" in text and "各社群各维度得分" in text and "最常见的雷区" in text
