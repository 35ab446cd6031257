"""Editions: the timeline form, manual phase moves, the yearly copy and the phase-change job."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from challenge.services.editions import apply_phase_changes
from challenge.tables import Edition, EditionPhase
from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from tests.factories import make_edition, make_user, set_timeline
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up
from tests.web import field_error

EDITION_FORM = {
    "name": "Smart Cities & Smart Rural Challenge",
    "year": "2027",
    "slug": "2027",
    "timezone": "Europe/Belgrade",
    "tracks": ["smart_city", "smart_rural"],
    "description": "The 2027 edition.",
    "starts_problem_intake": "2027-02-01T09:00",
    "starts_applications": "2027-03-29T12:00",
}


async def _phase_changes(edition_id: int) -> list[str]:
    rows = (
        await AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "edition.phase_changed", AuditEvent.entity_id == str(edition_id))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    return [row["after"]["phase"] for row in rows]


async def test_organiser_creates_an_edition_with_a_local_timeline(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_form("/organiser/editions/new", EDITION_FORM)

    assert response.status_code == 302
    edition = await Edition.select().where(Edition.slug == "2027").first()
    starts = (
        await EditionPhase.select(EditionPhase.phase, EditionPhase.starts_at)
        .where(EditionPhase.edition == edition["id"])
        .order_by(EditionPhase.starts_at)
    )
    # 09:00 in Belgrade in February is 08:00 UTC; 29 March is already summer time (UTC+2).
    assert [(s["phase"], s["starts_at"]) for s in starts] == [
        ("problem_intake", datetime(2027, 2, 1, 8, 0, tzinfo=UTC)),
        ("applications", datetime(2027, 3, 29, 10, 0, tzinfo=UTC)),
    ]
    edit_page = await organiser.get(f"/organiser/editions/{edition['id']}/edit")
    assert 'value="2027-03-29T12:00"' in edit_page.text


async def test_edition_form_errors_are_shown_beside_the_fields(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_form(
        "/organiser/editions/new",
        {**EDITION_FORM, "slug": "Not a slug!", "timezone": "Mars/Olympus", "starts_applications": "2027-01-01T09:00"},
    )

    assert response.status_code == 422
    assert field_error(response.text, "slug") == "Use lower-case letters, digits and dashes, e.g. 2027 or serbia-2027."
    assert field_error(response.text, "timezone") == "Choose a time zone such as Europe/Belgrade."
    assert 'value="Smart Cities &amp; Smart Rural Challenge"' in response.text
    assert await Edition.count() == 0


async def test_phases_out_of_order_are_refused(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    response = await organiser.post_form(
        "/organiser/editions/new", {**EDITION_FORM, "starts_applications": "2027-01-01T09:00"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "starts_applications") == "Each phase must start after the one before it."


async def test_copying_an_edition_shifts_its_timeline_by_a_year(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await organiser.post_form("/organiser/editions/new", EDITION_FORM)
    source = await Edition.select(Edition.id).where(Edition.slug == "2027").first()

    response = await organiser.post_form(f"/organiser/editions/{source['id']}/copy")

    copy = await Edition.select().where(Edition.slug == "2028").first().output(load_json=True)
    assert response.status_code == 302
    assert (copy["year"], copy["tracks"], copy["name"]) == (2028, ["smart_city", "smart_rural"], EDITION_FORM["name"])
    starts = (
        await EditionPhase.select(EditionPhase.starts_at)
        .where(EditionPhase.edition == copy["id"])
        .order_by(EditionPhase.starts_at)
    )
    # Same wall-clock times a year later (29 March 2028 is also summer time).
    assert [s["starts_at"] for s in starts] == [
        datetime(2028, 2, 1, 8, 0, tzinfo=UTC),
        datetime(2028, 3, 29, 10, 0, tzinfo=UTC),
    ]


async def test_a_manual_phase_move_is_audited_and_announced_once(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=1), applications=now + timedelta(days=9))
    await apply_phase_changes()

    response = await organiser.post_form(f"/organiser/editions/{edition['id']}/phase", {"phase": "applications"})

    assert response.status_code == 302
    assert await _phase_changes(edition["id"]) == ["problem_intake", "applications"]
    moved = await AuditEvent.select(AuditEvent.actor).where(AuditEvent.action == "edition.phase_moved").first()
    assert moved == {"actor": organiser.user["id"]}
    assert await apply_phase_changes() == []


async def test_the_job_catches_up_on_phases_missed_while_down() -> None:
    edition = await make_edition()
    await make_user(role=Role.ORGANISER, email="ana@example.org")
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=10),
        screening=now - timedelta(days=1),
    )

    first, second = await apply_phase_changes(), await apply_phase_changes()

    assert [phase for _, phase in first] == ["screening"]
    assert second == []
    assert await _phase_changes(edition["id"]) == ["problem_intake", "applications", "screening"]
    subjects = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.to_address == "ana@example.org")
    assert subjects == [{"subject": "Test Challenge: the Screening phase has started"}]


async def test_concurrent_runs_record_a_phase_change_once() -> None:
    edition = await make_edition()
    await set_timeline(edition["id"], problem_intake=utc_now() - timedelta(seconds=1))

    results = await asyncio.gather(*(apply_phase_changes() for _ in range(5)))

    assert sum(len(result) for result in results) == 1
    assert await _phase_changes(edition["id"]) == ["problem_intake"]


async def _wait_for_changes(edition_id: int, count: int, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(changes := await _phase_changes(edition_id)) >= count:
            return changes
        await asyncio.sleep(0.2)
    return await _phase_changes(edition_id)


@pytest.mark.slow
async def test_the_scheduled_phase_change_happens_once_across_workers_and_restarts() -> None:
    edition = await make_edition()
    await make_user(role=Role.ORGANISER, email="ana@example.org")
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=1), applications=now + timedelta(seconds=3))
    await Edition.update({Edition.applied_phase: "problem_intake"}).where(Edition.id == edition["id"])
    env = {"SCHEDULER_ENABLED": "true", "PHASE_CHECK_INTERVAL": "1"}
    workers: list[ServerProcess] = [start_server(port=free_port(), extra_env=env) for _ in range(2)]
    try:
        for worker in workers:
            wait_until_up(worker)
        changes = await _wait_for_changes(edition["id"], 1, timeout=20)
        await asyncio.sleep(3)
        assert await _phase_changes(edition["id"]) == changes == ["applications"]
    finally:
        for worker in workers:
            stop_server(worker)

    restarted = start_server(port=free_port(), extra_env=env)
    try:
        wait_until_up(restarted)
        await asyncio.sleep(4)
    finally:
        stop_server(restarted)

    assert await _phase_changes(edition["id"]) == ["applications"]
    mails = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.to_address == "ana@example.org")
    assert mails == [{"subject": "Test Challenge: the Applications phase has started"}]


async def test_a_copy_whose_dates_collide_on_29_february_is_refused_clearly(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition(year=2028, slug="leap-2028")
    await set_timeline(
        edition["id"],
        problem_intake=datetime(2028, 2, 28, 8, 0, tzinfo=UTC),
        applications=datetime(2028, 2, 29, 8, 0, tzinfo=UTC),
    )

    response = await organiser.post_form(f"/organiser/editions/{edition['id']}/copy")
    listing = await organiser.get("/organiser/editions/")

    assert response.status_code == 422
    assert "29 February" in response.text
    assert await Edition.count() == 1
    assert listing.status_code == 200
