"""The public API as a user sees it: mypy checks this file (pyproject [tool.mypy]).

Never run, only type-checked: a wrong annotation in shequn's public names
shows up here as a mypy error.
"""
from __future__ import annotations

import shequn
from shequn import Engine, Facts, Report, ShequnError


def diagnose(path: str) -> Report:
    facts: Facts = shequn.load_facts(path)
    engine: shequn.Engine = shequn.Engine()
    report: shequn.Report = engine.evaluate(facts)
    return report


def diagnose_mapping() -> Report:
    return Engine().evaluate({"community": {"name": "acme"}})


def from_exports(paths: list[str]) -> dict[str, object]:
    facts, provenance = shequn.extract_facts(paths, staff=["host"], days=30)
    return {**facts, "provenance": provenance}


def community_name(facts: Facts) -> str | None:
    name: str | None = facts.community.name
    return name


def describe(error: ShequnError) -> str:
    return str(error)


errors: tuple[type[ShequnError], ...] = (shequn.FactsError, shequn.RuleError, shequn.RulesetErrors)
version: str = shequn.__version__


def in_chinese(report: Report) -> Report:
    from shequn.report.i18n import translate_for
    return translate_for(report, "zh", Engine())          # an Engine is what the report layer calls HasRules


def a_batch(items: list[dict[str, object]]) -> list[str]:
    names = []
    for item in Engine().evaluate_many(items, on_error="yield"):
        names.append(item.community.name if isinstance(item, Report) else str(item))
    return names


def verdicts_stream(items: list[Facts]) -> list[Report]:
    from shequn.report.verdicts import Verdicts

    engine = Engine()
    one: Verdicts = engine.evaluate(items[0], detail="verdicts")
    many: list[Verdicts] = list(engine.evaluate_many(items, detail="verdicts"))
    return [engine.report(v) for v in [one, *many]]
