"""The report labels in every language, and translating a report's rule text (engine/report/i18n.py)."""
from __future__ import annotations

import pytest

from support import facts


def test_every_label_has_a_chinese_text():
    from shequn.report.i18n import DIMENSION_NAMES, LABELS, STAGE_NAMES_I18N

    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert set(DIMENSION_NAMES["zh"]) == set(DIMENSION_NAMES["en"])
    assert set(STAGE_NAMES_I18N["zh"]) == {1, 2, 3, 4, 5}
    for key, text in LABELS["en"].items():
        assert set(_fields(text)) == set(_fields(LABELS["zh"][key])), key


def _fields(text):
    import string
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_labels_reject_an_unknown_language():
    from shequn.report.i18n import labels

    with pytest.raises(ValueError):
        labels("fr")
    t = labels("zh")
    assert t.findings == "诊断发现"
    assert t("stage_of", current=2) == "第 2 阶段（共 5 个）"
    assert t.dimension_name("governance") == "管理"


def test_translate_report_uses_zh_text_and_fills_placeholders(rengine):
    from shequn.report.i18n import rule_translations, translate_report

    report = rengine.evaluate(facts())
    translated = translate_report(report, rule_translations(rengine.rules, "zh"))
    by_rule = {f.rule: f for f in translated.findings}
    assert by_rule["RPT001"].title == "定位不清"
    assert by_rule["RPT001"].advice == ["写一句话定位。"]
    assert by_rule["RPT002"].message == "300 名成员，只有 1 名管理员。"
    assert by_rule["RPT002"].advice == ["Recruit a second admin."]        # no zh advice: English kept
    assert by_rule["RPT003"].title == "Strict enforcement"                 # no zh at all
    assert {f.rule: f.title for f in report.findings}["RPT001"] == "No positioning statement"   # original untouched
    assert rule_translations(rengine.rules, "en") == {}


def test_translate_report_covers_the_plan_related_rules_and_the_stage_to_confirm(rengine):
    from support import uncertain

    from shequn.report.i18n import rule_translations, translate_report
    from shequn.report.model import Confirm, Related

    report = uncertain(rengine.evaluate(facts()))
    findings = [report.findings[1].model_copy(update={"related": [Related(rule="RPT001", title="No positioning statement")]}),
                *report.findings[2:]]
    stage = report.stage.model_copy(update={"to_confirm": [Confirm(rule="RPT001", stage=1, title="No positioning statement",
                                                                   missing=["positioning.statement"], questions=[])]})
    translated = translate_report(report.model_copy(update={"findings": findings, "stage": stage}),
                                  rule_translations(rengine.rules, "zh"))
    assert translated.plan[0].title == "定位不清" and translated.plan[0].advice == ["写一句话定位。"]
    assert translated.findings[0].related[0].title == "定位不清"
    assert translated.stage.to_confirm[0].title == "定位不清"
    assert translated.plan[2].title == "管理员太少" and translated.plan[2].advice == ["Recruit a second admin."]


def test_plural_and_separators_read_naturally():
    from shequn.report.i18n import labels

    en, zh = labels("en"), labels("zh")
    assert en.facts_one == "1 fact" and en("facts_n", n=4) == "4 facts"
    assert en("stage_unconfirmed", current=1, at_most=3, name="building", facts=en("facts_n", n=4)) == \
        "Stage 1–3 of 5 — building (unconfirmed: confirm 4 facts)"
    assert zh("stage_unconfirmed", current=1, at_most=3, name="建群", facts=zh("facts_n", n=4)) == \
        "第 1–3 阶段（待确认：还需确认 4 项事实），至少已到建群阶段"
    assert en("no_score_sentence", judged=3, applicable=88) == "not enough facts to score — 3 of 88 applicable rules judged"
    assert zh("no_score_sentence", judged=3, applicable=88) == "事实不足，暂不评分——适用的 88 条规则中已判断 3 条"
    assert en.confirm.endswith(" ") and not zh.confirm.endswith(" ")          # no space after a Chinese colon
