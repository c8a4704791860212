"""The Markdown report: the same content as the HTML page, safe for chat and wikis."""
from __future__ import annotations

import datetime as dt
import re

from support import facts, hostile

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
    assert "## Health by area" in heads and "## Findings" in heads
    assert "### 🔴 Critical (1)" in heads
    assert any(h.startswith("## Stage 1 of 5") for h in heads)
    assert any(h.startswith("## Next actions for stage 1") for h in heads)
    for h in ("## Facts still to collect", "## Where the documents disagree", "## Waived findings"):
        assert h in heads, h
    assert "2024-06-01" in text
    assert f"**Health {report.summary.score}/100**" in text
    assert f"| positioning | {report.scores['positioning']} |" in text           # per-dimension table
    assert "| scale | – |" in text
    assert "- [ ] **Group rules written** `RPT005` — blocks the stage" in text   # checklist
    assert "| `size.members` | 300 |" in text                                     # evidence
    assert "> “positioning” — *avoiding failure in community marketing: the nine mines*, Leon, PR Home" in text
    assert "**Blocking the stage:**" in text and "- `RPT005` Group rules written" in text
    assert "\n\n\n\n" not in text


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
    assert "## 诊断发现" in heads and "## 各维度健康度" in heads and "## 仍需收集的事实" in heads
    assert "定位不清" in text and f"| 定位 | {report.scores['positioning']} |" in text
    assert "Findings" not in text
