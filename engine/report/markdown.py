"""Markdown report for chat and wikis: the same content as the HTML page.

Reads only the Report model (and the source documents' titles). Every value
goes through `md_escape` (or `md_cell` inside tables), so a community named
``<script>`` or one with pipes and backticks cannot break the layout or
inject markup.
"""
from __future__ import annotations

import datetime as _dt
import re

from shequn.report.i18n import labels
from shequn.report.model import Report

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_BULLET = re.compile(r"^([-+=])")


def md_escape(value) -> str:
    """Text safe inside a Markdown paragraph, list item or heading: one line, every special character escaped."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())                         # no newline can start a block
    text = _SPECIAL.sub(r"\\\1", text)
    return _BULLET.sub(r"\\\1", _ORDERED.sub(r"\1\\\2", text))


def md_cell(value) -> str:
    """Text safe inside a Markdown table cell (pipes escaped too, as md_escape does)."""
    return md_escape(value)


def render(report: Report, *, lang: str = "en", generated: _dt.date | str | None = None) -> str:
    """One report as Markdown."""
    from shequn.report.html import _today, environment, report_view

    env = environment("markdown")
    view = report_view(report, lang)
    return env.get_template("report.md.j2").render(t=labels(lang), lang=lang, r=view, generated=_today(generated))
