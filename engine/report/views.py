"""What the HTML and Markdown renderers share: a report turned into plain template values.

`report_view` and `finding_view` give labels in the chosen language, formatted
evidence, the stage track and severity groups; `environment` is the Jinja2
environment (autoescaped HTML, or Markdown with every value escaped by
`md_escape`); `today` is the date printed on a page. Reads only the Report
model and the source documents' titles.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from shequn.errors import ConfigError
from shequn.report.i18n import Labels, labels
from shequn.report.model import Finding, Report
from shequn.report.values import format_value
from shequn.rules.documents import DOCUMENTS
from shequn.rules.ruleset import SEVERITIES


def score_class(score: int | None) -> str:
    """good (80+), fair (50-79), poor (below 50), none (no score)."""
    if score is None:
        return "none"
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"


def today(generated: _dt.date | str | None) -> str:
    """The date a page shows: the one given, SHEQUN_TODAY (reproducible output, docs/testing.md), or today's."""
    if generated is None:
        pinned = os.environ.get("SHEQUN_TODAY")
        if pinned:
            try:
                return _dt.date.fromisoformat(pinned).isoformat()
            except ValueError:
                raise ConfigError(f"not a date (YYYY-MM-DD): {pinned!r} in SHEQUN_TODAY") from None
        return _dt.date.today().isoformat()
    return generated.isoformat() if isinstance(generated, _dt.date) else str(generated)


# --- Markdown escaping -------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_BULLET = re.compile(r"^([-+=])")


def md_escape(value) -> str:
    """Text safe inside a Markdown paragraph, list item, heading or table cell.

    One line, every special character escaped (pipes too), so a community
    named ``<script>`` or one with pipes and backticks cannot break the layout
    or inject markup.
    """
    text = "" if value is None else str(value)
    text = " ".join(text.split())                         # no newline can start a block
    text = _SPECIAL.sub(r"\\\1", text)
    return _BULLET.sub(r"\\\1", _ORDERED.sub(r"\1\\\2", text))


def environment(kind: str = "html") -> Environment:
    """The Jinja2 environment: autoescaped for HTML, Markdown-escaping `md` filter for Markdown."""
    if kind == "html":
        env = Environment(loader=PackageLoader("shequn.report", "templates"), autoescape=select_autoescape(default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    else:
        env = Environment(loader=PackageLoader("shequn.report", "templates"), autoescape=False,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters["md"] = md_escape
        env.filters["cell"] = md_escape                   # md_escape already escapes the pipes of a table
    env.globals["score_class"] = score_class
    return env


# --- views -----------------------------------------------------------------------

def _value(name: str, value: Any, t: Labels) -> str:
    if isinstance(value, bool):
        return t.yes if value else t.no
    if isinstance(value, str) and not value.strip():
        return "“”"
    return format_value(name, value)


def _source(doc: str, quote: str) -> dict[str, str]:
    d = DOCUMENTS.get(doc)
    return {"doc": doc, "quote": quote, "title": d.title if d else doc, "author": d.author if d else ""}


def _grouped(sources: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Quotes of the same document under one citation, documents in the order first cited."""
    groups: dict[str, dict[str, Any]] = {}
    for s in sources:
        groups.setdefault(s["doc"], {**s, "quotes": []})["quotes"].append(s["quote"])
    return list(groups.values())


def finding_view(f: Finding, t: Labels) -> dict[str, Any]:
    """The values a template shows for one finding, labels from `t`."""
    sources = [_source(s.doc, s.quote) for s in f.sources]
    return {
        "rule": f.rule, "title": f.title, "kind": f.kind, "kind_name": t.kind_name(f.kind), "minefield": f.minefield,
        "stage": f.stage, "severity": f.severity, "severity_name": t.severity_name(f.severity),
        "dimension": f.dimension, "dimension_name": t.dimension_name(f.dimension), "message": f.message,
        "evidence": [(name, _value(name, v, t)) for name, v in f.evidence.items()],
        "advice": list(f.advice), "sources": sources, "source_groups": _grouped(sources), "note": f.note,
        "status": f.status, "waiver": dict(f.waiver or {}), "baseline": f.baseline,
    }


def report_view(report: Report, lang: str = "en", *, anchor: str = "report") -> dict[str, Any]:
    """The values a template shows for one report, labels in `lang`."""
    t = labels(lang)
    c = report.community
    meta = [v for v in (c.platform, c.type, c.goal and c.goal.replace("_", " ")) if v]
    if c.members is not None:
        meta.append(f"{c.members} {t.members}" if lang == "en" else f"{c.members}{t.members}")
    s = report.summary
    st = report.stage
    steps = []
    for n in range(1, 6):
        state = "done" if n in st.completed else "current" if n == st.current else "todo"
        steps.append({"n": n, "name": t.stage_name(n, st.name if n == st.current else str(n)), "state": state,
                      "declared": st.declared == n})
    titles = {a.rule: a.title for a in report.actions} | {f.rule: f.title for f in report.findings}
    findings = [finding_view(f, t) for f in report.findings]
    open_findings = [f for f in findings if f["status"] == "open"]
    groups = [{"severity": sev, "label": t.severity_name(sev), "findings": [f for f in open_findings if f["severity"] == sev]}
              for sev in SEVERITIES]
    return {
        "anchor": anchor,
        "name": c.name, "meta": meta,
        "score": s.score, "score_class": score_class(s.score),
        "counts": [(sev, t.severity_name(sev), getattr(s, sev)) for sev in SEVERITIES],
        "summary": s,
        "dims": [{"key": d, "name": t.dimension_name(d), "score": v, "cls": score_class(v)} for d, v in report.scores.items()],
        "stage": {"current": st.current, "name": t.stage_name(st.current, st.name), "declared": st.declared,
                  "declared_differs": st.declared is not None and st.declared != st.current,
                  "steps": steps, "blockers": [{"rule": r, "title": titles.get(r, "")} for r in st.blockers]},
        "groups": [g for g in groups if g["findings"]],
        "open_count": len(open_findings),
        "actions": [{"rule": a.rule, "title": a.title, "advice": list(a.advice), "blocker": a.blocker,
                     "evidence": [(n, _value(n, v, t)) for n, v in a.evidence.items()]} for a in report.actions],
        "questions": [{"fact": q.fact, "question": q.question, "unlocks": q.unlocks} for q in report.questions],
        "waived": [f for f in findings if f["status"] == "waived"],
        "disagreements": [f for f in findings if f["note"]],
        "problems": list(report.problems),
        "engine": report.engine,
        "has_baseline": any(f.baseline for f in report.findings),
    }
