"""Shared test data for the report renderers, portfolio, diff and check formats.

Imported as `support` (pytest's `pythonpath` puts tests/ on the path); the
fixtures built from it (`ruleset_path`, `rengine`) are in conftest.py.
"""
from __future__ import annotations

import textwrap
from html.parser import HTMLParser

HOSTILE = "<script>alert(1)</script> | `tick` *star* [x](http://evil.example)"

RULESET = textwrap.dedent('''
    name: report-tests
    version: 1
    title: rules for the report tests
    rules:
      - id: RPT001
        title: No positioning statement
        kind: minefield
        minefield: 1
        severity: critical
        dimension: positioning
        when: 'positioning.statement == ""'
        message: 'The positioning is blank.'
        advice: [Write a one-line positioning.]
        sources: [{doc: nine-minefields, quote: "positioning"}]
        zh: {title: 定位不清, message: '定位为空。', advice: [写一句话定位。]}
      - id: RPT002
        title: Too few admins for the group size
        kind: practice
        severity: warning
        dimension: governance
        when: 'size.members > 150 and governance.admins < 2'
        message: '{size.members} members and only {governance.admins} admin(s).'
        advice: [Recruit a second admin.]
        sources: [{doc: six-aspects, quote: "owner"}]
        note: nine-minefields 2 warns against strict enforcement; six-aspects 3 praises it.
        zh: {title: 管理员太少, message: '{size.members} 名成员，只有 {governance.admins} 名管理员。'}
      - id: RPT003
        title: Strict enforcement
        kind: minefield
        minefield: 2
        severity: warning
        dimension: governance
        when: 'governance.enforcement == "strict"'
        message: 'Rules are enforced strictly.'
        advice: [Guide before punishing.]
        sources: [{doc: nine-minefields, quote: "strict"}]
      - id: RPT004
        title: Few messages
        kind: practice
        severity: info
        dimension: engagement
        when: 'engagement.messages_per_day < 10'
        message: 'Only {engagement.messages_per_day} messages a day.'
        advice: [Start a daily topic.]
        sources: [{doc: positioning-and-stages, quote: "topic"}]
      - id: RPT005
        title: Group rules written
        kind: stage
        stage: 1
        gate: true
        severity: warning
        dimension: governance
        when: 'not governance.group_rules'
        message: 'No written group rules.'
        advice: [Write group rules.]
        sources: [{doc: positioning-and-stages, quote: "rules"}]
      - id: RPT006
        title: Greet members daily
        kind: stage
        stage: 1
        severity: info
        dimension: engagement
        when: 'not engagement.daily_greetings'
        message: 'No daily greetings.'
        advice: [Greet members every morning.]
        sources: [{doc: positioning-and-stages, quote: "greetings"}]
      - id: RPT007
        title: Low retention
        kind: practice
        severity: warning
        dimension: retention
        when: 'retention.retention_30d < 0.3'
        message: 'Retention is {retention.retention_30d}.'
        advice: [Welcome newcomers.]
        sources: [{doc: six-aspects, quote: "retention"}]
      - id: RPT008
        title: Positioning statement to review
        kind: practice
        severity: info
        dimension: positioning
        when: 'positioning.statement != "" and positioning.statement != "ok"'
        message: 'The positioning reads: {positioning.statement}'
        advice: [Check it with ten members.]
        sources: [{doc: positioning-and-stages, quote: "positioning"}]
''')


def facts(name="Book club", **overrides) -> dict:
    """A sick community by default: blank positioning, strict, one admin for 300, no rules."""
    data = {
        "community": {"name": name, "platform": "wechat", "declared_stage": 3},
        "size": {"members": 300},
        "positioning": {"statement": ""},
        "governance": {"admins": 1, "enforcement": "strict", "group_rules": False},
        "engagement": {"messages_per_day": 5, "daily_greetings": False},
        "waivers": [{"rule": "RPT004", "reason": "quiet by design <b>ok</b> | fine"}],
    }
    for key, value in overrides.items():
        section, _, fact = key.partition("__")
        if value is None:
            data[section].pop(fact, None)
        else:
            data.setdefault(section, {})[fact] = value
    return data


def healthier(name="Book club") -> dict:
    """The same community a month later: positioned, guided, written rules, retention measured."""
    data = facts(name, positioning__statement="ok", governance__enforcement="guided", governance__group_rules=True,
                 retention__retention_30d=0.1)
    data["waivers"] = []
    return data


def hostile() -> dict:
    return facts(HOSTILE, positioning__statement="`code` | pipe <script>alert(2)</script> **bold** # h")


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.text: list[str] = []
        self.scripts = 0
        self.style = ""
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        self.classes.update((a.get("class") or "").split())
        if tag == "script":
            self.scripts += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(self.text)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v or (k == "class_" and v in (a.get("class") or "").split())
                                                            for k, v in attrs.items())]

    def having_class(self, name: str) -> list[tuple[str, dict]]:
        return [(t, a) for t, a in self.tags if name in (a.get("class") or "").split()]


def assert_self_contained(html: str) -> None:
    """No external script, style, font or image: the page opens offline."""
    import re

    page = Page(html)
    assert page.scripts == 0
    for tag, attrs in page.tags:
        for key in ("src", "href", "srcset", "data", "poster", "action"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), f"<{tag} {key}={value}>"
            if key == "href" and value:
                assert value.startswith("#"), f"<{tag} href={value}> links out of the page"
        if tag == "link":
            assert "stylesheet" not in (attrs.get("rel") or ""), "external stylesheet"
    assert "@import" not in page.style
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page.style)
    assert not re.search(r"url\(", page.style), "the CSS loads nothing"


def examples(n: int) -> int:
    """`n` property examples under the dev Hypothesis profile, proportionally more under ci (conftest.py)."""
    from hypothesis import settings

    return max(1, n * settings.default.max_examples // 100)


def uncertain(report):
    """`report` as the engine gives it when too little is known: no score, the stage a range with essentials to
    confirm, a finding with a related one folded in, one of a later stage, rules that do not apply, and questions
    of every kind."""
    from shequn.report.model import Confirm, Question, Related

    summary = report.summary.model_copy(update={"score": None, "coverage": 0.2, "judged": 2, "applicable": 7})
    scores = {d: None for d in report.scores}
    coverage = {d: (None if d == "scale" else 0.2) for d in report.scores}
    to_confirm = [Confirm(rule="RPT009", stage=2, title="Members greeted", missing=["engagement.daily_greetings"],
                          questions=["Do operators greet members every day?"]),
                  Confirm(rule="RPT010", stage=3, title="Retention known", missing=["retention.retention_30d"],
                          questions=["What share of new members are still active after 30 days?"])]
    stage = report.stage.model_copy(update={"current": 1, "name": "building", "at_most": 3, "completed": [],
                                            "blockers": ["RPT005"], "to_confirm": to_confirm})
    findings = list(report.findings)
    findings[0] = findings[0].model_copy(update={"related": [
        Related(rule="SM171", title="The group reached scale before it had rules")]})
    later = [i for i, f in enumerate(findings) if f.rule == "RPT003"][0]
    findings[later] = findings[later].model_copy(update={"stage": 3})
    questions = [Question(fact="content.topic", question="How many topic discussions a week?", unlocks=4,  # not
                          decides="rules"),                                                             # grouped yet
                 Question(fact="retention.retention_30d", question="What share of new members are still active after "
                                                                   "30 days?", unlocks=2, decides="stage"),
                 Question(fact="community.goal", question="Does the community exist to sell?", unlocks=3,
                          decides="applicability")]
    return report.model_copy(update={"summary": summary, "scores": scores, "coverage": coverage, "stage": stage,
                                     "findings": findings, "not_applicable": ["RPT006", "RPT008"],
                                     "questions": questions})


# --- generated communities (tests of many at once, and tests/benchmarks) ----------------------

def example_facts() -> dict[str, dict]:
    """The example facts files as parsed data, by file stem."""
    from pathlib import Path

    from shequn.facts.loader import read_file

    folder = Path(__file__).resolve().parent.parent / "facts" / "examples"
    return {p.stem: read_file(p)[0] for p in sorted(folder.glob("*.yaml"))}


def generated_facts(rng, coverage: float, bases: list[dict] | None = None) -> dict:
    """A realistic community: one of the example communities (the kinds consultants see) with
    its numbers moved by up to ±50% and, of the facts the vocabulary knows, about `coverage`
    of them known (the example's own values where it has them, plausible ones elsewhere)."""
    import copy

    from shequn.facts.vocabulary import CHANNELS, FACTS

    base = copy.deepcopy(rng.choice(bases if bases is not None else list(example_facts().values())))
    members = base.get("size", {}).get("members") or rng.randint(20, 2000)
    for fact in FACTS:
        if fact.derived or "." in fact.key:
            continue
        section = base.setdefault(fact.section, {})
        if not fact.required and rng.random() > coverage:
            section.pop(fact.key, None)
            continue
        value = section.get(fact.key)
        if isinstance(value, bool) or value is None and fact.kind == "bool":
            value = value if value is not None else rng.random() < 0.5
        elif isinstance(value, (int, float)) and fact.kind in ("count", "number", "amount"):
            moved = round(value * rng.uniform(0.5, 1.5), 1 if isinstance(value, float) else None)
            value = type(value)(max(min(value, 1), moved))        # a count of one or more stays one or more
        elif isinstance(value, float) and fact.kind == "share":
            value = round(min(1.0, max(0.0, value * rng.uniform(0.5, 1.5))), 2)
        elif value is None:
            value = _plausible(rng, fact, members)
        if value is not None:
            section[fact.key] = value
    size = base.setdefault("size", {})
    size["members"] = members
    for key in ("active_members_7d", "paying_members"):
        if key in size:
            size[key] = min(size[key], members)
    if rng.random() < coverage:
        weights = [rng.random() for _ in CHANNELS]
        total = sum(weights)
        shares = [int(w / total * 1000) for w in weights]
        shares[0] += 1000 - sum(shares)                   # in thousandths, summing to exactly 1
        base.setdefault("traffic", {})["source_shares"] = {c: s / 1000 for c, s in zip(CHANNELS, shares)}
    else:
        base.get("traffic", {}).pop("source_shares", None)
    return {k: v for k, v in base.items() if v != {} or k == "community"}


def _plausible(rng, fact, members: int):
    if fact.kind == "text":
        return None
    if fact.kind == "count":
        return rng.randint(1, 40)
    if fact.kind in ("number", "amount"):
        return round(rng.uniform(0, 200), 1)
    if fact.kind == "share":
        return round(rng.random(), 2)
    if fact.kind == "stage":
        return rng.randint(1, 5)
    if fact.kind == "enum":
        return rng.choice(fact.values)
    if fact.kind == "enumlist":
        return rng.sample(list(fact.values), rng.randint(0, len(fact.values)))
    return None
