"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.api_feedback import FeedbackApi
from pilots.controllers.feedback import FeedbackPages, FeedbackWorkPages

ROUTES: list[Any] = [FeedbackPages, FeedbackWorkPages, FeedbackApi]
