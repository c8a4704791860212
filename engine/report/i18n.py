"""Report headings and labels in English and Simplified Chinese (`--lang en|zh`).

Renderers look every heading up here, never write one themselves. Rule texts
(title, message, advice) come from the rulesets: `translate_report` swaps in a
rule's optional `zh` text, so renderers keep reading only the report model.
"""
from __future__ import annotations

import functools
from typing import Any, Iterable, Mapping, Protocol, TypeVar

from shequn.report.model import Action, Confirm, PlanItem, Related, Report
from shequn.report.values import interpolate, threshold_placeholders
from shequn.rules.ruleset import PLACEHOLDER, Rule, load_rulesets
from shequn.rulesets import builtin_paths

LANGS = ("en", "zh")

# the report items that carry a rule's title, and those that carry its advice too
_Titled = TypeVar("_Titled", Related, Confirm, Action, PlanItem)
_Advised = TypeVar("_Advised", Action, PlanItem)


class HasRules(Protocol):
    """What `translate_for` reads of an Engine (which the report layer must not import): its rules."""
    @property
    def rules(self) -> Iterable[Rule]: ...


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report_title": "Community diagnosis",
        "portfolio_title": "Community portfolio",
        "diff_title": "What changed",
        "generated": "Generated",
        "engine": "Engine",
        "rulesets": "Rulesets",
        "health": "Health",
        "overall": "Overall",
        "score": "Score",
        "no_score": "no score",
        "members": "members",
        "by_dimension": "Health by area",
        "stage": "Stage",
        "stage_of": "Stage {current} of 5",
        "declared": "The operator declared stage {declared}",
        "declared_short": "declared",
        "completed": "completed",
        "current": "current",
        "blockers": "Blocking the stage",
        "no_blockers": "Nothing known blocks this stage.",
        "findings": "Findings",
        "no_findings": "No open findings.",
        "critical": "Critical",
        "warning": "Warning",
        "info": "Info",
        "passed": "passed",
        "not_evaluated": "not evaluated",
        "waived": "Waived",
        "waived_findings": "Waived findings",
        "reason": "Reason",
        "expires": "Expires",
        "minefield": "Minefield {n}",
        "dimension": "Area",
        "evidence": "Evidence",
        "fact": "Fact",
        "value": "Value",
        "advice": "What to do",
        "source": "Source",
        "note": "Where the documents disagree",
        "disagreements": "Where the documents disagree",
        "actions": "Next actions",
        "actions_for": "Next actions for stage {current} ({name})",
        "blocks_stage": "blocks the stage",
        "questions": "Facts still to collect",
        "question": "Question",
        "unlocks": "Unlocks",
        "unlocks_n": "unlocks {n} rule(s)",
        "problems": "Problems",
        "rule": "Rule",
        "title": "Title",
        "severity": "Severity",
        "communities": "Communities",
        "community": "Community",
        "matrix": "Scores by community and area",
        "common_minefields": "Most common minefields",
        "common_findings": "Most common findings",
        "in_communities": "How many",
        "average": "Average",
        "sections": "Communities in detail",
        "back_to_top": "back to the overview",
        "baseline_new": "new",
        "baseline_known": "known",
        "new_findings": "New findings",
        "resolved_findings": "Resolved findings",
        "persisting_findings": "Persisting findings",
        "newly_waived": "Waived since",
        "score_changes": "Score changes",
        "stage_movement": "Stage movement",
        "before": "Before",
        "after": "After",
        "change": "Change",
        "stage_up": "moved up from stage {old} to stage {new}",
        "stage_down": "moved back from stage {old} to stage {new}",
        "stage_same": "still in stage {new}",
        "none": "none",
        "minefield_short": "minefield",
        "legend": "Key",
        "yes": "yes",
        "no": "no",
        "plan": "This week",
        "plan_none": "Nothing calls for action this week.",
        "plan_collect_first": "Nothing the known facts call for yet: start by answering the questions below.",
        "why_blocker": "blocks stage {n}",
        "why_action": "next step of stage {n}",
        "why_finding": "finding ({severity})",
        "essential_of": "essential of stage {n}",
        "score_basis": "based on {judged} of {applicable} applicable rules ({pct}% by weight)",
        "no_score_sentence": "not enough facts to score — {judged} of {applicable} applicable rules judged",
        "own_thresholds": "shequn's own threshold (the articles give none; a project may set it): {items}",
        "not_enough_facts": "not enough facts",
        "no_area_scored": "Not enough facts to score any area yet.",
        "stage_heading": "Stage {current} of 5 — {name}",
        "stage_unconfirmed": "Stage {current}–{at_most} of 5 — {name} (unconfirmed: confirm {facts})",
        "colon": ":",
        "comma": ", ",
        "stage_range": "{current}–{at_most}",
        "unconfirmed": "unconfirmed",
        "unconfirmed_paren": " (unconfirmed)",
        "declared_paren": " (operator declared {declared})",
        "facts_one": "1 fact",
        "facts_n": "{n} facts",
        "to_confirm": "To confirm the stage",
        "confirm": "Confirm: ",              # the separator is part of the label: none after a Chinese colon
        "also": "also: ",
        "not_applicable_one": "1 rule does not apply to this community",
        "not_applicable_n": "{n} rules do not apply to this community",
        "questions_stage": "To place the stage",
        "questions_applicability": "To know which advice applies",
        "questions_rules": "To judge more rules",
        "more_questions": "… and {n} more: `shequn facts questions` lists them, `shequn interview` asks them one by one",
        "first_action": "First thing to do",
        "no_score_key": "– not enough facts to score; blank: no rule of the area applies",
        "discrepancies": "Written by hand vs measured from exports",
        "discrepancy": "{fact}: written {written}, measured {measured} (the written value is used)",
        "why_part_by_part": "Why, part by part",
        "was_severity": " (was {severity})",
        "summary_line": "{communities}: {critical} with critical findings, {warnings}",
        "community_one": "1 community",
        "communities_n": "{n} communities",
        "warning_one": "1 warning",
        "warnings_n": "{n} warnings",
        "new_n": "{n} new",
        "rule_page": "rule page: {command}",
        "rule_page_short": "rule page",
        "more_details": "Evidence, more advice and sources",
        "community_details": "Full report",
        "more_findings": "{n} more: {severity}",
    },
    "zh": {
        "report_title": "社群诊断报告",
        "portfolio_title": "社群矩阵总览",
        "diff_title": "两次诊断的变化",
        "generated": "生成日期",
        "engine": "引擎",
        "rulesets": "规则集",
        "health": "健康度",
        "overall": "总分",
        "score": "得分",
        "no_score": "无得分",
        "members": "名成员",
        "by_dimension": "各维度健康度",
        "stage": "阶段",
        "stage_of": "第 {current} 阶段（共 5 个）",
        "declared": "运营者自述处于第 {declared} 阶段",
        "declared_short": "自述",
        "completed": "已完成",
        "current": "当前",
        "blockers": "阻碍本阶段完成的事项",
        "no_blockers": "目前没有已知的阻碍事项。",
        "findings": "诊断发现",
        "no_findings": "没有待处理的问题。",
        "critical": "严重",
        "warning": "警告",
        "info": "提示",
        "passed": "通过",
        "not_evaluated": "未评估",
        "waived": "已豁免",
        "waived_findings": "已豁免的问题",
        "reason": "理由",
        "expires": "到期",
        "minefield": "雷区 {n}",
        "dimension": "维度",
        "evidence": "证据",
        "fact": "事实",
        "value": "取值",
        "advice": "建议做法",
        "source": "出处",
        "note": "文献之间的分歧",
        "disagreements": "文献之间的分歧",
        "actions": "下一步行动",
        "actions_for": "第 {current} 阶段（{name}）的下一步行动",
        "blocks_stage": "阻碍本阶段",
        "questions": "仍需收集的事实",
        "question": "问题",
        "unlocks": "可评估规则数",
        "unlocks_n": "可评估 {n} 条规则",
        "problems": "问题",
        "rule": "规则",
        "title": "标题",
        "severity": "严重程度",
        "communities": "社群",
        "community": "社群",
        "matrix": "各社群各维度得分",
        "common_minefields": "最常见的雷区",
        "common_findings": "最常见的问题",
        "in_communities": "数量",
        "average": "平均",
        "sections": "各社群详情",
        "back_to_top": "返回总览",
        "baseline_new": "新增",
        "baseline_known": "已知",
        "new_findings": "新出现的问题",
        "resolved_findings": "已解决的问题",
        "persisting_findings": "仍然存在的问题",
        "newly_waived": "新豁免的问题",
        "score_changes": "得分变化",
        "stage_movement": "阶段变化",
        "before": "之前",
        "after": "之后",
        "change": "变化",
        "stage_up": "从第 {old} 阶段前进到第 {new} 阶段",
        "stage_down": "从第 {old} 阶段退回到第 {new} 阶段",
        "stage_same": "仍处于第 {new} 阶段",
        "none": "无",
        "minefield_short": "雷区",
        "legend": "图例",
        "yes": "是",
        "no": "否",
        "plan": "本周要做",
        "plan_none": "本周没有需要处理的事项。",
        "plan_collect_first": "现有事实还看不出要做什么：请先回答下面的问题。",
        "why_blocker": "阻碍第 {n} 阶段",
        "why_action": "第 {n} 阶段的下一步",
        "why_finding": "问题（{severity}）",
        "essential_of": "第 {n} 阶段的必备项",
        "score_basis": "依据：适用的 {applicable} 条规则中已判断 {judged} 条（按权重计 {pct}%）",
        "no_score_sentence": "事实不足，暂不评分——适用的 {applicable} 条规则中已判断 {judged} 条",
        "own_thresholds": "shequn 自定的阈值（文章没有给出，可按项目调整）：{items}",
        "not_enough_facts": "事实不足",
        "no_area_scored": "事实不足，各维度暂不评分。",
        "stage_heading": "第 {current} 阶段（共 5 个）：{name}",
        "stage_unconfirmed": "第 {current}–{at_most} 阶段（待确认：还需确认{facts}），至少已到{name}阶段",
        "colon": "：",
        "comma": "，",
        "stage_range": "{current}–{at_most}",
        "unconfirmed": "待确认",
        "unconfirmed_paren": "（待确认）",
        "declared_paren": "（运营者自述处于第 {declared} 阶段）",
        "facts_one": " 1 项事实",
        "facts_n": " {n} 项事实",
        "to_confirm": "确认阶段还需了解",
        "confirm": "待确认：",
        "also": "同一原因还涉及：",
        "not_applicable_one": "有 1 条规则不适用于这个社群",
        "not_applicable_n": "有 {n} 条规则不适用于这个社群",
        "questions_stage": "用于确定所处阶段",
        "questions_applicability": "用于判断哪些建议适用",
        "questions_rules": "用于评估更多规则",
        "more_questions": "……还有 {n} 项：shequn facts questions 可列出全部，shequn interview 会逐项提问",
        "first_action": "首要行动",
        "no_score_key": "–：事实不足，暂不评分；空白：该维度没有适用的规则",
        "discrepancies": "手填数值与导出数据测得的数值不一致",
        "discrepancy": "{fact}：手填 {written}，测得 {measured}（采用手填值）",
        "why_part_by_part": "逐项说明判断依据",
        "was_severity": "（之前为{severity}）",
        "summary_line": "{communities}：{critical} 个有严重问题，{warnings}",
        "community_one": "1 个社群",
        "communities_n": "{n} 个社群",
        "warning_one": "1 条警告",
        "warnings_n": "共 {n} 条警告",
        "new_n": "{n} 条新增",
        "rule_page": "规则说明：{command}",
        "rule_page_short": "规则说明",
        "more_details": "依据、更多建议与出处",
        "community_details": "完整报告",
        "more_findings": "另有 {n} 条{severity}",
    },
}

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "en": {d: d for d in ("positioning", "traffic", "governance", "leadership", "content", "engagement",
                          "activities", "retention", "conversion", "scale")},
    "zh": {"positioning": "定位", "traffic": "流量", "governance": "管理", "leadership": "领袖", "content": "内容",
           "engagement": "互动", "activities": "活动", "retention": "留存", "conversion": "转化", "scale": "规模"},
}

STAGE_NAMES_I18N: dict[str, dict[int, str]] = {
    "en": {1: "building", 2: "activity", 3: "retention", 4: "conversion", 5: "extending the life cycle"},
    "zh": {1: "建群", 2: "活跃", 3: "留存", 4: "转化", 5: "延长生命周期"},
}

KIND_NAMES: dict[str, dict[str, str]] = {
    "en": {"minefield": "minefield", "practice": "practice", "stage": "stage"},
    "zh": {"minefield": "雷区", "practice": "实践", "stage": "阶段"},
}


class Labels:
    """The labels of one language: `labels.findings`, `labels("stage_of", current=2)`."""

    def __init__(self, lang: str = "en"):
        if lang not in LANGS:
            raise ValueError(f"unknown language '{lang}' (known: {', '.join(LANGS)})")
        self.lang = lang
        self._labels = LABELS[lang]

    def __getattr__(self, key: str) -> str:
        try:
            return self._labels[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        return self._labels.get(key, LABELS["en"].get(key, key))

    def __call__(self, key: str, **values: Any) -> str:
        return self[key].format(**values)

    def dimension_name(self, name: str) -> str:
        return DIMENSION_NAMES[self.lang].get(name, name)

    def stage_name(self, n: int | None, fallback: str = "") -> str:
        return STAGE_NAMES_I18N[self.lang].get(n, fallback) if n is not None else fallback

    def severity_name(self, name: str) -> str:
        return self._labels.get(name, name)

    def kind_name(self, name: str) -> str:
        return KIND_NAMES[self.lang].get(name, name)


def labels(lang: str = "en") -> Labels:
    return Labels(lang)


# --- rule texts ------------------------------------------------------------

def rule_translations(rules: Iterable[Rule], lang: str) -> dict[str, dict[str, Any]]:
    """{rule id: {title, message, advice}} of the rules that carry text in `lang` (only zh exists)."""
    if lang == "en":
        return {}
    out: dict[str, dict[str, Any]] = {}
    for rule in rules:
        zh = getattr(rule, lang, None)
        if zh is None:
            continue
        text = {k: v for k, v in (("title", zh.title), ("message", zh.message), ("advice", zh.advice)) if v}
        if text:
            out[rule.id] = text
    return out


def translate_report(report: Report, translations: Mapping[str, Mapping[str, Any]], lang: str = "zh") -> Report:
    """A copy of the report with rule titles, messages and advice in the translation where one exists.

    A translated message's `{fact}` placeholders are filled from the finding's
    evidence, with values named in `lang` (the language of `translations`);
    when one cannot be filled the English message is kept. Fact names and
    questions are not touched here: the renderers name them in their language
    (`shequn.report.values`), so the report model keeps its English contract.
    """
    if not translations:
        return report
    # the essential that bounds the stage (ST001 names it): the first finding of stage at_most
    bound = next((f for f in report.findings if f.stage == report.stage.at_most and f.rule in translations), None)
    bounding = (translations[bound.rule].get("title") or bound.title) if bound is not None else None

    def message(text: str | None, evidence: Mapping[str, Any], fallback: str) -> str:
        if not text:
            return fallback
        known = {**evidence, "stage.current": report.stage.current, "stage.at_most": report.stage.at_most,
                 "stage.violated_essential": bounding}
        if any(known.get(name) is None for name in PLACEHOLDER.findall(text)):
            return fallback
        return interpolate(text, known, lang)

    def title(item: _Titled) -> _Titled:
        t = translations.get(item.rule)
        return item.model_copy(update={"title": t.get("title") or item.title}) if t else item

    def title_and_advice(item: _Advised) -> _Advised:
        t = translations.get(item.rule)
        if not t:
            return item
        return item.model_copy(update={"title": t.get("title") or item.title, "advice": list(t.get("advice") or item.advice)})

    findings = []
    for f in report.findings:
        t = translations.get(f.rule)
        if t:
            evidence_and_limits = {**f.evidence, **threshold_placeholders(f.thresholds, lang)}
            f = f.model_copy(update={"title": t.get("title") or f.title,
                                     "message": message(t.get("message"), evidence_and_limits, f.message),
                                     "advice": list(t.get("advice") or f.advice)})
        if f.related:
            f = f.model_copy(update={"related": [title(r) for r in f.related]})
        findings.append(f)
    stage = report.stage.model_copy(update={"to_confirm": [title(c) for c in report.stage.to_confirm]})
    return report.model_copy(update={"findings": findings, "actions": [title_and_advice(a) for a in report.actions],
                                     "plan": [title_and_advice(p) for p in report.plan], "stage": stage})


def translate_for(report: Report, lang: str, engine: HasRules | None = None, *,
                  rules: Iterable[Rule] | None = None) -> Report:
    """Translate a report's rule texts with `rules`, else the rules of `engine`, else the built-in rules.

    Reads the rules only: no Engine is built, so translating a saved report
    never compiles a ruleset.
    """
    if lang == "en":
        return report
    if rules is None:
        rules = engine.rules if engine is not None else builtin_rules()
    return translate_report(report, rule_translations(rules, lang), lang)


@functools.cache
def builtin_rules() -> tuple[Rule, ...]:
    """The rules of the built-in rulesets, loaded once (a broken built-in ruleset raises RulesetErrors)."""
    return tuple(rule for ruleset in load_rulesets(builtin_paths()) for rule in ruleset.rules)
