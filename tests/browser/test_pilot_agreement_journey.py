"""A pilot's agreement from the winner to every side's signature, by clicking from "/": the
organiser opens the pilot from the edition's page and signs, the municipality's staff follow
their home page's next step and sign, the founder finds the pilot among theirs and signs last;
the agreement is then in force. The form and the overview have no serious accessibility
finding. On a desktop in English and on a 390 px phone in Serbian Cyrillic.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from pilots.tables import Pilot
from tests.browser.axe import AXE, BLOCKING, axe_violations, describe
from tests.browser.journey import (
    Variant,
    button,
    check_fits,
    field,
    flash,
    header_link,
    link,
    main,
    sign_in,
    sign_out,
    start,
    tr,
)
from tests.integration.pilots.world import make_winner

pytestmark = pytest.mark.browser
TITLE = "AgroSense: Water for small farms"


async def _accessible(page: Page) -> None:
    blocking = [v for v in await axe_violations(page) if v["impact"] in BLOCKING]
    assert blocking == [], describe(blocking)


async def _sign(page: Page, variant: Variant, side: str) -> None:
    await button(page, variant, "Sign version %(number)s for %(side)s", number=1, side=tr(variant, side)).click()
    await expect(flash(page)).to_be_visible()


async def test_an_organiser_opens_a_pilot_from_a_winner_and_all_three_sides_sign(open_page, variant: Variant) -> None:
    world = await make_winner()
    page = await open_page()
    await page.context.add_init_script(path=AXE)

    # The organiser: Organiser -> Editions -> Pilots -> open the pilot, then sign for the organisers.
    await start(page, variant)
    await sign_in(page, variant, world.organiser["email"])
    await (await header_link(page, variant, "Organiser")).click()
    await link(page, variant, "Editions, timelines and problem review").click()
    await link(page, variant, "Pilots").click()
    await field(page, variant, "Application and problem").select_option(f"{world.application_id}:{world.problem['id']}")
    await field(page, variant, "Scope: what the pilot will do").fill("Soil sensors on twenty farms.")
    await field(page, variant, "Places in the municipality").fill("Kušići\nIvanjica centre")
    await field(page, variant, "Starts on").fill("2026-09-01")
    await field(page, variant, "Ends on").fill("2027-03-01")
    await field(page, variant, "Budget in euros").fill("12000")
    await field(page, variant, "Funded by").fill("Municipality of Ivanjica")
    await field(page, variant, "Data-sharing terms").fill("The farms own their readings.")
    await check_fits(page, variant)
    await _accessible(page)
    await button(page, variant, "Open the pilot").click()
    await expect(main(page).get_by_role("heading", level=1)).to_have_text(TITLE)
    await _accessible(page)
    await _sign(page, variant, "the organisers")
    await check_fits(page, variant)
    await sign_out(page, variant)

    # The municipality's staff: Municipality -> the next step -> sign for the municipality.
    await sign_in(page, variant, world.staff["email"])
    await (await header_link(page, variant, "Municipality")).click()
    step = tr(variant, "Sign version %(number)s of the agreement of the pilot “%(pilot)s”", number=1, pilot=TITLE)
    await main(page).get_by_role("link", name=step).click()
    await _sign(page, variant, "the municipality")
    await sign_out(page, variant)

    # The founder: Startup -> Your pilots -> the pilot -> sign for the startup; the agreement is in force.
    await sign_in(page, variant, world.founder["email"])
    await (await header_link(page, variant, "Startup")).click()
    await link(page, variant, "Your pilots").click()
    await main(page).get_by_role("link", name=TITLE).click()
    await _sign(page, variant, "the startup")
    await expect(
        main(page).get_by_text(tr(variant, "Version %(number)s, signed by every side.", number=1))
    ).to_be_visible()
    await check_fits(page, variant)

    pilot = await Pilot.select(Pilot.status, Pilot.version_in_force).first()
    assert pilot == {"status": "agreed", "version_in_force": 1}
