"""The fact model, its vocabulary and the facts-file loader."""
from .loader import FactsError, Problem, load_facts, parse_facts, validate_facts
from .model import Facts
from .vocabulary import BY_NAME, FACTS, Fact

__all__ = ["Facts", "Fact", "FACTS", "BY_NAME", "FactsError", "Problem", "load_facts", "parse_facts", "validate_facts"]
