"""Commands for rule authors and fact collectors: explain, rules lint/test, facts questions/init/schema.

cli/main.py adds them to the `shequn` group and its `rules` and `facts` groups. Exit codes as
`check`: 0 ok, 1 problems or failures found, 2 bad input or usage (one
`error: ...` line per problem on stderr, never a traceback).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, TypedDict

import click

from shequn.report.escape import terminal
from shequn.cli._common import BadInput, handle_errors, make_engine, replace_file

if TYPE_CHECKING:                           # imported when first used: `shequn --help` stays quick
    from shequn.diagnose.engine import Engine
    from shequn.facts.vocabulary import Fact

FORMAT = click.Choice(["text", "json"])


# --- the facts template ------------------------------------------------------

class _TemplateWords(TypedDict):
    head: list[str]
    required: str
    channels: str
    derived: str
    waivers: list[str]


TEMPLATE_WORDS: dict[str, _TemplateWords] = {
    "en": {"head": ["## shequn facts file. Fill in what you know and leave the rest commented out:",
                    "## an absent fact is unknown, and the report asks for it; never write 0 or no for",
                    "## a fact you do not know. To give a fact, uncomment its section line and its own line.",
                    "## Check with: shequn check THIS_FILE   ·   what to collect first: shequn facts questions THIS_FILE"],
           "required": " (required)",
           "channels": "map of channel to share (fraction 0-1); shares that add up to 1 make unnamed channels 0",
           "derived": "## Derived facts are computed, never written: ",
           "waivers": ["## Findings your team has accepted (shown as waived, not hidden):", "## waivers:",
                       "##   - rule: NM101",
                       "##     reason: the founders' friends are the target members of this pilot group",
                       "##     expires: 2025-12-31"]},
    "zh": {"head": ["## shequn 事实文件。知道的填上，不知道的保持注释：",
                    "## 没写的事实就是未知，报告会提问；不知道的事实不要填 0 或 no。",
                    "## 要填一项事实：去掉它所在分组那一行和它自己那一行开头的“# ”。",
                    "## 检查：shequn check 本文件   ·   先收集什么：shequn facts questions 本文件 --lang zh"],
           "required": "（必填）",
           "channels": "渠道 → 占比（0-1 的小数）；各占比加起来为 1 时，没写的渠道算 0",
           "derived": "## 推导出的事实由程序计算，不要填写：",
           "waivers": ["## 团队已接受的问题（报告中显示为已豁免，不会隐藏）：", "## waivers:",
                       "##   - rule: NM101",
                       "##     reason: 试点群的目标成员就是创始人的朋友",
                       "##     expires: 2025-12-31"]},
}


def facts_template(lang: str = "en") -> str:
    """A commented YAML facts file: every fact with its unit and meaning (in Chinese with `lang="zh"`:
    the fact's label and question, the unit and values named; the keys stay as the file is written).

    Lines starting with `# ` are YAML to uncomment (section first, then the
    fact); lines starting with `##` are explanations. Only `community.name`
    is live, so the file loads as it is and after filling in.
    """
    from shequn.facts.vocabulary import FACTS, SECTIONS

    words = TEMPLATE_WORDS[lang]

    def row(indent: int, key: str, fact: Fact, live: bool = False, value: str = "") -> str:
        head = "  " * indent + f"{key}:" + (f" {value}" if value else "")
        if lang == "zh":
            meaning = fact.ask("zh") or fact.label("zh")
            comment = f"# {fact.unit_in('zh')} — {meaning}"
        else:
            comment = f"# {fact.unit} — {fact.meaning}"
        comment += words["required"] if fact.required else ""
        text = f"{head:<40} {comment}"
        return text if live else "# " + text

    lines = [*words["head"], ""]
    for section in SECTIONS:
        facts = [f for f in FACTS if f.section == section and not f.derived]
        if not facts:
            continue
        live = section == "community"
        lines.append(f"{section}:" if live else f"# {section}:")
        group = None
        for fact in facts:
            if "." in fact.key:
                g, key = fact.key.split(".", 1)
                if g != group:
                    group = g
                    lines.append("#   " + f"{g}:".ljust(38) + " # " + words["channels"])
                lines.append(row(2, key, fact))
            else:
                group = None
                if fact.name == "community.name":
                    lines.append(row(1, "name", fact, live=True, value='""'))
                else:
                    lines.append(row(1, fact.key, fact))
        lines.append("")
    derived = [f for f in FACTS if f.derived]
    lines.append(words["derived"] + ", ".join(f.name for f in derived) + ("。" if lang == "zh" else "."))
    lines += words["waivers"]
    return "\n".join(lines) + "\n"


# --- helpers -----------------------------------------------------------------

def _existing(paths: Iterable[str], what: str = "ruleset") -> None:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise BadInput([f"{p}: no such {what} file or folder" for p in missing])


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands ------------------------------------------------------------------

@click.command("explain")
@click.argument("facts_file", metavar="FACTS", type=click.Path(dir_okay=False, path_type=str))
@click.argument("rule_id")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (repeatable).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the headings, outcome, the rule's title and the facts to collect (text).")
@handle_errors
def explain_cmd(facts_file: str, rule_id: str, fmt: str, rulesets: tuple[str, ...], lang: str) -> None:
    """Why a rule fired or not: its condition part by part, each with the facts' values and its outcome.

    \b
    shequn explain acme.yaml NM101
    shequn explain acme.yaml NM101 --format json
    """
    import difflib

    from shequn.facts.loader import load_facts

    _existing(rulesets)
    engine = make_engine(rulesets)
    facts_model = load_facts(facts_file)
    ids = [r.id for r in engine.rules]
    rid = rule_id if rule_id in ids else rule_id.upper()
    if rid not in ids:
        near = difflib.get_close_matches(rule_id.upper(), ids, n=1)
        raise BadInput(f"unknown rule '{rule_id}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    explanation = engine.explain(facts_model, rid)
    if fmt == "json":
        _echo_json(explanation.to_dict())
    else:
        zh = getattr(engine.rule(rid), "zh", None) if lang == "zh" else None
        click.echo(terminal(explanation.render(lang=lang, title=zh.title if zh is not None and zh.title else None)))

@click.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--sources", "sources", type=click.Path(path_type=str), metavar="DIR",
              help="Folder with the source documents' text: check that every quote occurs in its document.")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--no-examples", is_flag=True, help="Do not run the rules' examples.")
@click.option("--no-builtin", is_flag=True, help="Check the files alone, not beside the built-in rulesets.")
@handle_errors
def rules_lint(paths: tuple[str, ...], sources: str | None, fmt: str, no_examples: bool, no_builtin: bool) -> None:
    """Check ruleset files: every problem with file, line and column.

    YAML errors, missing fields, duplicate ids (across files too), unknown facts, type errors,
    unknown documents, quotes not in their document (--sources), contradictory, redundant or
    constant conditions, conditions equivalent to another rule's, missing examples and examples
    that do not do what they claim. Notes (a rule narrower than another one, with the same
    cause) are printed but do not fail. Exit 1 when there is an error or a warning.

    \b
    shequn rules lint rulesets/mine.yaml
    shequn rules lint rulesets/ --sources ../shared/seeds
    """
    from shequn.authoring.lint import lint

    _existing(paths)
    problems = lint(paths, sources, examples=not no_examples, builtin=not no_builtin)
    if fmt == "json":
        _echo_json([p.to_dict() for p in problems])
    else:
        for p in problems:
            click.echo(terminal(str(p)))
        failing = [p for p in problems if p.severity != "note"]
        files = len({p.file for p in failing})
        notes = len(problems) - len(failing)
        summary = f"{len(failing)} problem(s) in {files} file(s)" if failing else "no problems found"
        click.echo(summary + (f", {notes} note(s)" if notes else ""))
    sys.exit(1 if any(p.severity != "note" for p in problems) else 0)

@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--coverage", is_flag=True, help="Report which rules and condition branches the examples exercise.")
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@handle_errors
def rules_test(paths: tuple[str, ...], coverage: bool, fmt: str) -> None:
    """Run every rule's examples (the built-in rulesets when no PATH is given).

    A `trigger` example must make its rule violated, a `no_trigger` example must make it pass.
    Failures are printed with the explanation. Exit 1 when an example fails.
    """
    from shequn.authoring.examples import run_examples
    from shequn.rules.ruleset import load_rulesets
    from shequn.rulesets import builtin_paths

    _existing(paths)
    rulesets = load_rulesets(list(paths) if paths else builtin_paths())
    run = run_examples(rulesets, coverage=coverage)
    if fmt == "json":
        _echo_json(run.to_dict())
    else:
        click.echo(terminal(run.render()))
    sys.exit(1 if run.failures else 0)

@click.command("questions")
@click.argument("facts_file", metavar="[FACTS]", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=FORMAT, default="text", show_default=True, help="Output format.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions.")
@click.option("--ruleset", "rulesets", multiple=True, type=click.Path(), help="Add a ruleset file or folder (repeatable).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the questions (the fact names stay as the facts file spells them).")
@handle_errors
def facts_questions(facts_file: str | None, fmt: str, limit: int | None, rulesets: tuple[str, ...], lang: str) -> None:
    """The facts still to collect, with a plain question each: first those that place the stage, then those
    that decide which rules apply, then by how many rules each would let us judge.

    Without FACTS: every fact, ranked for a community nobody has described yet.
    """
    _existing(rulesets)
    engine = make_engine(rulesets)
    questions = questions_for(engine, facts_file, lang)
    if limit:
        questions = questions[:limit]
    if fmt == "json":
        _echo_json(questions)
        return
    if not questions:
        click.echo("每条规则都能评估，没有需要收集的事实" if lang == "zh" else "nothing to collect: every rule can be evaluated")
        return
    width = len(str(len(questions)))
    for i, q in enumerate(questions, 1):
        click.echo(terminal(f"{i:>{width}}. {q['question']}"))
        click.echo(terminal(f"{'':>{width}}  {_question_detail(q, lang)}"))


def _question_detail(q: dict[str, Any], lang: str) -> str:
    """The line under a question: the fact as the facts file spells it, its unit, what answering it unlocks."""
    if lang == "zh":
        decides = {"stage": " · 用于确定所处阶段", "applicability": " · 用于判断哪些建议适用"}.get(q["decides"], "")
        return f"{q['fact']} · {q['unit']} · 可评估 {q['unlocks']} 条规则{decides}"
    rules_word = "rule" if q["unlocks"] == 1 else "rules"
    decides = {"stage": " · places the stage", "applicability": " · decides which advice applies"}.get(q["decides"], "")
    return f"{q['fact']} ({q['unit']}) · unlocks {q['unlocks']} {rules_word}{decides}"

@click.command("init")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the comments: each fact's meaning (zh: its question), unit and values.")
@handle_errors
def facts_init(output: str | None, force: bool, lang: str) -> None:
    """Write a commented facts template: every fact with its unit and meaning, to fill in."""
    text = facts_template(lang)
    if output:
        if Path(output).exists() and not force:
            raise BadInput(f"{output}: already exists (use --force to overwrite)")
        replace_file(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command("schema")
@handle_errors
def facts_schema() -> None:
    """Print the JSON Schema of a facts file."""
    from shequn.facts.model import Facts

    _echo_json(Facts.model_json_schema())


def questions_for(engine: Engine, facts_file: str | None = None, lang: str = "en") -> list[dict[str, Any]]:
    """Missing facts as the report ranks them (what places the stage, then what decides which rules
    apply, then by the rules they let be judged): [{fact, question, unit, unlocks, decides}], the
    question and unit in `lang`.

    Without a facts file every (non-derived) fact is listed, those no rule reads last.
    """
    from shequn.diagnose.questions import question_order
    from shequn.facts.loader import load_facts
    from shequn.facts.vocabulary import BY_NAME

    report = engine.evaluate(load_facts(facts_file) if facts_file else {"community": {"name": "-"}})
    out: list[dict[str, Any]] = []
    for name, unlocks, decides in question_order(report, everything=not facts_file):
        fact = BY_NAME.get(name)
        if fact is None:
            continue
        fallback = f"{fact.label_zh or name}是多少？" if lang == "zh" else f"What is {name}?"
        out.append({"fact": name, "question": fact.ask(lang) or fallback, "unit": fact.unit_in(lang),
                    "unlocks": unlocks, "decides": decides})
    return out
