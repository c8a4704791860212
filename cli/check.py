"""`shequn check FILES...`: diagnose communities described by facts files or chat exports."""
from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import click

from shequn.report.escape import terminal
from shequn.cli._common import FAIL_ON, SEVERITIES, BadInput, handle_errors, load_report_file, make_engine, write_output
from shequn.facts.loader import FactsError

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.diagnose.engine import Engine
    from shequn.facts.model import Facts
    from shequn.report.model import Report

    Evaluated = tuple[str, Report, Facts]                   # a file, its report, and the facts it was made from
    Explanations = dict[str, dict[str, Any]]                # explain_report's, by rule id

FORMATS = ("text", "concise", "json", "jsonl", "junit", "markdown", "html")
DETAILS = ("report", "verdicts")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format. Several files give a portfolio: a JSON list, JSON Lines, or one overview page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="critical", show_default=True,
              help="Exit 1 when a finding at or above this severity is open.")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="OLD",
              help="Mark each finding new or known against an earlier report JSON (or list of reports), "
                   "or an earlier facts file.")
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
@click.option("--statistics", is_flag=True, help="Instead of the reports, count the open findings by rule over all "
                                                 "communities (JSON with --format json).")
@click.option("--rule-pages", metavar="BASE", default="docs/rules/", show_default=True,
              help="HTML: link each finding to its rule's page, BASE/RULESET.md#rule (a folder or URL holding "
                   "`shequn rules docs`' pages); empty for no links.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Diagnose the facts files in this many worker processes (0: one per core); same reports, same order.")
@click.option("--threshold", "thresholds", multiple=True, metavar="RULE.NAME=VALUE",
              help="Set one of shequn's own thresholds for this run (repeatable; `shequn rules show RULE` names them).")
@click.option("--detail", type=click.Choice(DETAILS), default="report", show_default=True,
              help="verdicts: per community only rule ids and values (score, stage, plan, violated, not applicable, "
                   "not evaluated), no texts; with --format json or jsonl.")
@handle_errors
def check(files: tuple[str, ...], fmt: str, output: str | None, fail_on: str, baseline: str | None, fail_on_new: bool,
          lang: str, rulesets: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
          exports: Sequence[str], explain: bool, statistics: bool, rule_pages: str, thresholds: tuple[str, ...],
          jobs: int, detail: str) -> None:
    """Diagnose communities described by facts files (YAML or JSON), chat exports, or `-` (stdin).

    Every good file is reported; each bad one is named on stderr, and the exit
    status is then 2.

    \b
    shequn check acme.yaml --format html -o acme.html
    shequn check facts/ --format html -o portfolio.html      # one overview page
    shequn check acme.yaml --format json -o acme-2024-05.json
    shequn check acme.yaml --baseline acme-2024-05.json --fail-on-new
    shequn check acme.yaml --export group1.csv --export group2.csv
    shequn check result.json                                  # a chat export alone
    shequn check a.yaml b.yaml tg_export.json                 # three communities
    cat acme.json | shequn check -                            # facts from standard input
    shequn check groups/ --jobs 0 --format jsonl -o all.jsonl  # every core
    """
    if fail_on_new and not baseline:
        raise BadInput("--fail-on-new needs --baseline OLD.json")
    if detail == "verdicts":
        check_verdicts(files, fmt, output, fail_on, make_engine(rulesets, select, ignore, thresholds),
                       baseline=baseline, exports=exports, explain=explain, statistics=statistics, jobs=jobs)
        return
    engine = make_engine(rulesets, select, ignore, thresholds)
    baselines = _load_baseline(baseline, engine) if baseline else None
    # an export given with --export belongs to the facts files; one given among them is a community of its own
    paths, loose = split_exports(expand_facts_paths(files), [])
    if exports:
        evaluated, problems = evaluate_with_exports(engine, paths, list(exports))
    else:
        evaluated, problems = evaluate_paths(engine, paths, jobs)
    for export in loose:
        more, trouble = evaluate_with_exports(engine, [], [export])
        evaluated += more
        problems += trouble
    paths = paths + loose or list(exports[:1])
    explained = explain_all(engine, evaluated) if explain else None
    reports = [(p, r) for p, r, _ in evaluated]
    if baselines is not None:
        from shequn.report.diff import baseline_for, mark_baseline
        reports = [(p, mark_baseline(r, baseline_for(r, baselines))) for p, r in reports]
    plain = [r for _, r in reports]
    if statistics:
        write_output(render_statistics(_translated(plain, lang, engine), fmt), output)
    elif fmt == "concise":
        shown = _translated(plain, lang, engine)
        write_output("".join(concise_lines(p, r) for (p, _), r in zip(reports, shown)), output)
    elif fmt == "junit":
        from shequn.report.junit import render as render_junit
        shown = _translated(plain, lang, engine)
        titles = {rule.id: rule.title for rule in engine.rules}
        if reports or not problems:
            write_output(render_junit([(p, r) for (p, _), r in zip(reports, shown)], titles=titles), output)
    elif fmt in ("json", "jsonl"):
        data = [r.model_dump(mode="json") for r in plain]
        for item, extra in zip(data, explained or []):
            item["explanations"] = extra
        text = json_text(data, fmt, one=len(paths) == 1)
        if reports or not problems:
            write_output(text, output)
    elif reports:
        shown = _translated(plain, lang, engine)
        if fmt == "text":
            recorded = render_text(shown, output, explained, lang)
            if recorded is not None:                # the text, when writing a file
                write_output(recorded, output)
        else:
            write_output(render_document(shown, fmt, lang, portfolio=len(paths) > 1, rule_pages=rule_pages), output)
    if fail_on_new:
        for line in new_findings_lines(reports, fail_on):
            click.echo(line, err=True)
    if problems:
        raise BadInput(problems)
    sys.exit(exit_status(plain, fail_on, new_only=fail_on_new))


def new_findings_lines(reports: Sequence[tuple[str, Report]], fail_on: str) -> list[str]:
    """For --fail-on-new: each new open finding at or above `fail_on`, named on stderr (`file: new RULE severity title`)."""
    if fail_on == "never":
        return []
    limit = SEVERITIES.index(fail_on)
    return [f"{path}: new {f.rule} {f.severity} {f.title}" for path, r in reports for f in r.findings
            if f.status == "open" and f.baseline == "new" and SEVERITIES.index(f.severity) <= limit]


def check_verdicts(files: Sequence[str], fmt: str, output: str | None, fail_on: str, engine: Engine, *,
                   baseline: str | None, exports: Sequence[str], explain: bool, statistics: bool, jobs: int = 1) -> None:
    """`--detail verdicts`: each facts file's verdicts (report/verdicts.py) as JSON Lines or a JSON list."""
    if fmt not in ("json", "jsonl"):
        raise BadInput("--detail verdicts needs --format json or jsonl")
    refused = [name for name, given in (("--baseline", baseline), ("--export", exports), ("--explain", explain),
                                        ("--statistics", statistics)) if given]
    if refused:
        raise BadInput(f"--detail verdicts cannot be used with {', '.join(refused)}")
    paths, loose = split_exports(expand_facts_paths(files), [])
    problems = [f"{path}: a chat export: --detail verdicts reads facts files only" for path in loose]
    data: list[dict[str, Any]] = []
    failing = False
    limit = SEVERITIES.index(fail_on) if fail_on != "never" else -1
    read: list[Facts] = []
    for path in paths:
        try:
            read.append(read_facts(path))
        except FactsError as exc:
            problems.extend(exc.messages())
    for verdicts in engine.evaluate_many(read, detail="verdicts", jobs=jobs, today=audit_day()):
        data.append(verdicts.model_dump(mode="json"))
        failing = failing or any(v.role == "finding" and not v.waived and SEVERITIES.index(engine.rule(v.rule).severity) <= limit
                                 for v in verdicts.violated)
    text = json_text(data, fmt, one=len(paths) == 1)
    if data or not problems:
        write_output(text, output)
    if problems:
        raise BadInput(problems)
    sys.exit(1 if failing else 0)


def json_text(data: list[dict[str, Any]], fmt: str, *, one: bool) -> str:
    """JSON Lines (`jsonl`), or JSON: the one object when one file was given, else the list."""
    if fmt == "jsonl":
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in data)
    return json.dumps(data[0] if one and data else data, ensure_ascii=False, indent=2) + "\n"


def concise_lines(path: str, report: Report) -> str:
    """One line per open finding, like a linter: `file: RULE severity title`."""
    return terminal("".join(f"{path}: {f.rule} {f.severity} {f.title}\n" for f in report.findings if f.status == "open"))


def render_statistics(reports: Sequence[Report], fmt: str) -> str:
    """Open findings counted by rule over all the communities, most frequent first."""
    counts: dict[str, list[Any]] = {}
    for report in reports:
        for f in report.findings:
            if f.status == "open":
                counts.setdefault(f.rule, [0, f.severity, f.title])[0] += 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    if fmt in ("json", "jsonl"):
        return json.dumps([{"rule": rule, "count": n, "severity": sev, "title": title} for rule, (n, sev, title) in rows],
                          ensure_ascii=False, indent=2) + "\n"
    width = len(str(rows[0][1][0])) if rows else 1
    return "".join(f"{n:>{width}}  {rule:<7} {sev:<8} {title}\n" for rule, (n, sev, title) in rows)


def split_exports(paths: list[str], exports: list[str]) -> tuple[list[str], list[str]]:
    """Facts files, and chat exports given among the files (recognised by content).

    A file that validates as facts is facts, whatever an export's sniffing says of it:
    a facts file is never read as an export and its written facts dropped.
    """
    from shequn.facts.loader import load_facts

    facts_paths: list[str] = []
    for path in paths:
        if path == STDIN or not _may_be_export(path):
            facts_paths.append(path)
            continue
        from shequn.facts.exports import ExportError, detect_format

        try:
            detect_format(path)
        except (ExportError, OSError):
            facts_paths.append(path)
            continue
        try:
            load_facts(path)
        except (FactsError, OSError):
            exports.append(path)
        else:
            facts_paths.append(path)
    return facts_paths, exports


def _may_be_export(path: str) -> bool:
    """False for a file no export reader could take, seen from its first line alone, so that
    checking a YAML facts file does not load the export readers: every export is a JSON object
    or a CSV file whose header line has commas (facts/exports, each reader's `sniff`)."""
    if not os.path.isfile(path):
        return True                          # a pipe, a device or nothing: the readers say what it is
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return True
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return first.startswith(b"{") or b"," in first or b"\x00" in head


def evaluate_with_exports(engine: Engine, paths: list[str], exports: list[str]) -> tuple[list[Evaluated], list[str]]:
    """The exports are the groups of one community: measure them once, then diagnose
    each facts file with the measured facts filling its gaps (or the exports alone)."""
    from shequn.diagnose.measured import measure, merge_measured
    from shequn.facts.exports import ExportError

    try:
        measured = measure(exports)
    except ExportError as exc:
        return [], exc.messages()
    for note in measured.provenance.get("notes", ()):     # values skipped in the exports, as extract says them
        click.echo(f"note: {note}", err=True)
    if not paths:
        merged = merge_measured(None, measured)
        return [(exports[0], stamped(merged.diagnose(engine, today=audit_day()), exports[0]), merged.facts)], []
    reports: list[Evaluated] = []
    problems: list[str] = []
    for path in paths:
        try:
            merged = merge_measured(path, measured)
        except FactsError as exc:
            problems.extend(exc.messages())
            continue
        reports.append((path, stamped(merged.diagnose(engine, today=audit_day()), path), merged.facts))
    return reports, problems


def audit_day() -> _dt.date:
    """The day of the audit: SHEQUN_TODAY when set (reproducible output, docs/testing.md), else today."""
    from shequn.report.views import today

    return _dt.date.fromisoformat(today(None))


def stamped(report: Report, path: str) -> Report:
    """The report carrying the facts file it was made from (`audit.facts_file`), so `diff` can name it."""
    from shequn.report.model import AuditInfo

    audit = report.audit or AuditInfo(date=audit_day().isoformat(), facts_file=None)
    return report.model_copy(update={"audit": audit.model_copy(update={"facts_file": path})})


def explain_all(engine: Engine, evaluated: Iterable[Evaluated]) -> list[Explanations]:
    """For --explain: each report's findings broken into their parts (diagnose/explain.py)."""
    from shequn.diagnose.explain import explain_report

    return [explain_report(engine, facts, report) for _, report, facts in evaluated]


def evaluate_paths(engine: Engine, paths: list[str], jobs: int = 1) -> tuple[list[Evaluated], list[str]]:
    """(path, report, facts) for each good file and one message per problem of the bad ones.

    With `jobs` other than 1 the files are read and diagnosed by worker processes
    (0: one per core), in the same order. Shows a progress bar on stderr when
    several files are evaluated and stderr is a terminal.
    """
    reports: list[Evaluated] = []
    problems: list[str] = []
    items: list[str | Facts] = []                       # a file to read, or the facts read from stdin
    kept: list[str] = []                                # the path of each item
    for path in paths:
        try:
            items.append(read_facts(path) if path == STDIN else path)   # stdin is the parent's to read
            kept.append(path)
        except FactsError as exc:
            problems.extend(exc.messages())
    with _progress(len(items)) as advance:
        if jobs == 1:
            results: Iterable[tuple[Report, Facts] | FactsError] = read_and_evaluate(engine, items, advance)
        else:
            from shequn.diagnose import parallel
            results = parallel.run(engine.recipe, items, jobs=jobs, work=read_and_evaluate, progress=advance)
        for path, result in zip(kept, results):
            if isinstance(result, FactsError):
                problems.extend(result.messages())
            else:
                report, facts = result
                reports.append((path, stamped(report, path), facts))
    return reports, problems


def read_and_evaluate(engine: Engine, items: Iterable[str | Facts],
                      advance: Callable[[int], None] | None = None) -> Iterator[tuple[Report, Facts] | FactsError]:
    """Each file read and diagnosed, or its FactsError (also the work of each worker process)."""
    for item in items:
        try:
            facts = read_facts(item) if isinstance(item, str) else item
            yield engine.evaluate(facts, today=audit_day()), facts
        except FactsError as exc:
            yield exc
        if advance is not None:
            advance(1)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for several files when stderr is a terminal; else nothing."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("evaluating", total=total)
        yield lambda n: progress.advance(task, n)


STDIN = "-"


def read_facts(path: str) -> Facts:
    """A facts file, or with `-` one facts document (YAML or JSON) from standard input."""
    from shequn.facts.loader import MAX_BYTES, FactsError, Problem, load_facts, parse_facts

    if path != STDIN:
        return load_facts(path)
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FactsError([Problem("<stdin>", "", f"more than {MAX_BYTES:,} bytes")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FactsError([Problem("<stdin>", "", f"not UTF-8 text (byte {exc.start})")]) from None
    return parse_facts(text, "<stdin>")


def _load_baseline(path: str, engine: Engine) -> list[Report]:
    """The reports of an earlier run: a report JSON file, or a facts file evaluated now (as `diff` takes it)."""
    from shequn.cli._common import is_report_file

    if not Path(path).exists():             # a pipe or a directory: the reader says what it is
        raise BadInput(f"{path}: no such baseline file")
    if is_report_file(path):
        return load_report_file(path)
    try:
        return [stamped(engine.evaluate(read_facts(path), today=audit_day()), path)]
    except FactsError as exc:
        raise BadInput([f"{path}: neither a shequn report nor a facts file; as a facts file:", *exc.messages()]) from None


def _translated(reports: list[Report], lang: str, engine: Engine) -> list[Report]:
    if lang == "en":
        return reports
    from shequn.report.i18n import rule_translations, translate_report

    translations = rule_translations(engine.rules, lang)
    return [translate_report(r, translations) for r in reports]


def render_document(reports: Sequence[Report], fmt: str, lang: str = "en", *, portfolio: bool = False,
                    rule_pages: str = "docs/rules/") -> str:
    """Markdown or HTML: one report's page, or the portfolio overview with each community's section."""
    if portfolio:
        from shequn.report import portfolio as pf
        if fmt == "html":
            return pf.render_html(reports, lang=lang, rule_pages=rule_pages)
        return pf.render_markdown(reports, lang=lang)
    if fmt == "html":
        from shequn.report.html import render as render_html
        return render_html(reports[0], lang=lang, rule_pages=rule_pages)
    from shequn.report.markdown import render
    return render(reports[0], lang=lang)


def expand_facts_paths(files: Iterable[str]) -> list[str]:
    out: list[str] = []
    for f in files:
        p = Path(f)
        if f == STDIN:
            out.append(f)
        elif p.is_dir():
            found = sorted(str(q) for q in p.iterdir() if q.suffix in (".yaml", ".yml", ".json", ".csv") and q.is_file())
            if not found:
                raise BadInput(f"{f}: no facts files or chat exports (*.yaml, *.yml, *.json, *.csv) in this folder")
            out.extend(found)
        else:
            out.append(f)
    return out


def text_width() -> int | None:
    """COLUMNS when set, else the terminal's width (None: rich asks it), else 100 columns for a pipe or a file."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    return None if sys.stdout.isatty() else 100


def render_text(reports: Sequence[Report], output: str | None,
                explained: Sequence[Explanations] | None = None, lang: str = "en") -> str | None:
    """Print reports to the terminal, or return them as plain text when writing a file.

    Several reports start with an overview table; every run ends with one summary line, which goes to
    stderr when the text goes to a file (a failing run is never silent). Plain text, piped or written,
    has no trailing spaces: rich pads panels and tables to the full width.
    """
    from rich.console import Console
    from rich.text import Text

    from shequn.report.i18n import labels
    from shequn.report.text import overview, render, summary_line

    live = not output and sys.stdout.isatty()
    width = text_width()
    if live:
        console = Console(highlight=False, width=width)
    else:
        console = Console(file=io.StringIO(), width=width or 100, color_system=None, highlight=False)
    if len(reports) > 1:
        console.print(overview(reports, lang))
        console.print()
    for i, report in enumerate(reports):
        if i:
            console.print()
        render(report, console, lang=lang)
        if explained and explained[i]:
            from shequn.diagnose.explain import render_report_explanations
            console.print(Text(labels(lang).why_part_by_part, style="bold"))
            console.print(Text(terminal(render_report_explanations(explained[i]))))
    summary = summary_line(reports, lang)
    if output:
        click.echo(summary, err=True)
    else:
        console.print()
        console.print(Text(summary, style="bold"))
    if live:
        return None
    assert isinstance(console.file, io.StringIO)
    text = "\n".join(line.rstrip() for line in console.file.getvalue().split("\n"))
    if output:
        return text
    write_output(text, None)
    return None


def exit_status(reports: Iterable[Report], fail_on: str, *, new_only: bool = False) -> int:
    """1 when an open finding at or above `fail_on` exists (only new ones with `new_only`), else 0."""
    if fail_on == "never":
        return 0
    limit = SEVERITIES.index(fail_on)
    for report in reports:
        for f in report.findings:
            if f.status == "open" and SEVERITIES.index(f.severity) <= limit and (not new_only or f.baseline != "known"):
                return 1
    return 0
