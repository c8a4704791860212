"""shequn (社群): diagnose online communities against rulesets written from
expert articles on community operations.

    import shequn
    engine = shequn.Engine()
    report = engine.evaluate(shequn.load_facts("acme.yaml"))
"""
from .errors import RuleError, RulesetErrors, ShequnError
from .facts_api import Facts, FactsError, extract_facts, load_facts

__version__ = "0.1.0"

__all__ = ["Engine", "Facts", "FactsError", "Report", "RuleError", "RulesetErrors", "ShequnError", "extract_facts",
           "load_facts", "__version__"]


def __getattr__(name):
    # Engine and Report import the rulesets and durable_rules: load them on first use
    if name == "Engine":
        from .evaluator import Engine
        return Engine
    if name == "Report":
        from .report import Report
        return Report
    raise AttributeError(f"module 'shequn' has no attribute {name!r}")
