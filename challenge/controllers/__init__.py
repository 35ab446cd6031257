"""HTTP for the challenge domain; `ROUTES` is what the composition root mounts."""

from challenge.controllers.api import MunicipalityProblemsApi
from challenge.controllers.applications_api import OrganiserApplicationsApi, StartupApplicationsApi
from challenge.controllers.catalogue import CataloguePages, ProblemApi
from challenge.controllers.dashboard import EditionDashboard
from challenge.controllers.expertise import ExpertisePages
from challenge.controllers.municipality import MunicipalityPages, MunicipalityProfilePages
from challenge.controllers.organiser import EditionAdminPages, EditionPages, MunicipalityAdminPages, ProblemReviewPages
from challenge.controllers.public import EditionApi, PublicPages
from challenge.controllers.questions import ApplicationQuestionPages
from challenge.controllers.screening import (
    ApplicationReviewPages,
    EligibilityQuestionPages,
    MunicipalityApplicationPages,
    ScreeningPages,
)
from challenge.controllers.startup import StartupPages, StartupTeamPages

ROUTES = [
    StartupApplicationsApi,
    OrganiserApplicationsApi,
    MunicipalityProblemsApi,
    MunicipalityPages,
    MunicipalityProfilePages,
    EditionAdminPages,
    EditionPages,
    MunicipalityAdminPages,
    ProblemReviewPages,
    PublicPages,
    StartupPages,
    ScreeningPages,
    EligibilityQuestionPages,
    ApplicationQuestionPages,
    ApplicationReviewPages,
    MunicipalityApplicationPages,
    StartupTeamPages,
    EditionApi,
    EditionDashboard,
    ExpertisePages,
    CataloguePages,
    ProblemApi,
]
