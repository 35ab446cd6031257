"""The next steps lead the way: a founder and a judge sign in from "/", open their home page from
the header and reach their task by clicking its line in the checklist, on a desktop in English and
on a 390 px phone in Serbian Cyrillic.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import expect

from challenge.tables import Application, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.i18n import format_datetime, set_locale
from judging.tables import JudgeAssignment, Round
from tests.browser.journey import Variant, assert_fits, header_link, sign_in, start, tr
from tests.factories import make_edition, make_startup, make_user, set_timeline

pytestmark = pytest.mark.browser
ZONE = "Europe/Belgrade"


async def _edition(closes_in: timedelta) -> dict:
    edition = await make_edition(name="Smart Serbia Challenge 2026")
    now = utc_now().replace(second=0, microsecond=0)
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=1),
        screening=now + closes_in,
    )
    return edition


async def _draft(edition: dict, email: str) -> int:
    startup = await make_startup(name="ParkPulse")
    user = await make_user(email=email, role=Role.STARTUP, edition_id=edition["id"], organisation_id=startup["id"])
    await StartupMember.insert(
        StartupMember(
            startup=startup["id"],
            user=user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{user['id']}",
            is_contact=True,
        )
    )
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup["id"],
                track="smart_city",
                solution="Sensors.",
                active_key=f"{edition['id']}:{startup['id']}:smart_city",
            )
        ).returning(Application.id)
    )[0]["id"]


def _when(moment, variant: Variant) -> str:
    set_locale(variant.locale)
    try:
        return format_datetime(moment, ZONE)
    finally:
        set_locale("en")


async def test_a_founder_goes_from_the_checklist_to_the_missing_deck(open_page, variant: Variant) -> None:
    edition = await _edition(timedelta(hours=30))
    application_id = await _draft(edition, "luka@parkpulse.rs")
    page = await open_page()

    await start(page, variant)
    await sign_in(page, variant, "luka@parkpulse.rs")
    await (await header_link(page, variant, "Startup")).click()
    checklist = page.locator("section.next-steps")
    await expect(checklist.get_by_role("heading", name=tr(variant, "Next steps"))).to_be_visible()
    await expect(checklist.locator("li.step-soon")).to_have_count(2)
    if variant.is_phone:
        await assert_fits(page)
    await checklist.get_by_role("link", name=tr(variant, "Your application has no pitch deck.")).click()

    await expect(page).to_have_url(f"{page.url.split('/startup')[0]}/startup/applications/{application_id}/edit")


async def test_a_judge_goes_from_the_checklist_to_the_sheets_to_score(open_page, variant: Variant) -> None:
    edition = await _edition(timedelta(days=10))
    application_id = await _draft(edition, "luka@parkpulse.rs")
    judge = await make_user(email="zoran@judges.rs", role=Role.JUDGE, edition_id=edition["id"])
    closes = utc_now().replace(second=0, microsecond=0) + timedelta(days=4)
    round_id = (
        await Round.insert(
            Round(edition=edition["id"], name="Screening", status="open", opens_at=utc_now(), closes_at=closes)
        ).returning(Round.id)
    )[0]["id"]
    await JudgeAssignment.insert(
        JudgeAssignment(round=round_id, judge=judge["id"], application=application_id, key=f"{round_id}:{judge['id']}")
    )
    page = await open_page()

    await start(page, variant)
    await sign_in(page, variant, "zoran@judges.rs")
    await (await header_link(page, variant, "Judging")).click()
    checklist = page.locator("section.next-steps")
    singular, plural = (
        "%(num)s sheet to score in %(round)s by %(when)s.",
        "%(num)s sheets to score in %(round)s by %(when)s.",
    )
    text = tr(variant, singular, plural, 1, round="Screening", when=_when(closes, variant))
    # The judging page must have replaced the one the header link was clicked on before it is
    # measured; on a busy machine the measurement once ran mid-navigation, with no body yet.
    await expect(checklist.get_by_role("link", name=text)).to_be_visible()
    if variant.is_phone:
        await assert_fits(page)
    await checklist.get_by_role("link", name=text).click()

    await expect(page).to_have_url(f"{page.url.split('/judge')[0]}/judge/rounds/{round_id}")
