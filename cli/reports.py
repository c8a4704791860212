"""`shequn diff OLD NEW`: compare two audits of a community.

OLD and NEW are report JSON files (`shequn check --format json`) or facts
files, evaluated here with the same rules.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import click

from shequn.cli._common import BadInput, handle_errors, is_report_file, load_report_file, make_engine, write_output
from shequn.errors import ShequnError

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.diagnose.engine import Engine
    from shequn.report.model import Report


def _report(path: str, engine_factory: Callable[[], Engine]) -> Report:
    from shequn.facts.loader import load_facts

    from shequn.cli.check import audit_day, stamped

    if is_report_file(path):
        reports = load_report_file(path)
        if len(reports) != 1:
            raise BadInput(f"{path}: holds {len(reports)} reports; diff compares one community (use one report file)")
        return reports[0]
    return stamped(engine_factory().evaluate(load_facts(path), today=audit_day()), path)


@click.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of headings, labels and (where rules carry it) rule text.")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (for facts files).")
@click.option("--select", multiple=True, help="Only these rules (for facts files).")
@click.option("--ignore", multiple=True, help="Leave out these rules (for facts files).")
@handle_errors
def diff(old: str, new: str, fmt: str, output: str | None, lang: str, rulesets: tuple[str, ...],
         select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Compare two audits: new, resolved and persisting findings, score changes, stage movement.

    \b
    shequn diff acme-2024-05.json acme-2024-06.json
    shequn diff acme-may.yaml acme-june.yaml --format html -o changes.html
    """
    from shequn.report import diff as d
    from shequn.report.i18n import rule_translations, translate_report

    engines: list[Engine] = []

    def engine() -> Engine:
        if not engines:
            engines.append(make_engine(rulesets, select, ignore))
        return engines[0]

    before, after = _report(old, engine), _report(new, engine)
    if lang != "en" and fmt != "json":
        try:
            translations = rule_translations(engine().rules, lang)
        except ShequnError:         # rule text stays English when the rules cannot be loaded
            translations = {}
        before, after = translate_report(before, translations), translate_report(after, translations)
    result = d.compare(before, after)
    if fmt == "json":
        text = d.render_json(result)
    elif fmt == "markdown":
        text = d.render_markdown(result, lang=lang)
    elif fmt == "html":
        text = d.render_html(result, lang=lang)
    else:
        text = d.render_text(result, lang=lang)
    write_output(text, output)
