"""A cache of loaded, checked ruleset files, so that a cold start does not parse YAML.

Parsing the built-in rulesets' YAML is most of what `shequn check` of one file
costs (docs/performance.md). Once a file has loaded without a problem, its
rules are written as JSON to the user's cache folder; the next process reads
them back, validates them into the same models and parses the conditions
again (cheap), instead of reading the YAML.

An entry is found by a key over everything the loaded rules depend on: the
file's path and content and the source of the code that reads rulesets (a
new release, or a changed vocabulary or parser in a working copy, is never
served stale rules). An entry carries a digest of its own text; one that is missing,
unreadable, corrupt, of another key, or not owned by the user is ignored and
rewritten, never an error. Writes go to a temporary file renamed into place,
so concurrent processes only ever see whole entries. JSON cannot execute
code; the folder is created 0o700 and an entry is only read when the folder
and the file belong to the user and nobody else may write them.

`SHEQUN_NO_CACHE=1` turns the cache off; `SHEQUN_CACHE_DIR` moves it (else
the platform's user cache folder, `$XDG_CACHE_HOME/shequn` on Linux).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable, Collection

from shequn.errors import RuleError
from shequn.lang.parser import parse
from shequn.rules.ruleset import FileResult, Ruleset, load_ruleset_file

FORMAT = 1                          # bump when the entry layout changes
DISABLE = "SHEQUN_NO_CACHE"
LOCATION = "SHEQUN_CACHE_DIR"
_code_digest: str | None = None


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get(DISABLE, "").strip() not in ("", "0"):
        return None
    where = os.environ.get(LOCATION)
    if where:
        return Path(where)
    import platformdirs             # only when the cache is used

    return Path(platformdirs.user_cache_dir("shequn", appauthor=False)) / "rulesets"


def code_digest() -> str:
    """A digest of the code whose behaviour shapes loaded rules: the rules and
    language packages and the facts vocabulary they check names against."""
    global _code_digest
    if _code_digest is None:
        import shequn.lang
        import shequn.rules
        from shequn.facts import loader, typed, vocabulary

        h = hashlib.sha256(f"{FORMAT}\0".encode())
        packages = (*shequn.rules.__path__, *shequn.lang.__path__)
        sources = [f for folder in packages for f in Path(folder).glob("*.py")]
        sources += [Path(str(m.__file__)) for m in (loader, typed, vocabulary)]
        for path in sorted(set(sources)):
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _code_digest = h.hexdigest()
    return _code_digest


def _key(path: Path, content: bytes) -> str:
    h = hashlib.sha256(code_digest().encode())
    h.update(str(path.resolve()).encode() + b"\0" + content)
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no owners)."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _folder() -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder if _private(folder.stat()) else None
    except OSError:
        return None


def read_entry(folder: Path, name: str, key: str) -> Any | None:
    """The payload of an entry, or None when there is no whole, private entry of this key."""
    try:
        with open(folder / name, "rb") as fh:
            if not _private(os.fstat(fh.fileno())):
                return None
            header, _, payload = fh.read().partition(b"\n")
        head = json.loads(header)
        if head.get("key") != key or head.get("sha256") != hashlib.sha256(payload).hexdigest():
            return None
        return json.loads(payload)
    except (OSError, ValueError, AttributeError):
        return None


def write_entry(folder: Path, name: str, key: str, payload: Any) -> None:
    """Write an entry atomically (a temporary file renamed over it); a failure only means no cache."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    header = json.dumps({"key": key, "sha256": hashlib.sha256(body).hexdigest()}).encode()
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + b"\n" + body)
        os.replace(tmp, folder / name)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _restore(payload: Any) -> FileResult:
    """A cached entry back into the models load_ruleset_file gives."""
    ruleset = Ruleset.model_validate(payload["ruleset"])
    for rule in ruleset.rules:
        rule.set_condition(parse(rule.when), parse(rule.applies) if rule.applies is not None else None)
    ids = [(str(i), str(f), int(n)) for i, f, n in payload["ids"]]
    return ruleset, [], ids


def load_cached(path: Path) -> FileResult:
    """load_ruleset_file through the cache: the same result, without YAML when an entry exists."""
    folder = _folder()
    if folder is None:
        return load_ruleset_file(path)
    try:
        content = path.read_bytes()
    except OSError:
        return load_ruleset_file(path)              # it says what is wrong with the file
    key = _key(path, content)
    name = f"{path.stem}-{key[:24]}.json"
    payload = read_entry(folder, name, key)
    if payload is not None:
        try:
            return _restore(payload)
        except (KeyError, TypeError, ValueError, RuleError):
            pass                                    # not what we wrote: load afresh and rewrite it
    ruleset, errors, ids = result = load_ruleset_file(path)
    if ruleset is not None and not errors:
        write_entry(folder, name, key, {"ruleset": ruleset.model_dump(mode="json"), "ids": ids})
    return result


def cached_reader(cached: Collection[Path]) -> Callable[[Path], FileResult]:
    """A file reader for load_rulesets that goes through the cache for the `cached` files only."""
    chosen = set(cached)

    def read(path: Path) -> FileResult:
        return load_cached(path) if path in chosen else load_ruleset_file(path)
    return read
