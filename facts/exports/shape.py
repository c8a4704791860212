"""The top-level structure of a JSON file, from its first bytes: what sniffing looks at.

A word seen anywhere in the head says little: a facts file whose provenance
block has keys ``guild`` and ``channel``, or that mentions
``date_unixtime``, is no chat export. The readers recognise their format by
the top-level keys and the types of their values instead (and, for arrays,
the keys of the first element), which :func:`json_shape` reads from the head
of the file with the parser's plain events (no paths are built, so even a
deeply nested head costs only its length).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

_TYPES = {"start_map": "object", "start_array": "array", "string": "string", "number": "number",
          "integer": "number", "double": "number", "boolean": "boolean", "null": "null"}


@dataclass
class Shape:
    """The top-level keys of a JSON object and the type of each value (``"object"``,
    ``"array"``, ``"string"``, ``"number"``, ``"boolean"``, ``"null"``), the short top-level
    strings, the keys of the
    first element of each top-level array when it is an object, and whether the head
    held the whole document (``complete``)."""

    keys: dict[str, str] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)       # the short top-level strings
    first_item_keys: dict[str, set[str]] = field(default_factory=dict)
    complete: bool = False

    def has(self, key: str, typ: str) -> bool:
        return self.keys.get(key) == typ


def json_shape(head: bytes) -> Optional[Shape]:
    """The shape of the JSON object that ``head`` begins; None when it is no JSON object."""
    return _json_shape(bytes(head))


@lru_cache(maxsize=4)                 # every reader's sniff asks about the same head
def _json_shape(head: bytes) -> Optional[Shape]:
    from .base import ijson_backend
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if not body.lstrip(b" \t\r\n").startswith(b"{"):
        return None
    shape = Shape()
    depth = 0
    key: Optional[str] = None              # the top-level key whose value comes next
    array_key: Optional[str] = None        # the top-level array whose first element is being read
    first_done: set[str] = set()
    try:
        for event, value in ijson_backend().basic_parse(io.BytesIO(body), use_float=True):
            if event in ("end_map", "end_array"):
                depth -= 1
                if depth == 2 and array_key is not None and event == "end_map":
                    first_done.add(array_key)
                if depth == 1 and event == "end_array":
                    array_key = None
                if depth == 0:
                    shape.complete = True
                    break
                continue
            if depth == 1 and event == "map_key":
                key = value
                continue
            if depth == 1 and key is not None:
                typ = _TYPES.get(event)
                if typ is not None and key not in shape.keys:
                    shape.keys[key] = typ
                    if typ == "string" and len(value) <= 64:
                        shape.strings[key] = value
                    if typ == "array":
                        array_key = key
                key = None
            elif depth == 3 and event == "map_key" and array_key is not None and array_key not in first_done:
                shape.first_item_keys.setdefault(array_key, set()).add(value)
            elif depth == 2 and event == "start_map" and array_key is not None:
                shape.first_item_keys.setdefault(array_key, set())
            if event in ("start_map", "start_array"):
                depth += 1
    except Exception:  # noqa: BLE001 - the head ends mid-document or is not JSON: keep what was read
        pass
    if depth == 0 and not shape.complete:
        return None                         # not even the opening brace parsed
    return shape
