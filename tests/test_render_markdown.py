"""The Markdown report: the same content as the HTML page, safe for chat and wikis."""
from __future__ import annotations

import datetime as dt
import re

from support import facts, hostile, uncertain

from shequn.report.markdown import render
from shequn.report.views import md_escape


def _md(rengine, data=None, lang="en"):
    report = rengine.evaluate(data or facts())
    if lang != "en":
        from shequn.report.i18n import translate_for
        report = translate_for(report, lang, rengine)
    return report, render(report, lang=lang, generated=dt.date(2024, 6, 1))


def _headings(text):
    return [line for line in text.splitlines() if line.startswith("#")]


def test_every_part_is_there(rengine):
    report, text = _md(rengine)
    heads = _headings(text)
    assert heads[0] == "# Book club"
    assert "## This week" in heads and "## Health by area" in heads and "## Findings" in heads
    assert "### 🔴 Critical (1)" in heads
    assert "## Stage 1 of 5 — building" in heads
    assert any(h.startswith("## Next actions for stage 1") for h in heads)
    for h in ("## Facts still to collect", "## Where the documents disagree", "## Waived findings"):
        assert h in heads, h
    assert "2024-06-01" in text
    assert f"**Health {report.summary.score}/100** 🔴 · based on 6 of 7 applicable rules (85% by weight)" in text
    assert f"| governance | {report.scores['governance']} |" in text          # per-dimension table
    assert "| positioning | – | not enough facts |" in text                   # too few rules to score it
    assert "| scale |" not in text                                            # no rule of it applies
    assert "- [ ] **Group rules written** `RPT005` — blocks the stage" in text   # checklist
    assert "  - *Evidence:* written group rules exist (`governance.group_rules`) = no" in text               # an action shows its facts
    assert "| members now (all groups) (`size.members`) | 300 |" in text                                     # evidence
    assert "> “positioning” — *avoiding failure in community marketing: the nine mines*, Leon, PR Home" in text
    assert "**Blocking the stage:**" in text and "- `RPT005` Group rules written" in text
    assert "**`RPT005` Group rules written** · blocks stage 1 · governance" in text
    assert "do not apply" not in text and "<details>" not in text              # every rule applies
    assert "\n\n\n\n" not in text


def test_the_plan_comes_first(rengine):
    report, text = _md(rengine)
    assert [p.why for p in report.plan] == ["finding", "blocker", "finding", "finding", "action"]
    plan = text.index("## This week")
    assert plan < text.index("## Health by area") < text.index("## Findings")
    assert text.index("**Health 9/100**") < plan                              # under the header
    section = text[plan:text.index("## Health by area")]
    assert "1. **No positioning statement** · `RPT001` · finding (critical)\n" in section
    assert "2. **Group rules written** · `RPT005` · blocks stage 1\n   - *Evidence:* written group rules exist (`governance.group_rules`) = no\n" \
           "   - Write group rules.\n" in section
    assert "3. **Too few admins for the group size** · `RPT002` · finding (warning)\n" \
           "   - *Evidence:* members now (all groups) (`size.members`) = 300 · people managing the groups (`governance.admins`) = 1\n" in section
    assert "5. **Greet members daily** · `RPT006` · next step of stage 1" in section


def test_a_report_without_a_plan_says_what_to_do_first(rengine):
    report = uncertain(rengine.evaluate(facts())).model_copy(update={"plan": []})
    text = render(report, generated="2024-06-01")
    plan = text[text.index("## This week"):text.index("## Health by area")]
    assert "start by answering the questions below" in plan


def test_too_little_known_says_so_instead_of_a_score(rengine):
    text = render(uncertain(rengine.evaluate(facts())), generated="2024-06-01")
    assert "**not enough facts to score — 2 of 7 applicable rules judged**" in text
    assert "**Health" not in text and "/100" not in text
    areas = text[text.index("## Health by area"):text.index("## Stage")]
    assert "Not enough facts to score any area yet." in areas and "| " not in areas


def test_an_uncertain_stage_is_a_range_with_facts_to_confirm(rengine):
    text = render(uncertain(rengine.evaluate(facts())), generated="2024-06-01")
    heads = _headings(text)
    assert "## Stage 1–3 of 5 — building (unconfirmed: confirm 2 facts)" in heads
    assert "▶ **1 building** → ❔ 2 activity *(unconfirmed)* → ❔ 3 retention *(unconfirmed)* (declared) → 4 conversion" \
           in text
    assert "**To confirm the stage:**" in text
    assert "- ❔ Confirm: Do operators greet members every day? — `RPT009` · essential of stage 2" in text
    assert "- ❔ Confirm: What share of new members are still active after 30 days? — `RPT010` · essential of stage 3" \
           in text
    assert "RPT009` Members greeted" not in text and "[ ] **Members greeted" not in text   # never as a failure


def test_related_rules_later_essentials_and_rules_that_do_not_apply(rengine):
    text = render(uncertain(rengine.evaluate(facts())), generated="2024-06-01")
    lead = text.index("**`RPT001` No positioning statement**")
    assert text.index("*also:* `SM171` The group reached scale before it had rules", lead) < \
        text.index("The positioning is blank.", lead)
    assert "**`RPT003` Strict enforcement** · Minefield 2 · essential of stage 3 · governance" in text
    assert "4. **Strict enforcement** · `RPT003` · essential of stage 3" in text       # in the plan too
    assert "<details><summary>2 rules do not apply to this community</summary>\n\n`RPT006` · `RPT008`\n" in text


def test_questions_are_grouped_by_what_they_decide(rengine):
    text = render(uncertain(rengine.evaluate(facts())), generated="2024-06-01")
    applies, rules = (text.index(f"**{label}**") for label in ("To know which advice applies", "To judge more rules"))
    assert applies < text.index("`community.goal` | 3 |") < rules < text.index("`content.topic` | 4 |")
    # the question that places the stage is asked once, under "To confirm the stage", not again here
    assert "**To place the stage**" not in text and "`retention.retention_30d` | 2 |" not in text
    assert text.count("What share of new members are still active after 30 days?") == 1


def test_tables_keep_their_columns(rengine):
    _, text = _md(rengine, hostile())
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = re.split(r"(?<!\\)\|", line)
            header_like = len(cells)
            assert header_like in (4, 5, 6), line                               # 2, 3 or 4 columns


def test_hostile_values_are_escaped(rengine):
    _, text = _md(rengine, hostile())
    assert "<script>" not in text
    assert "# \\<script\\>alert(1)\\</script\\> \\| \\`tick\\` \\*star\\* \\[x\\](http://evil.example)" in text
    assert "\\`code\\` \\| pipe \\<script\\>alert(2)\\</script\\> \\*\\*bold\\*\\* \\# h" in text
    assert "quiet by design \\<b\\>ok\\</b\\> \\| fine" in text


def test_md_escape():
    assert md_escape("a\nb\n# c") == "a b \\# c"
    assert md_escape("1. one") == "1\\. one"
    assert md_escape("- item") == "\\- item"
    assert md_escape("$x$ ~y~ &amp;") == "\\$x\\$ \\~y\\~ \\&amp;"
    assert md_escape(None) == ""


def test_chinese(rengine):
    report, text = _md(rengine, lang="zh")
    heads = _headings(text)
    assert "## 诊断发现" in heads and "## 各维度健康度" in heads and "## 仍需收集的事实" in heads and "## 本周要做" in heads
    assert "## 第 1 阶段（共 5 个）：建群" in heads
    assert "定位不清" in text and f"| 管理 | {report.scores['governance']} |" in text
    assert "| 定位 | – | 事实不足 |" in text
    assert "依据：适用的 7 条规则中已判断 6 条（按权重计 85%）" in text
    assert "**阻碍本阶段完成的事项：**" in text and "1. **定位不清** · `RPT001` · 问题（严重）" in text
    assert "Findings" not in text


def test_chinese_has_no_english_heading_or_label(rengine):
    from shequn.report.i18n import translate_for

    report = translate_for(uncertain(rengine.evaluate(facts())), "zh", rengine)
    text = render(report, lang="zh", generated="2024-06-01")
    assert "事实不足，暂不评分——适用的 7 条规则中已判断 2 条" in text
    assert "## 第 1–3 阶段（待确认：还需确认 2 项事实），至少已到建群阶段" in _headings(text)
    assert "- ❔ 待确认：运营方每天早晚有没有在群里打招呼？ — `RPT009` · 第 2 阶段的必备项" in text
    assert "*同一原因还涉及：* `SM171`" in text and "有 2 条规则不适用于这个社群" in text
    assert "**用于判断哪些建议适用**" in text and "**用于评估更多规则**" in text
    for line in text.splitlines():
        if line.startswith("#") and line != "# Book club" or line.startswith("**") and line.endswith("**"):
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`|RPT\d+", "", line)), line
    for english in ("This week", "Health", "Stage", "Confirm", "not enough facts", "also:", "do not apply", "To place"):
        assert english not in text, english
