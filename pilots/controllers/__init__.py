"""The pilots' pages and API; ROUTES is what the composition root mounts."""

from typing import Any

from pilots.controllers.agreement import EditionPilotPages, MyPilotPages, PilotWorkPages
from pilots.controllers.api_agreement import PilotAgreementApi, PilotOpeningApi

ROUTES: list[Any] = [EditionPilotPages, MyPilotPages, PilotWorkPages, PilotOpeningApi, PilotAgreementApi]
