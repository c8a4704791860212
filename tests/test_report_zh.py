"""A Chinese operator reads the whole report in Chinese: fact names, values and questions too.

The report model stays English (the JSON contract); the vocabulary names each
fact, value and question in Chinese and the renderers use it with `--lang zh`.
What may stay in Latin letters: fact ids and rule ids (kept beside the Chinese
for consultants), the quotes from the English source documents, the notes on
where the documents disagree (no Chinese text yet), names from the facts file,
the platforms known by their Latin names (QQ, Telegram, Discord) and a few words
operators write in Latin letters (VIP, KOL, IP, PPT, ROI).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import load_facts
from shequn.facts.vocabulary import FACTS, INFERRED
from shequn.report.i18n import labels, translate_for
from shequn.report.values import fact_label, fact_question, format_value, interpolate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "facts" / "examples"
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_IN_CHINESE = {"QQ", "Telegram", "Discord", "VIP", "KOL", "IP", "PPT", "ROI", "shequn"}   # shequn: "shequn's own threshold"


@pytest.fixture(scope="module")
def store(engine):
    """The WeCom store example, evaluated and with its rule texts in Chinese."""
    report = engine.evaluate(load_facts(EXAMPLES / "store-wecom-customer-group.yaml"))
    return translate_for(report, "zh", engine)


def _zh(engine, example: str):
    return translate_for(engine.evaluate(load_facts(EXAMPLES / example)), "zh", engine)


def _markdown(report) -> str:
    from shequn.report.markdown import render
    return render(report, lang="zh", generated="2024-06-01")


def _english_words(markdown: str) -> list[str]:
    """Latin words in what the page says itself: not in code spans (fact and rule ids), quotes, notes, the
    community's name or the footer."""
    words = []
    lines = markdown.splitlines()
    for line in lines[1:]:                                    # line 0: the community's name, from the facts file
        if line.startswith((">", "*社群诊断报告")) or "文献之间的分歧：" in line or line.startswith("- **`"):
            continue                                          # quotes, notes, the footer's ruleset names
        line = re.sub(r"`[^`]*`", "", line)
        line = re.sub(r"</?(details|summary)>", "", line)
        words += [w for w in WORD.findall(line) if w not in LATIN_IN_CHINESE]
    return words


# --- the vocabulary ------------------------------------------------------------

def test_every_fact_has_a_chinese_label_and_question():
    for fact in (*FACTS, *INFERRED.values()):
        assert CJK.search(fact.label_zh), fact.name
        assert fact.label("zh") == fact.label_zh and fact.label("en") == fact.meaning
        if not fact.derived and fact.name not in INFERRED:    # derived and inferred facts are never asked
            assert CJK.search(fact.question_zh) and fact.question_zh.endswith("？"), fact.name
            assert fact.ask("zh") == fact.question_zh and fact.ask("en") == fact.question
        assert len(fact.values_zh) == len(fact.values), fact.name
        assert len(set(fact.values_zh)) == len(fact.values_zh) and all(fact.values_zh), fact.name
    labels_zh = [f.label_zh for f in FACTS]
    assert len(set(labels_zh)) == len(labels_zh), "two facts with one Chinese label"


def test_the_example_from_the_brief():
    assert fact_label("size.active_members_7d", "zh") == "近7天发言人数"
    assert fact_question("size.active_members_7d", "zh") == "最近7天有多少成员在群里发过言？"
    assert fact_label("size.active_members_7d") == "size.active_members_7d"         # English: the dotted name
    assert fact_question("size.active_members_7d", "en", "kept") == "kept"           # English: the report's text
    assert fact_label("no.such_fact", "zh") == "no.such_fact"


# --- values --------------------------------------------------------------------

@pytest.mark.parametrize("name, value, en, zh", [
    ("positioning.shared_interest", True, "yes", "是"),
    ("positioning.shared_interest", False, "no", "否"),
    ("community.platform", "wecom", "wecom", "企业微信"),
    ("community.platform", "telegram", "telegram", "Telegram"),
    ("community.type", "cross", "cross", "跨界型"),
    ("community.goal", "sell_products", "sell_products", "卖产品"),
    ("traffic.entry_threshold", "none", "none", "无门槛"),
    ("governance.enforcement", "none", "none", "不执行"),
    ("governance.enforcement", "guided", "guided", "引导式"),
    ("conversion.methods", ["endorsement", "screen_sweeping"], "endorsement, screen_sweeping", "借势背书、刷屏"),
    ("conversion.methods", [], "none", "无"),
    ("positioning.portrait_basic", ["age", "occupation"], "age, occupation", "年龄、职业"),
    ("engagement.official_voice_share", 0.65, "65%", "65%"),
    ("size.members", 380, "380", "380"),
    ("size.members", None, "unknown", "未知"),
    ("positioning.statement", "Fresh fruit", "Fresh fruit", "Fresh fruit"),
])
def test_format_value_in_both_languages(name, value, en, zh):
    assert format_value(name, value) == en
    assert format_value(name, value, "zh") == zh


def test_chinese_messages_fill_in_chinese_values():
    text = "群规写了，但完全没有执行（执行情况：{governance.enforcement}）；方法：{conversion.methods}"
    values = {"governance.enforcement": "none", "conversion.methods": ["social_chain", "pain_point_discount"]}
    assert interpolate(text, values, "zh") == "群规写了，但完全没有执行（执行情况：不执行）；方法：社交接龙、痛点优惠"


def test_a_translated_report_fills_rule_messages_with_chinese_values(engine):
    text = _markdown(_zh(engine, "new-media-learning-community.yaml"))
    assert "群规写了，但完全没有执行（执行情况：不执行）。" in text
    assert "| 群规执行方式（`governance.enforcement`） | 不执行 |" in text
    assert "| 有成文群规（`governance.group_rules`） | 是 |" in text


# --- the store example in every renderer ----------------------------------------

def test_markdown_names_facts_values_and_questions_in_chinese(store):
    text = _markdown(store)
    assert "企业微信 · 产品型 · 卖产品 · 380名成员" in text
    assert "- *证据：* 有成文群规（`governance.group_rules`）= 否" in text
    assert "| 有成文群规（`governance.group_rules`） | 否 |" in text
    assert "| 官方发言占比（`engagement.official_voice_share`） | 65% |" in text
    assert "| 有没有给有价值的成员开设付费VIP群？ | `offer.vip_tier` | 3 |" in text
    questions = [line for line in text.splitlines() if line.startswith("| ") and "| `" in line and "？" in line]
    assert len(questions) == len(store.questions)
    assert _english_words(text) == []


def test_every_example_reads_in_chinese(engine):
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert _english_words(_markdown(_zh(engine, path.name))) == [], path.name


def test_the_model_keeps_its_english_contract(store):
    assert store.questions and all(not CJK.search(q.question) for q in store.questions)
    assert store.community.platform == "wecom"
    assert all(isinstance(v, bool) for f in store.findings for k, v in f.evidence.items() if k == "governance.group_rules")


def test_text(store):
    from rich.console import Console
    from shequn.report.text import render

    console = Console(record=True, width=160, color_system=None)
    render(store, console, lang="zh", limit_questions=3)
    text = console.export_text()
    assert "企业微信 · 产品型 · 卖产品 · 380名成员" in text
    assert "有成文群规（governance.group_rules）= 否" in text
    assert "? 有没有给有价值的成员开设付费VIP群？  offer.vip_tier，可评估 3 条规则" in text
    assert "wecom" not in text and " = no" not in text


def test_html(store):
    from shequn.report.html import render

    html = render(store, lang="zh", generated="2024-06-01")
    assert "<span>企业微信</span><span>产品型</span><span>卖产品</span>" in html
    assert '<td title="governance.group_rules">有成文群规</td><td>否</td>' in html        # the dotted name a tooltip
    assert '<span title="governance.group_rules">有成文群规：<b>否</b></span>' in html
    assert "<td>有没有给有价值的成员开设付费VIP群？</td>" in html


def test_portfolio_and_diff(engine, store):
    from shequn.report import diff, portfolio

    other = _zh(engine, "strict-knowledge-community.yaml")
    page = portfolio.render_markdown([store, other], lang="zh", generated="2024-06-01")
    assert "企业微信 · 产品型 · 卖产品" in page and "QQ · 知识型 · 提供服务" in page
    assert "有成文群规（`governance.group_rules`）= 否" in page
    before = _zh(engine, "new-media-learning-community.yaml")
    after = _zh(engine, "healthy-learning-community.yaml")
    html = diff.render_html(diff.compare(before, after), lang="zh", generated="2024-06-01")
    assert '<td title="conversion.rate_90d">90天购买率</td>' in html and "执行情况：不执行" in html


def test_stage_questions_to_confirm_are_asked_in_chinese(engine):
    report = _zh(engine, "name-and-size-only.yaml")
    assert report.stage.to_confirm
    text = _markdown(report)
    assert "- ❔ 待确认：有没有成文的群规？ — `NM201`" in text
    view_questions = [q for c in report.stage.to_confirm for q in c.questions]
    assert view_questions and not any(CJK.search(q) for q in view_questions)     # the model: still English


# --- the English output is unchanged ----------------------------------------------

def test_english_is_unchanged(engine):
    from shequn.report.markdown import render

    text = render(engine.evaluate(load_facts(EXAMPLES / "store-wecom-customer-group.yaml")), lang="en",
                  generated="2024-06-01")
    assert "WeCom · product community · sells products · 380 members" in text
    assert "written group rules exist (`governance.group_rules`) = no" in text          # named in words, then the path
    assert "| written group rules exist (`governance.group_rules`) | no |" in text
    assert labels("en").comma == ", "


# --- shequn facts questions --lang zh ------------------------------------------------

def test_facts_questions_in_chinese():
    runner = CliRunner()
    path = str(EXAMPLES / "store-wecom-customer-group.yaml")
    result = runner.invoke(cli, ["facts", "questions", path, "--lang", "zh", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "1. 有没有给有价值的成员开设付费VIP群？" in result.stdout
    assert "offer.vip_tier · 是/否，填 yes 或 no · 可评估 3 条规则 · 用于判断哪些建议适用" in result.stdout
    result = runner.invoke(cli, ["facts", "questions", "--lang", "zh", "--format", "json"])
    data = json.loads(result.stdout)
    assert all(CJK.search(q["question"]) for q in data)
    enforcement = next(q for q in data if q["fact"] == "governance.enforcement")
    assert enforcement["unit"] == "取值之一：none（不执行）、guided（引导式）、strict（严格）"
    english = runner.invoke(cli, ["facts", "questions", path, "--limit", "1"]).stdout
    assert english.startswith("1. Is there a paid VIP group for valuable members?")
    assert "offer.vip_tier (yes/no) · unlocks 3 rules · decides which advice applies" in english
