"""Markdown report for chat and wikis: the same content as the HTML page.

Reads only the Report model, through `views.report_view`. Every value goes
through `views.md_escape` (the `md` and `cell` filters of the templates).
"""
from __future__ import annotations

import datetime as _dt

from shequn.report.i18n import labels
from shequn.report.model import Report
from shequn.report.views import environment, report_view, today


def render(report: Report, *, lang: str = "en", generated: _dt.date | str | None = None) -> str:
    """One report as Markdown."""
    env = environment("markdown")
    view = report_view(report, lang)
    return env.get_template("report.md.j2").render(t=labels(lang), lang=lang, r=view, generated=today(generated))
