"""KPIs and measurements laid down through their services, for the KPI and measurement tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from litestar import Litestar

from core.auth import CurrentUser, load_current_user
from pilots.enums import Direction, Frequency, Review, Side
from pilots.schemas import KpiIn, MeasurementIn, ReviewIn
from pilots.services import kpis, measurements
from tests.factories import PASSWORD
from tests.fixtures import http_client
from tests.integration.pilots.world import PilotWorld
from tests.web import WebClient

# A day inside the pilot (2026-09-01 .. 2027-03-01), after which its first measurements exist.
NOW = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)
WATER = KpiIn(
    name="Irrigation water per hectare",
    unit="m³/ha",
    direction=Direction.DOWN,
    baseline_value=420.0,
    baseline_on=date(2026, 6, 1),
    target_value=330.0,
    method="Flow meters on the twenty farms, read at the end of each month.",
    frequency=Frequency.MONTHLY,
    reporter=Side.STARTUP,
    sdg=6,
    sdg_target="6.4",
)


async def user_of(person: dict[str, Any]) -> CurrentUser:
    user = await load_current_user(person["id"])
    assert user is not None
    return user


async def add_kpi(world: PilotWorld, kpi: KpiIn = WATER) -> int:
    defined = await kpis.define_kpi(user=await user_of(world.organiser), pilot_id=world.pilot_id, kpi=kpi)
    return defined.id


async def report(world: PilotWorld, kpi_id: int, *, value: float = 398.5, on: date = date(2026, 10, 31)) -> int:
    return await measurements.report_measurement(
        user=await user_of(world.founder),
        pilot_id=world.pilot_id,
        kpi_id=kpi_id,
        measurement=MeasurementIn(measured_on=on, value=value, note="October readings."),
        now=NOW,
    )


async def review(world: PilotWorld, person: dict[str, Any], kpi_id: int, measurement_id: int, **fields: Any) -> str:
    status = await measurements.review_measurement(
        user=await user_of(person),
        pilot_id=world.pilot_id,
        kpi_id=kpi_id,
        measurement_id=measurement_id,
        review=ReviewIn(**{"review": Review.ACCEPT, **fields}),
    )
    return status.value


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400


SignIn = Callable[[dict[str, Any]], Awaitable[WebClient]]


@pytest.fixture
async def sign_in(app: Litestar, clean_db: None, pool: None) -> AsyncIterator[SignIn]:
    """`await sign_in(world.staff)`: a client signed in as that person."""
    opened: list[httpx.AsyncClient] = []

    async def open_as(person: dict[str, Any]) -> WebClient:
        http = http_client(app)
        opened.append(http)
        web = WebClient(http)
        await web.login(person["email"], PASSWORD)
        return web

    yield open_as
    for http in opened:
        await http.aclose()
