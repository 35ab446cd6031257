"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.api_feedback import FeedbackApi
from pilots.controllers.api_milestones import MilestonesApi
from pilots.controllers.feedback import FeedbackPages, FeedbackWorkPages
from pilots.controllers.milestones import MilestonePages
from pilots.controllers.overdue import OverduePages

ROUTES: list[Any] = [FeedbackPages, FeedbackWorkPages, FeedbackApi, MilestonePages, OverduePages, MilestonesApi]
