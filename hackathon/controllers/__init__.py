"""HTTP for the hackathon domain; `ROUTES` is what the composition root mounts."""

from hackathon.controllers.api import HackathonApi
from hackathon.controllers.organiser import HackathonAdminPages, HackathonListPages
from hackathon.controllers.public import HackathonPages

ROUTES = [
    HackathonListPages,
    HackathonAdminPages,
    HackathonPages,
    HackathonApi,
]
