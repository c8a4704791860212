"""shequn (社群): diagnose online communities against rulesets written from
expert articles on community operations.

    import shequn
    engine = shequn.Engine()
    report = engine.evaluate(shequn.load_facts("acme.yaml"))
"""
from .errors import RuleError, RulesetErrors, ShequnError
from .facts_api import Facts, FactsError, load_facts

__version__ = "0.1.0"

__all__ = ["Facts", "FactsError", "RuleError", "RulesetErrors", "ShequnError", "load_facts", "__version__"]
