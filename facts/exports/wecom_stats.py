"""WeCom customer-group statistics by day: the API response of
``externalcontact/groupchat/statistic`` (``items[] {stat_time, data {...}}``)."""
from __future__ import annotations

from typing import Any, Iterator

from .base import (json_object_head, DayStat, ExportError, HashingReader, ReadContext, Reader, ijson_backend,
                   json_error, json_header, register)


@register
class WeComStats(Reader):
    name = "wecom_stats"
    platform = "wecom"
    kind = "stats"
    description = "WeCom group statistics JSON (items[] with stat_time and data)"
    priority = 40

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return json_object_head(head) and b'"items"' in head and (b'"stat_time"' in head or b'"errcode"' in head)

    def read(self, stream: HashingReader, ctx: ReadContext, label: str) -> Iterator[DayStat]:
        hdr = json_header(stream.path, label, stop_key="items")
        code = hdr.get("errcode")
        if isinstance(code, (int, float)) and code != 0:
            raise ExportError(f"{label}: a WeCom API error response (errcode {int(code)}), no statistics")
        backend = ijson_backend()
        n = 0
        try:
            for item in backend.items(stream, "items.item", use_float=True):
                n += 1
                if not isinstance(item, dict):
                    raise ExportError(f"{label}: item {n}: expected an object with stat_time and data")
                st: Any = item.get("stat_time")
                try:
                    t = float(int(st))
                except (TypeError, ValueError):
                    raise ExportError(f"{label}: item {n}: unparseable stat_time {str(st)[:40]!r} "
                                      "(expected Unix seconds)") from None
                data = item.get("data")
                if not isinstance(data, dict):
                    raise ExportError(f"{label}: item {n} (stat_time {int(t)}): no data object")
                vals: dict[str, int] = {}
                for f in DayStat.FIELDS:
                    v = data.get(f)
                    if v is not None:
                        try:
                            vals[f] = int(v)
                        except (TypeError, ValueError):
                            raise ExportError(f"{label}: item {n} (stat_time {int(t)}): "
                                              f"{f} is not a number") from None
                yield DayStat(t, **vals)
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - ijson raises several types
            if type(exc).__module__.startswith("ijson") or isinstance(exc, (ValueError, UnicodeDecodeError)):
                raise json_error(label, exc) from None
            raise
