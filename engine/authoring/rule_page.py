"""A rule's page, like a linter's: what it checks, why, what to do, the
condition and an example. `rules show` and docs/rules/ render it; nothing is
written twice. With `lang="zh"` the rule's Chinese text and headings are used
(the quotes stay in the language of the documents we hold)."""
from __future__ import annotations

import yaml

from shequn.facts.vocabulary import lookup
from shequn.report.values import format_value
from shequn.rules.documents import DOCUMENTS
from shequn.rules.ruleset import MESSAGE_VALUES, PLACEHOLDER, Rule
from shequn.rules.thresholds import compared_fact

HEADINGS = {
    "en": {"checks": "What it checks", "why": "Why", "note": "Note", "todo": "What to do", "applies": "Applies to",
           "where": "communities where {applies}", "condition": "Condition", "thresholds": "Thresholds",
           "article": "given by the article",
           "own": "shequn's own reading; set it in shequn.yaml as thresholds: {{{key}: …}}",
           "needs": "Facts it needs", "trigger": "Example that triggers it", "no_trigger": "Example that does not",
           "not_applicable": "Example it does not apply to", "minefield": "minefield {n}", "stage": "stage {n}",
           "gate": " essential (gate)", "action": " action", "ruleset": "ruleset {name}",
           "inferred": "the essential that bounds the stage"},
    "zh": {"checks": "检查什么", "why": "依据", "note": "说明", "todo": "怎么做", "applies": "适用于",
           "where": "满足 {applies} 的社群", "condition": "条件", "thresholds": "阈值", "article": "文章给出",
           "own": "shequn 自己的界定；可在 shequn.yaml 中以 thresholds: {{{key}: …}} 调整",
           "needs": "需要的事实", "trigger": "会触发的示例", "no_trigger": "不会触发的示例",
           "not_applicable": "不适用的示例", "minefield": "雷区 {n}", "stage": "第 {n} 阶段",
           "gate": "必备项", "action": "动作", "ruleset": "规则集 {name}", "inferred": "限定阶段的那项必备工作"},
}


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).strip()


def explained(message: str, rule: Rule, lang: str = "en") -> str:
    """A message with its placeholders said in words: ‹what the fact is›, a threshold's value."""
    h = HEADINGS[lang]

    def word(name: str) -> str:
        key = name[len("threshold."):]
        if name.startswith("threshold.") and key in rule.thresholds:
            value = rule.thresholds[key].value
            return format_value(compared_fact(rule, value) or "", value, lang)       # 10%, as a report shows it
        fact = lookup(name)
        if fact is not None:
            label = fact.label(lang)
            return f"‹{label.split(' (')[0].split(': ')[0] if lang == 'en' else label}›"
        return f"‹{h['inferred'] if lang == 'zh' else MESSAGE_VALUES.get(name, name)}›"

    return PLACEHOLDER.sub(lambda m: word(m.group(1)), message)


def rule_page(rule: Rule, heading: str = "", lang: str = "en") -> str:
    """Plain text (Markdown-friendly) page for one rule, in English or Chinese."""
    h = HEADINGS[lang]
    zh = rule.zh if lang == "zh" and rule.zh is not None else None
    title = (zh.title if zh and zh.title else None) or rule.title
    message = (zh.message if zh and zh.message else None) or rule.message
    advice = (zh.advice if zh and zh.advice else None) or rule.advice
    kind = rule.kind + (" · " + h["minefield"].format(n=rule.minefield) if rule.minefield else "") + \
        (" · " + h["stage"].format(n=rule.stage) + (h["gate"] if rule.gate else h["action"]) if rule.stage else "")
    lines = [f"{heading}{rule.id}: {title}", "",
             f"{rule.severity} · {kind} · {rule.dimension} · {h['ruleset'].format(name=rule.ruleset)}", "",
             h["checks"], f"  {explained(message, rule, lang)}", ""]
    if rule.sources:
        lines.append(h["why"])
    for s in rule.sources:
        doc = DOCUMENTS.get(s.doc)
        origin = f"{doc.title} — {doc.author}" if doc else s.doc
        lines.append(f"  “{s.quote}”")
        lines.append(f"      {origin} [{s.doc}]")
    if rule.note:
        lines += ["", h["note"], f"  {rule.note}"]
    lines += ["", h["todo"]] + [f"  - {a}" for a in advice]
    if rule.applies:
        lines += ["", h["applies"], "  " + h["where"].format(applies=rule.applies)]
    lines += ["", h["condition"], f"  {rule.when}"]
    if rule.thresholds:
        lines += ["", h["thresholds"]]
        for name, t in rule.thresholds.items():
            who = h["article"] if t.source == "article" else h["own"].format(key=f"{rule.id}.{name}")
            lines.append(f"  {name} = {t.value:g} — {who}" + (f" ({t.note})" if t.note else ""))
    lines += ["", h["needs"], "  " + ", ".join(dict.fromkeys((*rule.applies_facts, *rule.facts)))]
    for which in ("trigger", "no_trigger", "not_applicable"):
        examples = getattr(rule.examples, which)
        if examples:
            lines += ["", h[which]] + ["  " + line for line in _yaml(examples[0]).splitlines()]
    return "\n".join(lines)
