"""The `shequn` command line: the groups, every command added explicitly, and `main`.

Only this layer decides exit codes: 0 nothing at or above --fail-on, 1
findings, 2 bad input or usage (one message per problem on stderr, never a
traceback), 70 a bug in shequn (the traceback only with --debug). The
mapping from error classes to exit codes is in cli/_common.py.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from shequn.cli import authoring, catalogue, coverage_cmds
from shequn.cli._common import BadInput, exit_codes, internal_error, quiet_stdout
from shequn.cli.check import check
from shequn.cli.extract import extract
from shequn.cli.interview import interview
from shequn.cli.reports import diff
from shequn.cli.serve import serve


class ShequnGroup(click.Group):
    """The root group: whatever a command lets escape still gets its exit code by class."""

    def invoke(self, ctx: click.Context) -> Any:
        with exit_codes():
            return super().invoke(ctx)


@click.group(cls=ShequnGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="shequn", prog_name="shequn")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=str), metavar="PATH",
              help="The project file (shequn.yaml, or pyproject.toml with [tool.shequn]) instead of the nearest one.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, config: str | None) -> None:
    """Diagnose online communities the way a community-operations consultant would.

    \b
    shequn check facts/examples/cosmetics-brand-matrix.yaml
    shequn rules list --kind minefield
    shequn rules show NM201
    shequn --config team/shequn.yaml check acme.yaml
    """
    if config is not None:                  # the commands' contexts, made after this, read the new defaults
        from shequn.project import ProjectError, default_map

        try:
            ctx.default_map = default_map(config=config)
        except ProjectError as exc:
            raise BadInput(str(exc)) from None


@cli.group()
def rules() -> None:
    """The rule catalogue: list, show, lint, test, coverage, docs."""


@cli.group()
def facts() -> None:
    """Facts files: schema, init, questions, extract."""


cli.add_command(check)
cli.add_command(diff)
cli.add_command(authoring.explain_cmd)
cli.add_command(serve)
cli.add_command(interview)

rules.add_command(catalogue.rules_list)
rules.add_command(catalogue.rules_show)
rules.add_command(authoring.rules_lint)
rules.add_command(authoring.rules_test)
rules.add_command(coverage_cmds.coverage_cmd)
rules.add_command(coverage_cmds.docs_cmd)

facts.add_command(authoring.facts_schema)
facts.add_command(authoring.facts_init)
facts.add_command(authoring.facts_questions)
facts.add_command(extract)


def main() -> None:
    from shequn.project import ProjectError, default_map

    named = any(a == "--config" or a.startswith("--config=") for a in sys.argv[1:])
    try:
        defaults = {} if named else default_map()       # --config: the group reads the named file instead
    except ProjectError as exc:
        from shequn.report.escape import terminal
        click.echo(f"error: {terminal(exc)}", err=True)
        sys.exit(2)
    try:
        cli(prog_name="shequn", default_map=defaults)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        quiet_stdout()
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - last line of defence, outside any command
        internal_error(exc, debug="--debug" in sys.argv[1:])


if __name__ == "__main__":
    main()
