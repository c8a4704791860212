"""A rule's page, like a linter's: what it checks, why, what to do, the
condition and an example. `rules show` and docs/rules/ render it; nothing is
written twice."""
from __future__ import annotations

import yaml

from shequn.rules.documents import DOCUMENTS
from shequn.rules.ruleset import Rule


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).strip()


def rule_page(rule: Rule, heading: str = "") -> str:
    """Plain text (Markdown-friendly) page for one rule."""
    kind = rule.kind + (f" · minefield {rule.minefield}" if rule.minefield else "") + \
        (f" · stage {rule.stage}" + (" essential (gate)" if rule.gate else " action") if rule.stage else "")
    lines = [f"{heading}{rule.id}: {rule.title}", "",
             f"{rule.severity} · {kind} · {rule.dimension} · ruleset {rule.ruleset}", "",
             "What it checks", f"  {rule.message}", "", "Why"]
    for s in rule.sources:
        doc = DOCUMENTS.get(s.doc)
        origin = f"{doc.title} — {doc.author}" if doc else s.doc
        lines.append(f"  “{s.quote}”")
        lines.append(f"      {origin} [{s.doc}]")
    if rule.note:
        lines += ["", "Note", f"  {rule.note}"]
    lines += ["", "What to do"] + [f"  - {a}" for a in rule.advice]
    if rule.applies:
        lines += ["", "Applies to", f"  communities where {rule.applies}"]
    lines += ["", "Condition", f"  {rule.when}"]
    if rule.thresholds:
        lines += ["", "Thresholds"]
        for name, t in rule.thresholds.items():
            who = "given by the article" if t.source == "article" else \
                f"shequn's own reading; set it in shequn.yaml as thresholds: {{{rule.id}.{name}: …}}"
            lines.append(f"  {name} = {t.value:g} — {who}" + (f" ({t.note})" if t.note else ""))
    lines += ["", "Facts it needs",
              "  " + ", ".join(dict.fromkeys((*rule.applies_facts, *rule.facts)))]
    if rule.examples.trigger:
        lines += ["", "Example that triggers it"] + ["  " + l for l in _yaml(rule.examples.trigger[0]).splitlines()]
    if rule.examples.no_trigger:
        lines += ["", "Example that does not"] + ["  " + l for l in _yaml(rule.examples.no_trigger[0]).splitlines()]
    if rule.examples.not_applicable:
        lines += ["", "Example it does not apply to"] + \
            ["  " + l for l in _yaml(rule.examples.not_applicable[0]).splitlines()]
    return "\n".join(lines)
