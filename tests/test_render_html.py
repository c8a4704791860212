"""The self-contained HTML report: structure, no external resource, escaping, languages."""
from __future__ import annotations

import datetime as dt

from support import HOSTILE, Page, assert_self_contained, facts, hostile

from shequn.report.html import render


def _page(rengine, data=None, lang="en"):
    report = rengine.evaluate(data or facts())
    if lang != "en":
        from shequn.report.i18n import translate_for
        report = translate_for(report, lang, rengine)
    html = render(report, lang=lang, generated=dt.date(2024, 6, 1))
    return report, html, Page(html)


def test_page_has_every_part(rengine):
    report, html, page = _page(rengine)
    assert html.startswith("<!DOCTYPE html>")
    text = page.all_text
    assert "Book club" in text and "2024-06-01" in text                       # community and date
    assert str(report.summary.score) in text
    gauges = page.having_class("gauge")
    assert gauges, "an overall score gauge"
    chart = [a for t, a in page.tags if t == "svg" and "chart" in (a.get("class") or "")]
    assert len(chart) == 1
    bars = [a for t, a in page.tags if t == "rect" and (a.get("class") or "").startswith("g-")]
    assert len(bars) == sum(1 for v in report.scores.values() if v is not None)
    steps = page.find("ol", class_="track")
    assert steps
    assert len([1 for t, a in page.tags if t == "li" and a.get("class") in ("done", "current", "todo")]) == 5
    assert page.find("li", **{"aria-current": "step"})
    assert "RPT005" in text and "Blocking the stage" in text                 # blockers
    for sev in ("critical", "warning"):
        assert page.find("section", class_=sev), f"findings group {sev}"
    cards = page.having_class("finding")
    assert {a["id"] for _, a in cards} >= {"RPT001", "RPT002", "RPT003", "RPT005"}
    assert "The positioning is blank." in text and "Write a one-line positioning." in text   # message, advice
    assert "positioning.statement" in text                                 # evidence
    assert "avoiding failure in community marketing: the nine mines" in text and "Leon, PR Home" in text
    assert page.find("blockquote")
    assert len(page.find("input", type="checkbox")) == len(report.actions) >= 2   # actions as a checklist
    assert "report-questions" in page.ids and page.find("table", class_="questions")
    assert "report-waived" in page.ids and "quiet by design <b>ok</b> | fine" in text
    assert "report-disagreements" in page.ids and "six-aspects 3 praises it" in text
    assert_self_contained(html)


def test_hostile_strings_are_text(rengine):
    _, html, page = _page(rengine, hostile())
    assert "<script>" not in html and page.scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in page.all_text                                        # shown as written
    assert "`code` | pipe <script>alert(2)</script> **bold** # h" in page.all_text
    assert not [a for t, a in page.tags if t == "a" and "evil" in (a.get("href") or "")]
    assert_self_contained(html)


def test_print_css_and_no_external_fonts(rengine):
    _, html, page = _page(rengine)
    assert "@media print" in page.style
    assert "@font-face" not in page.style


def test_chinese_headings_and_rule_text(rengine):
    _, html, page = _page(rengine, lang="zh")
    text = page.all_text
    assert 'lang="zh-Hans"' in html
    for heading in ("诊断发现", "各维度健康度", "仍需收集的事实", "已豁免的问题", "文献之间的分歧", "严重", "警告"):
        assert heading in text, heading
    assert "Findings" not in text and "Health by area" not in text
    assert "定位不清" in text and "写一句话定位。" in text                   # the rule's zh text
    assert "Strict enforcement" in text                                    # no zh: English


def test_a_healthy_report_says_so(rengine):
    data = facts(positioning__statement="ok", governance__enforcement="guided", governance__group_rules=True,
                 governance__admins=3, engagement__messages_per_day=50, engagement__daily_greetings=True)
    report, html, page = _page(rengine, data)
    assert not [f for f in report.findings if f.status == "open"]
    assert "No open findings." in page.all_text
    assert_self_contained(html)
