"""Milestones, KPIs and measurements laid down for the milestone and reminder tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from litestar import Litestar

from core.auth import CurrentUser, load_current_user
from pilots.enums import Side
from pilots.schemas import MilestoneCommand
from pilots.tables import Kpi, Measurement, Milestone
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.web import WebClient


async def user(person: dict[str, Any]) -> CurrentUser:
    loaded = await load_current_user(person["id"])
    assert loaded is not None
    return loaded


def command(
    *,
    title: str = "Sensors installed",
    deliverable: str = "Twenty sensors online, photos of each.",
    due_on: date | None = date(2026, 10, 1),
    sides: tuple[Side, ...] = (Side.MUNICIPALITY, Side.STARTUP),
    public: bool = True,
) -> MilestoneCommand:
    return MilestoneCommand(
        title=title, deliverable=deliverable, due_on=due_on, sign_off_by=frozenset(sides), public=public
    )


async def add_kpi(
    pilot_id: int, *, name: str = "Water saved", frequency: str = "monthly", reporter: str = "startup"
) -> int:
    return (
        await Kpi.insert(
            Kpi(
                pilot=pilot_id,
                name=name,
                unit="m³",
                direction="up",
                baseline_value=0.0,
                baseline_on=date(2026, 9, 1),
                target_value=100.0,
                frequency=frequency,
                reporter=reporter,
            )
        ).returning(Kpi.id)
    )[0]["id"]


async def measure(kpi_id: int, on: date, value: float = 10.0) -> None:
    await Measurement.insert(Measurement(kpi=kpi_id, measured_on=on, value=value))


async def add_milestone_row(pilot_id: int, *, title: str, due_on: date, sides: list[str], public: bool = True) -> int:
    return (
        await Milestone.insert(
            Milestone(pilot=pilot_id, title=title, deliverable="Done.", due_on=due_on, sign_off_by=sides, public=public)
        ).returning(Milestone.id)
    )[0]["id"]


@asynccontextmanager
async def signed_in(app: Litestar, person: dict[str, Any]) -> AsyncIterator[WebClient]:
    async with http_client(app) as http:
        web = WebClient(http)
        await web.login(person["email"], PASSWORD)
        yield web
