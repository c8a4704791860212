"""The HTTP API, `/v1/…`: the same library calls as the command line, as JSON.

Each handler reads and checks its input, runs the work in the thread pool
under the request timeout (limits.py), and answers JSON; anything wrong is
raised as a `Problem` (problems.py) and answered as a problem body by the
app. Reports are `Report.model_dump(mode="json")`, the contract of `shequn
check --format json` (docs/report.md); `?lang=zh` translates the rules'
titles, messages and advice as the Chinese report pages show them.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shequn import __version__
from shequn.diagnose.engine import Engine
from shequn.diagnose.questions import question_order
from shequn.errors import SelectionError
from shequn.facts.loader import FactsError, Lines, read_document, read_json, validate_facts
from shequn.facts.model import Facts
from shequn.facts.vocabulary import BY_NAME, FACTS
from shequn.report.i18n import translate_for
from shequn.report.model import Report
from shequn.rules.ruleset import Rule
from shequn.serve.engines import Engines, selectors
from shequn.serve.limits import Limits, in_thread
from shequn.serve.problems import Item, Problem, of_error, of_facts, simple
from shequn.serve.uploads import extract_upload

BODY = "<body>"                 # where a problem of the request body is, as the CLI names a file
LANGS = ("en", "zh")


def _engines(request: Request) -> Engines:
    engines: Engines = request.app.state.engines
    return engines


def _limits(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.app.state.lang
    if lang not in LANGS:
        raise simple("bad-request", f"lang '{lang}': expected one of {', '.join(LANGS)}")
    return str(lang)


def _selection(request: Request) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return selectors(request.query_params.getlist("select")), selectors(request.query_params.getlist("ignore"))


class Body:
    """A request body read as JSON (or YAML), with the line map only when a problem needs one."""

    def __init__(self, text: str, yaml: bool) -> None:
        self.text = text
        self._lines: Lines | None
        try:
            if yaml:
                self.data, self._lines = read_document(text, BODY)
            else:
                # plain JSON first: the line map (a second, YAML reading) costs more than the evaluation
                self.data, self._lines = read_json_fast(text), None
        except FactsError as exc:
            problem = of_facts(exc)
            raise Problem("bad-json", problem.detail, problem.items) from None

    def lines(self) -> Lines:
        if self._lines is None:
            self._lines = read_json(self.text, BODY)[1]
        return self._lines

    def facts(self) -> Facts:
        """The body validated as a facts object; a Problem naming every problem with its line."""
        try:
            return validate_facts(self.data, BODY, self._lines or {})
        except FactsError as exc:
            if self._lines is not None:
                raise of_facts(exc) from None
        try:
            return validate_facts(self.data, BODY, self.lines())
        except FactsError as exc:
            raise of_facts(exc) from None


def read_json_fast(text: str) -> Any:
    """Strict JSON without a line map; on any refusal the facts loader reads it again to say where."""
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except (ValueError, RecursionError):
        return read_json(text, BODY)[0]        # raises FactsError with the line and column


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")       # read again by the loader, which names the key and its line
    return out


async def _body(request: Request) -> Body:
    raw = await request.body()          # BodyLimit cuts it off past the limit while it streams in
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise simple("bad-json", f"{BODY}: not UTF-8 text (byte {exc.start})") from None
    return Body(text, "yaml" in request.headers.get("content-type", ""))


def _engine_for(engines: Engines, select: tuple[str, ...], ignore: tuple[str, ...]) -> Engine:
    try:
        return engines.get(select, ignore)
    except SelectionError as exc:
        raise of_error(exc, "selection") from None


JSON = "application/json"


def encode(data: Any) -> bytes:
    """JSON as JSONResponse writes it, made in the worker thread: a report is tens of kilobytes."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def report_json(report: Report, lang: str, engine: Engine) -> dict[str, Any]:
    shown = translate_for(report, lang, engine) if lang != "en" else report
    out: dict[str, Any] = shown.model_dump(mode="json")
    if lang != "en":        # an app shows the questions as they are: ask them in the language asked for
        asked = {fact.question: fact.ask(lang) for fact in FACTS}
        for question in out["questions"]:
            question["question"] = asked.get(question["question"], question["question"])
        for confirm in out["stage"]["to_confirm"]:
            confirm["questions"] = [asked.get(q, q) for q in confirm["questions"]]
    return out


# -- the endpoints --------------------------------------------------------------

async def healthz(request: Request) -> Response:
    """Whether the server is up: its version and how many rules its Engine holds."""
    engine = _engines(request).engine
    return JSONResponse({"status": "ok", "version": __version__, "rules": len(engine.rules),
                         "rulesets": [rs.name for rs in engine.rulesets]})


async def evaluate(request: Request) -> Response:
    """One community's facts → its report."""
    lang, (select, ignore) = _lang(request), _selection(request)
    body = await _body(request)
    engines = _engines(request)

    def work() -> bytes:
        facts = body.facts()
        engine = _engine_for(engines, select, ignore)
        return encode(report_json(engine.evaluate(facts), lang, engine))

    return Response(await in_thread(_limits(request), work), media_type=JSON)


async def evaluate_batch(request: Request) -> Response:
    """A JSON array of facts objects → `{"results": [...]}`: per item, in order, `{"report": …}` or `{"problem": …}`."""
    lang, (select, ignore) = _lang(request), _selection(request)
    limits = _limits(request)
    data = (await _body(request)).data
    if not isinstance(data, list):
        raise simple("bad-request", f"{BODY}: expected a JSON array of facts objects, got {type(data).__name__}")
    if len(data) > limits.max_batch:
        raise simple("too-big", f"{BODY}: {len(data)} items; at most {limits.max_batch} in one batch")
    engines = _engines(request)

    def work() -> bytes:
        engine = _engine_for(engines, select, ignore)
        results: list[dict[str, Any]] = []
        for i, outcome in enumerate(engine.evaluate_many(data, on_error="yield")):
            if isinstance(outcome, FactsError):
                placed = FactsError(replace(p, file=f"{BODY}[{i}]") for p in outcome.problems)
                results.append({"problem": of_facts(placed).body()})
            else:
                results.append({"report": report_json(outcome, lang, engine)})
        return encode({"results": results})

    return Response(await in_thread(limits, work), media_type=JSON)


def rule_json(rule: Rule) -> dict[str, Any]:
    """A rule as `shequn rules show --format json` gives it."""
    out: dict[str, Any] = rule.model_dump(mode="json", exclude={"file", "line"}) | {"facts": list(rule.facts)}
    return out


async def rules(request: Request) -> Response:
    """The rules, all or those `select`/`ignore` choose."""
    select, ignore = _selection(request)
    engines = _engines(request)
    engine = await in_thread(_limits(request), lambda: _engine_for(engines, select, ignore))
    return JSONResponse([rule_json(r) for r in engine.rules])


async def rule(request: Request) -> Response:
    """One rule by id (case does not matter); 404 with the nearest id."""
    rule_id = str(request.path_params["rule_id"])
    by_id = {r.id: r for r in _engines(request).engine.rules}
    found = by_id.get(rule_id) or by_id.get(rule_id.upper())
    if found is None:
        near = difflib.get_close_matches(rule_id.upper(), list(by_id), n=1)
        message = f"unknown rule '{rule_id}'" + (f" — did you mean {near[0]}?" if near else "")
        raise Problem("unknown-rule", message, [Item("rule_id", message, message)])
    return JSONResponse(rule_json(found))


def question_list(report: Report, lang: str, *, everything: bool = False) -> list[dict[str, Any]]:
    """The report's questions, ranked as the report ranks them (what places the stage, then what decides
    which rules apply, then by the rules they let be judged), each with what an input needs:
    the fact's kind, unit and, for a choice, its values with readable names. With `everything`
    (nothing described yet) every fact that can be asked follows, those no rule reads last,
    as `shequn facts questions` lists them without a facts file."""
    out: list[dict[str, Any]] = []
    for name, unlocks, decides in question_order(report, everything=everything):
        fact = BY_NAME.get(name)
        if fact is None:
            continue
        out.append({"fact": name, "question": fact.ask(lang) or fact.label(lang), "label": fact.label(lang),
                    "kind": fact.kind, "unit": fact.unit_in(lang),
                    "values": [{"value": v, "label": fact.value_name(v, lang)} for v in fact.values],
                    "unlocks": unlocks, "decides": decides})
    return out


PLACEHOLDER_NAME = "-"          # a community not named yet: questions need no name


async def questions(request: Request) -> Response:
    """The facts still worth collecting, ranked as the report ranks them.

    POST a facts object (community.name may be left out), or GET with `?facts=` a
    JSON facts object; without facts, every question for a community nobody has described yet.
    """
    lang, (select, ignore) = _lang(request), _selection(request)
    given = request.query_params.get("facts")
    everything = request.method != "POST" and not given
    body = await _body(request) if request.method == "POST" else Body(given or "{}", yaml=False)
    data = body.data
    if isinstance(data, dict):
        community = data.get("community")
        if community is None or (isinstance(community, dict) and "name" not in community):
            body.data = {**data, "community": {**(community or {}), "name": PLACEHOLDER_NAME}}
    engines = _engines(request)

    def work() -> list[dict[str, Any]]:
        facts = body.facts()
        return question_list(_engine_for(engines, select, ignore).evaluate(facts), lang, everything=everything)

    return JSONResponse({"questions": await in_thread(_limits(request), work)})


async def facts_schema(request: Request) -> Response:
    """The JSON Schema of a facts object (`shequn facts schema`)."""
    return JSONResponse(Facts.model_json_schema())


async def extract(request: Request) -> Response:
    """A chat export (or several: the groups of one community) → measured facts with provenance."""
    facts, provenance = await extract_upload(request, _limits(request))
    return JSONResponse({"facts": facts, "provenance": provenance})


def routes() -> list[Route]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/evaluate", evaluate, methods=["POST"]),
        Route("/v1/evaluate/batch", evaluate_batch, methods=["POST"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/v1/rules/{rule_id}", rule, methods=["GET"]),
        Route("/v1/questions", questions, methods=["GET", "POST"]),
        Route("/v1/facts/schema", facts_schema, methods=["GET"]),
        Route("/v1/extract", extract, methods=["POST"]),
    ]
