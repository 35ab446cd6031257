"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.kpis import KpiPages

ROUTES: list[Any] = [KpiPages]
