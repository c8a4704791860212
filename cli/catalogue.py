"""`shequn rules list` and `shequn rules show`: the rule catalogue."""
from __future__ import annotations

import difflib
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from shequn.report.escape import terminal
from shequn.cli._common import SEVERITIES, BadInput, handle_errors, make_engine
from shequn.rules.names import DIMENSIONS

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.rules.ruleset import Rule


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return rule.model_dump(mode="json", exclude={"file", "line"}) | {"facts": rule.facts}


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--kind", type=click.Choice(["minefield", "practice", "stage"]))
@click.option("--dimension", type=click.Choice(DIMENSIONS), help="Only rules scoring this area.")
@click.option("--stage", type=click.IntRange(1, 5))
@click.option("--doc", help="Only rules citing this document key.")
@click.option("--severity", type=click.Choice(SEVERITIES))
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder.")
@handle_errors
def rules_list(fmt: str, kind: str | None, dimension: str | None, stage: int | None, doc: str | None,
               severity: str | None, rulesets: tuple[str, ...]) -> None:
    """List rules, filtered by kind, dimension, stage, document or severity."""
    engine = make_engine(rulesets)
    if doc is not None:
        documents = sorted({s.doc for r in engine.rules for s in r.sources})
        if doc not in documents:
            near = difflib.get_close_matches(doc, documents, n=1)
            raise BadInput(f"--doc '{doc}' is no document a rule cites" + (f" (did you mean '{near[0]}'?)" if near else "")
                           + f": {', '.join(documents)}")
    chosen = [r for r in engine.rules
              if (kind is None or r.kind == kind) and (dimension is None or r.dimension == dimension)
              and (stage is None or r.stage == stage) and (severity is None or r.severity == severity)
              and (doc is None or any(s.doc == doc for s in r.sources))]
    if fmt == "json":
        click.echo(json.dumps([_rule_dict(r) for r in chosen], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_edge=False, pad_edge=False)
    for col in ("id", "severity", "kind", "dimension", "title"):
        table.add_column(col, overflow="fold")
    for r in chosen:
        kind_text = r.kind + (f" {r.minefield}" if r.minefield else "") + (f" s{r.stage}" if r.stage else "") + (" gate" if r.gate else "")
        table.add_row(*(Text(terminal(v)) for v in (r.id, r.severity, kind_text, r.dimension, r.title)))   # text, never markup
    Console(highlight=False, width=None if sys.stdout.isatty() else 120).print(table)
    click.echo(f"{len(chosen)} rule(s)")


@click.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the page (the quotes stay as the documents we hold give them).")
@handle_errors
def rules_show(rule_id: str, fmt: str, rulesets: tuple[str, ...], lang: str) -> None:
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
        click.echo(terminal(rule_page(rule, lang=lang)))
