"""The server's limits: body size (enforced while the body is read) and time (work runs in threads).

A body announced larger than the limit (`Content-Length`) is refused before
a byte of it is read; a body that streams past it (chunked, or a lying
header) is cut off at the first chunk that crosses it. Either way the answer
is 413 and nothing more of the body is held in memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shequn.serve.problems import Problem, simple

T = TypeVar("T")

MAX_BODY_BYTES = 1_000_000          # a facts object is a page of numbers; a batch of 100 fits easily
MAX_UPLOAD_BYTES = 50_000_000       # chat exports: a year of a busy group; bigger ones go through `facts extract`
MAX_BATCH = 100                     # facts objects in one POST /v1/evaluate/batch
REQUEST_TIMEOUT_S = 10.0            # evaluating one community takes milliseconds; a batch of 100 well under a second
EXTRACT_TIMEOUT_S = 120.0           # reading 50 MB of chat export takes seconds to a minute (docs/performance.md)
UPLOAD_PATHS = ("/v1/extract", "/page/start")   # the paths whose bodies are uploads, with the upload limit


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = MAX_BODY_BYTES
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_batch: int = MAX_BATCH
    request_timeout_s: float = REQUEST_TIMEOUT_S
    extract_timeout_s: float = EXTRACT_TIMEOUT_S

    def body_limit(self, path: str) -> int:
        return self.max_upload_bytes if path in UPLOAD_PATHS else self.max_body_bytes


def too_big(limit: int) -> Problem:
    return simple("too-big", f"the body is larger than {limit:,} bytes, the limit of this endpoint")


class BodyLimit:
    """ASGI middleware: 413 for a body over its path's limit, checked while it is read."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > limit:
                await too_big(limit).response()(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_big(limit)        # inside the route: answered by the app's Problem handler
            return message

        await self.app(scope, counted, send)


async def in_thread(limits: Limits, work: Callable[[], T], timeout_s: float | None = None) -> T:
    """Run blocking work (evaluation, extraction) in the thread pool; 503 when it outlasts the timeout.

    The thread cannot be killed: it is abandoned and finishes on its own, its
    result dropped, while the client already has its answer.
    """
    timeout_s = limits.request_timeout_s if timeout_s is None else timeout_s
    with anyio.move_on_after(timeout_s):
        return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    # only reached when the deadline cancelled the wait
    raise simple("timeout", f"the request took longer than {timeout_s:g} s; "
                            "send fewer items at once, or run `shequn check` for large work")
