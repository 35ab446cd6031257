"""HTTP for the mentoring domain; `ROUTES` is what the composition root mounts."""

from mentoring.controllers.api import MentoringApi
from mentoring.controllers.matching import MatchingPages
from mentoring.controllers.mentor import MentorPages

ROUTES = [
    MentorPages,
    MatchingPages,
    MentoringApi,
]
