"""The self-contained HTML report: structure, no external resource, escaping, languages."""
from __future__ import annotations

import datetime as dt

from support import HOSTILE, Page, assert_self_contained, facts, hostile, uncertain

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
    assert len(bars) == sum(1 for v in report.scores.values() if v is not None) == 1
    assert text.count("not enough facts") == 3                       # positioning, engagement, retention
    assert "scale" not in text                                       # no rule of it applies
    assert "based on 6 of 7 applicable rules (85% by weight)" in text
    steps = page.find("ol", class_="track")
    assert steps
    assert [a.get("class") for t, a in page.tags if t == "li" and a.get("class") in ("done", "current", "todo",
                                                                                      "unconfirmed")] == \
        ["current", "todo", "todo", "todo", "todo"]
    assert page.find("li", **{"aria-current": "step"})
    assert "RPT005" in text and "Blocking the stage" in text                 # blockers
    for sev in ("critical", "warning"):
        assert page.find("section", class_=sev), f"findings group {sev}"
    cards = page.having_class("finding")
    assert {a["id"] for _, a in cards} >= {"RPT001", "RPT002", "RPT003", "RPT005"}
    assert "The positioning is blank." in text and "Write a one-line positioning." in text   # message, advice
    assert '<td title="positioning.statement">the one-line positioning; blank means unclear</td>' in html   # evidence
    assert "avoiding failure in community marketing: the nine mines" in text and "Leon, PR Home" in text
    assert page.find("blockquote")
    assert len(page.find("input", type="checkbox")) == len(report.actions) >= 2   # actions as a checklist
    assert "report-plan" in page.ids and len(page.find("ol", class_="plan")) == 1
    assert "report-questions" in page.ids and page.find("table", class_="questions")
    assert "report-waived" in page.ids and "quiet by design <b>ok</b> | fine" in text
    assert "report-disagreements" in page.ids and "six-aspects 3 praises it" in text
    assert_self_contained(html)


def test_the_plan_comes_first(rengine):
    report, html, page = _page(rengine)
    plan = html.index('id="report-plan"')
    stage = html.index('class="card stage"')
    assert html.index('class="gauge') < plan < stage < html.index('id="report-findings"') < html.index('class="chart"')
    items = html[plan:stage]
    assert items.count("<li class=") == len(report.plan) == 5
    assert '<strong>Group rules written</strong> <span class="badge rule">RPT005</span> ' \
           '<span class="badge why-blocker">blocks stage 1</span>' in items
    assert '<span title="governance.group_rules">written group rules exist: <b>no</b></span>' in items
    assert "<li>Write group rules.</li>" in items
    assert "finding (critical)" in items and "next step of stage 1" in items


def test_too_little_known(rengine):
    report = uncertain(rengine.evaluate(facts()))
    html = render(report, generated="2024-06-01")
    page = Page(html)
    text = page.all_text
    assert "not enough facts to score — 2 of 7 applicable rules judged" in text
    assert not page.having_class("gauge") and page.having_class("noscore")        # no score drawn as a gauge
    assert "/100" not in html and "Not enough facts to score any area yet." in text and not page.having_class("chart")
    # the stage: a range, the stages it may be at marked unconfirmed, each essential to confirm a question
    assert "Stage 1–3 of 5 — building (unconfirmed: confirm 2 facts)" in text
    assert [a.get("class") for t, a in page.tags if t == "li" and a.get("class") in ("done", "current", "todo",
                                                                                      "unconfirmed")] == \
        ["current", "unconfirmed", "unconfirmed", "todo", "todo"]
    confirm = html[html.index('id="report-to-confirm"'):]
    confirm = confirm[:confirm.index("</ul>")]
    assert confirm.count("<li") == 2 and "Confirm: Do operators greet members every day?" in confirm
    assert "<code>RPT009</code> · essential of stage 2" in confirm and "checkbox" not in confirm
    # a related rule under its leading finding, a later essential, the rules that do not apply folded away
    card = html[html.index('id="RPT001"'):]
    card = card[:card.index("</article>")]
    assert "also: " in card and "SM171</span> The group reached scale before it had rules" in card
    later = html[html.index('id="RPT003"'):]
    assert '<span class="badge stage">essential of stage 3</span>' in later[:later.index("</h4>")]
    assert page.find("details", class_="na")
    assert "2 rules do not apply to this community" in text and "RPT006" in text
    groups = [a["data-decides"] for t, a in page.tags if t == "h3" and "data-decides" in a]
    assert groups == ["applicability", "rules"]              # the stage questions are under "To confirm the stage"
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
    assert "Findings" not in text and "Health by area" not in text and "This week" not in text
    assert "本周要做" in text and "阻碍第 1 阶段" in text and "问题（严重）" in text
    assert "依据：适用的 7 条规则中已判断 6 条（按权重计 85%）" in text and "事实不足" in text
    assert "定位不清" in text and "写一句话定位。" in text                   # the rule's zh text
    assert "Strict enforcement" in text                                    # no zh: English


def test_a_healthy_report_says_so(rengine):
    data = facts(positioning__statement="ok", governance__enforcement="guided", governance__group_rules=True,
                 governance__admins=3, engagement__messages_per_day=50, engagement__daily_greetings=True)
    report, html, page = _page(rengine, data)
    assert not [f for f in report.findings if f.status == "open"]
    assert "No open findings." in page.all_text
    assert_self_contained(html)


def test_chinese_when_too_little_is_known(rengine):
    from shequn.report.i18n import translate_for

    report = translate_for(uncertain(rengine.evaluate(facts())), "zh", rengine)
    text = Page(render(report, lang="zh", generated="2024-06-01")).all_text
    assert "事实不足，暂不评分——适用的 7 条规则中已判断 2 条" in text
    assert "第 1–3 阶段（待确认：还需确认 2 项事实），至少已到建群阶段" in text
    assert "待确认：运营方每天早晚有没有在群里打招呼？" in text and "第 2 阶段的必备项" in text
    assert "同一原因还涉及：" in text and "有 2 条规则不适用于这个社群" in text
    assert "用于判断哪些建议适用" in text and "用于评估更多规则" in text
    for english in ("This week", "Health", "Stage", "Confirm", "not enough facts", "also:", "do not apply",
                    "To place", "unconfirmed"):
        assert english not in text, english
