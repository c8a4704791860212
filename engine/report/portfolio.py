"""A portfolio: one overview across many communities.

A matrix of communities × dimensions with scores, the stage of each
community and the first thing it should do, the most common minefields and
findings across the portfolio, and each community's full section below,
folded and linked from the matrix. Reads only the Report models.
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Any, Sequence

from shequn.report.i18n import labels
from shequn.report.model import Report
from shequn.report.views import RULE_PAGES, environment, plan_view, report_view, score_class, score_text, today
from shequn.rules.names import SEVERITY_ORDER


def anchor(i: int) -> str:
    """The id of the i-th community's section (0-based): stable, never built from a name in a facts file."""
    return f"c{i + 1}"


def _average(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known)) if known else None


def portfolio_summary(reports: Sequence[Report], *, top: int = 10) -> dict[str, Any]:
    """The overview as plain data: matrix rows, averages, most common minefields and findings.

    Usable as JSON by an embedding app; the HTML and Markdown renderers show it.
    """
    dimensions: list[str] = []
    for r in reports:
        dimensions.extend(d for d in r.scores if d not in dimensions)
    rows = []
    by_rule: dict[str, dict[str, Any]] = {}
    by_minefield: dict[int, dict[str, Any]] = {}
    for i, r in enumerate(reports):
        s = r.summary
        first = r.plan[0] if r.plan else None
        rows.append({"anchor": anchor(i), "community": r.community.name, "score": s.score,
                     "coverage": s.coverage, "judged": s.judged, "applicable": s.applicable,
                     "stage": r.stage.current, "stage_at_most": r.stage.at_most, "stage_name": r.stage.name,
                     "declared_stage": r.stage.declared,
                     "critical": s.critical, "warning": s.warning, "info": s.info,
                     "scores": {d: r.scores.get(d) for d in dimensions},
                     "applies": {d: r.coverage.get(d, 0) is not None for d in dimensions},
                     "first_action": {"rule": first.rule, "title": first.title} if first else None})
        seen_mines: set[int] = set()
        for f in r.findings:
            if f.status != "open":
                continue
            entry = by_rule.setdefault(f.rule, {"rule": f.rule, "title": f.title, "severity": f.severity,
                                                "minefield": f.minefield, "communities": []})
            entry["communities"].append(anchor(i))
            if f.minefield and f.minefield not in seen_mines:
                seen_mines.add(f.minefield)
                mine = by_minefield.setdefault(f.minefield, {"minefield": f.minefield, "communities": [],
                                                             "rules": Counter()})
                mine["communities"].append(anchor(i))
            if f.minefield:
                by_minefield[f.minefield]["rules"][(f.rule, f.title)] += 1
    findings = sorted(by_rule.values(), key=lambda e: (-len(e["communities"]), SEVERITY_ORDER.get(e["severity"], 9), e["rule"]))
    mines = []
    for m in sorted(by_minefield.values(), key=lambda m: (-len(m["communities"]), m["minefield"])):
        rules = [{"rule": rule, "title": title} for (rule, title), _ in m["rules"].most_common()]
        mines.append({"minefield": m["minefield"], "communities": m["communities"], "rules": rules})
    stages = Counter(r.stage.current for r in reports)
    return {
        "communities": len(reports),
        "dimensions": dimensions,
        "rows": rows,
        "average": {"score": _average([r.summary.score for r in reports]),
                    "scores": {d: _average([r.scores.get(d) for r in reports]) for d in dimensions}},
        "stages": {n: stages.get(n, 0) for n in range(1, 6)},
        "common_minefields": mines,
        "common_findings": findings[:top],
    }


def _view(reports: Sequence[Report], lang: str, rule_pages: str = RULE_PAGES) -> dict[str, Any]:
    t = labels(lang)
    summary = portfolio_summary(reports)
    names = {row["anchor"]: row["community"] for row in summary["rows"]}
    rows = []
    for row, r in zip(summary["rows"], reports):
        first = plan_view(r, t)[:1]
        stage = (t("stage_range", current=row["stage"], at_most=row["stage_at_most"])
                 if row["stage_at_most"] > row["stage"] else str(row["stage"]))
        rows.append(row | {"cls": score_class(row["score"]), "stage_label": t.stage_name(row["stage"], row["stage_name"]),
                           "stage_text": stage, "unconfirmed": row["stage_at_most"] > row["stage"],
                           "score_text": score_text(r, t), "first": first[0] if first else None,
                           "cells": [{"score": row["scores"][d], "cls": score_class(row["scores"][d]),
                                      "applies": row["applies"][d]} for d in summary["dimensions"]]})

    def who(anchors: list[str]) -> list[dict[str, str]]:
        return [{"anchor": a, "name": names[a]} for a in anchors]

    return {
        "n": summary["communities"],
        "dims": [{"key": d, "name": t.dimension_name(d)} for d in summary["dimensions"]],
        "rows": rows,
        "average": {"score": summary["average"]["score"], "cls": score_class(summary["average"]["score"]),
                    "cells": [{"score": summary["average"]["scores"][d], "cls": score_class(summary["average"]["scores"][d])}
                              for d in summary["dimensions"]]},
        "stages": [{"n": n, "name": t.stage_name(n), "count": c} for n, c in summary["stages"].items()],
        "mines": [m | {"who": who(m["communities"])} for m in summary["common_minefields"]],
        "findings": [f | {"who": who(f["communities"]), "severity_name": t.severity_name(f["severity"])}
                     for f in summary["common_findings"]],
        "sections": [report_view(r, lang, anchor=anchor(i), rule_pages=rule_pages) for i, r in enumerate(reports)],
        "engine": reports[0].engine if reports else None,
    }


def render_html(reports: Sequence[Report], *, lang: str = "en", generated: _dt.date | str | None = None,
                rule_pages: str = RULE_PAGES) -> str:
    """The portfolio as one self-contained HTML page: the overview, then each community's report folded
    (`<details>`, closed on paper too, so many communities print in a few pages)."""
    view = _view(reports, lang, rule_pages)
    return environment("html").get_template("portfolio.html.j2").render(
        t=labels(lang), lang=lang, p=view, generated=today(generated), engine=view["engine"])


def render_markdown(reports: Sequence[Report], *, lang: str = "en", generated: _dt.date | str | None = None) -> str:
    """The portfolio as Markdown."""
    view = _view(reports, lang)
    return environment("markdown").get_template("portfolio.md.j2").render(
        t=labels(lang), lang=lang, p=view, generated=today(generated))
