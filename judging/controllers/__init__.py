"""HTTP for the judging domain; `ROUTES` is what the composition root mounts."""

from judging.controllers.api import JudgingApi
from judging.controllers.judge import JudgePages
from judging.controllers.organiser import JudgingAdminPages, RoundAdminPages
from judging.controllers.public import ResultsPages

ROUTES = [
    JudgePages,
    JudgingAdminPages,
    RoundAdminPages,
    ResultsPages,
    JudgingApi,
]
