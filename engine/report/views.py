"""What the HTML and Markdown renderers share: a report turned into plain template values.

`report_view` and `finding_view` give labels in the chosen language, formatted
evidence, the stage track and severity groups; `environment` is the Jinja2
environment (autoescaped HTML, or Markdown with every value escaped by
`md_escape`); `today` is the date printed on a page. Reads only the Report
model, the source documents' titles and the fact vocabulary (which names
facts, values and questions in Chinese: the report model stays English).
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
import re
from typing import TYPE_CHECKING, Any, Callable

from markupsafe import Markup          # small; Jinja2 itself is imported only when a page is rendered

from shequn.errors import ConfigError
from shequn.report import escape
from shequn.report.i18n import Labels, labels
from shequn.report.model import Confirm, Finding, Report
from shequn.facts.vocabulary import lookup
from shequn.report.values import fact_label, fact_question, format_value
from shequn.rules.documents import DOCUMENTS
from shequn.rules.names import SEVERITIES

if TYPE_CHECKING:
    from jinja2 import Environment


def score_class(score: int | None) -> str:
    """good (80+), fair (50-79), poor (below 50), none (no score)."""
    if score is None:
        return "none"
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"


def today(generated: _dt.date | str | None) -> str:
    """The date a page shows: the one given, SHEQUN_TODAY (reproducible output, docs/testing.md), or today's."""
    if generated is None:
        pinned = os.environ.get("SHEQUN_TODAY")
        if pinned:
            try:
                return _dt.date.fromisoformat(pinned).isoformat()
            except ValueError:
                raise ConfigError(f"not a date (YYYY-MM-DD): {pinned!r} in SHEQUN_TODAY") from None
        return _dt.date.today().isoformat()
    return generated.isoformat() if isinstance(generated, _dt.date) else str(generated)


# --- Markdown escaping -------------------------------------------------------

md_escape = escape.markdown          # the name the templates' filters had; one function for Markdown


def _md_finalize(value: Any) -> Any:
    """Every `{{ value }}` of a Markdown template is escaped unless a filter made it Markdown already
    (`md`, `cell`, `code`, `e`, or `safe` on our own markup): a value that forgets its filter is text."""
    if isinstance(value, Markup) or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return escape.markdown_inline(value)


def environment(kind: str = "html") -> Environment:
    """The Jinja2 environment: autoescaped for HTML, Markdown-escaping `md` filter for Markdown."""
    # imported here: the text report shares these views but not Jinja2, and `check` starts quicker without it
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    if kind == "html":
        env = Environment(loader=PackageLoader("shequn.report", "templates"), autoescape=select_autoescape(default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    else:
        env = Environment(loader=PackageLoader("shequn.report", "templates"), autoescape=False, finalize=_md_finalize,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters["md"] = lambda v: Markup(escape.markdown(v))
        env.filters["cell"] = env.filters["md"]              # it escapes the pipes of a table already
        env.filters["code"] = lambda v: Markup(escape.code_span(v))
    env.globals["score_class"] = score_class
    return env


# --- views -----------------------------------------------------------------------

DECIDES = ("stage", "applicability", "rules")      # the order questions are grouped in


def _value(name: str, value: Any, t: Labels) -> str:
    if isinstance(value, bool):
        return t.yes if value else t.no
    if isinstance(value, str) and not value.strip():
        return "“”"
    return format_value(name, value, t.lang)


def evidence_items(evidence: dict[str, Any], t: Labels) -> list[tuple[str, str, str]]:
    """(fact, its label, value as a person reads it) of a finding's, action's or plan item's evidence.

    The label is "" in English, where the dotted name is the label; in Chinese
    it comes first and the dotted name is kept beside it, smaller.
    """
    return [(name, evidence_label(name, t), _value(name, v, t)) for name, v in evidence.items()]


def evidence_label(name: str, t: Labels) -> str:
    """A fact's label in the labels' language, "" when the dotted name is all there is (English)."""
    text = fact_label(name, t.lang)
    return "" if text == name else text


# English names for derived facts, whose vocabulary meaning is a formula ("active_members_7d / members")
_DERIVED_EN = {
    "size.active_share_7d": "share of members who posted in the last 7 days",
    "size.paying_share": "share of members who have paid",
    "governance.members_per_admin": "members per admin",
    "traffic.imprecise_share": "share of new members from relatives, friends and general traffic",
    "offer.price_per_lecture_yuan": "price per lecture (yuan)",
}


def named_evidence(evidence: dict[str, Any], t: Labels) -> list[tuple[str, str, str]]:
    """(fact, the fact's name in words in the labels' language, value) for a client's page: the dotted name
    goes in a tooltip, so even in English the label is words ("members who posted in the last 7 days")."""
    out = []
    for name, value in evidence.items():
        label = evidence_label(name, t)
        if not label:
            fact = lookup(name)
            label = _DERIVED_EN.get(name) or (fact.meaning if fact is not None else name)
        out.append((name, label, _value(name, value, t)))
    return out


def rule_page_href(rule: str, base: str) -> str:
    """The link to a built-in rule's page as `shequn rules docs` writes it (`BASE/RULESET.md#rule`);
    "" for a rule of a team's own ruleset, which has no page there."""
    ruleset = _builtin_rulesets_by_rule().get(rule)
    if ruleset is None or not base:
        return ""
    return f"{base.rstrip('/')}/{ruleset}.md#{rule.lower()}"


@functools.cache
def _builtin_rulesets_by_rule() -> dict[str, str]:
    from shequn.rules.ruleset import load_rulesets
    from shequn.rulesets import builtin_paths

    return {rule.id: rs.name for rs in load_rulesets(builtin_paths()) for rule in rs.rules}


RULE_PAGES = "docs/rules/"          # where `shequn rules docs` writes the pages, relative to the repository


def fact_text(name: str, t: Labels) -> str:
    """A fact named in running text: "近7天发言人数（size.active_members_7d）" in Chinese, the dotted name in English."""
    text = evidence_label(name, t)
    return f"{text}（{name}）" if text else name


def question_text(fact: str, question: str, t: Labels) -> str:
    """The question that collects `fact`, in the labels' language (the report's own `question` in English)."""
    return fact_question(fact, t.lang, question)


def confirm_questions(c: Confirm, t: Labels) -> list[str]:
    """The questions that decide an unknown essential, in the labels' language; its facts when it has none."""
    if t.lang != "en" and c.questions:
        asked = [q for q in (fact_question(name, t.lang) for name in c.missing) if q]
        if asked:
            return asked
    return list(c.questions) or list(c.missing)


# how a client reads the platform and the goal in English ("WeCom · product community · sells products")
PLATFORMS_EN = {"wechat": "WeChat", "wecom": "WeCom", "qq": "QQ", "telegram": "Telegram", "discord": "Discord",
                "other": "other platform"}
GOALS_EN = {"sell_products": "sells products", "provide_services": "provides services",
            "expand_network": "expands a network", "gather_interests": "gathers an interest"}


def community_meta(report: Report, t: Labels) -> list[str]:
    """Platform, type, goal and size of the community, named in the labels' language."""
    c = report.community
    if t.lang == "en":
        meta = [v for v in (c.platform and PLATFORMS_EN.get(c.platform, c.platform),
                            c.type and f"{'cross-type' if c.type == 'cross' else c.type} community", c.goal and GOALS_EN.get(c.goal, c.goal)) if v]
    else:
        meta = [format_value(f"community.{key}", v, t.lang)
                for key, v in (("platform", c.platform), ("type", c.type), ("goal", c.goal)) if v]
    if c.members is not None:
        meta.append(f"{c.members} {t.members}" if t.lang == "en" else f"{c.members}{t.members}")
    return meta


def _source(doc: str, quote: str) -> dict[str, str]:
    d = DOCUMENTS.get(doc)
    return {"doc": doc, "quote": quote, "title": d.title if d else doc, "author": d.author if d else ""}


def _grouped(sources: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Quotes of the same document under one citation, documents in the order first cited."""
    groups: dict[str, dict[str, Any]] = {}
    for s in sources:
        groups.setdefault(s["doc"], {**s, "quotes": []})["quotes"].append(s["quote"])
    return list(groups.values())


def finding_view(f: Finding, t: Labels) -> dict[str, Any]:
    """The values a template shows for one finding, labels from `t`."""
    sources = [_source(s.doc, s.quote) for s in f.sources]
    return {
        "rule": f.rule, "title": f.title, "kind": f.kind, "kind_name": t.kind_name(f.kind), "minefield": f.minefield,
        "stage": f.stage, "severity": f.severity, "severity_name": t.severity_name(f.severity),
        "dimension": f.dimension, "dimension_name": t.dimension_name(f.dimension), "message": f.message,
        "evidence": evidence_items(f.evidence, t), "evidence_named": named_evidence(f.evidence, t),
        "rule_command": f"shequn rules show {f.rule}", "rule_href": "",
        "advice": list(f.advice), "sources": sources, "source_groups": _grouped(sources), "note": f.note,
        "related": [{"rule": r.rule, "title": r.title} for r in f.related], "stage_label": "",
        "own_thresholds": own_thresholds_text(f, t),
        "own_thresholds_md": Markup(own_thresholds_text(f, t, code=escape.code_span)),
        "status": f.status, "waiver": dict(f.waiver or {}), "baseline": f.baseline,
    }


def own_thresholds_text(f: Finding, t: Labels, *, code: Callable[[str], str] = str) -> str:
    """"shequn's own threshold …: 10% (ST201.active_floor)" for the numbers no article gives, or "".
    The value is shown like the fact it is compared with; the setting's name, which a project uses to
    set it, goes through `code` (a Markdown code span)."""
    own = [f"{format_value(x.fact or '', x.value, t.lang)}（{code(f'{f.rule}.{x.name}')}）" if t.lang == "zh"
           else f"{format_value(x.fact or '', x.value, t.lang)} ({code(f'{f.rule}.{x.name}')})"
           for x in f.thresholds if x.source == "shequn"]
    return t("own_thresholds", items=t.comma.join(own)) if own else ""


def score_text(report: Report, t: Labels) -> str:
    """What stands next to the overall score: how much it rests on, or why there is none."""
    s = report.summary
    if s.score is None:
        return t("no_score_sentence", judged=s.judged, applicable=s.applicable)
    return t("score_basis", judged=s.judged, applicable=s.applicable, pct=round(s.coverage * 100))


def stage_heading(report: Report, t: Labels) -> str:
    """"Stage 2 of 5 — activity", or the range with the facts still to confirm when the stage is uncertain."""
    st = report.stage
    name = t.stage_name(st.current, st.name)
    if not is_unconfirmed(report):
        return t("stage_heading", current=st.current, name=name)
    facts = len({fact for c in st.to_confirm for fact in c.missing})
    return t("stage_unconfirmed", current=st.current, at_most=st.at_most, name=name,
             facts=t.facts_one if facts == 1 else t("facts_n", n=facts))


def is_unconfirmed(report: Report) -> bool:
    return report.stage.at_most > report.stage.current


def not_applicable_text(report: Report, t: Labels) -> str:
    """"N rules do not apply to this community", or "" when all do."""
    n = len(report.not_applicable)
    return "" if not n else t.not_applicable_one if n == 1 else t("not_applicable_n", n=n)


def stage_label(rule: str, stage: int | None, report: Report, t: Labels) -> str:
    """Why a violated rule matters for the stage: it blocks the current one, or is an essential of a later one."""
    if stage is None:
        return ""
    if rule in report.stage.blockers:
        return t("why_blocker", n=stage)
    return t("essential_of", n=stage) if stage > report.stage.current else ""


def plan_view(report: Report, t: Labels) -> list[dict[str, Any]]:
    """The plan items with the reason each is on the list, in words."""
    stages = {f.rule: f.stage for f in report.findings}
    items = []
    for p in report.plan:
        if p.why == "blocker":
            why = t("why_blocker", n=report.stage.current)
        elif p.why == "action":
            why = t("why_action", n=report.stage.current)
        else:
            why = stage_label(p.rule, stages.get(p.rule), report, t) or t(
                "why_finding", severity=t.severity_name(p.severity).lower() if t.lang == "en" else t.severity_name(p.severity))
        items.append({"rule": p.rule, "title": p.title, "advice": list(p.advice), "severity": p.severity,
                      "why": p.why, "why_label": why, "evidence": evidence_items(p.evidence, t),
                      "evidence_named": named_evidence(p.evidence, t)})
    return items


def plan_empty_text(report: Report, t: Labels) -> str:
    """What the plan section says when it is empty: nothing to do, or nothing known yet."""
    return t.plan_collect_first if report.questions and report.summary.score is None else t.plan_none


def dimension_views(report: Report, t: Labels) -> list[dict[str, Any]]:
    """The dimensions some rule applies to (all of them for a report without coverage), with score and coverage."""
    out = []
    for d, v in report.scores.items():
        if d in report.coverage and report.coverage[d] is None:
            continue                                # no rule of this area speaks to the community
        cov = report.coverage.get(d)
        out.append({"key": d, "name": t.dimension_name(d), "score": v, "cls": score_class(v),
                    "coverage": None if cov is None else round(cov * 100)})
    return out


def question_groups(report: Report, t: Labels, limit: int | None = None) -> list[dict[str, Any]]:
    """The questions grouped by what they decide (stage, applicability, rules), at most `limit` in all.

    Those that place the stage are asked under "To confirm the stage" already: they are not asked twice.
    """
    confirmed = {name for c in report.stage.to_confirm for name in c.missing}
    remaining = [q for q in report.questions if not (q.decides == "stage" and q.fact in confirmed)]
    ordered = sorted(remaining, key=lambda q: DECIDES.index(q.decides) if q.decides in DECIDES else len(DECIDES))
    shown = ordered if limit is None else ordered[:limit]
    groups = []
    for decides in (*DECIDES, None):
        qs = [q for q in shown if (q.decides if q.decides in DECIDES else None) == decides]
        if qs:
            groups.append({"decides": decides or "rules", "label": t["questions_" + (decides or "rules")],
                           "questions": [{"fact": q.fact, "question": question_text(q.fact, q.question, t),
                                          "unlocks": q.unlocks} for q in qs]})
    return groups


def report_view(report: Report, lang: str = "en", *, anchor: str = "report", rule_pages: str = RULE_PAGES) -> dict[str, Any]:
    """The values a template shows for one report, labels in `lang`; each finding links to its rule's page
    under `rule_pages` (a folder or URL holding `shequn rules docs`' pages; "" for no links)."""
    t = labels(lang)
    c = report.community
    meta = community_meta(report, t)
    s = report.summary
    st = report.stage
    unconfirmed = is_unconfirmed(report)
    steps = []
    for n in range(1, 6):
        state = ("done" if n in st.completed else "current" if n == st.current
                 else "unconfirmed" if unconfirmed and st.current < n <= st.at_most else "todo")
        steps.append({"n": n, "name": t.stage_name(n, st.name if n == st.current else str(n)), "state": state,
                      "declared": st.declared == n})
    titles = {a.rule: a.title for a in report.actions} | {f.rule: f.title for f in report.findings}
    findings = []
    for f in report.findings:
        findings.append(finding_view(f, t) | {"stage_label": stage_label(f.rule, f.stage, report, t),
                                              "rule_href": rule_page_href(f.rule, rule_pages)})
    open_findings = [f for f in findings if f["status"] == "open"]
    groups = [{"severity": sev, "label": t.severity_name(sev), "findings": [f for f in open_findings if f["severity"] == sev]}
              for sev in SEVERITIES]
    dims = dimension_views(report, t)
    return {
        "anchor": anchor,
        "name": c.name, "meta": meta,
        "score": s.score, "score_class": score_class(s.score), "score_text": score_text(report, t),
        "counts": [(sev, t.severity_name(sev), getattr(s, sev)) for sev in SEVERITIES],
        "summary": s,
        "dims": dims, "any_dim_scored": any(d["score"] is not None for d in dims),
        "stage": {"current": st.current, "name": t.stage_name(st.current, st.name), "declared": st.declared,
                  "at_most": st.at_most, "unconfirmed": unconfirmed, "heading": stage_heading(report, t),
                  "declared_differs": st.declared is not None and st.declared != st.current,
                  "steps": steps, "blockers": [{"rule": r, "title": titles.get(r, "")} for r in st.blockers],
                  "to_confirm": [{"rule": x.rule, "stage": x.stage, "title": x.title,
                                  "stage_label": t("essential_of", n=x.stage),
                                  "questions": confirm_questions(x, t)} for x in st.to_confirm]},
        "plan": plan_view(report, t), "plan_empty": plan_empty_text(report, t),
        "groups": [g for g in groups if g["findings"]],
        "open_count": len(open_findings),
        "actions": [{"rule": a.rule, "title": a.title, "advice": list(a.advice), "blocker": a.blocker,
                     "evidence": evidence_items(a.evidence, t), "evidence_named": named_evidence(a.evidence, t)}
                    for a in report.actions if a.evidence],
        "questions": [{"fact": q.fact, "question": question_text(q.fact, q.question, t), "unlocks": q.unlocks}
                      for q in report.questions],
        "question_groups": question_groups(report, t),
        "not_applicable": {"text": not_applicable_text(report, t), "rules": list(report.not_applicable)},
        "waived": [f for f in findings if f["status"] == "waived"],
        "disagreements": [f for f in findings if f["note"]],
        "problems": list(report.problems),
        "engine": report.engine,
        "has_baseline": any(f.baseline for f in report.findings),
        "new_count": sum(f.baseline == "new" and f.status == "open" for f in report.findings),
    }
