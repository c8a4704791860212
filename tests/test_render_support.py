"""Shared test data for the report renderers, portfolio, diff and check formats (imported by those tests),
and the tests of the labels themselves (engine/i18n.py)."""
from __future__ import annotations

import textwrap
from html.parser import HTMLParser

import pytest

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


@pytest.fixture(scope="session")
def ruleset_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("rulesets") / "report-tests.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def rengine(ruleset_path):
    from shequn.diagnose.engine import Engine
    return Engine([ruleset_path], builtin=False)


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


# --- tests of the labels ---------------------------------------------------------

def test_every_label_has_a_chinese_text():
    from shequn.report.i18n import DIMENSION_NAMES, LABELS, STAGE_NAMES_I18N

    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert set(DIMENSION_NAMES["zh"]) == set(DIMENSION_NAMES["en"])
    assert set(STAGE_NAMES_I18N["zh"]) == {1, 2, 3, 4, 5}
    for key, text in LABELS["en"].items():
        assert set(_fields(text)) == set(_fields(LABELS["zh"][key])), key


def _fields(text):
    import string
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_labels_reject_an_unknown_language():
    from shequn.report.i18n import labels

    with pytest.raises(ValueError):
        labels("fr")
    t = labels("zh")
    assert t.findings == "诊断发现"
    assert t("stage_of", current=2) == "第 2 阶段（共 5 个）"
    assert t.dimension_name("governance") == "管理"


def test_translate_report_uses_zh_text_and_fills_placeholders(rengine):
    from shequn.report.i18n import rule_translations, translate_report

    report = rengine.evaluate(facts())
    translated = translate_report(report, rule_translations(rengine.rules, "zh"))
    by_rule = {f.rule: f for f in translated.findings}
    assert by_rule["RPT001"].title == "定位不清"
    assert by_rule["RPT001"].advice == ["写一句话定位。"]
    assert by_rule["RPT002"].message == "300 名成员，只有 1 名管理员。"
    assert by_rule["RPT002"].advice == ["Recruit a second admin."]        # no zh advice: English kept
    assert by_rule["RPT003"].title == "Strict enforcement"                 # no zh at all
    assert {f.rule: f.title for f in report.findings}["RPT001"] == "No positioning statement"   # original untouched
    assert rule_translations(rengine.rules, "en") == {}
