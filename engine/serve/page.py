"""The operator's page: an interview in the browser, with the report beside it.

    GET  /                        start: from nothing, a facts file, or a chat export
    POST /page/start              the first block of questions
    POST /page/answer             answers in, the next block and the report out
    POST /page/download/{what}    facts.yaml, report.html or report.json
    GET  /page/static/...         the page's own script and style (nothing from the internet)

Nothing is stored on the server: the state (facts, "don't know" answers,
measured facts, language) travels in a hidden field of every form and comes
back with every request, so two tabs never see each other's answers. The
questions, their inputs, the parsing of answers and the report's summary come
from `shequn.interview`, the same flow `shequn interview` runs in a terminal.

Every request body is cut off at `MAX_UPLOAD_BYTES` (a page says so, with
status 413); a pasted or uploaded facts file is held to the facts loader's own
`MAX_BYTES`. Bad input gets the page back with the problem beside the field
or at the top (status 400), never a server error.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message

from shequn.errors import ShequnError
from shequn.facts.loader import MAX_BYTES as MAX_FACTS_BYTES, FactsError
from shequn.facts.vocabulary import BY_NAME
from shequn.interview.answers import Answer, problem_text
from shequn.interview.fields import Field
from shequn.interview.flow import (BLOCK_SIZE, Overview, State, StateError, answer, ask_again, editing, evaluate,
                                   facts_yaml, overview, read_facts_text, remaining)
from shequn.interview.text import LANGS, TEXT, say
from shequn.serve.limits import MAX_UPLOAD_BYTES
from shequn.report.i18n import labels, translate_for
from shequn.report.values import format_value

if TYPE_CHECKING:
    from shequn.diagnose.engine import Engine

MAX_STATE_BYTES = MAX_FACTS_BYTES       # the state holds a facts file, no more
STATIC = Path(__file__).parent / "static"


class TooLarge(ShequnError):
    """A request body past MAX_UPLOAD_BYTES."""

    code = "too-large"


class BadForm(ShequnError, ValueError):
    """A form the page cannot use; the message is already in the page's language."""

    code = "form"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("shequn.serve", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["langs"] = LANGS
    return env


_ENV = _environment()


def request_lang(request: Request, form: Mapping[str, Any] | None = None) -> str:
    """?lang= or the form's lang, else the browser's first choice between Chinese and English."""
    chosen = request.query_params.get("lang") or (form or {}).get("lang")
    if chosen in LANGS:
        return str(chosen)
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "en"


async def read_form(request: Request) -> FormData:
    """The form, its body bounded by MAX_UPLOAD_BYTES whether or not Content-Length says so."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise TooLarge()
    seen = 0
    receive = request.receive

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_UPLOAD_BYTES:
            raise TooLarge()
        return message

    limited = Request(request.scope, bounded)
    try:
        return await limited.form(max_files=20, max_fields=500, max_part_size=MAX_FACTS_BYTES)
    except HTTPException as exc:            # a malformed multipart body or too many parts
        raise BadForm(exc.detail) from None


@dataclass
class PageView:
    """What the page template shows."""
    lang: str
    state: State | None = None
    fields: list[Field] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)          # answers as typed, shown again beside their error
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)           # problems of the whole request
    overview: Overview | None = None
    left: list[Field] = field(default_factory=list)             # questions after this block
    known: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    pasted: str = ""


def render(view: PageView, status: int = 200) -> HTMLResponse:
    t = TEXT[view.lang]
    html = _ENV.get_template("page.html.j2").render(v=view, t=t, r=labels(view.lang), lang=view.lang,
                                                   mb=MAX_UPLOAD_BYTES // 1_000_000, state_json=(
                                                       view.state.to_json() if view.state else ""))
    return HTMLResponse(html, status_code=status)


def interview_view(engine: Engine, state: State, *, errors: Mapping[str, str] | None = None,
                   raw: Mapping[str, Any] | None = None, edit: list[str] | None = None) -> PageView:
    """The page for a state: fields with errors first (as typed), facts to change, then the next questions."""
    errors = dict(errors or {})
    report = evaluate(engine, state)
    ranked = remaining(state, report)
    first = editing(state, [n for n in errors if n not in {f.fact for f in ranked}] + list(edit or []))
    pinned = {f.fact for f in first}
    wrong = [f for f in ranked if f.fact in errors]
    rest = [f for f in ranked if f.fact not in errors and f.fact not in pinned]
    fields = (wrong + first + rest)[:max(BLOCK_SIZE, len(wrong) + len(first))]
    shown = {f.fact for f in fields}
    return PageView(lang=state.lang, state=state, fields=fields, raw=dict(raw or {}), errors=errors,
                    overview=overview(engine, report, state.lang), left=[f for f in ranked if f.fact not in shown],
                    known=[{"fact": n, "label": BY_NAME[n].label(state.lang),
                            "value": format_value(n, state.value(n), state.lang), "measured": n in state.measured}
                           for n in state.known()],
                    skipped=[{"fact": n, "label": BY_NAME[n].label(state.lang)} for n in state.skipped])


def answers_of(form: FormData) -> tuple[dict[str, Answer], dict[str, Any]]:
    """({fact: answer}, {fact: as typed}) from the answer fields `a.<fact>` and the don't-know boxes `dk`."""
    answers: dict[str, Answer] = {}
    shown = [n for n in form.getlist("shown") if isinstance(n, str) and n in BY_NAME]
    dont_know = set(form.getlist("dk"))
    for name in dict.fromkeys(shown):
        values = [v for v in form.getlist("a." + name) if isinstance(v, str)]
        if name in dont_know or "?" in values:
            answers[name] = "?"
        elif BY_NAME[name].kind == "enumlist":
            if "__none__" in values:
                answers[name] = []
            elif values:
                answers[name] = values
        elif values:
            answers[name] = values[0]
    raw = {n: a for n, a in answers.items() if a != "?"}
    return answers, raw


def state_of(form: FormData) -> State:
    text = form.get("state")
    if not isinstance(text, str) or not text or len(text.encode("utf-8")) > MAX_STATE_BYTES:
        raise StateError("no state")
    state = State.from_json(text)
    lang = form.get("lang")
    return state.with_lang(str(lang)) if lang in LANGS else state


async def _upload_text(upload: UploadFile, lang: str) -> str:
    data = await upload.read(MAX_FACTS_BYTES + 1)
    if len(data) > MAX_FACTS_BYTES:
        raise BadForm(say(lang, "err_too_large", mb=MAX_FACTS_BYTES // 1_000_000))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadForm(say(lang, "err_not_utf8")) from None


async def _from_exports(uploads: list[UploadFile], staff: str, lang: str) -> State:
    """Measured facts from uploaded chat exports (written to a temporary folder the readers open, then removed)."""
    from shequn.facts.exports import ExportError, extract_facts

    with tempfile.TemporaryDirectory(prefix="shequn-page-") as folder:
        paths = []
        for i, upload in enumerate(uploads):
            # the file's own name: a WeChat CSV names its group by it; each in its own folder, so names never clash
            os.mkdir(os.path.join(folder, str(i)))
            path = os.path.join(folder, str(i), upload_name(upload.filename))
            with open(path, "wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
            paths.append(path)
        names = [s.strip() for s in staff.replace("，", ",").split(",") if s.strip()]
        try:        # reading an export takes seconds: in a thread, so the server keeps answering others
            facts, provenance = await run_in_threadpool(extract_facts, paths, staff=names)
        except ExportError as exc:
            detail = "; ".join(_without_folder(m, folder) for m in exc.messages())
            raise BadForm(say(lang, "err_export", detail=detail)) from None
    return State.of_facts({**facts, "provenance": provenance}, lang)


def _without_folder(message: str, folder: str) -> str:
    """A reader's message naming the upload as the operator named it, not by our temporary path."""
    return re.sub(re.escape(folder + os.sep) + r"\d+" + re.escape(os.sep), "", message).replace(folder, "")


def upload_name(filename: str | None) -> str:
    """An uploaded file's own name, safe to create in a folder of ours: no folders, no dot files, not too long."""
    name = Path((filename or "").replace("\\", "/")).name.lstrip(".").replace("\x00", "")
    stem, suffix = os.path.splitext(name)
    return (stem[:100] or "export") + suffix[:10]


def routes(engine: Engine) -> list[BaseRoute]:
    """Starlette routes of the operator's page, served beside the API."""

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """Bad input of any kind answers with the page and its problem, never a server error."""
        async def endpoint(request: Request) -> Response:
            lang = request_lang(request)
            try:
                return await handler(request)
            except TooLarge:
                return render(PageView(lang=lang, problems=[say(lang, "err_too_large", mb=MAX_UPLOAD_BYTES // 1_000_000)]),
                              413)
            except StateError:
                return render(PageView(lang=lang, problems=[say(lang, "err_state")]), 400)
            except BadForm as exc:
                return render(PageView(lang=lang, problems=[str(exc)]), 400)
            except FactsError as exc:
                return render(PageView(lang=lang, problems=exc.messages()), 400)
            except ShequnError as exc:
                return render(PageView(lang=lang, problems=exc.messages()), 400)
        return endpoint

    async def home(request: Request) -> Response:
        return render(PageView(lang=request_lang(request)))

    async def start(request: Request) -> Response:
        form = await read_form(request)
        lang = request_lang(request, form)
        how = form.get("how")
        if how == "facts":
            text = form.get("facts_text")
            upload = form.get("facts_file")
            if isinstance(upload, UploadFile) and upload.filename:
                text = await _upload_text(upload, lang)
            if not isinstance(text, str) or not text.strip():
                raise BadForm(say(lang, "err_empty"))
            if len(text.encode("utf-8")) > MAX_FACTS_BYTES:
                raise BadForm(say(lang, "err_too_large", mb=MAX_FACTS_BYTES // 1_000_000))
            try:
                state = State.of_facts(read_facts_text(text, "facts"), lang)
            except FactsError as exc:
                return render(PageView(lang=lang, problems=[problem_text(p, lang) for p in exc.problems], pasted=text),
                              400)
        elif how == "export":
            uploads = [u for u in form.getlist("export") if isinstance(u, UploadFile) and u.filename]
            if not uploads:
                raise BadForm(say(lang, "err_empty"))
            staff = form.get("staff")
            state = await _from_exports(uploads, staff if isinstance(staff, str) else "", lang)
        else:
            state = State.empty(lang)
        return render(await run_in_threadpool(interview_view, engine, state))

    async def answer_block(request: Request) -> Response:
        form = await read_form(request)
        state = state_of(form)
        answers, raw = answers_of(form)
        state, errors = answer(state, answers)
        again = [n for n in form.getlist("again") if isinstance(n, str)]
        if again:
            state = ask_again(state, again)
        edit = [n for n in form.getlist("edit") if isinstance(n, str) and n in BY_NAME]
        view = await run_in_threadpool(interview_view, engine, state, errors=errors,
                                       raw={n: raw[n] for n in errors if n in raw}, edit=edit)
        return render(view, 400 if errors else 200)

    async def download(request: Request) -> Response:
        what = request.path_params["what"]
        form = await read_form(request)
        state = state_of(form)
        if what == "facts.yaml":
            return _attachment(facts_yaml(state), "facts.yaml", "application/yaml; charset=utf-8")
        report = translate_for(await run_in_threadpool(evaluate, engine, state), state.lang, engine)  # as `check --lang`
        if what == "report.json":
            text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
            return _attachment(text, "report.json", "application/json; charset=utf-8")
        if what == "report.html":
            from shequn.report.html import render as render_html
            return _attachment(render_html(report, lang=state.lang), "report.html", "text/html; charset=utf-8")
        raise HTTPException(404)

    return [
        Route("/", guarded(home), methods=["GET"], name="page"),
        Route("/page/start", guarded(start), methods=["POST"], name="page_start"),
        Route("/page/answer", guarded(answer_block), methods=["POST"], name="page_answer"),
        Route("/page/download/{what}", guarded(download), methods=["POST"], name="page_download"),
        Mount("/page/static", app=StaticFiles(directory=STATIC), name="page_static"),
    ]


def _attachment(text: str, name: str, media_type: str) -> Response:
    return Response(text, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})
