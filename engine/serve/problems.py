"""Problem bodies (RFC 9457): what the API answers instead of a traceback.

Every refusal is one JSON object, `application/problem+json`:

    {"type": "/docs#problem-facts", "title": "the facts are not valid", "status": 422,
     "detail": "<body>: size.member: unknown fact — did you mean size.members?",
     "problems": [{"path": "size.member", "message": "unknown fact — did you mean size.members?",
                   "text": "<body>: size.member: unknown fact — did you mean size.members?"}]}

`problems` lists each problem with its dotted fact path (empty for the whole
body), the message, and `text`, the line `shequn check` would print for it.
`type` points at the problem's section of the docs page (/docs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

from shequn.errors import ShequnError
from shequn.facts.loader import FactsError

MEDIA_TYPE = "application/problem+json"

# kind of problem → (status, title); the kinds are documented in docs/serve.md and on /docs
KINDS: dict[str, tuple[int, str]] = {
    "bad-json": (400, "the body is not valid JSON"),
    "bad-request": (400, "the request is not valid"),
    "facts": (422, "the facts are not valid"),
    "selection": (422, "a select or ignore selector matches no rule"),
    "export": (422, "the upload is no readable chat export"),
    "unknown-rule": (404, "no such rule"),
    "not-found": (404, "no such endpoint"),
    "method": (405, "method not allowed on this endpoint"),
    "too-big": (413, "the request body is too large"),
    "timeout": (503, "the request took too long and was cut off"),
    "internal": (500, "internal error in shequn; please report it"),
}


@dataclass(frozen=True)
class Item:
    """One problem of a request: where (a dotted path, "" for the whole body) and what."""
    path: str
    message: str
    text: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "text": self.text}


@dataclass(eq=False)            # compared and hashed by identity, as exceptions are
class Problem(ShequnError):
    """A refusal, raised anywhere under a route and turned into its JSON body by the app."""
    code = "request"            # the error family's code; `kind` says which problem
    kind: str
    detail: str
    items: list[Item] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail

    def messages(self) -> list[str]:
        return [i.text for i in self.items] or [self.detail]

    @property
    def status(self) -> int:
        return KINDS[self.kind][0]

    def body(self) -> dict[str, Any]:
        return {"type": f"/docs#problem-{self.kind}", "title": KINDS[self.kind][1], "status": self.status,
                "detail": self.detail, "problems": [i.as_json() for i in self.items]}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, media_type=MEDIA_TYPE, headers=self.headers)


def simple(kind: str, detail: str, headers: dict[str, str] | None = None) -> Problem:
    """A problem with one item: the detail, about the whole request."""
    return Problem(kind, detail, [Item("", detail, detail)], headers or {})


def items_of_facts(exc: FactsError, file: str | None = None) -> list[Item]:
    """The facts loader's problems as items; `file` renames where they are (a batch item's place)."""
    out = []
    for p in exc.problems:
        where = (file or p.file) + (f":{p.line}" if p.line else "")
        text = f"{where}: {p.path}: {p.message}" if p.path else f"{where}: {p.message}"
        out.append(Item(p.path, p.message, text))
    return out


def of_facts(exc: FactsError, file: str | None = None) -> Problem:
    items = items_of_facts(exc, file)
    return Problem("facts", "\n".join(i.text for i in items), items)


def of_error(exc: ShequnError, kind: str, hide: str = "") -> Problem:
    """Any other library error, one item per message (they carry no fact path).
    `hide` is a server folder the messages must not show (an upload's temporary folder)."""
    messages = exc.messages()
    if hide:
        messages = [re.sub(re.escape(hide) + r"/(\d+/)?", "", m) for m in messages]
    return Problem(kind, "\n".join(messages), [Item("", m, m) for m in messages])
