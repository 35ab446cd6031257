"""The organisers' own questions in a real browser, by clicking only from "/".

An organiser (on a desktop, in English) adds a required choice question and a required number
question to the edition; a founder (on a 390 px phone, in Serbian Cyrillic), signed in through
the form, opens the startup's draft, finds both questions in their language, saves a number out
of range (kept, with the error beside it), fixes it and submits. axe-core checks the pages.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from challenge.forms import application_command
from challenge.services import applications, teams
from challenge.tables import Answer, Application
from core.auth import load_current_user
from core.enums import Role
from core.tables import StoredFile
from tests.browser.axe import AXE, BLOCKING, axe_violations, describe
from tests.browser.conftest import OpenContext
from tests.browser.journey import (
    DESKTOP,
    PHONE,
    Variant,
    action,
    check_fits,
    exactly,
    field,
    flash,
    header_link,
    main,
    sign_in,
    start,
    tr,
)
from tests.factories import (
    APPLICATION_CONTENT,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
)
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser

SECTOR = ("Main sector", "Главни сектор", "Water\nEnergy", "Вода\nЕнергија")
TEAM = ("How many people work in your team?", "Колико људи ради у вашем тиму?")


async def _accessible(page: Page) -> None:
    blocking = [v for v in await axe_violations(page) if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)


async def _founder_with_a_draft(edition: dict) -> tuple[str, int]:
    """A founder whose startup has a complete draft, bar the organisers' questions."""
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    user = await make_user(email="mila@agrosense.rs", name="Mila Kovač")
    founder = await load_current_user(user["id"])
    assert founder is not None
    await teams.create_startup(
        user=founder, edition_id=edition["id"], data={"name": "AgroSense", "country": "Serbia", "city": "Niš"}
    )
    founder = await load_current_user(user["id"])
    assert founder is not None
    deck = (
        await StoredFile.insert(
            StoredFile(
                key=uuid.uuid4().hex,
                original_name="deck.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0",
                owner=founder.id,
            )
        ).returning(StoredFile.id)
    )[0]["id"]
    saved = await applications.save_application(
        user=founder,
        edition_id=edition["id"],
        application=application_command(
            {**APPLICATION_CONTENT, "problems": [str(problem["id"])]}, pitch_deck_file_id=deck
        ),
    )
    return user["email"], saved.application_id


async def _add_question(page: Page, variant: Variant, kind: str, english: str, serbian: str, **more: str) -> None:
    await field(page, variant, "Kind of answer").select_option(label=tr(variant, kind))
    await field(page, variant, "Question in English").fill(english)
    await field(page, variant, "Question in Serbian (Cyrillic)").fill(serbian)
    await main(page).get_by_label(exactly(tr(variant, "An answer is required before submission"))).check()
    for label, value in more.items():
        await field(page, variant, label).fill(value)
    await action(main(page), variant, "Add the question").click()
    await expect(flash(page)).to_contain_text(tr(variant, "The question was added."))


async def organiser_adds_the_questions(page: Page, edition: dict) -> None:
    variant = DESKTOP
    organiser = await make_user(email="olga@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    await start(page, variant)
    await sign_in(page, variant, organiser["email"])
    await (await header_link(page, variant, "Organiser")).click()
    await main(page).get_by_role("link", name=exactly(tr(variant, "Editions, timelines and problem review"))).click()
    await main(page).get_by_role("link", name=exactly(tr(variant, "Application questions"))).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Application questions for %(edition)s", edition=edition["name"])
    )
    await _accessible(page)

    # Refused without the Serbian wording: the error is beside the field and the English is kept.
    await field(page, variant, "Question in English").fill(SECTOR[0])
    await action(main(page), variant, "Add the question").click()
    await expect(page.locator("#e-label_sr_Cyrl")).to_have_text(
        tr(variant, "Write the question in Serbian (in either script).")
    )
    await expect(field(page, variant, "Question in English")).to_have_value(SECTOR[0])

    await _add_question(
        page,
        variant,
        "one choice",
        SECTOR[0],
        SECTOR[1],
        **{
            "Choices in English, one per line": SECTOR[2],
            "Choices in Serbian (Cyrillic), in the same order": SECTOR[3],
        },
    )
    await _add_question(
        page,
        variant,
        "number",
        TEAM[0],
        TEAM[1],
        **{"Smallest allowed number": "1", "Largest allowed number": "500"},
    )
    await expect(main(page).locator("ol.question-list > li")).to_have_count(2)


async def founder_answers_on_a_phone(page: Page, email: str, application_id: int, url: str) -> None:
    variant = PHONE
    await start(page, variant)
    await sign_in(page, variant, email)
    await (await header_link(page, variant, "Startup")).click()
    await action(main(page), variant, "Continue the draft").click()
    await expect(page).to_have_url(f"{url}/startup/applications/{application_id}/edit")
    legend = main(page).get_by_role("group", name=exactly(SECTOR[1]))
    await expect(legend).to_be_visible()
    await check_fits(page, variant)

    # A number out of range is saved as typed; the error says the range and the input stays.
    number = main(page).get_by_label(exactly(TEAM[1]))
    await number.fill("900")
    await legend.get_by_label(exactly("Вода")).check()
    await action(main(page), variant, "Save and continue later").click()
    await expect(page).to_have_url(f"{url}/startup/applications/{application_id}/edit")
    warning = tr(variant, "Some answers are not valid yet; they are kept and marked below.")
    await expect(flash(page).filter(has_text=warning)).to_be_visible()
    error = main(page).locator(f"#e-{await number.get_attribute('name')}")
    await expect(error).to_have_text(tr(variant, "Give a number from %(min)s to %(max)s.", min="1", max="500"))
    await expect(number).to_have_value("900")
    await expect(legend.get_by_label(exactly("Вода"))).to_be_checked()
    await check_fits(page, variant)
    await _accessible(page)

    await number.fill("12")
    await action(main(page), variant, "Submit the application").click()
    await expect(page).to_have_url(f"{url}/startup/applications/{application_id}")
    await expect(flash(page)).to_contain_text(
        tr(variant, "Your application is submitted. We sent a confirmation by email.")
    )
    await expect(main(page)).to_contain_text(TEAM[1])
    await expect(main(page)).to_contain_text("Вода")
    await check_fits(page, variant)
    await _accessible(page)


async def test_an_organiser_asks_and_a_startup_answers_on_a_phone(
    open_context: OpenContext, live_server: ServerProcess
) -> None:
    edition = await make_edition_taking_applications(name="Smart Serbia Challenge")
    email, application_id = await _founder_with_a_draft(edition)

    organiser = await (await open_context(**DESKTOP.context_options)).new_page()
    await organiser.context.add_init_script(path=AXE)
    await organiser_adds_the_questions(organiser, edition)

    founder = await (await open_context(**PHONE.context_options)).new_page()
    await founder.context.add_init_script(path=AXE)
    await founder_answers_on_a_phone(founder, email, application_id, live_server.url)

    row = await Application.select(Application.status).where(Application.id == application_id).first()
    assert row["status"] == "submitted"
    answers = await Answer.select(Answer.number, Answer.tags).where(Answer.application == application_id)
    assert sorted(((a["number"], a["tags"]) for a in answers), key=lambda a: a[1]) == [(12.0, ""), (None, ",c1,")]
