"""An organiser screens the applications and changes several statuses at once, from the home page.

The organiser narrows the list to one problem, first asks for the change with nothing chosen
(the errors stay on the list, the typed message kept), then picks every application on the page,
reads the confirmation (how many, which teams, who is mailed) and confirms; the teams get the mail.
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from playwright.async_api import Locator, Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.enums import Role
from core.tables import User
from tests.browser.conftest import OpenPage
from tests.browser.journey import Variant, assert_fits, exactly, header_link, main, sign_in, start, tr
from tests.factories import make_user
from tests.fixtures import Mailbox, ServerProcess, body_of
from tests.integration.challenge.test_screening import _world

pytestmark = pytest.mark.browser

MESSAGE = "Congratulations: you are on the shortlist. Mentoring starts next week."


async def told(mailbox: Mailbox, address: str, *, timeout: float = 30.0) -> None:
    """Wait until `address` has the organiser's message (the outbox is sent every second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(MESSAGE in body_of(m) for m in mailbox.to(address)):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{address} was not told within {timeout} s: {[m['Subject'] for m in mailbox.to(address)]}")


async def team_addresses(application_id: int) -> list[str]:
    startup = await Application.select(Application.startup).where(Application.id == application_id).first()
    members = await StartupMember.select(StartupMember.user).where(StartupMember.startup == startup["startup"])
    rows = await User.select(User.email).where(User.id.is_in([m["user"] for m in members]))
    return sorted(row["email"] for row in rows)


async def _ask_with_nothing_chosen(page: Page, variant: Variant, edition: dict, rows: Locator) -> None:
    """Asking with nothing chosen: the errors are on the list itself, and the message is kept."""
    message = main(page).get_by_label(exactly(tr(variant, "Message to the teams")))
    await message.fill(MESSAGE)
    await main(page).get_by_role("button", name=exactly(tr(variant, "Review the change"))).click()
    await expect(main(page).get_by_text(tr(variant, "Choose the new status."))).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Applications to %(edition)s", edition=edition["name"])
    )
    await expect(message).to_have_value(MESSAGE)
    await expect(rows).to_have_count(2)  # the filter held
    assert await Application.count().where(Application.status == "shortlisted") == 0


async def _review_shortlisting_the_page(page: Page, variant: Variant) -> None:
    """Every application on this page, to "shortlisted": a confirmation names them first."""
    await (
        main(page)
        .get_by_label(tr(variant, "The %(num)s application on this page", "All %(num)s applications on this page", 2))
        .check()
    )
    await main(page).get_by_label(re.compile(rf"^{re.escape(tr(variant, 'New status'))}")).select_option("shortlisted")
    await main(page).get_by_role("button", name=exactly(tr(variant, "Review the change"))).click()

    shortlisted = tr(variant, "shortlisted")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(
            variant,
            "Change %(num)s application to %(status)s?",
            "Change %(num)s applications to %(status)s?",
            2,
            status=shortlisted,
        )
    )
    await expect(main(page)).to_contain_text("AgroSense")
    await expect(main(page)).to_contain_text("=LeakTech")
    await expect(main(page)).not_to_contain_text("FlowCity")
    await expect(main(page).locator("blockquote")).to_have_text(MESSAGE)
    await assert_fits(page)
    assert await Application.count().where(Application.status == "shortlisted") == 0  # nothing yet


async def test_the_organiser_shortlists_the_applications_to_one_problem(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess, mailbox: Mailbox
) -> None:
    url = live_server.url
    edition, _rural, _urban, ids = await _world()
    organiser = await make_user(email="olga@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    page = await open_page()
    await start(page, variant)
    await sign_in(page, variant, organiser["email"])
    await (await header_link(page, variant, "Organiser")).click()
    await main(page).get_by_role("link", name=exactly(tr(variant, "Editions, timelines and problem review"))).click()
    await main(page).get_by_role("link", name=exactly(tr(variant, "Applications"))).click()

    base = f"{url}/organiser/editions/{edition['id']}/applications/"
    await expect(page).to_have_url(base)
    await expect(main(page)).to_contain_text(tr(variant, "%(num)s application", "%(num)s applications", 3))
    await assert_fits(page)

    # -- Only the applications to the water problem (two of three).
    await main(page).get_by_label(exactly(tr(variant, "Problem"))).fill("Water losses")
    await main(page).get_by_role("button", name=exactly(tr(variant, "Filter"))).click()
    await expect(main(page)).to_contain_text(tr(variant, "%(num)s application", "%(num)s applications", 2))
    rows = main(page).locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(main(page).get_by_role("link", name="FlowCity")).to_have_count(0)

    await _ask_with_nothing_chosen(page, variant, edition, rows)
    await _review_shortlisting_the_page(page, variant)

    confirm = tr(
        variant,
        "Confirm: change %(num)s application and mail the team",
        "Confirm: change %(num)s applications and mail the teams",
        2,
    )
    await main(page).get_by_role("button", name=exactly(confirm)).click()
    await expect(page).to_have_url(re.compile(rf"^{re.escape(base)}\?"))
    shortlisted = tr(variant, "shortlisted")
    await expect(page.get_by_role("status").first).to_have_text(
        tr(
            variant,
            "%(n)s application moved to: %(status)s.",
            "%(n)s applications moved to: %(status)s.",
            2,
            n=2,
            status=shortlisted,
        )
    )
    await expect(rows).to_have_count(2)
    await expect(main(page).locator("tbody .badge.status-shortlisted")).to_have_count(2)
    await assert_fits(page)

    statuses = {row["id"]: row["status"] for row in await Application.select(Application.id, Application.status)}
    assert statuses == {ids["agro"]: "shortlisted", ids["leak"]: "shortlisted", ids["flow"]: "submitted"}
    for application in ("agro", "leak"):
        for address in await team_addresses(ids[application]):
            await told(mailbox, address)
    assert not [m for m in mailbox.messages if m["To"] in await team_addresses(ids["flow"]) and MESSAGE in body_of(m)]
    assert await Startup.count() == 3
