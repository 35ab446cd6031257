"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.api_public import PublicPilotApi
from pilots.controllers.open_data import OpenDataPages
from pilots.controllers.public import PublicPilotPages

ROUTES: list[Any] = [PublicPilotPages, OpenDataPages, PublicPilotApi]
