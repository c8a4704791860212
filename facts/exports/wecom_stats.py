"""WeCom customer-group statistics by day: the API response of
``externalcontact/groupchat/statistic`` (``items[] {stat_time, data {...}}``)."""
from __future__ import annotations

from typing import Iterator

from .base import (MAX_TIME, MIN_TIME, TIME_RANGE, BadValue, DayStat, ExportError, HashingReader, ReadContext, Reader,
                   bound_error, ijson_backend, is_json_error, json_error, json_header, json_items, json_stream,
                   register, where)
from .bounds import GuardError
from .shape import json_shape


_MAX_COUNT = 10 ** 15


def _whole(v: object, field: str, expected: str, low: float = 0, high: float = _MAX_COUNT) -> int:
    """A whole number from ``low`` to ``high`` (a number or a string of digits); BadValue otherwise."""
    if type(v) is str and 0 < len(v) <= 20 and v.isascii() and v.lstrip("-").isdigit():
        v = int(v)
    if type(v) is float and v.is_integer():
        v = int(v) if low <= v <= high else v
    if type(v) is not int or not low <= v <= high:
        raise BadValue(field, expected)
    return v


@register
class WeComStats(Reader):
    name = "wecom_stats"
    platform = "wecom"
    kind = "stats"
    description = "WeCom group statistics JSON (items[] with stat_time and data)"
    priority = 40

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        shape = json_shape(head)
        if shape is None or not shape.has("items", "array"):
            return False
        return shape.has("errcode", "number") or "stat_time" in shape.first_item_keys.get("items", set())

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[DayStat]:
        hdr = json_header(stream.path, label, stop_key="items")
        code = hdr.get("errcode")
        if type(code) in (int, float) and code != 0:
            shown = f" (errcode {int(code)})" if type(code) is int and abs(code) < 10 ** 9 else ""
            raise ExportError(f"{label}: a WeCom API error response{shown}, no statistics")
        backend = ijson_backend()
        guard = json_stream(stream)
        n = 0
        try:
            for item in json_items(backend, guard, "items.item"):
                n += 1
                guard.items = n
                if type(item) is not dict:
                    raise BadValue("the item", "an object with stat_time and data")
                t = float(_whole(item.get("stat_time"), "stat_time", TIME_RANGE, MIN_TIME, MAX_TIME))
                data = item.get("data")
                if type(data) is not dict:
                    raise BadValue("data", "an object")
                vals: dict[str, int] = {}
                for f in DayStat.FIELDS:
                    v = data.get(f)
                    if v is not None:
                        vals[f] = _whole(v, f"data.{f}", "a whole number from 0")
                yield DayStat(t, **vals)
        except BadValue as exc:
            raise ExportError(f"{label}: {where(n, what='item')}: {exc.field}: expected {exc.expected}") from None
        except GuardError as exc:
            raise bound_error(label, exc, where(n + 1, what="item")) from None
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if is_json_error(exc):
                raise json_error(label, exc, f"after {where(n, what='item')}" if n else "") from None
            raise
