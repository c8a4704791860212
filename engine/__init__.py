"""shequn (社群): diagnose online communities against rulesets written from
expert articles on community operations.

    import shequn
    engine = shequn.Engine()
    report = engine.evaluate(shequn.load_facts("acme.yaml"))

The package is in layers (docs/architecture.md): `lang` (the condition
language), `rules` (rules as data), `durable` (the only code that talks to
durable_rules), `report` (the report model and its renderers), `diagnose`
(the Engine), `authoring` (lint, examples, coverage) and `facts`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shequn.errors import RuleError, RulesetErrors, ShequnError

# the one place the version is written (pyproject reads it from here): no package metadata is read
# at run time, which would cost a cold start more than the rest of `import shequn`
__version__ = "0.1.0"

if TYPE_CHECKING:
    from shequn.facts import Facts, FactsError, load_facts
    from shequn.diagnose.engine import Engine
    from shequn.facts.exports import extract_facts
    from shequn.report.model import Report

__all__ = ["Engine", "Facts", "FactsError", "Report", "RuleError", "RulesetErrors", "ShequnError", "extract_facts",
           "load_facts", "__version__"]

# Engine, Report and extract_facts pull in durable_rules, the rulesets or the
# export readers or the facts' pydantic models: load them on first use so
# `import shequn` stays cheap.
_LAZY = {"Engine": "shequn.diagnose.engine", "Report": "shequn.report.model", "extract_facts": "shequn.facts.exports",
         "Facts": "shequn.facts", "FactsError": "shequn.facts", "load_facts": "shequn.facts"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'shequn' has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
