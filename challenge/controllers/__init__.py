"""HTTP for the challenge domain; `ROUTES` is what the composition root mounts."""

from challenge.controllers.api import MunicipalityProblemsApi
from challenge.controllers.catalogue import CataloguePages, ProblemApi
from challenge.controllers.dashboard import EditionDashboard
from challenge.controllers.municipality import MunicipalityPages, MunicipalityProfilePages
from challenge.controllers.organiser import EditionAdminPages, MunicipalityAdminPages, ProblemReviewPages
from challenge.controllers.public import EditionApi, PublicPages
from challenge.controllers.startup import StartupPages, StartupTeamPages

ROUTES = [
    MunicipalityProblemsApi,
    MunicipalityPages,
    MunicipalityProfilePages,
    EditionAdminPages,
    MunicipalityAdminPages,
    ProblemReviewPages,
    PublicPages,
    StartupPages,
    StartupTeamPages,
    EditionApi,
    EditionDashboard,
    CataloguePages,
    ProblemApi,
]
