"""``shequn interview``: the page's questions in a terminal, then a facts file.

The questions, their order, the parsing of answers and the summary after each
block come from `shequn.interview`, as on the page; this module only prompts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import click

from shequn.cli._common import handle_errors, make_engine, replace_file

if TYPE_CHECKING:
    from shequn.diagnose.engine import Engine
    from shequn.interview.fields import Field
    from shequn.interview.flow import State


def _prompt_text(field: Field, lang: str) -> str:
    """The prompt for one question: the question, then how to answer it."""
    from shequn.interview.text import say

    lines = [click.style(field.question, bold=True)]
    if field.input in ("yesno", "choice", "checkboxes"):
        sep = "、" if lang == "zh" else ", "
        names = sep.join(f"{o.label}" + (f" ({o.value})" if lang != "zh" and o.label != o.value else "")
                         for o in field.options)
        if field.input == "checkboxes":
            names += sep + say(lang, "none_of_these")
        lines.append(f"  {say(lang, 'cli_choices')}: {names}")
    elif field.unit:
        lines.append(f"  {field.unit}")
    hint = say(lang, "dont_know_hint") if field.dont_know else ""
    return "\n".join(lines) + "\n" + (f"  ({hint}) " if hint else "  ") + "›"


def _ask(field: Field, lang: str) -> str:
    default = field.current_text or None
    return str(click.prompt(_prompt_text(field, lang), default=default, show_default=default is not None,
                            prompt_suffix=" ", type=str, err=True))


def _show_overview(engine: Engine, state: State) -> None:
    from shequn.interview.flow import evaluate, overview
    from shequn.interview.text import say

    lang = state.lang
    view = overview(engine, evaluate(engine, state), lang)
    click.echo("", err=True)
    click.echo(click.style(say(lang, "cli_plan"), bold=True), err=True)
    if view.plan:
        for i, item in enumerate(view.plan, 1):
            click.echo(f"  {i}. {item['title']}", err=True)
    else:
        click.echo(f"  {view.plan_empty}", err=True)
    # with no score, score_text already says why ("not enough facts ... 2 of 90 rules judged")
    score = view.score_text if view.score is None else f"{view.score}/100 · {view.score_text}"
    click.echo(f"{say(lang, 'score')}: {score}", err=True)
    click.echo(f"{say(lang, 'stage')}: {view.stage_heading}", err=True)
    click.echo(say(lang, "findings_count", n=view.findings) if view.findings else say(lang, "no_findings"), err=True)
    click.echo("", err=True)


def _save(state: State, output: Optional[str], asked: bool) -> None:
    from shequn.interview.flow import facts_yaml
    from shequn.interview.text import say

    if not state.known():
        click.echo(say(state.lang, "cli_nothing"), err=True)
        return
    if output is None:
        click.echo(facts_yaml(state), nl=False)
        return
    if asked:
        try:
            if not click.confirm(say(state.lang, "cli_save", path=output), default=True, err=True):
                return
        except click.Abort:
            pass                # no answer (end of input): the default, keep what was answered
    click.echo("", err=True)
    replace_file(output, facts_yaml(state))
    click.echo(say(state.lang, "cli_written", path=output), err=True)


def run(engine: Engine, state: State, output: Optional[str]) -> State:
    """Ask block after block until nothing is left to ask; Ctrl-C or end of input stops and offers to save."""
    from shequn.interview.flow import answer, next_block
    from shequn.interview.text import say

    click.echo(say(state.lang, "cli_intro"), err=True)
    try:
        while True:
            block = next_block(engine, state)
            if not block:
                click.echo(say(state.lang, "done"), err=True)
                break
            for field in block:
                while True:
                    state, errors = answer(state, {field.fact: _ask(field, state.lang)})
                    if field.fact not in errors:
                        break
                    click.echo(click.style(f"  {errors[field.fact]}", fg="red"), err=True)
            _show_overview(engine, state)
    except (click.Abort, EOFError, KeyboardInterrupt):
        click.echo("", err=True)
        _save(state, output, asked=True)
        return state
    _save(state, output, asked=False)
    return state


@click.command("interview")
@click.option("-o", "--output", metavar="FILE", help="Write the facts file here (default: print it when done).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the questions and the summary.")
@click.option("--from", "from_file", metavar="FACTS", help="Start from this facts file: only what it leaves unknown is asked.")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (repeatable).")
@handle_errors
def interview(output: Optional[str], lang: str, from_file: Optional[str], rulesets: tuple[str, ...]) -> None:
    """Answer the diagnosis's questions in the terminal, a few at a time, and write a facts file.

    The questions come in the report's order (those that place the stage first);
    press Enter to keep a value, type ? for "don't know". The plan for the week
    and the score are shown after each block. Ctrl-C stops and offers to write
    what was answered.
    """
    from shequn.facts.loader import read_file, validate_facts
    from shequn.interview.flow import State

    engine = make_engine(rulesets)
    state = State.empty(lang)
    if from_file:
        data, lines = read_file(from_file)
        validate_facts(data, from_file, lines)          # problems with their lines, as check reports them
        state = State.of_facts(data, lang)
    run(engine, state, output)
