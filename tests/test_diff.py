"""Comparing two audits of the same community, and marking findings against a baseline."""
from __future__ import annotations

import json

import pytest

from support import Page, assert_self_contained, facts, healthier

from shequn.report.diff import compare, load_reports, mark_baseline, render_html, render_json, render_markdown, render_text


@pytest.fixture
def audits(rengine):
    return rengine.evaluate(facts()), rengine.evaluate(healthier())


def test_new_resolved_persisting(audits):
    old, new = audits
    d = compare(old, new)
    assert [f.rule for f in d.resolved] == ["RPT001", "RPT003", "RPT005"]
    # RPT004 was waived a month ago and its waiver is gone: it is open again, so new
    assert [f.rule for f in d.new] == ["RPT007", "RPT004"]
    assert [p.new.rule for p in d.persisting] == ["RPT002"]
    assert d.waived == []
    assert d.score.old == old.summary.score and d.score.new == new.summary.score
    assert d.score.delta == new.summary.score - old.summary.score
    gov = next(c for c in d.scores if c.dimension == "governance")
    assert (gov.old, gov.new) == (old.scores["governance"], new.scores["governance"])
    assert d.stage.old == 1 and d.stage.new == new.stage.current and d.stage.movement == "up"


def test_same_audit_has_no_change(audits):
    old, _ = audits
    d = compare(old, old)
    assert d.new == [] and d.resolved == [] and len(d.persisting) == len([f for f in old.findings if f.status == "open"])
    assert d.stage.movement == "same"


def test_newly_waived_is_not_resolved(rengine):
    old = rengine.evaluate(facts())
    data = facts()
    data["waivers"].append({"rule": "RPT003", "reason": "agreed with the client"})
    d = compare(old, rengine.evaluate(data))
    assert [f.rule for f in d.waived] == ["RPT003"]
    assert "RPT003" not in [f.rule for f in d.resolved]


def test_renderings(audits):
    d = compare(*audits)
    text = render_text(d)
    assert "New findings (2)" in text and "Resolved findings (3)" in text and "+ RPT007" in text and "- RPT001" in text
    md = render_markdown(d)
    assert "## Resolved findings (3)" in md and "**`RPT001` No positioning statement**" in md
    html = render_html(d)
    page = Page(html)
    assert_self_contained(html)
    assert {"new", "resolved", "persisting", "score-changes", "stage-movement"} <= page.ids
    resolved = [a["id"] for t, a in page.tags if t == "article"]
    assert "RPT001" in resolved
    data = json.loads(render_json(d))
    assert [f["rule"] for f in data["resolved"]] == ["RPT001", "RPT003", "RPT005"]
    assert data["stage"]["movement"] == "up"
    zh = render_text(d, lang="zh")
    assert "已解决的问题 (3)" in zh and "新出现的问题 (2)" in zh


def test_mark_baseline(audits):
    old, new = audits
    marked = mark_baseline(new, old)
    marks = {f.rule: f.baseline for f in marked.findings}
    assert marks == {"RPT002": "known", "RPT004": "known", "RPT007": "new"}
    assert all(f.baseline is None for f in new.findings)                      # original untouched
    assert "baseline" not in json.loads(new.model_dump_json())["findings"][0]   # JSON unchanged without a baseline
    assert json.loads(marked.model_dump_json())["findings"][0]["baseline"] in ("new", "known")
    assert {f.baseline for f in mark_baseline(new, None).findings} == {"new"}


def test_load_reports(tmp_path, audits):
    old, new = audits
    one = tmp_path / "one.json"
    one.write_text(old.model_dump_json())
    many = tmp_path / "many.json"
    many.write_text(json.dumps([old.model_dump(mode="json"), new.model_dump(mode="json")]))
    lines = tmp_path / "many.jsonl"
    lines.write_text(old.model_dump_json() + "\n" + new.model_dump_json() + "\n")
    assert load_reports(one) == [old]
    assert len(load_reports(many)) == 2 and len(load_reports(lines)) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"community": {"name": "x"}}')
    with pytest.raises(ValueError, match="not a shequn report"):
        load_reports(bad)
