"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.api_milestones import MilestonesApi
from pilots.controllers.milestones import MilestonePages
from pilots.controllers.overdue import OverduePages

ROUTES: list[Any] = [MilestonePages, OverduePages, MilestonesApi]
