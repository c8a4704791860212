"""A finding says which of its numbers are shequn's own, in every format and language."""
from __future__ import annotations

import pytest

import shequn
from shequn.report.html import render as html
from shequn.report.markdown import render as markdown
from shequn.report.text import render as text_render

RULESET = """name: own
version: 1
rules:
  - id: OWN001
    title: Few posters
    kind: practice
    severity: warning
    dimension: engagement
    when: size.active_share_7d < 0.1 and size.members >= 150
    thresholds:
      floor: {value: 0.1, source: shequn, note: one in ten}
      big: {value: 150, source: article}
    message: "fewer than {threshold.floor} of members posted"
    advice: [Get members talking]
    sources: [{doc: six-aspects, quote: "150"}]
"""
FACTS = {"community": {"name": "g"}, "size": {"members": 300, "active_members_7d": 12}}


@pytest.fixture()
def engine(tmp_path):
    path = tmp_path / "own.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return lambda **kw: shequn.Engine([path], builtin=False, **kw)


def test_findings_carry_their_thresholds_and_messages_their_values(engine):
    (finding,) = engine().evaluate(FACTS).findings
    assert [(t.name, t.value, t.source) for t in finding.thresholds] == [("floor", 0.1, "shequn"), ("big", 150, "article")]
    assert finding.message == "fewer than 10% of members posted"            # shown like the share it is compared with
    assert not engine(thresholds={"OWN001.floor": 0.03}).evaluate(FACTS).findings      # 4% is no longer below
    assert engine(thresholds={"OWN001.floor": 0.05}).evaluate(FACTS).findings[0].message == "fewer than 5% of members posted"


def test_every_format_names_shequns_own_thresholds(engine):
    report = engine().evaluate(FACTS)
    assert "shequn's own threshold (the articles give none; a project may set it): 10% (`OWN001.floor`)" in markdown(report)
    assert "10% (OWN001.floor)" in html(report) and "OWN001.big" not in markdown(report)   # the article's is not flagged
    assert "shequn 自定的阈值（文章没有给出，可按项目调整）：10%（`OWN001.floor`）" in markdown(report, lang="zh")
    from io import StringIO

    from rich.console import Console
    console = Console(file=StringIO(), width=200, color_system=None)
    text_render(report, console)
    assert "shequn's own threshold" in console.file.getvalue()


def test_an_articles_number_cannot_be_set(engine):
    with pytest.raises(shequn.ShequnError, match="given by the article"):
        engine(thresholds={"OWN001.big": 100})
    with pytest.raises(shequn.ShequnError, match="did you mean 'OWN001.floor'"):
        engine(thresholds={"OWN001.flor": 0.2})
