"""After the application deadline, over HTTP: what the pages say has closed and what is still
possible, a refused save or submit that writes nothing, the organiser's grace minutes and
timeline seconds, and the startup's dashboard with one card per edition."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from challenge.tables import Application, ApplicationEvent, Edition, EditionPhase, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.tables import AuditEvent, OutboxMessage
from tests.factories import (
    make_edition,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    set_timeline,
)
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
NO_FILE = ("", b"", "application/octet-stream")
TEXTS = {
    "solution": "Acoustic leak sensors on the main pipes, read by LoRaWAN.",
    "why_us": "We built this for two utilities already.",
    "pilot_plan": "Six weeks in two villages with the water utility.",
    "impact": "A third less water lost.",
}
EDITION_FORM = {
    "name": "Smart Cities & Smart Rural Challenge",
    "year": "2027",
    "slug": "2027",
    "timezone": "Europe/Belgrade",
    "tracks": ["smart_city", "smart_rural"],
    "starts_problem_intake": "2027-02-01T09:00:30",
    "starts_applications": "2027-03-29T12:00:45",
}


def _form(edition: dict, problem: dict, **overrides: object) -> dict:
    return {
        "edition_id": str(edition["id"]),
        "track": "smart_rural",
        "action": "save",
        "sdgs": ["6"],
        "problems": [str(problem["id"])],
        **TEXTS,
        **overrides,
    }


async def _founder_with_a_complete_draft(logged_in) -> tuple[WebClient, dict, dict, int]:
    edition = await make_edition_taking_applications(name="Water Challenge")
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    founder = await logged_in(None)
    registered = await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": "AgroSense", "country": "Serbia", "city": "Niš"}
    )
    assert registered.status_code == 302
    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": ("deck.pdf", PDF, "application/pdf")}, _form(edition, problem)
    )
    assert response.status_code == 302, response.text[:400]
    application_id = int(re.search(r"/startup/applications/(\d+)", response.headers["location"]).group(1))
    return founder, edition, problem, application_id


async def _close_applications(edition_id: int, *, ago: timedelta = timedelta(minutes=1)) -> None:
    now = utc_now()
    await set_timeline(
        edition_id, problem_intake=now - timedelta(days=30), applications=now - timedelta(days=10), screening=now - ago
    )


async def _writes() -> tuple[int, int, int, int]:
    """Everything a save or a submission would leave behind."""
    application = await Application.select(Application.version).first()
    return (
        application["version"],
        await AuditEvent.count(),
        await ApplicationEvent.count(),
        await OutboxMessage.count(),
    )


async def test_a_submit_from_the_form_after_the_deadline_writes_nothing(logged_in) -> None:
    founder, edition, problem, application_id = await _founder_with_a_complete_draft(logged_in)
    await _close_applications(edition["id"])
    before = await _writes()

    response = await founder.upload(
        f"/startup/applications/{application_id}/edit",
        {"pitch_deck": NO_FILE},
        _form(edition, problem, action="submit", version="1", solution="Typed after the deadline."),
    )

    assert response.status_code == 409
    assert "Applications closed on" in response.text and "It can no longer be changed or submitted." in response.text
    # What was typed comes back, and the page offers no button that could not work.
    assert "Typed after the deadline." in response.text
    assert "Submit the application" not in response.text and "Save and continue later" not in response.text
    assert "Everything needed is there: you can submit." not in response.text
    assert "Save a draft at any time" not in response.text
    assert await _writes() == before
    application = await Application.select().where(Application.id == application_id).first()
    assert (application["status"], application["solution"]) == ("draft", TEXTS["solution"])


async def test_saving_a_draft_after_the_deadline_writes_nothing(logged_in) -> None:
    founder, edition, problem, application_id = await _founder_with_a_complete_draft(logged_in)
    await _close_applications(edition["id"])
    before = await _writes()

    response = await founder.upload(
        f"/startup/applications/{application_id}/edit", {"pitch_deck": NO_FILE}, _form(edition, problem, version="1")
    )

    assert response.status_code == 409
    assert await _writes() == before


async def test_a_new_application_after_the_deadline_is_refused_with_its_cause(logged_in) -> None:
    founder, edition, problem, _ = await _founder_with_a_complete_draft(logged_in)
    await _close_applications(edition["id"])

    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": NO_FILE}, _form(edition, problem, track="smart_city")
    )

    assert response.status_code == 409
    assert "Applications to Water Challenge closed on" in response.text
    assert "new applications are no longer taken" in response.text
    assert await Application.count() == 1


async def test_after_the_deadline_the_pages_say_what_closed_and_what_is_still_possible(logged_in) -> None:
    founder, edition, _, application_id = await _founder_with_a_complete_draft(logged_in)
    await _close_applications(edition["id"])

    edit = await founder.get(f"/startup/applications/{application_id}/edit")
    page = (await founder.get(f"/startup/applications/{application_id}")).text
    dashboard = (await founder.get("/startup")).text

    # The edit page is gone: its draft can no longer change.
    assert edit.status_code == 302 and edit.headers["location"] == f"/startup/applications/{application_id}"
    for text in (page, dashboard):
        assert "Applications closed on" in text
        assert "Still possible: reading your application and its status history" in text
        assert "Save a draft at any time" not in text
        assert "Everything needed is there: you can submit." not in text
        assert "Continue the draft" not in text and "Start an application" not in text
    assert "This draft was not submitted in time" in page
    assert "Submit the application" not in page and "Continue editing" not in page


async def test_before_the_deadline_the_pages_still_offer_everything(logged_in) -> None:
    founder, _, _, application_id = await _founder_with_a_complete_draft(logged_in)

    form = (await founder.get(f"/startup/applications/{application_id}/edit")).text
    page = (await founder.get(f"/startup/applications/{application_id}")).text

    assert "Applications close on" in form and "Save a draft at any time" in form
    assert "Everything needed is there: you can submit." in form and "Submit the application" in form
    assert "Everything needed is there: you can submit." in page and "Continue editing" in page


async def test_during_the_grace_minutes_the_pages_say_until_when(logged_in) -> None:
    founder, edition, _, application_id = await _founder_with_a_complete_draft(logged_in)
    await Edition.update({Edition.application_grace_minutes: 30}).where(Edition.id == edition["id"])
    await _close_applications(edition["id"], ago=timedelta(minutes=5))

    form = (await founder.get(f"/startup/applications/{application_id}/edit")).text
    submitted = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert "late submissions are still taken until" in form and "Submit the application" in form
    assert submitted.status_code == 302


async def test_every_deadline_on_the_startup_pages_names_its_time_zone(logged_in) -> None:
    founder, _, _, application_id = await _founder_with_a_complete_draft(logged_in)

    pages = [
        (await founder.get(url)).text
        for url in (
            "/startup",
            f"/startup/applications/{application_id}",
            f"/startup/applications/{application_id}/edit",
        )
    ]

    for text in pages:
        when = re.search(r"Applications close on ([^<]+?)\.\s", text)
        assert when is not None
        # Belgrade is CET in winter, CEST in summer (or its offset, +0100 / +0200, in Babel's long style).
        assert re.search(r"\bCES?T\b|\+0[12]00\b", when.group(1)), when.group(1)


async def test_the_dashboard_shows_each_edition_of_a_startup_on_its_own_card(logged_in) -> None:
    founder, current, _, _ = await _founder_with_a_complete_draft(logged_in)
    await Edition.update({Edition.year: 2026}).where(Edition.id == current["id"])
    last_year = await make_edition(name="Water Challenge", year=2025, slug="water-2025")
    await set_timeline(
        last_year["id"],
        problem_intake=datetime(2025, 1, 1, tzinfo=UTC),
        applications=datetime(2025, 2, 1, tzinfo=UTC),
        screening=datetime(2025, 3, 1, tzinfo=UTC),
    )
    startup_id = (await StartupMember.select(StartupMember.startup).first())["startup"]
    await StartupMember.insert(
        StartupMember(
            startup=startup_id,
            user=founder.user["id"],
            edition=last_year["id"],
            title="CEO",
            is_contact=True,
            key=f"{last_year['id']}:{founder.user['id']}",
        )
    )
    await Application.insert(
        Application(
            edition=last_year["id"],
            startup=startup_id,
            track="smart_rural",
            status="winner",
            active_key=f"{last_year['id']}:{startup_id}:smart_rural",
            solution="Last year's sensors",
        )
    )

    page = (await founder.get("/startup")).text

    cards = page.split("<article>")[1:]
    assert len(cards) == 2
    this_year = next(card for card in cards if "Water Challenge 2026" in card)
    before = next(card for card in cards if "Water Challenge 2025" in card)
    assert "Application to Water Challenge 2026 · Smart rural" in this_year and "draft" in this_year
    assert "winner" not in this_year
    assert "Application to Water Challenge 2025 · Smart rural" in before and "winner" in before
    assert "draft" not in before.replace("badge status-", "")
    # Each card counts the team of its own edition.
    assert "Team (1)" in this_year and "Team (1)" in before


async def test_the_timeline_keeps_its_seconds_and_the_grace_is_set_on_the_form(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)

    created = await organiser.post_form("/organiser/editions/new", {**EDITION_FORM, "application_grace_minutes": "15"})
    edition = await Edition.select().where(Edition.slug == "2027").first()
    form = (await organiser.get(f"/organiser/editions/{edition['id']}/edit")).text
    # The form sent back unchanged, as a browser does.
    found = re.findall(r'name="(starts_\w+|application_grace_minutes)" type="[\w-]+" value="([^"]*)"', form)
    values = {name: value for name, value in found if value}
    saved = await organiser.post_form(f"/organiser/editions/{edition['id']}/edit", {**EDITION_FORM, **values})

    assert created.status_code == 302 and saved.status_code == 302
    assert values == {
        "starts_problem_intake": "2027-02-01T09:00:30",
        "starts_applications": "2027-03-29T12:00:45",
        "application_grace_minutes": "15",
    }
    starts = await EditionPhase.select(EditionPhase.phase, EditionPhase.starts_at).order_by(EditionPhase.starts_at)
    assert [(s["phase"], s["starts_at"]) for s in starts] == [
        ("problem_intake", datetime(2027, 2, 1, 8, 0, 30, tzinfo=UTC)),
        ("applications", datetime(2027, 3, 29, 10, 0, 45, tzinfo=UTC)),
    ]
    assert (await Edition.select(Edition.application_grace_minutes).first())["application_grace_minutes"] == 15
    assert 'step="1"' in form


async def test_grace_minutes_out_of_range_are_refused_beside_the_field(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition(slug="2027")
    await set_timeline(edition["id"], problem_intake=datetime(2027, 2, 1, tzinfo=UTC))

    responses = [
        await organiser.post_form(
            f"/organiser/editions/{edition['id']}/edit", {**EDITION_FORM, "application_grace_minutes": value}
        )
        for value in ("2000", "-1", "soon")
    ]

    for response in responses:
        assert response.status_code == 422
        assert field_error(response.text, "application_grace_minutes") == (
            "Give a whole number of minutes from 0 to 1440 (a day)."
        )
    assert (await Edition.select(Edition.application_grace_minutes).first())["application_grace_minutes"] == 0


async def test_an_edition_copied_to_next_year_keeps_its_grace(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition(slug="2026")
    await set_timeline(edition["id"], problem_intake=datetime(2026, 2, 1, tzinfo=UTC))
    await Edition.update({Edition.application_grace_minutes: 20}).where(Edition.id == edition["id"])

    await organiser.post_form(f"/organiser/editions/{edition['id']}/copy")

    copied = await Edition.select().where(Edition.slug == "2027").first()
    assert copied["application_grace_minutes"] == 20
