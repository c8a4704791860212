"""The API described: an OpenAPI 3.1 document (/openapi.json) and a plain docs page (/docs).

The schemas come from the models themselves (the `Report` contract, the
`Facts` vocabulary, the `Rule`), so the document cannot drift from what the
server answers; the endpoints' descriptions are written here once. The docs
page is plain HTML rendered from the same document: no script, no CDN.
"""
from __future__ import annotations

import functools
import html
import json
import re
from typing import Any

from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shequn import __version__
from shequn.facts.model import Facts
from shequn.report.model import Report
from shequn.rules.ruleset import Rule
from shequn.serve.limits import Limits
from shequn.serve.problems import KINDS, MEDIA_TYPE

REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["type", "title", "status", "detail", "problems"],
    "description": "RFC 9457 problem details; `problems` lists each problem with its dotted fact path.",
    "properties": {
        "type": {"type": "string", "description": "a link to the problem's section of /docs"},
        "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object", "required": ["path", "message", "text"], "properties": {
            "path": {"type": "string", "description": "dotted fact path; empty for the whole body"},
            "message": {"type": "string"},
            "text": {"type": "string", "description": "the line `shequn check` prints for it"}}}}},
}

QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object", "properties": {
        "fact": {"type": "string"}, "question": {"type": "string"}, "label": {"type": "string"},
        "kind": {"type": "string"}, "unit": {"type": "string"},
        "values": {"type": "array", "items": {"type": "object", "properties": {
            "value": {"type": "string"}, "label": {"type": "string"}}}},
        "unlocks": {"type": "integer"},
        "decides": {"type": "string", "enum": ["stage", "applicability", "rules"]}},
}


def _json(schema: dict[str, Any] | str, description: str = "") -> dict[str, Any]:
    body = _ref(schema) if isinstance(schema, str) else schema
    return {"description": description or "OK", "content": {"application/json": {"schema": body}}}


def _problems(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "; ".join(t for st, t in KINDS.values() if st == s),
                     "content": {MEDIA_TYPE: {"schema": _ref("Problem")}}} for s in statuses}


LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["en", "zh"]},
        "description": "zh: the rules' titles, messages and advice, and the questions, in Chinese (fact names and keys stay English)"}
SELECT = {"name": "select", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "explode": True,
          "description": "only these rules: ids, id prefixes, dimensions, kinds, severities, rulesets "
                         "(repeatable or comma-separated, like `shequn check --select`)"}
IGNORE = {**SELECT, "name": "ignore", "description": "leave out these rules (same selectors as select)"}
FACTS_BODY = {"required": True, "content": {"application/json": {"schema": _ref("Facts")}},
              "description": "a facts object, the same vocabulary as a facts file (YAML with `Content-Type: application/yaml`)"}


def _paths(limits: Limits) -> dict[str, Any]:
    return {
        "/healthz": {"get": {"summary": "Whether the server is up", "responses": {"200": _json(
            {"type": "object", "properties": {"status": {"const": "ok"}, "version": {"type": "string"},
                                              "rules": {"type": "integer"},
                                              "rulesets": {"type": "array", "items": {"type": "string"}}}})}}},
        "/v1/evaluate": {"post": {
            "summary": "Diagnose one community",
            "description": "A facts object → its report, the contract of `shequn check --format json` (docs/report.md). "
                           f"Body limit {limits.max_body_bytes:,} bytes.",
            "parameters": [LANG, SELECT, IGNORE], "requestBody": FACTS_BODY,
            "responses": {"200": _json("Report"), **_problems(400, 413, 422, 503)}}},
        "/v1/evaluate/batch": {"post": {
            "summary": "Diagnose several communities",
            "description": f"A JSON array of at most {limits.max_batch} facts objects → per item, in order, "
                           "`{\"report\": …}` or `{\"problem\": …}`: a bad item never fails the others.",
            "parameters": [LANG, SELECT, IGNORE],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "array", "maxItems": limits.max_batch, "items": _ref("Facts")}}}},
            "responses": {"200": _json({"type": "object", "properties": {"results": {"type": "array", "items": {
                "oneOf": [{"type": "object", "properties": {"report": _ref("Report")}, "required": ["report"]},
                          {"type": "object", "properties": {"problem": _ref("Problem")}, "required": ["problem"]}]}}}}),
                **_problems(400, 413, 422, 503)}}},
        "/v1/rules": {"get": {"summary": "The rule catalogue", "parameters": [SELECT, IGNORE],
                              "responses": {"200": _json({"type": "array", "items": _ref("Rule")}), **_problems(422)}}},
        "/v1/rules/{rule_id}": {"get": {
            "summary": "One rule", "parameters": [{"name": "rule_id", "in": "path", "required": True,
                                                   "schema": {"type": "string"}, "example": "NM201"}],
            "responses": {"200": _json("Rule"), **_problems(404)}}},
        "/v1/questions": {
            "get": {"summary": "The facts still worth collecting",
                    "description": "Ranked as the report ranks them: what places the stage, then what decides which "
                                   "rules apply, then by how many rules each lets be judged. Without `facts`: every "
                                   "question for a community nobody has described yet.",
                    "parameters": [LANG, SELECT, IGNORE, {"name": "facts", "in": "query", "schema": {"type": "string"},
                                                          "description": "a facts object as JSON text"}],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "questions": {"type": "array", "items": _ref("Question")}}}), **_problems(400, 422, 503)}},
            "post": {"summary": "The facts still worth collecting (facts in the body)",
                     "description": "As GET, with the facts object as the body; `community.name` may be left out.",
                     "parameters": [LANG, SELECT, IGNORE], "requestBody": FACTS_BODY,
                     "responses": {"200": _json({"type": "object", "properties": {
                         "questions": {"type": "array", "items": _ref("Question")}}}),
                         **_problems(400, 413, 422, 503)}}},
        "/v1/facts/schema": {"get": {"summary": "The JSON Schema of a facts object",
                                     "responses": {"200": _json({"type": "object"})}}},
        "/v1/extract": {"post": {
            "summary": "Measure facts from chat exports",
            "description": "WeChatMsg/MemoTrace CSV, Telegram Desktop result.json, DiscordChatExporter JSON or WeCom "
                           "group statistics → `{facts, provenance}`, as `shequn facts extract` measures them. Either "
                           "a multipart form with `export` files (the groups of one community) and the options as "
                           "fields, or the export as the body with the options in the query. Options: `staff` (ids or "
                           "names, comma-separated, repeatable), `staff_role`, `days`, `as_of`, `name`, `members`. "
                           f"Upload limit {limits.max_upload_bytes:,} bytes, time limit {limits.extract_timeout_s:g} s. "
                           "Nothing is stored; the "
                           "answer holds no message text, names or ids.",
            "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "export": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "staff": {"type": "string"}, "days": {"type": "number"}}}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"200": _json({"type": "object", "properties": {
                "facts": {"type": "object"}, "provenance": {"type": "object"}}}), **_problems(400, 413, 422, 503)}}},
    }


@functools.cache
def _schemas() -> dict[str, Any]:
    _, defs = models_json_schema([(Report, "serialization"), (Facts, "validation"), (Rule, "serialization")],
                                 ref_template=REF)
    schemas: dict[str, Any] = dict(defs["$defs"])
    return schemas | {"Problem": PROBLEM_SCHEMA, "Question": QUESTION_SCHEMA}


def spec(limits: Limits) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "shequn", "version": __version__,
                 "description": "Diagnose online communities: the HTTP API of `shequn serve`. It binds to "
                                "127.0.0.1 by default, has no authentication and stores nothing."},
        "paths": _paths(limits),
        "components": {"schemas": _schemas()},
    }


# -- the docs page ------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shequn API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}
h2{{border-top:1px solid #ddd;padding-top:1rem}} code,pre{{background:#f5f5f5;border-radius:3px}}
pre{{padding:.6rem;overflow:auto}} .m{{font-weight:bold;text-transform:uppercase;margin-right:.4rem}}
table{{border-collapse:collapse}} td,th{{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}}
</style></head><body>
<h1>shequn {version} — HTTP API</h1>
<p>{description}</p>
<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
{endpoints}
<h2 id="problems">Problems</h2>
<p>Bad input is answered with <code>{media}</code>: <code>type</code>, <code>title</code>, <code>status</code>,
<code>detail</code> and <code>problems</code>, each with its dotted fact <code>path</code>, <code>message</code>
and <code>text</code> (the line <code>shequn check</code> prints).</p>
<table><tr><th>type</th><th>status</th><th>title</th></tr>{problems}</table>
</body></html>
"""


def _text(value: str) -> str:
    """A description as HTML: escaped, its `code` spans (OpenAPI descriptions are CommonMark) as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(value))


def _endpoint(path: str, method: str, op: dict[str, Any]) -> str:
    e = _text
    params = "".join(f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}</td>"
                     f"<td>{e(p.get('description', ''))}</td></tr>" for p in op.get("parameters", []))
    statuses = ", ".join(f"{s} {e(r['description'])}" for s, r in op["responses"].items())
    body = op.get("requestBody", {})
    return (f"<h2 id=\"{e(method + path)}\"><span class=m>{e(method)}</span><code>{e(path)}</code></h2>"
            f"<p><b>{e(op['summary'])}</b>. {e(op.get('description', ''))}</p>"
            + (f"<p>Body: {e(body.get('description') or ', '.join(body['content']))}</p>" if body else "")
            + (f"<table><tr><th>parameter</th><th>in</th><th></th></tr>{params}</table>" if params else "")
            + f"<p>Answers: {statuses}.</p>")


def docs_page(document: dict[str, Any]) -> str:
    endpoints = "".join(_endpoint(path, method, op) for path, ops in document["paths"].items()
                        for method, op in ops.items())
    problems = "".join(f"<tr id=\"problem-{html.escape(kind)}\"><td><code>/docs#problem-{html.escape(kind)}</code></td>"
                       f"<td>{status}</td><td>{html.escape(title)}</td></tr>" for kind, (status, title) in KINDS.items())
    return PAGE.format(version=html.escape(__version__), description=_text(document["info"]["description"]),
                       endpoints=endpoints, media=MEDIA_TYPE, problems=problems)


def routes(limits: Limits) -> list[Route]:
    document = spec(limits)
    text = json.dumps(document, ensure_ascii=False)
    page = docs_page(document)

    async def openapi(request: Request) -> Response:
        return Response(text, media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

    return [Route("/openapi.json", openapi, methods=["GET"]), Route("/docs", docs, methods=["GET"])]

