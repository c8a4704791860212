"""The operator's page: routes mounted by the app (filled in by the page work)."""
from __future__ import annotations

from typing import Any


def routes(engine: Any) -> list[Any]:
    """Starlette routes of the operator's page, served beside the API."""
    return []
