"""Applications through their services, on a real database: drafts, submission, screening."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from challenge.forms import application_command
from challenge.services import applications, teams
from challenge.services.applications import submission
from challenge.tables import Application, ApplicationEvent
from core.auth import load_current_user
from core.clock import utc_now
from core.enums import Role
from core.errors import NotFound, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage, StoredFile
from tests.factories import (
    APPLICATION_CONTENT,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
    set_timeline,
)


async def _founder(edition_id: int, email: str = "nikola@agrosense.example"):
    user = await make_user(email=email)
    current = await load_current_user(user["id"])
    startup_id = await teams.create_startup(
        user=current, edition_id=edition_id, data={"name": f"Startup of {email}", "country": "Serbia", "city": "Niš"}
    )
    return await load_current_user(user["id"]), startup_id


async def _deck(owner_id: int) -> int:
    return (
        await StoredFile.insert(
            StoredFile(
                key=uuid.uuid4().hex,
                original_name="deck.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0",
                owner=owner_id,
                purpose="pitch_deck",
            )
        ).returning(StoredFile.id)
    )[0]["id"]


async def _complete_draft(edition: dict, founder) -> int:
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    result = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(
            {**APPLICATION_CONTENT, "problems": [str(problem["id"])]}, pitch_deck_file_id=await _deck(founder.id)
        ),
    )
    return result.application_id


async def test_one_startup_per_person_and_edition() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])

    with pytest.raises(StateConflict, match="already belong to a startup"):
        await teams.create_startup(
            user=founder, edition_id=edition["id"], data={"name": "Second", "country": "Serbia", "city": "Niš"}
        )


async def test_one_application_per_startup_and_track_until_withdrawn() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    first = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
    )

    with pytest.raises(StateConflict, match="already has an application in this track"):
        await applications.save_application(
            user=founder,
            edition_id=edition["id"],
            application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
        )
    await applications.withdraw_application(user=founder, application_id=first.application_id)
    again = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
    )

    assert again.application_id != first.application_id


async def test_an_incomplete_submission_lists_the_missing_parts_and_keeps_the_draft() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    draft = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command({"track": "smart_rural", "solution": "Sensors"}, pitch_deck_file_id=None),
    )

    with pytest.raises(ValidationFailed) as refused:
        await applications.submit_application(user=founder, application_id=draft.application_id)

    assert set(refused.value.errors) == {"problems", "why_us", "pilot_plan", "impact", "sdgs", "pitch_deck"}
    row = await Application.select(Application.status, Application.solution).first()
    assert row == {"status": "draft", "solution": "Sensors"}


async def test_submission_after_the_deadline_is_refused_and_the_draft_kept() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    application_id = await _complete_draft(edition, founder)
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=10),
        screening=now - timedelta(minutes=1),
    )

    with pytest.raises(StateConflict, match=r"Applications closed on .*; your draft is kept\."):
        await applications.submit_application(user=founder, application_id=application_id)

    assert (await Application.select(Application.status).first())["status"] == "draft"


async def test_a_submission_checked_in_time_but_recorded_after_the_deadline_is_refused(monkeypatch) -> None:
    """Under a rush the wait for the database can carry a checked request past the deadline."""
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    application_id = await _complete_draft(edition, founder)
    closes = utc_now() + timedelta(minutes=1)
    await set_timeline(
        edition["id"],
        problem_intake=closes - timedelta(days=30),
        applications=closes - timedelta(days=10),
        screening=closes,
    )
    # The first look at the clock is a second before the deadline, every later one a second after.
    instants = iter([closes - timedelta(seconds=1)])
    monkeypatch.setattr(submission, "utc_now", lambda: next(instants, closes + timedelta(seconds=1)))

    with pytest.raises(StateConflict, match=r"Applications closed on"):
        await applications.submit_application(user=founder, application_id=application_id)

    row = await Application.select(Application.status, Application.submitted_at).first()
    assert row["status"] == "draft" and row["submitted_at"] is None
    assert await ApplicationEvent.count().where(ApplicationEvent.to_status == "submitted") == 0


async def test_the_grace_period_still_takes_submissions() -> None:
    from challenge.tables import Edition

    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    application_id = await _complete_draft(edition, founder)
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=10),
        screening=now - timedelta(minutes=1),
    )
    await Edition.update({Edition.application_grace_minutes: 5}).where(Edition.id == edition["id"])

    await applications.submit_application(user=founder, application_id=application_id)

    assert (await Application.select(Application.status).first())["status"] == "submitted"


async def test_a_double_click_submits_exactly_once_and_mails_once() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    application_id = await _complete_draft(edition, founder)

    results = await asyncio.gather(
        applications.submit_application(user=founder, application_id=application_id),
        applications.submit_application(user=founder, application_id=application_id),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["NoneType", "StateConflict"]
    events = await ApplicationEvent.select(ApplicationEvent.to_status).order_by(ApplicationEvent.id)
    assert [e["to_status"] for e in events] == ["draft", "submitted"]
    mails = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.to_address == founder.email)
    assert mails == [{"subject": "Application received: Test Challenge"}]


async def test_two_cofounders_saving_at_once_last_write_wins_with_a_notice() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    draft = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
    )

    results = await asyncio.gather(
        *(
            applications.save_application(
                user=founder,
                edition_id=edition["id"],
                application_id=draft.application_id,
                application=application_command(
                    {**APPLICATION_CONTENT, "solution": text, "version": str(1)}, pitch_deck_file_id=None
                ),
            )
            for text in ("First co-founder's text", "Second co-founder's text")
        )
    )

    # Whichever committed second replaced the first and was told so; nothing was lost silently.
    last = max(results, key=lambda r: r.version)
    assert sorted(r.version for r in results) == [2, 3]
    assert [r.overwrote_newer for r in sorted(results, key=lambda r: r.version)] == [False, True]
    solution = (await Application.select(Application.solution).first())["solution"]
    assert solution == ("First co-founder's text", "Second co-founder's text")[results.index(last)]
    edits = await AuditEvent.select(AuditEvent.before).where(AuditEvent.action == "application.edited")
    assert len(edits) == 2


async def test_another_startup_cannot_see_or_touch_the_application() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    stranger, _ = await _founder(edition["id"], email="other@startup.example")
    draft = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
    )

    with pytest.raises(NotFound):
        await applications.save_application(
            user=stranger,
            edition_id=edition["id"],
            application_id=draft.application_id,
            application=application_command(APPLICATION_CONTENT, pitch_deck_file_id=None),
        )
    with pytest.raises(NotFound):
        await applications.submit_application(user=stranger, application_id=draft.application_id)


async def test_organisers_shortlist_with_a_message_and_startups_cannot() -> None:
    edition = await make_edition_taking_applications()
    founder, _ = await _founder(edition["id"])
    organiser = await load_current_user((await make_user(role=Role.ORGANISER))["id"])
    application_id = await _complete_draft(edition, founder)
    await applications.submit_application(user=founder, application_id=application_id)

    with pytest.raises(Exception, match="Only organisers"):
        await applications.change_status(user=founder, application_ids=[application_id], status="shortlisted")
    moved = await applications.change_status(
        user=organiser, application_ids=[application_id], status="shortlisted", message="See you at the bootcamp."
    )

    assert moved.moved == [application_id]
    assert (await Application.select(Application.status).first())["status"] == "shortlisted"
    mail = (
        await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text)
        .where(OutboxMessage.subject == "Your application: shortlisted")
        .first()
    )
    assert "See you at the bootcamp." in mail["body_text"]
    with pytest.raises(StateConflict):
        await applications.withdraw_application(user=founder, application_id=application_id)
