"""HTTP for the hackathon domain; `ROUTES` is what the composition root mounts."""

from hackathon.controllers.api import HackathonApi
from hackathon.controllers.organiser import HackathonAdminPages
from hackathon.controllers.public import HackathonPages

ROUTES = [
    HackathonAdminPages,
    HackathonPages,
    HackathonApi,
]
