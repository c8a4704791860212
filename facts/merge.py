"""Merge facts written by hand with facts measured from exports.

Hand-written facts win; where both give a value and they differ, the
difference is kept so the report can show both.
"""
from __future__ import annotations

from typing import Any


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and key != "provenance":
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def merge_facts(written: dict[str, Any], measured: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(merged facts mapping, [{fact, written, measured}] where the two differ)."""
    merged: dict[str, Any] = {}
    for source in (measured, written):          # written last: it wins
        for section, values in source.items():
            if isinstance(values, dict) and section not in ("provenance",):
                target = merged.setdefault(section, {})
                for key, value in values.items():
                    if isinstance(value, dict) and isinstance(target.get(key), dict):
                        target[key] = {**target[key], **value}
                    else:
                        target[key] = value
            else:
                merged[section] = values
    flat_w, flat_m = _flatten(written), _flatten(measured)
    differences = []
    for name, value in flat_m.items():
        if name in flat_w and flat_w[name] != value and not name.startswith(("provenance.", "community.name")):
            if isinstance(value, float) and isinstance(flat_w[name], (int, float)) and abs(flat_w[name] - value) < 1e-4:
                continue
            differences.append({"fact": name, "written": flat_w[name], "measured": value})
    return merged, differences
