"""Re-export of the facts package under the top-level name."""
from shequn.facts import Facts, FactsError, load_facts  # noqa: F401
from shequn.facts.exports import extract_facts  # noqa: F401
