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
