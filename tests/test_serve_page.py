"""The operator's page (shequn.serve.page) through Starlette's test client."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from shequn.facts.loader import parse_facts
from shequn.interview.flow import State, evaluate, next_block
from shequn.serve import page

EXPORTS = Path(__file__).resolve().parent.parent / "facts" / "examples" / "exports"
EXAMPLE = Path(__file__).resolve().parent.parent / "facts" / "examples" / "cosmetics-brand-matrix.yaml"


@pytest.fixture(scope="module")
def client():
    import shequn
    return TestClient(Starlette(routes=page.routes(shequn.Engine())), raise_server_exceptions=True)


def state_in(text: str) -> str:
    return html.unescape(re.search(r'id="answers"[^>]*>\s*<input type="hidden" name="state" value="([^"]*)"', text)
                         .group(1))


def shown(text: str) -> list[str]:
    return re.findall(r'name="shown" value="([^"]*)"', text)


def errors(text: str) -> dict[str, str]:
    return dict(re.findall(r'data-error-for="([^"]*)">([^<]*)<', text))


def score(text: str) -> str:
    return re.search(r'data-score="([^"]*)"', text).group(1)


def start(client, lang="zh"):
    response = client.post("/page/start", data={"how": "blank", "lang": lang})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("header, lang, word", [("zh-CN,zh;q=0.9,en;q=0.8", "zh", "从零开始"),
                                                ("en-GB,en;q=0.9", "en", "Start from nothing"),
                                                ("", "en", "Start from nothing"), ("fr, zh-TW;q=0.5", "zh", "从零开始")])
def test_the_start_page_in_the_browsers_language(client, header, lang, word):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200 and word in response.text
    assert f'lang="{"zh-CN" if lang == "zh" else "en"}"' in response.text


def test_lang_in_the_query_wins(client):
    assert "从零开始" in client.get("/?lang=zh", headers={"Accept-Language": "en"}).text
    assert "Start from nothing" in client.get("/?lang=en", headers={"Accept-Language": "zh"}).text


def test_nothing_is_fetched_from_elsewhere(client):
    text = start(client).text
    assert not re.search(r'(src|href)="(https?:)?//', text)
    for asset in re.findall(r'(?:src|href)="(/page/static/[^"]+)"', text):
        assert client.get(asset).status_code == 200


def test_the_first_block_is_the_flows(client, engine):
    text = start(client).text
    assert shown(text) == [f.fact for f in next_block(engine, State.empty("zh"))]
    assert "这个社群叫什么名字？" in text and "不知道" in text
    assert "community.name" not in re.sub(r'(name|value|data-fact|data-error-for)="[^"]*"', "", text)   # no dotted names shown
    assert score(text) == "none" and "事实还不够，暂不评分" in text


def test_answers_change_the_report_and_the_next_block(client, engine):
    text = start(client).text
    response = client.post("/page/answer", data={
        "state": state_in(text), "shown": shown(text), "a.community.name": "跑步群",
        "a.governance.group_rules": "no", "a.positioning.join_benefits_stated": "?", "a.size.active_members_7d": "50"})
    assert response.status_code == 200 and errors(response.text) == {}
    state = State.from_json(state_in(response.text))
    assert state.value("community.name") == "跑步群" and state.skipped == ("positioning.join_benefits_stated",)
    assert shown(response.text) == [f.fact for f in next_block(engine, state)]
    assert "群里没有群规" in response.text                     # the plan, translated
    assert 'data-findings="1"' in response.text


def test_a_bad_answer_gets_its_error_beside_the_field_and_is_shown_again(client):
    text = start(client).text
    response = client.post("/page/answer", data={
        "state": state_in(text), "shown": shown(text), "a.community.name": "跑步群", "a.size.active_members_7d": "很多"})
    assert response.status_code == 400
    assert errors(response.text) == {"size.active_members_7d": "请填一个不小于 0 的整数，例如 1200。"}
    assert shown(response.text)[0] == "size.active_members_7d" and 'value="很多"' in response.text
    assert State.from_json(state_in(response.text)).value("community.name") == "跑步群"     # the good answer kept


def test_checkboxes_none_of_these_and_dont_know(client):
    state = State.of_facts({"community": {"name": "x"}}, "zh")
    base = {"state": state.to_json(), "shown": ["positioning.portrait_basic", "conversion.methods"]}
    response = client.post("/page/answer", data={**base, "a.positioning.portrait_basic": ["gender", "age"],
                                                 "dk": "conversion.methods"})
    after = State.from_json(state_in(response.text))
    assert after.value("positioning.portrait_basic") == ["gender", "age"] and after.skipped == ("conversion.methods",)
    response = client.post("/page/answer", data={**base, "a.positioning.portrait_basic": "__none__"})
    assert State.from_json(state_in(response.text)).value("positioning.portrait_basic") == []


def test_change_an_answer_and_ask_again(client):
    state = State(facts={"community": {"name": "x"}, "size": {"members": 300}}, skipped=("governance.group_rules",),
                  lang="zh")
    response = client.post("/page/answer", data={"state": state.to_json(), "edit": "size.members"})
    assert shown(response.text)[0] == "size.members" and 'value="300"' in response.text
    response = client.post("/page/answer", data={"state": state.to_json(), "again": "governance.group_rules"})
    assert State.from_json(state_in(response.text)).skipped == ()


def test_the_language_switch_keeps_the_answers(client):
    state = State.of_facts({"community": {"name": "跑步群"}, "size": {"members": 300}}, "zh")
    response = client.post("/page/answer", data={"state": state.to_json(), "lang": "en"})
    assert response.status_code == 200 and "Questions" in response.text and "问题" not in response.text
    assert State.from_json(state_in(response.text)) == state.with_lang("en")


def test_start_from_a_pasted_facts_file(client, engine):
    text = EXAMPLE.read_text(encoding="utf-8")
    response = client.post("/page/start", data={"how": "facts", "facts_text": text, "lang": "zh"})
    assert response.status_code == 200
    state = State.from_json(state_in(response.text))
    assert state.facts == State.of_facts(parse_facts(text).model_dump(mode="json", exclude_none=True)).facts
    assert score(response.text) == str(evaluate(engine, state).summary.score)


def test_start_from_an_uploaded_facts_file(client):
    files = {"facts_file": ("facts.yaml", "community:\n  name: 读书会\nsize:\n  members: '1,200'\n".encode(), "text/yaml")}
    response = client.post("/page/start", data={"how": "facts", "lang": "zh"}, files=files)
    assert response.status_code == 200
    assert State.from_json(state_in(response.text)).value("size.members") == 1200


def test_a_bad_facts_file_says_what_is_wrong_and_keeps_the_text(client):
    response = client.post("/page/start", data={"how": "facts", "facts_text": "community:\n  nam: x\n"})
    assert response.status_code == 400
    assert "did you mean community.name?" in response.text and "nam: x" in response.text


def test_a_bad_facts_file_on_a_chinese_page_says_it_in_chinese(client):
    text = "community:\n  name: x\nsize:\n  members: 很多\n"
    response = client.post("/page/start", data={"how": "facts", "facts_text": text, "lang": "zh"})
    assert response.status_code == 400
    assert "第 4 行，成员总数（size.members）：请填一个不小于 0 的整数，例如 1200。" in response.text


@pytest.mark.parametrize("export", ["wechat_group.csv"])
def test_start_from_a_chat_export_is_never_a_server_path(client, export):
    response = client.post("/page/start", data={"how": "export", "lang": "en"},
                           files={"export": (export, (EXPORTS / export).read_bytes(), "text/csv")})
    assert response.status_code == 200 and "shequn-page-" not in response.text


@pytest.mark.parametrize("export", ["wechat_group.csv", "telegram_result.json", "discord_channel.json",
                                    "wecom_statistics.json"])
def test_start_from_a_chat_export_marks_the_measured_facts(client, export):
    data = (EXPORTS / export).read_bytes()
    response = client.post("/page/start", data={"how": "export", "lang": "zh", "staff": "群主, 小助手"},
                           files={"export": (export, data, "application/octet-stream")})
    assert response.status_code == 200, response.text[:500]
    state = State.from_json(state_in(response.text))
    assert state.measured and set(state.measured) <= set(state.known())
    assert "从聊天记录测得" in response.text
    assert "provenance" in state.facts
    facts = client.post("/page/download/facts.yaml", data={"state": state.to_json()}).text
    assert parse_facts(facts).flat(derived=False) == parse_facts(json.dumps(state.facts)).flat(derived=False)
    assert "provenance:" in facts and "群主" not in facts          # the staff's names are never written


def test_an_unreadable_export_is_a_problem_not_a_crash(client):
    response = client.post("/page/start", data={"how": "export", "lang": "zh"},
                           files={"export": ("x.csv", b"not,an\nexport,at all\n", "text/csv")})
    assert response.status_code == 400 and "读不了这个导出文件" in response.text and "x.csv" in response.text
    assert "shequn-page-" not in response.text          # no server paths


@pytest.mark.parametrize("data", [{}, {"state": ""}, {"state": "{"}, {"state": "[1]"},
                                  {"state": json.dumps({"v": 1, "facts": {"size": {"members": -5}}, "skipped": [],
                                                        "measured": []})},
                                  {"state": json.dumps({"v": 1, "facts": {"community": {"name": "x"}},
                                                        "skipped": ["nope"], "measured": []})}])
def test_a_tampered_state_gets_the_page_with_a_problem(client, data):
    response = client.post("/page/answer", data=data)
    assert response.status_code == 400 and "problems" in response.text


@pytest.mark.parametrize("data", [{"how": "facts"}, {"how": "export"}, {"how": "facts", "facts_text": "   "}])
def test_an_empty_start_is_refused_with_a_message(client, data):
    response = client.post("/page/start", data=data)
    assert response.status_code == 400 and "problems" in response.text


def test_unknown_answer_fields_are_ignored(client):
    state = State.of_facts({"community": {"name": "x"}}, "en")
    response = client.post("/page/answer", data={"state": state.to_json(), "shown": ["no.such", "size.active_share_7d"],
                                                 "a.no.such": "1", "a.size.active_share_7d": "0.5"})
    assert response.status_code == 200 and State.from_json(state_in(response.text)) == state


def test_a_body_past_the_limit_is_refused(client, monkeypatch):
    monkeypatch.setattr(page, "MAX_UPLOAD_BYTES", 1000)
    response = client.post("/page/start", data={"how": "export"},
                           files={"export": ("big.csv", b"x" * 5000, "text/csv")})
    assert response.status_code == 413 and "problems" in response.text


def test_a_body_past_the_limit_without_a_length_is_refused(client, monkeypatch):
    monkeypatch.setattr(page, "MAX_UPLOAD_BYTES", 1000)

    def chunks():
        yield b"how=facts&facts_text="
        for _ in range(20):
            yield b"x" * 100
    response = client.post("/page/start", content=chunks(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_downloads(client, engine, tmp_path):
    state = State.of_facts({"community": {"name": "跑步群"}, "size": {"members": 1200, "active_members_7d": 30},
                            "governance": {"group_rules": False}}, "zh")
    facts = client.post("/page/download/facts.yaml", data={"state": state.to_json()})
    assert facts.status_code == 200 and "attachment" in facts.headers["content-disposition"]
    assert parse_facts(facts.text).flat(derived=False) == parse_facts(json.dumps(state.facts)).flat(derived=False)
    report = client.post("/page/download/report.json", data={"state": state.to_json()})
    assert json.loads(report.text)["summary"] == json.loads(evaluate(engine, state).summary.model_dump_json())
    page_html = client.post("/page/download/report.html", data={"state": state.to_json()})
    assert page_html.status_code == 200 and "社群诊断报告" in page_html.text and "<script src" not in page_html.text
    assert client.post("/page/download/other", data={"state": state.to_json()}).status_code == 404
    assert client.post("/page/download/facts.yaml", data={"state": "x"}).status_code == 400


def test_two_states_never_meet(client):
    """Nothing is kept on the server: each request answers from the state it brings."""
    one = State.of_facts({"community": {"name": "一群"}}, "zh").to_json()
    two = State.of_facts({"community": {"name": "二群"}}, "zh").to_json()
    first = client.post("/page/answer", data={"state": one, "shown": ["size.members"], "a.size.members": "10"})
    second = client.post("/page/answer", data={"state": two})
    assert State.from_json(state_in(first.text)).value("size.members") == 10
    assert State.from_json(state_in(second.text)).value("size.members") is None and "一群" not in second.text


def test_hostile_text_is_escaped(client):
    state = State.of_facts({"community": {"name": "<script>alert(1)</script>"}}, "zh")
    text = client.post("/page/answer", data={"state": state.to_json()}).text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_a_wechat_export_keeps_its_group_name(client):
    data = (EXPORTS / "wechat_group.csv").read_bytes()
    response = client.post("/page/start", data={"how": "export", "lang": "zh"},
                           files={"export": ("跑步群.csv", data, "text/csv")})
    assert State.from_json(state_in(response.text)).value("community.name") == "跑步群"


@pytest.mark.parametrize("given, name", [("../../etc/passwd", "passwd"), ("C:\\\\x\\\\群.csv", "群.csv"), (".env", "env"),
                                         ("", "export"), (None, "export"), ("a" * 300 + ".csv", "a" * 100 + ".csv")])
def test_upload_names_stay_in_their_folder(given, name):
    assert page.upload_name(given) == name
