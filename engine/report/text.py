"""Terminal report: the plan first, then findings grouped by severity, with evidence, advice and the source.

Reads only the Report model, through the same views as the Markdown and HTML
pages, and takes every heading from the labels of the chosen language. Uses
rich, which drops colour when piped. Every value that comes from a facts file
is printed as plain text, never as markup.
"""
from __future__ import annotations

from typing import Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule as Line
from rich.table import Table
from rich.text import Text

from shequn.report.escape import terminal_data
from shequn.report.i18n import Labels, labels
from shequn.report.model import Report
from shequn.report.values import format_value
from shequn.report.views import (own_thresholds_text, community_meta, confirm_questions, dimension_views, evidence_items, fact_text,
                                 is_unconfirmed, not_applicable_text, plan_empty_text, plan_view, question_groups,
                                 score_text, stage_heading, stage_label)
from shequn.rules.names import SEVERITIES

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_MARK = {"critical": "✖", "warning": "▲", "info": "●"}


def _score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 80 else "yellow" if score >= 50 else "red"


def _evidence(items: list[tuple[str, str, str]]) -> Text:
    text = Text()
    for i, (name, label, value) in enumerate(items):
        if i:
            text.append("\n" if label else ", ", style="dim")     # Chinese wraps anywhere: one fact a line
        if label:                       # Chinese: the label first, the dotted name beside it for consultants
            text.append(label)
            text.append(f"（{name}）", style="dim")
            text.append("= ")
        else:
            text.append(name, style="dim")
            text.append(" = ")
        text.append(value, style="bold")
    return text


def _advice(advice: str, t: Labels) -> RenderableType:
    """"→ advice", its wrapped lines hanging under the text rather than the arrow."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")            # a Chinese sentence is one long "word": fold it, never cut it
    grid.add_row(Text("→", style="green"), Text(advice, style="green"))
    return grid


def _heading(label: str) -> Line:
    return Line(Text(label, style="bold"), align="left")


def stage_track(report: Report, t: Labels | None = None) -> Text:
    """✔ done → ▶ current → ? unconfirmed → still to come, stage names in the labels' language."""
    t = t or labels("en")
    st = report.stage
    unconfirmed = is_unconfirmed(report)
    text = Text()
    for k in range(1, 6):
        name = t.stage_name(k, str(k))
        if k > 1:
            text.append(" → ", style="dim")
        if k in st.completed:
            text.append(f"✔ {k} {name}", style="green")
        elif k == st.current:
            text.append(f"▶ {k} {name}", style="bold reverse")
        elif unconfirmed and st.current < k <= st.at_most:
            text.append(f"? {k} {name}", style="yellow")
        else:
            text.append(f"{k} {name}", style="dim")
    return text


def _header(report: Report, t: Labels) -> Panel:
    c = report.community
    meta = " · ".join(community_meta(report, t))
    s = report.summary
    score = Text()
    if s.score is not None:
        score.append(f"{t.health} ")
        score.append(f"{s.score}/100", style=_score_style(s.score) + " bold")
        score.append(f"   {score_text(report, t)}", style="dim")
    else:
        score.append(score_text(report, t), style="bold")
    new = sum(f.baseline == "new" and f.status == "open" for f in report.findings)
    counts = " · ".join([f"{getattr(s, sev)} {t.severity_name(sev).lower()}" for sev in SEVERITIES]
                        + [f"{s.passed} {t.passed}", f"{s.not_evaluated} {t.not_evaluated}"]
                        + ([f"{s.waived} {t.waived.lower()}"] if s.waived else [])
                        + ([t("new_n", n=new)] if any(f.baseline for f in report.findings) else []))
    stage = Text(stage_heading(report, t))
    if report.stage.declared is not None and report.stage.declared != report.stage.current:
        stage.append(t("declared_paren", declared=report.stage.declared), style="yellow")
    lines = [Text(c.name, style="bold"), Text(meta, style="dim"), score, Text(counts)]
    na = not_applicable_text(report, t)
    if na:
        lines.append(Text(na, style="dim"))
    return Panel(Group(*lines, stage, stage_track(report, t)), expand=True)


def _plan(report: Report, console: Console, t: Labels) -> None:
    console.print(_heading(t.plan))
    items = plan_view(report, t)
    if not items:
        console.print(Text("  " + plan_empty_text(report, t), style="dim"))
    for i, p in enumerate(items, 1):
        line = Text(p["title"], style="bold")
        line.append(f"  {p['rule']} · {p['why_label']}", style="dim")
        console.print(_hanging(Text(f"{i}.", style="bold"), line))
        body: list[RenderableType] = []
        if p["evidence"]:
            body.append(_evidence(p["evidence"]))
        body.extend(_advice(a, t) for a in p["advice"])
        console.print(Padding(Group(*body), (0, 0, 0, 3)))


def _areas(report: Report, console: Console, t: Labels) -> None:
    dims = dimension_views(report, t)
    console.print(_heading(t.by_dimension))
    if not any(d["score"] is not None for d in dims):
        console.print(Text("  " + t.no_area_scored, style="dim"))
        return
    scores = Table(show_header=False, box=None, padding=(0, 1))
    for d in dims:
        value = d["score"]
        if value is None:
            scores.add_row(d["name"], Text(""), Text(t.not_enough_facts, style="dim italic"))
            continue
        bar = "█" * round(value / 10) + "░" * (10 - round(value / 10))
        scores.add_row(d["name"], Text(bar, style=_score_style(value)), Text(str(value), style=_score_style(value)))
    console.print(Padding(scores, (0, 2)))


def _to_confirm(report: Report, console: Console, t: Labels) -> None:
    if not report.stage.to_confirm:
        return
    console.print(_heading(t.to_confirm))
    rows = _grid()
    for c in report.stage.to_confirm:
        for q in confirm_questions(c, t):
            rows.add_row(Text(f"? {t.confirm.strip()}", style="yellow"),
                         Text(q + "  ") + Text(f"{c.rule} · {t('essential_of', n=c.stage)}", style="dim"))
    console.print(Padding(rows, (0, 0, 0, 2)))


def _hanging(mark: Text, text: Text) -> Table:
    """A mark and its text, the text's wrapped lines under the text (never back under the mark)."""
    grid = _grid()
    grid.add_row(mark, text)
    return grid


def _grid() -> Table:
    """Two columns: a mark, and the text wrapped under itself rather than under the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    return grid


def _findings(report: Report, console: Console, t: Labels) -> None:
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity and f.status == "open"]
        if not group:
            continue
        console.print(Line(Text(f"{t.severity_name(severity)} ({len(group)})", style=SEVERITY_STYLE[severity]),
                           align="left"))
        for f in group:
            line = Text()
            line.append(f.rule, style="bold")
            line.append(f"  {f.title}")
            if f.baseline:
                line.append(f"  [{t['baseline_' + f.baseline]}]", style="bold red" if f.baseline == "new" else "dim")
            if f.minefield:
                line.append(f"  [{t('minefield', n=f.minefield)}]", style="magenta")
            why = stage_label(f.rule, f.stage, report, t)
            if why:
                line.append(f"  [{why}]", style="yellow")
            console.print(_hanging(Text(SEVERITY_MARK[severity], style=SEVERITY_STYLE[severity]), line))
            body: list[RenderableType] = []
            if f.related:
                body.append(Text(t.also + "; ".join(f"{r.rule} {r.title}" for r in f.related), style="dim"))
            body.append(Text(f.message))
            if f.evidence:
                body.append(Text(f"{t.evidence}{t.colon} ", style="dim") + _evidence(evidence_items(f.evidence, t)))
            own = own_thresholds_text(f, t)
            if own:
                body.append(Text(own, style="dim"))
            for advice in f.advice:
                body.append(_advice(advice, t))
            for src in f.sources:
                body.append(Text(f"“{src.quote}” — {src.doc}", style="italic dim"))
            if f.note:
                body.append(Text(f"{t.note}{t.colon} {f.note}", style="magenta"))
            body.append(Text(t("rule_page", command=rule_command(f.rule)), style="dim"))
            console.print(Padding(Group(*body), (0, 0, 1, 4)))


def _waived(report: Report, console: Console, t: Labels) -> None:
    waived = [f for f in report.findings if f.status == "waived"]
    if waived:
        console.print(Line(Text(f"{t.waived_findings} ({len(waived)})", style="dim"), align="left"))
        for f in waived:
            reason = (f.waiver or {}).get("reason", "")
            console.print(Text(f"  {f.rule}  {f.title} — {reason}", style="dim"))


def _actions(report: Report, console: Console, t: Labels) -> None:
    actions = [a for a in report.actions if a.evidence]       # an action is shown for the facts that call for it
    if not actions:
        return
    st = report.stage
    console.print(_heading(t("actions_for", current=st.current, name=t.stage_name(st.current, st.name))))
    for a in actions:
        line = Text("☐ ")
        line.append(a.title, style="bold")
        line.append(f"  {a.rule}" + (f"  {t.blocks_stage}" if a.blocker else ""), style="dim")
        console.print(line)
        console.print(Padding(_evidence(evidence_items(a.evidence, t)), (0, 0, 0, 4)))
        for advice in a.advice:
            console.print(Padding(_advice(advice, t), (0, 0, 0, 4)))


def _questions(report: Report, console: Console, t: Labels, limit: int) -> None:
    everything = question_groups(report, t)               # without those asked under "To confirm the stage"
    total = sum(len(g["questions"]) for g in everything)
    groups = question_groups(report, t, limit)
    if not groups:
        return
    console.print(_heading(t.questions))
    for g in groups:
        console.print(Text(f"  {g['label']}", style="bold"))
        rows = _grid()
        for q in g["questions"]:
            rows.add_row(Text("?"), Text(q["question"] + "  ") + Text(f"{q['fact']}{t.comma}{t('unlocks_n', n=q['unlocks'])}",
                                                                      style="dim"))
        console.print(Padding(rows, (0, 0, 0, 4)))
    if total > limit:
        console.print(Text("  " + t("more_questions", n=total - limit), style="dim"))


def rule_command(rule: str) -> str:
    """The command that prints a rule's page."""
    return f"shequn rules show {rule}"


def overview(reports: Sequence[Report], lang: str = "en") -> Table:
    """One line per community, as the portfolio page's matrix: community, score, stage, critical, warning."""
    t = labels(lang)
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="bold")
    table.add_column(t.community, overflow="fold")
    table.add_column(t.overall, justify="right", no_wrap=True)
    table.add_column(t.stage, no_wrap=True)
    table.add_column(t.critical, justify="right", no_wrap=True)
    table.add_column(t.warning, justify="right", no_wrap=True)
    for r in reports:
        st = r.stage
        stage = f"{st.current}–{st.at_most}" if st.at_most > st.current else str(st.current)
        score = Text("–" if r.summary.score is None else str(r.summary.score), style=_score_style(r.summary.score))
        table.add_row(Text(r.community.name), score, f"{stage} {t.stage_name(st.current, st.name)}",
                      Text(str(r.summary.critical), style="bold red" if r.summary.critical else "dim"),
                      Text(str(r.summary.warning), style="yellow" if r.summary.warning else "dim"))
    return table


def summary_line(reports: Sequence[Report], lang: str = "en") -> str:
    """"3 communities: 2 with critical findings, 11 warnings" (and the new findings, with a baseline)."""
    t = labels(lang)
    n = len(reports)
    warnings = sum(r.summary.warning for r in reports)
    line = t("summary_line", communities=t.community_one if n == 1 else t("communities_n", n=n),
             critical=sum(1 for r in reports if r.summary.critical),
             warnings=t.warning_one if warnings == 1 else t("warnings_n", n=warnings))
    if any(f.baseline for r in reports for f in r.findings):
        new = sum(f.baseline == "new" and f.status == "open" for r in reports for f in r.findings)
        line += t.comma + t("new_n", n=new)
    return line


def render(report: Report, console: Console, *, lang: str = "en", limit_questions: int = 5) -> None:
    """Print one report: header, this week's plan, areas, stage, findings, actions, questions."""
    t = labels(lang)
    report = Report.model_validate(terminal_data(report.model_dump()))    # no control character reaches the terminal
    console.print(_header(report, t))
    _plan(report, console, t)
    _areas(report, console, t)
    _to_confirm(report, console, t)
    _findings(report, console, t)
    _waived(report, console, t)
    _actions(report, console, t)
    _questions(report, console, t, limit_questions)
    if report.discrepancies:
        console.print(_heading(t.discrepancies))
        for d in report.discrepancies:
            console.print(Text("  " + t("discrepancy", fact=fact_text(d["fact"], t),
                                        written=format_value(d["fact"], d["written"], t.lang),
                                        measured=format_value(d["fact"], d["measured"], t.lang))))
    for problem in report.problems:
        console.print(Text("! " + problem, style="yellow"))
