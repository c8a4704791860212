"""The ASGI app of `shequn serve`: one compiled Engine, the HTTP API, its docs, the operator's page.

    from shequn import Engine
    from shequn.serve.app import create_app
    app = create_app(Engine())          # any ASGI server: uvicorn module:app

Every answer is JSON or a page; every refusal a problem body (problems.py),
never a traceback. The limits (body size, batch size, time) are arguments,
with the documented defaults of limits.py.
"""
from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from shequn.diagnose.engine import Engine
from shequn.serve import api, openapi, page
from shequn.serve.engines import Engines
from shequn.serve.limits import (EXTRACT_TIMEOUT_S, MAX_BATCH, MAX_BODY_BYTES, MAX_UPLOAD_BYTES, REQUEST_TIMEOUT_S,
                                 BodyLimit, Limits)
from shequn.serve.problems import Problem, simple

# Starlette's own refusals (no route, wrong method, a form it cannot parse) → our kinds of problem
_HTTP_KINDS = {404: "not-found", 405: "method", 413: "too-big"}


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response()


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = _HTTP_KINDS.get(exc.status_code, "bad-request")
    if kind == "not-found":
        detail = f"no endpoint at {request.url.path} (see /docs)"
    elif kind == "method":
        detail = f"{request.method} is not allowed on {request.url.path}; allowed: {(exc.headers or {}).get('Allow', '')}"
    else:
        detail = str(exc.detail)
    return simple(kind, detail, headers=dict(exc.headers or {})).response()


async def _bug(request: Request, exc: Exception) -> Response:
    # a bug in shequn: say so without its text (it could quote the request) and without a traceback
    return simple("internal", f"{type(exc).__name__} while answering {request.method} {request.url.path}").response()


def create_app(engine: Engine, *, max_body_bytes: int = MAX_BODY_BYTES, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               max_batch: int = MAX_BATCH, request_timeout_s: float = REQUEST_TIMEOUT_S,
               extract_timeout_s: float = EXTRACT_TIMEOUT_S, lang: str = "en") -> Starlette:
    """The app around `engine`, which it holds for its lifetime. `lang` is the API's default
    `?lang` and the page's first language."""
    if lang not in api.LANGS:
        raise ValueError(f"lang must be one of {', '.join(api.LANGS)}, not {lang!r}")
    limits = Limits(max_body_bytes=max_body_bytes, max_upload_bytes=max_upload_bytes, max_batch=max_batch,
                    request_timeout_s=request_timeout_s, extract_timeout_s=extract_timeout_s)
    routes: list[Any] = [*api.routes(), *openapi.routes(limits), *page.routes(engine)]
    app = Starlette(routes=routes, middleware=[Middleware(BodyLimit, limits=limits)],
                    exception_handlers={Problem: _problem, HTTPException: _http, Exception: _bug})
    app.state.engine = engine
    app.state.engines = Engines(engine)
    app.state.limits = limits
    app.state.lang = lang
    return app
