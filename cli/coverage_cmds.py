"""`shequn rules coverage` (the coverage map) and `shequn rules docs` (docs/rules/).

Both read the built-in rulesets only: the coverage map is about them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shequn.report.escape import terminal
from shequn.cli._common import BadInput, handle_errors, write_output

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.rules.ruleset import Ruleset


def _builtin_rulesets() -> list[Ruleset]:
    from shequn.rulesets import builtin_paths
    from shequn.rules.ruleset import load_rulesets

    return load_rulesets(builtin_paths())


@click.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
@handle_errors
def coverage_cmd(fmt: str, output: str | None) -> None:
    """The coverage map: each passage of the five documents -> the rules implementing it, or why not checkable.

    Exits 1 when the map has problems (an unknown rule id, a built-in rule under no
    passage, a number the passage gives that no condition of its rules holds).

    \b
    shequn rules coverage -o docs/coverage.md
    shequn rules coverage --format json
    """
    from shequn.authoring.coverage import coverage_map, render_markdown

    data = coverage_map(r for rs in _builtin_rulesets() for r in rs.rules)
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_markdown(data)
    write_output(text, output)
    if data["problems"]:
        for problem in data["problems"]:
            click.echo(terminal(f"coverage: {problem}"), err=True)
        sys.exit(1)

@click.command("docs")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="docs/rules", show_default=True,
              help="Folder to write the pages into.")
@handle_errors
def docs_cmd(out_dir: str) -> None:
    """Write one Markdown page per built-in ruleset (each rule as `rules show` prints it) and an index.

    Earlier generated pages that no ruleset produces any more are removed; other files are left alone.

    \b
    shequn rules docs                  # docs/rules/
    """
    from shequn.authoring.coverage import is_generated, rules_docs

    files = rules_docs(_builtin_rulesets())
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{folder}: cannot create: {exc.strerror or exc}") from None
    for old in sorted(folder.glob("*.md")):
        if old.name not in files and is_generated(old.read_text(encoding="utf-8", errors="replace")):
            old.unlink()
            click.echo(f"removed {old}")
    for name, text in files.items():
        write_output(text, str(folder / name))
    click.echo(f"wrote {len(files)} page(s) to {folder}")
