"""POST /v1/extract: uploaded chat exports → measured facts, as `shequn facts extract` measures them.

Two ways to upload:
- `multipart/form-data`: one or more `export` files (the groups of one
  community) and the options as form fields;
- any other content type: the body is one export, the options in the query.

Options: `staff` (ids or names, comma-separated, repeatable, like
`--staff`), `staff_role`, `days`, `as_of`, `name`, `members`. Not
`--ad-pattern`: a regular expression from the network could keep a thread
busy for hours, and a timeout only abandons the thread, it cannot stop it.
The uploads go to a private temporary folder removed when the request ends:
nothing is kept. The answer holds counts, shares and times only; the staff
list is not echoed back (facts/exports/provenance.py).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from starlette.datastructures import UploadFile
from starlette.requests import Request

from shequn.facts.exports import ExportError, extract_facts
from shequn.serve.limits import Limits, in_thread
from shequn.serve.problems import of_error, simple

MAX_FILES = 20                  # the groups of one community
CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(name: str | None, index: int) -> str:
    """The upload's base name as the provenance will show it: no folders, no odd characters."""
    base = _UNSAFE.sub("_", Path(name or "").name).strip("._")[:80]
    return base or f"export-{index + 1}"


def _float(value: str | None, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise simple("bad-request", f"{name} '{value}': expected a number") from None


def _int(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise simple("bad-request", f"{name} '{value}': expected a whole number") from None


def _options(get: Callable[[str], str | None], getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    def many(key: str) -> list[str]:
        return [v.strip() for value in getlist(key) for v in value.split(",") if v.strip()]

    days = _float(get("days"), "days")
    return {"staff": many("staff"), "staff_roles": many("staff_role"),
            "as_of": get("as_of") or None, "days": 30.0 if days is None else days, "name": get("name") or None,
            "members": _int(get("members"), "members")}


async def _save(upload: UploadFile, target: Path) -> None:
    with open(target, "wb") as out:
        while chunk := await upload.read(CHUNK):
            out.write(chunk)


async def extract_upload(request: Request, limits: Limits) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, provenance) of the uploaded exports; a Problem for anything wrong with them."""
    with tempfile.TemporaryDirectory(prefix="shequn-upload-") as tmp:
        folder = Path(tmp)
        paths: list[Path] = []
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form(max_files=MAX_FILES, max_fields=200) as form:
                files = [f for f in form.getlist("export") if isinstance(f, UploadFile)]
                if not files:
                    raise simple("bad-request", "no `export` file in the form: upload the chat export as "
                                                "the field `export` (repeatable for the groups of one community)")
                for i, upload in enumerate(files):
                    (folder / str(i)).mkdir()
                    paths.append(folder / str(i) / safe_name(upload.filename, i))
                    await _save(upload, paths[-1])

                def text(key: str) -> str | None:
                    value = form.get(key)
                    return value if isinstance(value, str) else None

                options = _options(text, lambda key: [v for v in form.getlist(key) if isinstance(v, str)])
        else:
            query = request.query_params
            paths.append(folder / safe_name(query.get("filename"), 0))
            with open(paths[0], "wb") as out:
                async for chunk in request.stream():    # BodyLimit cuts it off past the upload limit
                    out.write(chunk)
            if paths[0].stat().st_size == 0:
                raise simple("bad-request", "the body is empty: send the chat export as the body, "
                                            "or as the `export` field of a multipart form")
            options = _options(query.get, query.getlist)

        def work() -> tuple[dict[str, Any], dict[str, Any]]:
            try:
                facts, provenance = extract_facts([str(p) for p in paths], **options)
            except ExportError as exc:
                raise of_error(exc, "export", hide=str(folder)) from None
            return dict(facts), provenance

        return await in_thread(limits, work, limits.extract_timeout_s)
