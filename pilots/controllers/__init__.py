"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.agreement import EditionPilotPages, MyPilotPages, PilotWorkPages
from pilots.controllers.api_agreement import PilotAgreementApi
from pilots.controllers.api_feedback import FeedbackApi
from pilots.controllers.api_kpis import KpiApi
from pilots.controllers.api_milestones import MilestonesApi
from pilots.controllers.api_public import PublicPilotApi
from pilots.controllers.feedback import FeedbackPages, FeedbackWorkPages
from pilots.controllers.kpis import KpiPages
from pilots.controllers.milestones import MilestonePages
from pilots.controllers.open_data import OpenDataPages
from pilots.controllers.overdue import OverduePages
from pilots.controllers.public import PublicPilotPages

ROUTES: list[Any] = [
    EditionPilotPages,
    MyPilotPages,
    PilotWorkPages,
    PilotAgreementApi,
    PublicPilotPages,
    OpenDataPages,
    PublicPilotApi,
    FeedbackPages,
    FeedbackWorkPages,
    FeedbackApi,
    KpiPages,
    KpiApi,
    MilestonePages,
    OverduePages,
    MilestonesApi,
]
