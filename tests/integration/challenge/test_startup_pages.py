"""The applicant's pages over HTTP: register, invite, draft, upload, submit, and every refusal."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from challenge.services import applications
from challenge.tables import Application, ApplicationEvent, Edition, StartupMember
from core.clock import utc_now
from core.tables import OutboxMessage
from tests.factories import make_edition_taking_applications, make_municipality, make_problem, set_timeline
from tests.fixtures import DeliveredMail
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
NO_FILE = ("", b"", "application/octet-stream")
TEXTS = {
    "solution": "Acoustic leak sensors on the main pipes, read by LoRaWAN.",
    "why_us": "We built this for two utilities already.",
    "pilot_plan": "Six weeks in two villages with the water utility.",
    "impact": "A third less water lost.",
}


async def _edition(closes_in: timedelta = timedelta(days=10)) -> tuple[dict, dict]:
    edition = await make_edition_taking_applications(closes_in=closes_in)
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    return edition, problem


async def _register(client: WebClient, edition: dict, name: str = "AgroSense") -> None:
    response = await client.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": name, "country": "Serbia", "city": "Niš"}
    )
    assert response.status_code == 302, response.text[:300]


def _form(edition: dict, problem: dict | None, **overrides: object) -> dict:
    data: dict = {"edition_id": str(edition["id"]), "track": "smart_rural", "action": "save", "sdgs": ["6"], **TEXTS}
    if problem is not None:
        data["problems"] = [str(problem["id"])]
    data.update(overrides)
    return data


async def _draft(client: WebClient, edition: dict, problem: dict | None, deck=NO_FILE, **overrides) -> int:
    response = await client.upload(
        "/startup/applications/new", {"pitch_deck": deck}, _form(edition, problem, **overrides)
    )
    assert response.status_code == 302, response.text[:500]
    return int(re.search(r"/startup/applications/(\d+)", response.headers["location"]).group(1))


async def test_a_signed_in_person_registers_a_startup_and_sees_it(logged_in) -> None:
    edition, _ = await _edition()
    founder = await logged_in(None)

    before = (await founder.get("/startup")).text
    await _register(founder, edition)
    after = (await founder.get("/startup")).text

    assert f"/startup/register?edition_id={edition['id']}" in before
    assert "AgroSense" in after and "Start an application" in after


async def test_a_draft_keeps_every_word_and_lists_what_is_missing(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)

    application_id = await _draft(founder, edition, problem, solution="Only the solution so far.", why_us="")
    page = (await founder.get(f"/startup/applications/{application_id}/edit")).text

    assert "Only the solution so far." in page
    assert "Still missing before you can submit" in page
    assert 'href="#f-why_us"' in page and 'href="#f-pitch_deck"' in page


async def test_a_deck_that_is_not_a_pdf_is_refused_and_the_text_kept(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)

    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": ("deck.pdf", PNG, "application/pdf")}, _form(edition, problem)
    )

    assert response.status_code == 422
    assert "PDF" in field_error(response.text, "pitch_deck")
    assert TEXTS["pilot_plan"] in response.text
    assert await Application.count() == 0


async def test_a_deck_over_the_size_limit_is_cut_off(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    huge = b"%PDF-1.7\n" + b"0" * (16 * 1024 * 1024)

    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": ("deck.pdf", huge, "application/pdf")}, _form(edition, problem)
    )

    # Within the request's size limit the deck is refused on its own and every field is kept;
    # beyond it the server stops reading with 413 (see test_uploads for that case).
    assert response.status_code == 422
    assert field_error(response.text, "pitch_deck") == "The file is larger than 15 MB."
    assert TEXTS["solution"] in response.text
    assert await Application.count() == 0


async def test_submitting_an_incomplete_draft_lists_the_missing_parts_and_keeps_the_input(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)

    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": NO_FILE}, _form(edition, problem, action="submit", impact="")
    )

    assert response.status_code == 422
    assert field_error(response.text, "impact") == "Required before submission."
    assert field_error(response.text, "pitch_deck") == "Upload your pitch deck (PDF)."
    assert TEXTS["solution"] in response.text
    # The draft was saved first: the form shown again edits it, so saving again does not duplicate it.
    application = await Application.select().first()
    assert application["status"] == "draft" and application["solution"] == TEXTS["solution"]
    assert f'action="/startup/applications/{application["id"]}/edit"' in response.text


async def test_the_whole_submission_with_a_deck_and_its_confirmation(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None, email="nikola@agrosense.example")
    await _register(founder, edition)

    application_id = await _draft(founder, edition, problem, deck=("deck.pdf", PDF, "application/pdf"))
    response = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert response.status_code == 302
    application = await Application.select().where(Application.id == application_id).first()
    assert application["status"] == "submitted" and application["submitted_at"] is not None
    mail = await OutboxMessage.select().where(OutboxMessage.to_address == "nikola@agrosense.example").first()
    assert "Application received" in mail["subject"] and problem["title"] in mail["body_text"]
    page = (await founder.get(f"/startup/applications/{application_id}")).text
    assert "Status history" in page and "submitted" in page


async def test_submitting_after_the_deadline_is_refused_and_the_draft_kept(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    application_id = await _draft(founder, edition, problem, deck=("deck.pdf", PDF, "application/pdf"))
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=10),
        screening=now - timedelta(minutes=1),
    )

    response = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert response.status_code == 409
    assert "Applications closed on" in response.text and "your draft is kept" in response.text
    application = await Application.select().where(Application.id == application_id).first()
    assert application["status"] == "draft" and application["solution"] == TEXTS["solution"]


async def test_the_grace_minutes_still_take_a_submission(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    application_id = await _draft(founder, edition, problem, deck=("deck.pdf", PDF, "application/pdf"))
    await Edition.update({Edition.application_grace_minutes: 15}).where(Edition.id == edition["id"])
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=10),
        screening=now - timedelta(minutes=5),
    )

    response = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert response.status_code == 302


async def test_another_startups_application_is_not_found_and_never_shown(logged_in) -> None:
    edition, problem = await _edition()
    founder, stranger = await logged_in(None), await logged_in(None)
    await _register(founder, edition)
    await _register(stranger, edition, name="Someone Else")
    application_id = await _draft(founder, edition, problem, solution="Our secret sauce.")

    pages = [
        await stranger.get(f"/startup/applications/{application_id}"),
        await stranger.get(f"/startup/applications/{application_id}/edit"),
        await stranger.upload(
            f"/startup/applications/{application_id}/edit",
            {"pitch_deck": NO_FILE},
            _form(edition, problem, solution="overwritten"),
        ),
        await stranger.post_form(f"/startup/applications/{application_id}/submit"),
        await stranger.post_form(f"/startup/applications/{application_id}/withdraw"),
    ]

    assert [p.status_code for p in pages] == [404] * 5
    assert all("secret sauce" not in p.text for p in pages)
    assert (await Application.select().first())["solution"] == "Our secret sauce."


async def test_a_second_application_in_the_same_track_is_refused(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    await _draft(founder, edition, problem)

    response = await founder.upload("/startup/applications/new", {"pitch_deck": NO_FILE}, _form(edition, problem))

    assert response.status_code == 409
    assert "already has an application in this track" in response.text
    assert await Application.count() == 1


async def test_a_double_click_on_submit_submits_exactly_once(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    application_id = await _draft(founder, edition, problem, deck=("deck.pdf", PDF, "application/pdf"))

    responses = await asyncio.gather(
        *(founder.post_form(f"/startup/applications/{application_id}/submit") for _ in range(2))
    )

    assert sorted(r.status_code for r in responses) == [302, 409]
    events = await ApplicationEvent.select().where(ApplicationEvent.to_status == "submitted")
    assert len(events) == 1
    assert await OutboxMessage.count().where(OutboxMessage.subject.like("Application received%")) == 1


async def test_a_cofounder_is_invited_joins_and_their_save_over_a_stale_form_is_announced(
    logged_in, client, delivered: DeliveredMail
) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    startup_id = (await StartupMember.select(StartupMember.startup).first())["startup"]
    application_id = await _draft(founder, edition, problem)

    invited = await founder.post_form(
        f"/startup/{startup_id}/team/invite", {"email": "ana@agrosense.example", "title": "CTO"}
    )
    mail = await delivered("ana@agrosense.example")
    token = re.search(r"/invites/(\S+)", mail).group(1)
    password = "a long passphrase 1"
    joined = await client.post_form(
        f"/invites/{token}/signup", {"name": "Ana", "password": password, "password_confirm": password}
    )

    assert invited.status_code == 302 and joined.status_code == 302
    assert "AgroSense" in mail
    assert await StartupMember.count().where(StartupMember.startup == startup_id) == 2
    # Both open the draft at version 1; the founder saves first, then Ana saves over it.
    stale = _form(edition, problem, version="1", solution="Ana's text")
    await founder.upload(
        f"/startup/applications/{application_id}/edit",
        {"pitch_deck": NO_FILE},
        _form(edition, problem, version="1", solution="Founder's text"),
    )
    saved = await client.upload(f"/startup/applications/{application_id}/edit", {"pitch_deck": NO_FILE}, stale)
    page = (await client.get(saved.headers["location"])).text

    assert "A teammate saved this draft while you were editing it" in page
    assert (await Application.select().first())["solution"] == "Ana's text"


async def test_withdrawal_frees_the_track(logged_in) -> None:
    edition, problem = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    application_id = await _draft(founder, edition, problem)

    response = await founder.post_form(f"/startup/applications/{application_id}/withdraw")
    again = await _draft(founder, edition, problem)

    assert response.status_code == 302 and again != application_id


async def test_deadline_reminders_go_once_each(logged_in) -> None:
    edition, problem = await _edition(closes_in=timedelta(days=10))
    founder = await logged_in(None, email="nikola@agrosense.example")
    await _register(founder, edition)
    await _draft(founder, edition, problem)
    closes = (await applications.deadline_of(edition)).closes_at

    counts = [
        await applications.send_deadline_reminders(now=closes - timedelta(hours=100)),
        await applications.send_deadline_reminders(now=closes - timedelta(hours=70)),
        await applications.send_deadline_reminders(now=closes - timedelta(hours=69)),
        await applications.send_deadline_reminders(now=closes - timedelta(hours=23)),
        await applications.send_deadline_reminders(now=closes - timedelta(hours=2)),
        await applications.send_deadline_reminders(now=closes + timedelta(minutes=1)),
    ]

    assert counts == [0, 1, 0, 1, 0, 0]
    subjects = await OutboxMessage.select(OutboxMessage.subject).where(OutboxMessage.subject.like("%hours left%"))
    assert sorted(s["subject"] for s in subjects) == [
        "24 hours left to submit your application",
        "72 hours left to submit your application",
    ]


async def test_the_profile_keeps_the_team_languages_and_refuses_unknown_ones(logged_in) -> None:
    edition, _ = await _edition()
    founder = await logged_in(None)
    await _register(founder, edition)
    startup_id = (await StartupMember.select(StartupMember.startup).first())["startup"]
    profile = {"name": "AgroSense", "country": "Serbia", "city": "Niš"}

    saved = await founder.http.post(
        f"/startup/{startup_id}/profile",
        data={**profile, "languages": ["sr", "en"], "_csrf_token": await founder.csrf_token()},
    )
    refused = await founder.http.post(
        f"/startup/{startup_id}/profile",
        data={**profile, "languages": ["sr", "xx"], "_csrf_token": await founder.csrf_token()},
    )
    page = (await founder.get(f"/startup/{startup_id}/profile")).text

    assert saved.status_code == 302
    assert refused.status_code == 422 and field_error(refused.text, "languages") == "Choose languages from the list."
    assert 'value="sr" checked' in page and 'value="en" checked' in page and 'value="de" checked' not in page
