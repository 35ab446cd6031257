"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

ROUTES: list[Any] = []
