"""The terminal report: the plan first, no score without enough facts, the stage under uncertainty, both languages."""
from __future__ import annotations

import io
import re

from rich.console import Console

from support import facts, uncertain

from shequn.report.text import render


def _text(report, lang="en", width=120):
    console = Console(file=io.StringIO(), width=width, color_system=None)
    render(report, console, lang=lang)
    return console.file.getvalue()


def _zh(report, rengine):
    from shequn.report.i18n import translate_for
    return translate_for(report, "zh", rengine)


def test_the_plan_comes_right_under_the_header(rengine):
    report = rengine.evaluate(facts())
    text = _text(report)
    assert "Health 9/100   based on 6 of 7 applicable rules (85% by weight)" in text
    plan = text.index("This week")
    assert text.index("Stage 1 of 5 — building (operator declared 3)") < plan
    assert plan < text.index("Health by area") < text.index("Critical (1)") < text.index("Next actions for stage 1")
    section = text[plan:text.index("Health by area")]
    assert "1. No positioning statement  RPT001 · finding (critical)" in section
    assert "2. Group rules written  RPT005 · blocks stage 1\n   governance.group_rules = no" in section
    assert "   → Write group rules." in section
    assert "5. Greet members daily  RPT006 · next step of stage 1" in section


def test_areas_without_a_score_say_not_enough_facts(rengine):
    text = _text(rengine.evaluate(facts()))
    areas = text[text.index("Health by area"):text.index("Critical (1)")]
    assert re.search(r"governance +░{10} +0\b", areas)
    assert re.search(r"positioning +not enough facts", areas)
    assert "scale" not in areas                                   # no rule of it applies


def test_too_little_known(rengine):
    text = _text(uncertain(rengine.evaluate(facts())))
    assert "not enough facts to score — 2 of 7 applicable rules judged" in text
    assert "Health 9/100" not in text and "/100" not in text
    assert "Not enough facts to score any area yet." in text
    assert "Stage 1–3 of 5 — building (unconfirmed: confirm 2 facts)" in text
    assert "▶ 1 building → ? 2 activity → ? 3 retention → 4 conversion" in text
    confirm = text[text.index("To confirm the stage"):]
    assert "? Confirm: Do operators greet members every day?  RPT009 · essential of stage 2" in confirm
    assert "☐ Members greeted" not in text                        # never as a checkbox failure
    assert "also: SM171 The group reached scale before it had rules" in text
    assert "RPT003  Strict enforcement  [Minefield 2]  [essential of stage 3]" in text
    assert "2 rules do not apply to this community" in text and "RPT006" not in text.split("This week")[0]


def test_questions_grouped_and_not_asked_twice(rengine):
    report = uncertain(rengine.evaluate(facts()))
    text = _text(report)
    questions = text[text.index("Facts still to collect"):]
    # the stage question is the one already asked under "To confirm the stage"
    assert "To place the stage" not in questions and "still active after 30 days" not in questions
    assert questions.index("To know which advice applies") < questions.index("To judge more rules")
    many = report.model_copy(update={"questions": report.questions * 4})
    assert "… and 3 more: `shequn facts questions` lists them, `shequn interview` asks them one by one" in _text(many)


def test_chinese_headings(rengine):
    report = _zh(rengine.evaluate(facts()), rengine)
    text = _text(report, "zh")
    for heading in ("本周要做", "各维度健康度", "严重 (1)", "警告 (3)", "第 1 阶段（建群）的下一步行动", "仍需收集的事实",
                    "已豁免的问题", "健康度 9/100", "第 1 阶段（共 5 个）：建群（运营者自述处于第 3 阶段）"):
        assert heading in text, heading
    assert "1. 定位不清  RPT001 · 问题（严重）" in text


def test_chinese_has_no_english_heading(rengine):
    text = _text(_zh(uncertain(rengine.evaluate(facts())), rengine), "zh")
    assert "事实不足，暂不评分——适用的 7 条规则中已判断 2 条" in text
    assert "第 1–3 阶段（待确认：还需确认 2 项事实），至少已到建群阶段" in text
    assert "? 待确认： 运营方每天早晚有没有在群里打招呼？" in text
    for english in ("This week", "Health", "Stage", "Confirm", "not enough facts", "also:", "do not apply",
                    "To place", "To judge", "Facts still", "Next actions", "critical", "warning", "evidence",
                    "Evidence", "unlocks", "more (shequn"):
        assert english not in text, english
