"""Terminal report: grouped by severity, with evidence, advice and the source.

Reads only the Report model. Uses rich, which drops colour when piped.
Every value that comes from a facts file is printed as plain text, never as
markup.
"""
from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule as Line
from rich.table import Table
from rich.text import Text

from shequn.report.model import STAGE_NAMES, Report
from shequn.report.values import format_value
from shequn.rules.ruleset import SEVERITIES

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_MARK = {"critical": "✖", "warning": "▲", "info": "●"}


def _score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 80 else "yellow" if score >= 50 else "red"


def _evidence(evidence: dict) -> Text:
    text = Text()
    for i, (name, value) in enumerate(evidence.items()):
        if i:
            text.append(", ", style="dim")
        text.append(name, style="dim")
        text.append(" = ")
        text.append(format_value(name, value), style="bold")
    return text


def stage_track(report: Report) -> Text:
    text = Text()
    for k, name in STAGE_NAMES.items():
        if k > 1:
            text.append(" → ", style="dim")
        if k in report.stage.completed:
            text.append(f"✔ {k} {name}", style="green")
        elif k == report.stage.current:
            text.append(f"▶ {k} {name}", style="bold reverse")
        else:
            text.append(f"{k} {name}", style="dim")
    return text


def render(report: Report, console: Console, *, limit_questions: int = 5) -> None:
    c = report.community
    title = Text(c.name, style="bold")
    meta = " · ".join(filter(None, [c.platform, c.type, c.goal and c.goal.replace("_", " "),
                                    f"{c.members} members" if c.members is not None else None]))
    s = report.summary
    head = Text()
    head.append("Health ")
    head.append(f"{s.score if s.score is not None else '–'}/100", style=_score_style(s.score) + " bold")
    head.append(f"   {s.critical} critical · {s.warning} warning · {s.info} info · {s.passed} passed · "
                f"{s.not_evaluated} not evaluated" + (f" · {s.waived} waived" if s.waived else ""))
    stage = Text(f"Stage {report.stage.current} of 5 — {report.stage.name}")
    if report.stage.declared is not None and report.stage.declared != report.stage.current:
        stage.append(f" (operator declared {report.stage.declared})", style="yellow")
    console.print(Panel(Group(title, Text(meta, style="dim"), head, stage, stage_track(report)), expand=True))

    scores = Table(show_header=False, box=None, padding=(0, 1))
    for dim, value in report.scores.items():
        if value is None:
            continue
        bar = "█" * round(value / 10) + "░" * (10 - round(value / 10))
        scores.add_row(dim, Text(bar, style=_score_style(value)), Text(str(value), style=_score_style(value)))
    if scores.row_count:
        console.print(Text("Health by area", style="bold"))
        console.print(Padding(scores, (0, 2)))

    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity and f.status == "open"]
        if not group:
            continue
        console.print(Line(Text(f"{severity} ({len(group)})", style=SEVERITY_STYLE[severity]), align="left"))
        for f in group:
            line = Text()
            line.append(f"{SEVERITY_MARK[severity]} ", style=SEVERITY_STYLE[severity])
            line.append(f.rule, style="bold")
            line.append(f"  {f.title}")
            if f.minefield:
                line.append(f"  [minefield {f.minefield}]", style="magenta")
            console.print(line)
            body = [Text(f.message)]
            if f.evidence:
                body.append(Text("evidence: ", style="dim") + _evidence(f.evidence))
            for advice in f.advice:
                body.append(Text("→ " + advice, style="green"))
            for src in f.sources:
                body.append(Text(f"“{src.quote}” — {src.doc}", style="italic dim"))
            if f.note:
                body.append(Text("note: " + f.note, style="magenta"))
            console.print(Padding(Group(*body), (0, 0, 1, 4)))

    waived = [f for f in report.findings if f.status == "waived"]
    if waived:
        console.print(Line(Text(f"waived ({len(waived)})", style="dim"), align="left"))
        for f in waived:
            reason = (f.waiver or {}).get("reason", "")
            console.print(Text(f"  {f.rule}  {f.title} — {reason}", style="dim"))

    if report.actions:
        console.print(Line(Text(f"Next actions for stage {report.stage.current} ({report.stage.name})", style="bold"), align="left"))
        for a in report.actions:
            line = Text("☐ ")
            line.append(a.title, style="bold")
            line.append(f"  {a.rule}" + ("  blocks the stage" if a.blocker else ""), style="dim")
            console.print(line)
            for advice in a.advice:
                console.print(Padding(Text("→ " + advice, style="green"), (0, 0, 0, 4)))

    if report.questions:
        console.print(Line(Text("Facts to collect", style="bold"), align="left"))
        for q in report.questions[:limit_questions]:
            console.print(Text(f"  ? {q.question}  ", style="") + Text(f"{q.fact}, unlocks {q.unlocks} rule(s)", style="dim"))
        if len(report.questions) > limit_questions:
            console.print(Text(f"  … and {len(report.questions) - limit_questions} more (shequn facts questions)", style="dim"))
    if report.discrepancies:
        console.print(Line(Text("Written by hand vs measured from exports", style="bold"), align="left"))
        for d in report.discrepancies:
            console.print(Text(f"  {d['fact']}: written {format_value(d['fact'], d['written'])}, "
                               f"measured {format_value(d['fact'], d['measured'])} (the written value is used)"))
    for problem in report.problems:
        console.print(Text("! " + problem, style="yellow"))
