"""Compare two audits of a community: what is new, resolved and persisting.

Works on two Report models (read from report JSON files or evaluated from
facts files by the caller). Findings are matched by rule id. Also marks each
finding of a report "new" or "known" against a baseline report, so a team
can adopt the tool on a sick group and stop regressions.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import json
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from shequn.facts.files import is_regular_file, open_regular, read_regular
from shequn.report.escape import terminal
from shequn.report.i18n import labels
from shequn.report.model import AuditInfo, Finding, Report
from shequn.report.views import environment, finding_view, score_class, today
from shequn.rules.names import SEVERITY_ORDER


class ScoreChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dimension: str
    old: Optional[int] = None
    new: Optional[int] = None
    delta: Optional[int] = None


class StageMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    old: int
    new: int
    old_name: str
    new_name: str
    movement: str  # "up", "down" or "same"


class PersistingFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    old: Finding
    new: Finding
    severity_changed: bool = False


class AuditDiff(BaseModel):
    """The difference between an old and a new audit; serialised as JSON by `shequn diff --format json`."""
    model_config = ConfigDict(extra="forbid")
    old_community: str
    new_community: str
    score: ScoreChange
    scores: list[ScoreChange]
    stage: StageMove
    new: list[Finding]
    resolved: list[Finding]
    persisting: list[PersistingFinding]
    waived: list[Finding]
    old_audit: Optional[AuditInfo] = None
    new_audit: Optional[AuditInfo] = None


def _delta(old: int | None, new: int | None) -> int | None:
    return None if old is None or new is None else new - old


def _order(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule))


def compare(old: Report, new: Report) -> AuditDiff:
    """What changed from `old` to `new`: findings matched by rule id, open findings only.

    A finding open before and waived now is listed as `waived`, not resolved.
    """
    old_open = {f.rule: f for f in old.findings if f.status == "open"}
    new_open = {f.rule: f for f in new.findings if f.status == "open"}
    new_waived = {f.rule: f for f in new.findings if f.status != "open"}
    dims = list(old.scores) + [d for d in new.scores if d not in old.scores]
    movement = "up" if new.stage.current > old.stage.current else "down" if new.stage.current < old.stage.current else "same"
    return AuditDiff(
        old_community=old.community.name, new_community=new.community.name,
        score=ScoreChange(dimension="overall", old=old.summary.score, new=new.summary.score,
                          delta=_delta(old.summary.score, new.summary.score)),
        scores=[ScoreChange(dimension=d, old=old.scores.get(d), new=new.scores.get(d),
                            delta=_delta(old.scores.get(d), new.scores.get(d))) for d in dims],
        stage=StageMove(old=old.stage.current, new=new.stage.current, old_name=old.stage.name, new_name=new.stage.name,
                        movement=movement),
        new=_order(f for rule, f in new_open.items() if rule not in old_open),
        resolved=_order(f for rule, f in old_open.items() if rule not in new_open and rule not in new_waived),
        persisting=[PersistingFinding(old=old_open[f.rule], new=f, severity_changed=old_open[f.rule].severity != f.severity)
                    for f in _order(f for rule, f in new_open.items() if rule in old_open)],
        waived=_order(f for rule, f in new_waived.items() if rule in old_open),
        old_audit=old.audit, new_audit=new.audit,
    )


def _audit(a: AuditInfo | None) -> str:
    if a is None:
        return "?"
    return f"{a.date} ({Path(a.facts_file).name})" if a.facts_file else a.date


def audits_text(d: AuditDiff) -> str:
    """"2026-05-01 (may.yaml) → 2026-06-01 (june.yaml)": which audits are compared; "" when neither report says."""
    if d.old_audit is None and d.new_audit is None:
        return ""
    return f"{_audit(d.old_audit)} → {_audit(d.new_audit)}"


# --- baseline ----------------------------------------------------------------

def mark_baseline(report: Report, baseline: Report | None) -> Report:
    """A copy of `report` whose findings say "new" or "known" (a rule the baseline also found), new ones first
    (otherwise in their order, so every format lists the new findings first)."""
    known = {f.rule for f in baseline.findings} if baseline is not None else set()
    findings = [f.model_copy(update={"baseline": "known" if f.rule in known else "new"}) for f in report.findings]
    findings.sort(key=lambda f: f.baseline != "new")
    return report.model_copy(update={"findings": findings})


def baseline_for(report: Report, baselines: Sequence[Report]) -> Report | None:
    """The baseline of a report among several: same community name; the only one when there is just one."""
    for b in baselines:
        if b.community.name == report.community.name:
            return b
    return baselines[0] if len(baselines) == 1 else None


MAX_REPORT_BYTES = 200_000_000       # a portfolio of many reports as JSON Lines, not more


def load_reports(path: str | Path) -> list[Report]:
    """Reports from a report JSON file: one report, a list of reports, or JSON Lines.

    Raises ValueError with the file name when it is not a report file.
    """
    text = read_regular(path, MAX_REPORT_BYTES).decode("utf-8")   # a pipe would block: regular files only
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            items = [json.loads(line) for line in lines]
        except json.JSONDecodeError:
            raise ValueError(f"{path}: not a report JSON file: {exc.msg} at line {exc.lineno}") from None
    reports = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "schema_version" not in item:
            raise ValueError(f"{path}: item {i + 1} is not a shequn report (no schema_version)")
        try:
            reports.append(Report.model_validate(item))
        except ValidationError as exc:          # named by its dotted path, never by the value (it may be hostile)
            where = f"item {i + 1}: " if len(items) > 1 else ""
            problems = [f"{path}: {where}{'.'.join(map(str, e['loc'])) or 'report'}: {e['msg']} (not a valid shequn report)"
                        for e in exc.errors(include_url=False)[:5]]
            raise ValueError("\n".join(problems)) from None
        except RecursionError:
            raise ValueError(f"{path}: item {i + 1}: not a valid shequn report: nested too deeply") from None
    return reports


def is_report_file(path: str | Path) -> bool:
    """A JSON file holding a report (has schema_version), as opposed to a facts file."""
    p = Path(path)
    if p.suffix.lower() not in (".json", ".jsonl"):
        return False
    if not is_regular_file(p):               # a pipe would block; the reader of the file says what is wrong
        return False
    try:
        with open_regular(p) as fh:
            head = codecs.getincrementaldecoder("utf-8")().decode(fh.read(4096), final=False)
    except OSError:
        return False
    return '"schema_version"' in head


# --- rendering -----------------------------------------------------------------

def _view(d: AuditDiff, lang: str) -> dict[str, Any]:
    t = labels(lang)
    key = {"up": "stage_up", "down": "stage_down", "same": "stage_same"}[d.stage.movement]

    def change(c: ScoreChange) -> dict[str, Any]:
        sign = "" if c.delta is None else f"{c.delta:+d}" if c.delta else "0"
        cls = "same" if not c.delta else "up" if c.delta > 0 else "down"
        return {"name": t.dimension_name(c.dimension) if c.dimension != "overall" else t.overall,
                "old": "–" if c.old is None else c.old, "new": "–" if c.new is None else c.new,
                "delta": sign or "–", "cls": cls, "old_cls": score_class(c.old), "new_cls": score_class(c.new)}

    return {
        "old_community": d.old_community, "new_community": d.new_community, "audits": audits_text(d),
        "score": change(d.score),
        "scores": [change(c) for c in d.scores if c.old is not None or c.new is not None],
        "stage": {"movement": d.stage.movement, "text": t(key, old=d.stage.old, new=d.stage.new),
                  "old": d.stage.old, "new": d.stage.new,
                  "old_name": t.stage_name(d.stage.old, d.stage.old_name), "new_name": t.stage_name(d.stage.new, d.stage.new_name)},
        "new": [finding_view(f, t) for f in d.new],
        "resolved": [finding_view(f, t) for f in d.resolved],
        "persisting": [finding_view(p.new, t) | {"old_severity": p.old.severity, "severity_changed": p.severity_changed}
                       for p in d.persisting],
        "waived": [finding_view(f, t) for f in d.waived],
    }


def render_text(d: AuditDiff, *, lang: str = "en") -> str:
    """Plain text, for the terminal and for pipes."""
    t = labels(lang)
    v = _view(d, lang)
    name = d.new_community if d.old_community == d.new_community else f"{d.old_community} → {d.new_community}"
    out = [f"{t.diff_title}: {name}"] + ([v["audits"]] if v["audits"] else []) + [""]
    s = v["score"]
    out.append(f"{t.health}: {s['old']} → {s['new']} ({s['delta']})")
    out.append(f"{t.stage}: {v['stage']['text']} ({v['stage']['old_name']} → {v['stage']['new_name']})")
    out += ["", t.score_changes]
    width = max((len(c["name"]) for c in v["scores"]), default=0)
    for c in v["scores"]:
        out.append(f"  {c['name']:<{width}}  {c['old']!s:>3} → {c['new']!s:>3}  {c['delta']}")
    for key, mark in (("new", "+"), ("resolved", "-"), ("persisting", "="), ("waived", "~")):
        items = v[key]
        title = t[{"new": "new_findings", "resolved": "resolved_findings", "persisting": "persisting_findings",
                   "waived": "newly_waived"}[key]]
        out += ["", f"{title} ({len(items)})"]
        for f in items:
            extra = ""
            if key == "persisting" and f.get("severity_changed"):
                was = f["old_severity"] if t.lang == "en" else t.severity_name(f["old_severity"])
                extra = t("was_severity", severity=was)
            out.append(f"  {mark} {f['rule']}  [{f['severity_name']}] {f['title']}{extra}")
    return terminal("\n".join(out) + "\n")


def render_markdown(d: AuditDiff, *, lang: str = "en", generated: _dt.date | str | None = None) -> str:
    return environment("markdown").get_template("diff.md.j2").render(t=labels(lang), lang=lang, d=_view(d, lang),
                                                                    generated=today(generated))


def render_html(d: AuditDiff, *, lang: str = "en", generated: _dt.date | str | None = None) -> str:
    return environment("html").get_template("diff.html.j2").render(t=labels(lang), lang=lang, d=_view(d, lang),
                                                                  generated=today(generated))


def render_json(d: AuditDiff) -> str:
    return d.model_dump_json(indent=2) + "\n"
