"""The `shequn` command line.

Only this layer decides exit codes: 0 nothing at or above --fail-on, 1
findings, 2 bad input or usage. Bad input is reported as one line per
problem on stderr, never as a traceback.
"""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from shequn.errors import RulesetErrors, ShequnError
from shequn.facts.loader import FactsError

SEVERITIES = ("critical", "warning", "info")
FAIL_ON = SEVERITIES + ("never",)


class BadInput(click.ClickException):
    """Exit 2 with one message per problem."""
    exit_code = 2

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))

    def show(self, file=None):
        for message in self.messages:
            click.echo(f"error: {message}", err=True)


def problems_of(exc: Exception) -> list[str]:
    if isinstance(exc, FactsError):
        return [str(p) for p in exc.problems]
    if isinstance(exc, RulesetErrors):
        return [str(e) for e in exc.errors]
    return [str(exc)]


def handle_errors(func):
    """Turn library errors into exit-2 messages; never show a traceback."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (FactsError, ShequnError) as exc:
            raise BadInput(problems_of(exc)) from None
        except click.ClickException:
            raise
        except (OSError, ValueError) as exc:
            raise BadInput(str(exc)) from None
    return wrapper


def make_engine(rulesets=(), select=(), ignore=()):
    from shequn.diagnose.engine import Engine
    return Engine(list(rulesets), select=_split(select), ignore=_split(ignore))


def _split(values) -> list[str]:
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


def write_output(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"{output}: cannot write: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=not text.endswith("\n"))


# --- the group -------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="shequn", prog_name="shequn")
def cli():
    """Diagnose online communities the way a community-operations consultant would.

    \b
    shequn check facts/examples/cosmetics-brand-matrix.yaml
    shequn rules list --kind minefield
    shequn rules show NM201
    """


# --- check -----------------------------------------------------------------

FORMATS = ("text", "json", "jsonl", "markdown", "html")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format. Several files give a portfolio: a JSON list, JSON Lines, or one overview page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="critical", show_default=True,
              help="Exit 1 when a finding at or above this severity is open.")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="OLD.json",
              help="Mark each finding new or known against an earlier report JSON (or list of reports).")
@click.option("--fail-on-new", is_flag=True, help="With --baseline: exit 1 only for new findings at or above --fail-on.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of headings, labels and (where rules carry it) rule text.")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (repeatable).")
@click.option("--select", multiple=True, help="Only these rules: ids, id prefixes, dimensions, kinds, severities (comma-separated).")
@click.option("--ignore", multiple=True, help="Leave out these rules (same selectors as --select).")
@click.option("--export", "exports", multiple=True, type=click.Path(),
              help="A chat export or WeCom statistics file of the community (repeatable): its measured facts "
                   "fill in what the facts file leaves out; where both give a value, the report shows both.")
@click.option("--explain", is_flag=True, help="Add each finding's condition, part by part, with values and outcomes.")
@handle_errors
def check(files, fmt, output, fail_on, baseline, fail_on_new, lang, rulesets, select, ignore, exports, explain):
    """Diagnose communities described by facts files (YAML or JSON).

    \b
    shequn check acme.yaml --format html -o acme.html
    shequn check facts/ --format html -o portfolio.html      # one overview page
    shequn check acme.yaml --format json -o acme-2024-05.json
    shequn check acme.yaml --baseline acme-2024-05.json --fail-on-new
    shequn check acme.yaml --export group1.csv --export group2.csv
    shequn check result.json                                  # a chat export alone
    """
    if fail_on_new and not baseline:
        raise BadInput("--fail-on-new needs --baseline OLD.json")
    baselines = _load_baseline(baseline) if baseline else None
    engine = make_engine(rulesets, select, ignore)
    paths, exports = split_exports(expand_facts_paths(files), list(exports))
    if exports:
        reports, problems = evaluate_with_exports(engine, paths, exports)
        paths = paths or exports[:1]
    else:
        reports, problems = evaluate_paths(engine, paths)
    explained = explain_all(engine, reports) if explain else None
    reports = [(p, r) for p, r, _ in reports]
    if baselines is not None:
        from shequn.report.diff import baseline_for, mark_baseline
        reports = [(p, mark_baseline(r, baseline_for(r, baselines))) for p, r in reports]
    plain = [r for _, r in reports]
    if fmt in ("json", "jsonl"):
        data = [r.model_dump(mode="json") for r in plain]
        for item, extra in zip(data, explained or []):
            item["explanations"] = extra
        if fmt == "jsonl":
            text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in data)
        else:
            text = json.dumps(data[0] if len(paths) == 1 and data else data, ensure_ascii=False, indent=2) + "\n"
        if reports or not problems:
            write_output(text, output)
    elif reports:
        shown = _translated(plain, lang, engine)
        if fmt == "text":
            text = render_text(shown, output, explained)
            if output:
                write_output(text, output)
        else:
            write_output(render_document(shown, fmt, lang, portfolio=len(paths) > 1), output)
    if problems:
        raise BadInput(problems)
    sys.exit(exit_status(plain, fail_on, new_only=fail_on_new))


def split_exports(paths: list[str], exports: list[str]) -> tuple[list[str], list[str]]:
    """Facts files, and chat exports given among the files (recognised by content)."""
    from shequn.facts.exports import ExportError, detect_format

    facts_paths = []
    for path in paths:
        try:
            detect_format(path)
        except (ExportError, OSError):
            facts_paths.append(path)
        else:
            exports.append(path)
    return facts_paths, exports


def evaluate_with_exports(engine, paths, exports):
    """The exports are the groups of one community: measure them once, then diagnose
    each facts file with the measured facts filling its gaps (or the exports alone)."""
    from shequn.facts.exports import ExportError, extract_facts
    from shequn.facts.loader import read_file, validate_facts
    from shequn.facts.merge import merge_facts

    try:
        measured, provenance = extract_facts(exports)
    except ExportError as exc:
        return [], [str(exc)]
    if not paths:
        facts = validate_facts({**measured, "provenance": provenance}, "+".join(exports))
        return [(exports[0], engine.evaluate(facts), facts)], []
    reports, problems = [], []
    for path in paths:
        try:
            written, lines = read_file(path)
            if not isinstance(written, dict):
                validate_facts(written, path, lines)
            merged, differences = merge_facts(written, measured)
            merged.setdefault("provenance", provenance)
            facts = validate_facts(merged, path, lines)
            report = engine.evaluate(facts).model_copy(update={"discrepancies": differences})
            reports.append((path, report, facts))
        except FactsError as exc:
            problems.extend(problems_of(exc))
    return reports, problems


def explain_all(engine, evaluated):
    """For --explain: each report's findings broken into their parts (engine/explain.py)."""
    from shequn.diagnose.explain import explain_report

    return [explain_report(engine, facts, report) for _, report, facts in evaluated]


def evaluate_paths(engine, paths):
    """(path, report) for each good file and one message per problem of the bad ones.

    Shows a progress bar on stderr when several files are evaluated and stderr is a terminal.
    """
    from shequn.facts.loader import load_facts

    reports, problems = [], []

    def one(path):
        try:
            facts = load_facts(path)
            reports.append((path, engine.evaluate(facts), facts))
        except FactsError as exc:
            problems.extend(problems_of(exc))

    if len(paths) > 1 and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("evaluating", total=len(paths))
            for path in paths:
                one(path)
                progress.advance(task)
    else:
        for path in paths:
            one(path)
    return reports, problems


def _load_baseline(path):
    from shequn.report.diff import load_reports

    if not Path(path).is_file():
        raise BadInput(f"{path}: no such baseline file")
    return load_reports(path)


def _translated(reports, lang, engine):
    if lang == "en":
        return reports
    from shequn.report.i18n import rule_translations, translate_report

    translations = rule_translations(engine.rules, lang)
    return [translate_report(r, translations) for r in reports]


def render_document(reports, fmt, lang="en", *, portfolio=False) -> str:
    """Markdown or HTML: one report's page, or the portfolio overview with each community's section."""
    if portfolio:
        from shequn.report import portfolio as pf
        return (pf.render_html if fmt == "html" else pf.render_markdown)(reports, lang=lang)
    if fmt == "html":
        from shequn.report.html import render
    else:
        from shequn.report.markdown import render
    return render(reports[0], lang=lang)


def expand_facts_paths(files) -> list[str]:
    out: list[str] = []
    for f in files:
        p = Path(f)
        if p.is_dir():
            found = sorted(str(q) for q in p.iterdir() if q.suffix in (".yaml", ".yml", ".json") and q.is_file())
            if not found:
                raise BadInput(f"{f}: no facts files (*.yaml, *.yml, *.json) in this folder")
            out.extend(found)
        else:
            out.append(f)
    return out


def render_text(reports, output, explained=None):
    """Print reports to the terminal, or return them as plain text when writing a file."""
    from rich.console import Console
    from rich.text import Text

    from shequn.report.text import render

    if output:
        console = Console(record=True, file=open(os.devnull, "w"), width=100, color_system=None)
    else:
        console = Console(highlight=False, width=None if sys.stdout.isatty() else 100)
    for i, report in enumerate(reports):
        if i:
            console.print()
        render(report, console)
        if explained and explained[i]:
            from shequn.diagnose.explain import render_report_explanations
            console.print(Text("Why, part by part", style="bold"))
            console.print(Text(render_report_explanations(explained[i])))
    return console.export_text() if output else None


def exit_status(reports, fail_on: str, *, new_only: bool = False) -> int:
    """1 when an open finding at or above `fail_on` exists (only new ones with `new_only`), else 0."""
    if fail_on == "never":
        return 0
    limit = SEVERITIES.index(fail_on)
    for report in reports:
        for f in report.findings:
            if f.status == "open" and SEVERITIES.index(f.severity) <= limit and (not new_only or f.baseline != "known"):
                return 1
    return 0


# --- rules -----------------------------------------------------------------

@cli.group()
def rules():
    """The rule catalogue: list, show, lint, test, coverage, docs."""


def _rule_dict(rule) -> dict:
    return rule.model_dump(mode="json", exclude={"file", "line"}) | {"facts": rule.facts}


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--kind", type=click.Choice(["minefield", "practice", "stage"]))
@click.option("--dimension")
@click.option("--stage", type=click.IntRange(1, 5))
@click.option("--doc", help="Only rules citing this document key.")
@click.option("--severity", type=click.Choice(SEVERITIES))
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder.")
@handle_errors
def rules_list(fmt, kind, dimension, stage, doc, severity, rulesets):
    """List rules, filtered by kind, dimension, stage, document or severity."""
    engine = make_engine(rulesets)
    chosen = [r for r in engine.rules
              if (kind is None or r.kind == kind) and (dimension is None or r.dimension == dimension)
              and (stage is None or r.stage == stage) and (severity is None or r.severity == severity)
              and (doc is None or any(s.doc == doc for s in r.sources))]
    if fmt == "json":
        click.echo(json.dumps([_rule_dict(r) for r in chosen], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False)
    for col in ("id", "severity", "kind", "dimension", "title"):
        table.add_column(col, overflow="fold")
    for r in chosen:
        kind_text = r.kind + (f" {r.minefield}" if r.minefield else "") + (f" s{r.stage}" if r.stage else "") + (" gate" if r.gate else "")
        table.add_row(r.id, r.severity, kind_text, r.dimension, r.title)
    Console(highlight=False, width=None if sys.stdout.isatty() else 120).print(table)
    click.echo(f"{len(chosen)} rule(s)")


@rules.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder.")
@handle_errors
def rules_show(rule_id, fmt, rulesets):
    """One rule's page: what it checks, why, what to do, condition, examples."""
    import difflib

    from shequn.authoring.rule_page import rule_page

    engine = make_engine(rulesets)
    by_id = {r.id: r for r in engine.rules}
    rule = by_id.get(rule_id) or by_id.get(rule_id.upper())
    if rule is None:
        near = difflib.get_close_matches(rule_id.upper(), list(by_id), n=1)
        raise BadInput(f"unknown rule '{rule_id}'" + (f" — did you mean {near[0]}?" if near else ""))
    if fmt == "json":
        click.echo(json.dumps(_rule_dict(rule), ensure_ascii=False, indent=2))
    else:
        click.echo(rule_page(rule))


# --- facts -----------------------------------------------------------------

@cli.group()
def facts():
    """Facts files: schema, init, questions, extract."""


@facts.command("schema")
def facts_schema():
    """Print the JSON Schema of a facts file."""
    from shequn.facts.model import Facts

    click.echo(json.dumps(Facts.model_json_schema(), ensure_ascii=False, indent=2))


def _register_optional():
    """Commands that live in their own modules: each has `register(cli)`."""
    import importlib

    for name in ("extract", "authoring", "reports", "coverage_cmds"):
        try:
            module = importlib.import_module(f"shequn.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"shequn.cli.{name}":
                raise
            continue
        if hasattr(module, "register"):
            module.register(cli)
        elif name == "extract":
            facts.add_command(module.extract, "extract")


_register_optional()


def main():
    from shequn.project import ProjectError, default_map

    try:
        defaults = default_map()
    except ProjectError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    try:
        cli(prog_name="shequn", default_map=defaults)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("SHEQUN_DEBUG"):
            raise
        click.echo(f"error: internal error: {type(exc).__name__}: {exc} (set SHEQUN_DEBUG=1 for details)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
