"""The HTTP API of `shequn serve`, through the ASGI test client: every endpoint, its happy path and its refusals."""
import json
import pathlib

import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from shequn.cli.main import cli
from shequn.facts.model import Facts
from shequn.report.i18n import translate_for
from shequn.report.model import Report
from shequn.serve import api
from shequn.serve.app import create_app

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "facts" / "examples"
EXPORTS = EXAMPLES / "exports"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(engine):
    return TestClient(create_app(engine))


def example(name="jd-seller.yaml"):
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


def check_json(path, *options):
    """The report `shequn check --format json` writes for a facts file."""
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--fail-on", "never", *options])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    data["audit"]["facts_file"] = None          # a request body is no file
    return data


def assert_problem(response, status, kind, path=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"/docs#problem-{kind}" and body["status"] == status
    assert body["title"] and body["detail"] and body["problems"]
    assert "Traceback" not in response.text
    if path is not None:
        assert path in [p["path"] for p in body["problems"]], body
    return body


# -- evaluate ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["jd-seller.yaml", "slimming-tea-group.yaml"])
def test_evaluate_equals_check_json(client, name):
    response = client.post("/v1/evaluate", json=example(name))
    assert response.status_code == 200
    assert response.json() == check_json(EXAMPLES / name)


def test_evaluate_zh_is_the_check_report_with_the_rules_text_in_chinese(client, engine):
    english = check_json(EXAMPLES / "jd-seller.yaml", "--lang", "zh")     # the JSON contract stays English
    response = client.post("/v1/evaluate?lang=zh", json=example())
    assert response.status_code == 200
    expected = translate_for(Report.model_validate(english), "zh", engine).model_dump(mode="json")
    got = response.json()
    asked = [q["question"] for q in got["questions"]] + [q for c in got["stage"]["to_confirm"] for q in c["questions"]]
    assert asked and all(any("\u4e00" <= ch <= "\u9fff" for ch in q) for q in asked), asked   # questions asked in Chinese
    for key in ("questions", "stage"):
        del got[key], expected[key]
    assert got == expected
    assert got != english
    titles = [f["title"] for f in got["findings"]]
    assert titles and any("\u4e00" <= ch <= "\u9fff" for ch in titles[0])


def test_evaluate_yaml_body_with_lines(client):
    text = (EXAMPLES / "jd-seller.yaml").read_text(encoding="utf-8")
    good = client.post("/v1/evaluate", content=text.encode(), headers={"content-type": "application/yaml"})
    assert good.status_code == 200 and good.json() == check_json(EXAMPLES / "jd-seller.yaml")
    bad = client.post("/v1/evaluate", content=b"community:\n  name: x\nsize:\n  member: 3\n",
                      headers={"content-type": "application/yaml"})
    body = assert_problem(bad, 422, "facts", "size.member")
    assert body["problems"][0]["text"] == "<body>:4: size.member: unknown fact — did you mean size.members?"


def test_select_and_ignore_like_the_cli(client):
    response = client.post("/v1/evaluate?select=NM&ignore=NM201", json=example())
    assert response.status_code == 200
    assert response.json() == check_json(EXAMPLES / "jd-seller.yaml", "--select", "NM", "--ignore", "NM201")
    rules = {f["rule"] for f in response.json()["findings"]} | set(response.json()["passed"])
    assert rules and all(r.startswith("NM") and r != "NM201" for r in rules)
    # the same selection given comma-separated is the same engine, the same report
    assert client.post("/v1/evaluate?select=NM,NM2&ignore=NM201", json=example()).json()["passed"] == response.json()["passed"]


def test_unknown_selector_names_the_nearest(client):
    body = assert_problem(client.post("/v1/evaluate?select=NMX", json=example()), 422, "selection")
    assert "did you mean 'NM'?" in body["detail"]


def test_bad_json(client):
    body = assert_problem(client.post("/v1/evaluate", content=b'{"community": {"name": "x",}}'), 400, "bad-json")
    assert "invalid JSON" in body["detail"] and body["problems"][0]["text"].startswith("<body>:1:")


def test_unknown_fact_with_did_you_mean(client):
    body = assert_problem(client.post("/v1/evaluate", json={"community": {"name": "x"}, "size": {"member": 3}}),
                          422, "facts", "size.member")
    assert body["problems"][0]["message"] == "unknown fact — did you mean size.members?"


def test_wrong_type_and_every_problem_at_once(client):
    body = assert_problem(client.post("/v1/evaluate", json={"community": {"name": "x", "platform": "wechatt"},
                                                            "size": {"members": "lots"}}), 422, "facts")
    paths = [p["path"] for p in body["problems"]]
    assert "size.members" in paths and "community.platform" in paths
    assert any("did you mean wechat" in p["message"] for p in body["problems"])


def test_tolerant_values_are_read_as_the_facts_loader_reads_them(client):
    response = client.post("/v1/evaluate", json={"community": {"name": "x"}, "size": {"members": "1,200"}})
    assert response.status_code == 200 and response.json()["community"]["members"] == 1200


def test_too_big_declared_and_streamed(engine):
    small = TestClient(create_app(engine, max_body_bytes=1000))
    assert_problem(small.post("/v1/evaluate", content=b" " * 1001), 413, "too-big")

    def chunks():                                   # no Content-Length: cut off while it streams
        for _ in range(100):
            yield b" " * 100
    assert_problem(small.post("/v1/evaluate", content=chunks()), 413, "too-big")
    assert small.post("/v1/evaluate", json={"community": {"name": "x"}}).status_code == 200


def test_too_slow_is_cut_off_with_503(engine):
    slow = TestClient(create_app(engine, request_timeout_s=1e-9))
    body = assert_problem(slow.post("/v1/evaluate", json=example()), 503, "timeout")
    assert "longer than" in body["detail"]
    assert slow.get("/healthz").status_code == 200      # no work in a thread: not cut off


# -- batch --------------------------------------------------------------------------

def test_batch_with_a_bad_item_among_good_ones(client):
    good = example()
    response = client.post("/v1/evaluate/batch",
                           json=[good, {"community": {"name": "y"}, "size": {"member": 1}}, example("slimming-tea-group.yaml"), 7])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [next(iter(r)) for r in results] == ["report", "problem", "report", "problem"]
    assert results[0]["report"] == client.post("/v1/evaluate", json=good).json()
    assert results[2]["report"]["community"]["name"] == example("slimming-tea-group.yaml")["community"]["name"]
    problem = results[1]["problem"]
    assert problem["status"] == 422 and problem["problems"][0]["path"] == "size.member"
    assert problem["problems"][0]["text"].startswith("<body>[1]: size.member: unknown fact")
    assert results[3]["problem"]["problems"][0]["text"].startswith("<body>[3]: the top level must be a mapping")


def test_batch_limits(engine):
    app = TestClient(create_app(engine, max_batch=2))
    assert_problem(app.post("/v1/evaluate/batch", json=[{}, {}, {}]), 413, "too-big")
    assert_problem(app.post("/v1/evaluate/batch", json={"community": {"name": "x"}}), 400, "bad-request")
    assert app.post("/v1/evaluate/batch", json=[]).json() == {"results": []}


# -- rules, questions, schema, health ---------------------------------------------------

def test_rules_and_one_rule(client, engine):
    everything = client.get("/v1/rules").json()
    assert [r["id"] for r in everything] == [r.id for r in engine.rules]
    assert all("file" not in r and r["facts"] is not None for r in everything)
    chosen = client.get("/v1/rules?select=critical").json()
    assert chosen and {r["severity"] for r in chosen} == {"critical"}
    one = client.get("/v1/rules/nm201")
    assert one.status_code == 200 and one.json() == next(r for r in everything if r["id"] == "NM201")
    shown = CliRunner().invoke(cli, ["rules", "show", "NM201", "--format", "json"])
    assert one.json() == json.loads(shown.stdout)


def test_unknown_rule_is_404_with_the_nearest_id(client):
    body = assert_problem(client.get("/v1/rules/NM20"), 404, "unknown-rule", "rule_id")
    assert "did you mean NM20" in body["detail"]


def test_questions_ranked_as_the_report_ranks_them(client):
    facts = example("name-and-size-only.yaml")
    report = client.post("/v1/evaluate", json=facts).json()
    asked = client.post("/v1/questions", json=facts).json()["questions"]
    assert [q["fact"] for q in asked] == [q["fact"] for q in report["questions"]]
    assert [q["decides"] for q in asked][:1] == ["stage"]
    by_get = client.get("/v1/questions", params={"facts": json.dumps(facts)}).json()["questions"]
    assert by_get == asked


def test_questions_for_nothing_yet_in_chinese(client):
    asked = client.get("/v1/questions?lang=zh").json()["questions"]
    facts = [q["fact"] for q in asked]
    assert len(facts) == len(set(facts)) > 50 and "community.name" not in facts
    platform = next(q for q in asked if q["fact"] == "community.platform")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in platform["question"])
    assert {"value": "wechat", "label": "微信"} in platform["values"]
    # facts given, even none: only the report's questions, as the report ranks them
    ranked = client.post("/v1/questions?lang=zh", json={}).json()["questions"]
    assert 0 < len(ranked) < len(asked) and asked[:len(ranked)] == ranked


def test_questions_refusals(client):
    assert_problem(client.get("/v1/questions", params={"facts": "{nope"}), 400, "bad-json")
    assert_problem(client.post("/v1/questions", json={"size": {"members": -3}}), 422, "facts", "size.members")
    assert_problem(client.get("/v1/questions?lang=fr"), 400, "bad-request")


def test_facts_schema_and_health(client, engine):
    assert client.get("/v1/facts/schema").json() == Facts.model_json_schema()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["rules"] == len(engine.rules)


# -- extract ----------------------------------------------------------------------------

def personal_strings():
    """Names, ids and texts of the example Telegram export (4 characters or more)."""
    doc = json.loads((EXPORTS / "telegram_result.json").read_text(encoding="utf-8"))
    out = set()
    for m in doc["messages"]:
        for k in ("from", "from_id", "actor", "actor_id"):
            if m.get(k):
                out.add(str(m[k]))
        t = m.get("text")
        out.update([t] if isinstance(t, str) else [p if isinstance(p, str) else p.get("text", "") for p in t or []])
    return {s.strip() for s in out if s and len(s.strip()) >= 4}


def test_extract_multipart_measures_without_names_or_text(client):
    data = (EXPORTS / "telegram_result.json").read_bytes()
    response = client.post("/v1/extract", files={"export": ("result.json", data)},
                           data={"staff": "Mira Okafor,user5550101", "days": "30"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["facts"]["community"]["platform"] == "telegram"
    assert body["provenance"]["sources"][0]["file"] == "result.json"
    text = response.text
    strings = personal_strings() | {"Mira Okafor", "user5550101"}
    assert len(strings) > 10 and sorted(s for s in strings if s in text) == []
    # the same file as the raw body, the options in the query: the same facts
    raw = client.post("/v1/extract?filename=result.json&staff=Mira%20Okafor,user5550101", content=data)
    assert raw.status_code == 200 and raw.json()["facts"] == body["facts"]


def test_extract_refusals_name_no_server_folder(engine):
    client = TestClient(create_app(engine, max_upload_bytes=5000))
    body = assert_problem(client.post("/v1/extract", files={"export": ("x.json", b'{"not": "an export"}')}), 422, "export")
    assert "x.json" in body["detail"] and "shequn-upload" not in body["detail"] and "/tmp" not in body["detail"]
    assert_problem(client.post("/v1/extract", files={"other": ("x.json", b"{}")}), 400, "bad-request")
    assert_problem(client.post("/v1/extract", content=b""), 400, "bad-request")
    assert_problem(client.post("/v1/extract?days=soon", content=b"{}"), 400, "bad-request")
    assert_problem(client.post("/v1/extract", files={"export": ("big.json", b" " * 6000)}), 413, "too-big")


# -- the app as a whole -------------------------------------------------------------------

def test_wrong_path_and_method(client):
    assert_problem(client.get("/v1/nothing"), 404, "not-found")
    response = client.get("/v1/evaluate")
    assert_problem(response, 405, "method")
    assert response.headers["allow"] == "POST"


HOSTILE = [
    ("post", "/v1/evaluate", {"content": b"\xff\xfe not utf-8"}),
    ("post", "/v1/evaluate", {"content": b"[" * 100_000}),
    ("post", "/v1/evaluate", {"content": b""}),
    ("post", "/v1/evaluate", {"content": b"null"}),
    ("post", "/v1/evaluate", {"content": b'{"community": {"name": "a", "name": "b"}}'}),
    ("post", "/v1/evaluate", {"content": b'{"community": {"name": "x"}, "size": {"members": 1e999}}'}),
    ("post", "/v1/evaluate", {"content": b'{"community": {"name": "x\\u001b[2J"}}'}),
    ("post", "/v1/evaluate", {"content": b"a: &a [*a]", "headers": {"content-type": "application/yaml"}}),
    ("post", "/v1/evaluate/batch", {"content": b'[{"community": 5}]' + b" " * 10}),
    ("post", "/v1/extract", {"content": b"--x\r\n", "headers": {"content-type": "multipart/form-data; boundary=x"}}),
    ("get", "/v1/rules/%00%ff", {}),
    ("get", "/v1/rules?select=", {}),
    ("delete", "/v1/rules", {}),
]


def test_hostile_requests_get_4xx_problems_and_the_server_keeps_serving(client):
    for method, url, kwargs in HOSTILE:
        response = getattr(client, method)(url, **kwargs) if method != "post" else client.post(url, **kwargs)
        assert response.status_code < 500 or response.status_code == 200, (url, kwargs, response.text)
        assert "Traceback" not in response.text
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith(PROBLEM), (url, response.text)
    assert client.post("/v1/evaluate", json=example()).status_code == 200


def test_a_bug_is_a_500_problem_without_traceback(engine, monkeypatch):
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    monkeypatch.setattr(type(engine), "evaluate", lambda *a, **k: 1 / 0)
    body = assert_problem(client.post("/v1/evaluate", json=example()), 500, "internal")
    assert body["detail"] == "ZeroDivisionError while answering POST /v1/evaluate"


def test_openapi_describes_every_endpoint_and_the_docs_page_needs_no_network(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    api_paths = {r.path for r in api.routes()}
    assert api_paths == set(document["paths"])
    refs = {m for m in _refs(document)}
    assert refs and all(r.rsplit("/", 1)[1] in document["components"]["schemas"] for r in refs)
    assert document["components"]["schemas"]["Report"]["properties"].keys() == Report.model_json_schema()["properties"].keys()
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for path in document["paths"]:
        assert path in page.text
    assert "<script" not in page.text and "https://" not in page.text and 'src="http' not in page.text
    assert 'id="problem-too-big"' in page.text
    assert "`" not in page.text and "<code>shequn check --format json</code>" in page.text   # code spans shown as code


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_extract_has_its_own_time_limit(engine):
    data = (EXPORTS / "telegram_result.json").read_bytes()
    client = TestClient(create_app(engine, request_timeout_s=1e-9))          # evaluation cut off at once …
    assert client.post("/v1/extract", content=data).status_code == 200      # … extraction has longer
    cut = TestClient(create_app(engine, extract_timeout_s=1e-9))
    assert_problem(cut.post("/v1/extract", content=data), 503, "timeout")


def test_selection_engines_are_reused_and_bounded(engine):
    from shequn.serve.engines import Engines

    engines = Engines(engine, size=2)
    assert engines.get() is engine
    nm = engines.get(("NM",))
    assert engines.get(("NM",)) is nm and [r.id for r in nm.rules] == [r.id for r in engine.rules if r.id.startswith("NM")]
    engines.get(("SA",))
    engines.get(("critical",))                      # the least recently used (NM) is dropped
    assert engines.get(("NM",)) is not nm
