"""The portfolio: one overview across many communities (HTML and Markdown)."""
from __future__ import annotations


from support import Page, assert_self_contained, facts, healthier, hostile, uncertain

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
    assert s["rows"][0]["first_action"] == {"rule": "RPT001", "title": "No positioning statement"}
    assert s["rows"][1]["first_action"] == {"rule": reports[1].plan[0].rule, "title": reports[1].plan[0].title}
    assert s["rows"][0]["applies"]["scale"] is False and s["rows"][0]["applies"]["governance"] is True


def test_a_community_without_a_score_or_plan(rengine):
    reports = _reports(rengine)
    reports[0] = uncertain(reports[0]).model_copy(update={"plan": []})
    s = portfolio_summary(reports)
    assert s["rows"][0]["score"] is None and s["rows"][0]["first_action"] is None
    assert (s["rows"][0]["stage"], s["rows"][0]["stage_at_most"]) == (1, 3)
    assert s["average"]["score"] == round(sum(r.summary.score for r in reports[1:]) / 2)   # the unknown left out
    html = render_html(reports)
    row = html[html.index('class="community-row"'):]
    row = row[:row.index("</tr>")]
    assert 'title="not enough facts to score — 2 of 7 applicable rules judged">–</td>' in row
    assert "1–3</span>" in row and "unconfirmed" in row
    text = render_markdown(reports)
    line = [line for line in text.splitlines() if line.startswith("| [")][0]
    assert "| ⚪ – | 1–3 building (unconfirmed) | – |" in line


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
    assert "First thing to do" in page.all_text
    first = [a for t, a in page.tags if t == "td" and a.get("class") == "first-action"]
    assert len(first) == 3
    row = html[html.index('class="community-row"'):]
    assert "<code>RPT001</code> No positioning statement</td>" in row[:row.index("</tr>")]
    assert '<td class="score"></td>' in row[:row.index("</tr>")]            # scale: no rule of it applies


def test_markdown_matrix(rengine):
    reports = _reports(rengine)
    text = render_markdown(reports)
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert len(rows) == 3
    assert rows[0].startswith("| [Sick group](#c1) |")
    assert "| 1 building | `RPT001` No positioning statement |" in rows[0]
    assert "| First thing to do |" in text and "– not enough facts to score; blank: no rule of the area applies" in text
    assert '<a id="c2"></a>' in text and "## Healthy group" in text
    assert "## Most common minefields" in text and "**Minefield 2** — 2/3" in text
    assert "<script>" not in text


def test_chinese(rengine):
    html = render_html(_reports(rengine), lang="zh")
    text = Page(html).all_text
    assert "社群矩阵总览" in text and "各社群各维度得分" in text and "最常见的雷区" in text and "首要行动" in text
    assert "First thing to do" not in text and "This week" not in text and "本周要做" in text
