"""Self-contained HTML report: one file, no external resource, opens offline, prints well.

Reads only the Report model, through `views.report_view`. Jinja2
autoescapes every value, so a community named `<script>…</script>` is text.
"""
from __future__ import annotations

import datetime as _dt

from shequn.report.i18n import labels
from shequn.report.model import Report
from shequn.report.views import RULE_PAGES, environment, report_view, today


def render(report: Report, *, lang: str = "en", generated: _dt.date | str | None = None,
           rule_pages: str = RULE_PAGES) -> str:
    """One report as a self-contained HTML page; findings link to their rule's page under `rule_pages`."""
    env = environment("html")
    view = report_view(report, lang, rule_pages=rule_pages)
    return env.get_template("report.html.j2").render(t=labels(lang), lang=lang, r=view, generated=today(generated),
                                                     title=view["name"], engine=report.engine)
