"""HTTP for the mentoring domain; `ROUTES` is what the composition root mounts."""

from mentoring.controllers.api import MentoringApi
from mentoring.controllers.matching import MatchingPages
from mentoring.controllers.mentor import MentorPages
from mentoring.controllers.sessions import MentoringOverviewPages, MentorSessionPages, StartupMentoringPages
from mentoring.controllers.sessions_api import MentoringSessionsApi

ROUTES = [
    MentorPages,
    MatchingPages,
    MentoringApi,
    MentorSessionPages,
    StartupMentoringPages,
    MentoringOverviewPages,
    MentoringSessionsApi,
]
