"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.api_kpis import KpiApi
from pilots.controllers.kpis import KpiPages

ROUTES: list[Any] = [KpiPages, KpiApi]
