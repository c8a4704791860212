"""Why a rule fired or not, for one community: `Engine.explain(facts, rule_id)`.

The explanation evaluates the rule's condition with lang/interpreter.py
on the same facts and the same inferred stage as `Engine.evaluate`, and
states the rule's verdict as the report does, with the same `verdict_of`
(engine/rules/verdict.py): violated, passed, not_evaluated, or
not_applicable (its `applies` is false, or it is a stage action of another
stage: the report leaves it out). A rule with `applies` shows that part
first, like any other condition.

A violated rule with an active waiver is reported as `waived`; one folded
into another finding of the same cause is still `violated`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from shequn.facts.loader import validate_facts
from shequn.facts.model import Facts

from shequn.lang.interpreter import FALSE, TRUE, Step, explain as explain_tree, render_step
from shequn.report.model import Report
from shequn.rules.ruleset import Rule
from shequn.rules.verdict import Verdict, inapplicable, verdict_of

TRUTH = {TRUE: True, FALSE: False}               # the interpreter's Kleene value; anything else is unknown


class Explainer(Protocol):
    """What an explanation needs of the Engine (diagnose/engine.py imports this module: no import back)."""
    def rule(self, rule_id: str) -> Rule: ...
    def evaluate(self, facts: Facts) -> Report: ...


@dataclass
class Explanation:
    """One rule on one community: its condition part by part and its outcome."""
    rule: str
    title: str
    when: str
    outcome: Verdict
    stage: int                                   # the inferred current stage
    tree: Step
    reason: str = ""
    missing: list[str] = field(default_factory=list)
    waiver: dict[str, Any] | None = None
    at_most: int | None = None                   # the inferred highest possible stage
    applies: str | None = None                   # the rule's `applies`, and its tree
    applies_tree: Step | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "title": self.title, "when": self.when, "outcome": self.outcome,
               "stage": {"current": self.stage, "at_most": self.at_most}, "condition": self.tree.to_dict(),
               "missing": list(self.missing)}
        if self.applies_tree is not None:
            out["applies"] = self.applies
            out["applies_condition"] = self.applies_tree.to_dict()
        if self.reason:
            out["reason"] = self.reason
        if self.waiver:
            out["waiver"] = self.waiver
        return out

    def render(self, lang: str = "en", title: str | None = None) -> str:
        """Plain text; with `lang="zh"` the headings, outcome and facts to collect in Chinese (`title`: the
        rule's Chinese title). The condition is shown as the ruleset writes it."""
        w = _WORDS[lang]
        reason = w["reasons"].get(self.reason, self.reason)
        lines = [f"{self.rule}: {title or self.title}",
                 w["outcome"] + w["outcomes"].get(self.outcome, self.outcome.replace("_", " "))
                 + (w["paren"].format(reason) if reason else ""), w["stage"].format(n=self.stage), ""]
        if self.applies_tree is not None:
            lines += [w["applies"] + (self.applies or ""), ""] + render_step(self.applies_tree, 1) + [""]
        lines += [w["when"] + self.when, ""]
        lines += render_step(self.tree, 1)
        if self.missing:
            named = [f"{_zh_label(name)}（{name}）" if lang == "zh" and _zh_label(name) else name for name in self.missing]
            lines += ["", w["collect"] + w["sep"].join(named)]
        return "\n".join(lines)


_WORDS: dict[str, dict[str, Any]] = {
    "en": {"outcome": "outcome: ", "stage": "stage: {n} (inferred)", "applies": "applies: ", "when": "when: ",
           "collect": "to evaluate it, collect: ", "sep": ", ", "paren": " ({})", "reasons": {},
           "outcomes": {}},
    "zh": {"outcome": "结论：", "stage": "阶段：第 {n} 阶段（推断）", "applies": "适用条件：", "when": "触发条件：",
           "collect": "要评估这条规则，还需收集：", "sep": "、", "paren": "（{}）",
           "reasons": {"it does not apply to this community": "不适用于这个社群"},
           "outcomes": {"violated": "违反", "passed": "通过", "not_evaluated": "无法评估（缺少事实）",
                        "not_applicable": "不适用", "waived": "已豁免"}},
}


def _zh_label(name: str) -> str:
    from shequn.facts.vocabulary import lookup

    fact = lookup(name)
    return fact.label_zh if fact is not None else ""


def _as_facts(facts: Facts | dict[str, Any]) -> Facts:
    return facts if isinstance(facts, Facts) else validate_facts(facts)


def explain_rule(engine: Explainer, facts: Facts | dict[str, Any], rule_id: str,
                 report: Report | None = None) -> Explanation:
    """Explain `rule_id` on `facts`; `report` (from engine.evaluate on the same facts) saves one evaluation.

    Raises KeyError for a rule the engine does not have.
    """
    rule = engine.rule(rule_id)
    valid = _as_facts(facts)
    if report is None:
        report = engine.evaluate(valid)
    current, at_most = report.stage.current, report.stage.at_most
    flat = valid.flat()
    tree = explain_tree(rule, flat, current, at_most)
    applies_tree = explain_tree(rule.applicability, flat) if rule.applicability is not None else None
    applies = TRUTH.get(applies_tree.outcome) if applies_tree is not None else True
    outcome = verdict_of(rule, TRUTH.get(tree.outcome), current, applies)
    reason = inapplicable(rule, current) or ("it does not apply to this community" if applies is False else "")
    waiver = None
    if outcome == Verdict.VIOLATED:
        finding = next((f for f in report.findings if f.rule == rule.id or any(r.rule == rule.id for r in f.related)), None)
        if finding is not None and finding.status == "waived":
            outcome, waiver = Verdict.WAIVED, finding.waiver
    missing = next((list(n.missing) for n in report.not_evaluated if n.rule == rule.id), [])
    if outcome == Verdict.NOT_EVALUATED and not missing:
        unknown_tree = applies_tree if applies is None and applies_tree is not None else tree
        missing = list(dict.fromkeys(s for st in unknown_tree.walk() for s in st.missing))
    return Explanation(rule.id, rule.title, rule.when, outcome, current, tree, reason, missing, waiver, at_most,
                       rule.applies, applies_tree)


def report_status(report: Report, rule_id: str) -> Verdict:
    """The rule's outcome as the report states it (for checking explanations against `check`)."""
    for f in report.findings:
        if f.rule == rule_id:
            return Verdict.WAIVED if f.status == "waived" else Verdict.VIOLATED
        if any(r.rule == rule_id for r in f.related):
            return Verdict.WAIVED if f.status == "waived" else Verdict.VIOLATED
    if rule_id in report.not_applicable:
        return Verdict.NOT_APPLICABLE
    if any(n.rule == rule_id for n in report.not_evaluated):
        return Verdict.NOT_EVALUATED
    if any(a.rule == rule_id for a in report.actions):
        return Verdict.VIOLATED
    if rule_id in report.passed:
        return Verdict.PASSED
    return Verdict.NOT_APPLICABLE


def explain_report(engine: Explainer, facts: Facts | dict[str, Any],
                   report: Report | None = None) -> dict[str, dict[str, Any]]:
    """`check --explain`: {rule id: explanation dict} for every finding, action and unevaluated rule of a report."""
    valid = _as_facts(facts)
    if report is None:
        report = engine.evaluate(valid)
    ids = [f.rule for f in report.findings] + [a.rule for a in report.actions] + [n.rule for n in report.not_evaluated]
    return {rid: explain_rule(engine, valid, rid, report).to_dict() for rid in dict.fromkeys(ids)}


def render_report_explanations(explanations: dict[str, dict[str, Any]]) -> str:
    """Plain text of `explain_report`, to print after a text report."""
    from shequn.lang.interpreter import Step as _Step

    def rebuild(d: dict[str, Any]) -> _Step:
        return _Step(d["text"], d["kind"], d["outcome"], 0, d.get("values", {}), d.get("missing", []),
                     d.get("note", ""), [rebuild(c) for c in d.get("children", [])])

    blocks = []
    for rid, e in explanations.items():
        head = f"{rid}: {e['outcome'].replace('_', ' ')}" + (f" ({e['reason']})" if e.get("reason") else "")
        blocks.append("\n".join([head] + render_step(rebuild(e["condition"]), 1)))
    return "\n\n".join(blocks)
