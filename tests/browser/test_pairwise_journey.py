"""A pairwise final in a real browser, as first-time users walk it: from the home page, by clicking.

The organiser adds a pairwise round (k = 2 comparisons before a rank) and opens it: no rubric is
asked for, no judges are assigned. A judge compares pairs, in two tabs: the stale tab's answer
is refused with the pair now in front of the judge, and the judge answers "I can't tell" there.
The organiser then releases the live ranking to the room's projector page.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from core.enums import Role
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    assert_fits,
    button,
    exactly,
    field,
    flash,
    header_link,
    main,
    sign_in,
    start,
    tr,
)
from tests.browser.test_judging_journey import EDITION, FINALISTS, in_the_round, link
from tests.factories import make_edition, make_user
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser

ROUND = "Final"
JUDGE = ("Ana Petrović", "ana@etf.rs")


async def add_and_open_the_final(chair: Page, variant: Variant, email: str) -> str:
    await start(chair, variant)
    await sign_in(chair, variant, email)
    await (await header_link(chair, variant, "Organiser")).click()
    await link(chair, variant, "Editions, timelines and problem review").click()
    await (
        main(chair)
        .get_by_role("row")
        .filter(has_text=EDITION)
        .get_by_role("link", name=exactly(tr(variant, "Judging")))
        .click()
    )
    await field(chair, variant, "Name").fill(ROUND)
    await field(chair, variant, "Method").select_option("pairwise")
    await field(chair, variant, "Comparisons before a project is ranked (pairwise rounds)").fill("2")
    await button(chair, variant, "Add the round").click()

    await expect(flash(chair)).to_have_text(
        tr(variant, "The round was created; open it when the judges are ready to compare.")
    )
    await expect(main(chair)).to_contain_text(
        tr(variant, "A pairwise round has no rubric: judges compare two projects at a time.")
    )
    await button(chair, variant, "Open the round").click()
    await expect(button(chair, variant, "Assign judges")).to_have_count(0)
    await expect(main(chair)).to_contain_text(tr(variant, "No judge has answered yet."))
    return chair.url


async def headings(page: Page) -> list[str]:
    return [t.strip() for t in await main(page).locator("article h2").all_inner_texts()]


async def the_judge_compares_in_two_tabs(judge: Page, variant: Variant, url: str) -> None:
    await start(judge, variant)
    await sign_in(judge, variant, JUDGE[1])
    await (await header_link(judge, variant, "Judging")).click()
    await main(judge).get_by_role("link", name=exactly(ROUND)).click()
    await expect(judge).to_have_url(re.compile(r"/judge/rounds/\d+/pairwise$"))
    [first] = await headings(judge)
    await button(judge, variant, "Done, show me the next project").click()

    await expect(main(judge)).to_contain_text(tr(variant, "Which of the two was better?"))
    before, now = await headings(judge)
    assert before == first
    await assert_fits(judge)
    # A second tab on the same pair: it goes stale once the first one answers.
    stale = await judge.context.new_page()
    await stale.goto(judge.url)
    await button(judge, variant, "“Now” was better").click()
    await expect(main(judge).locator("article h2").first).to_have_text(now)
    upcoming = await headings(judge)

    await button(stale, variant, "“Before” was better").click()

    await expect(main(stale)).to_contain_text(
        tr(
            variant,
            "This answer was for a pair that is no longer in front of you (another tab or window moved on). "
            "Nothing was recorded; here is the pair to compare now.",
        )
    )
    assert await headings(stale) == upcoming
    await button(stale, variant, "I can't tell").click()
    await expect(main(stale)).to_contain_text(tr(variant, "Which of the two was better?"))
    after = await headings(stale)
    assert after[0] == upcoming[1] and after[1] != upcoming[0]
    await stale.close()


async def the_organiser_releases_the_projector(chair: Page, variant: Variant, round_url: str) -> None:
    await chair.goto(round_url)
    await expect(main(chair)).to_contain_text(tr(variant, "Comparisons per judge"))
    await expect(main(chair).get_by_role("row").filter(has_text=JUDGE[0])).to_contain_text("1")
    await main(chair).get_by_role("link", name=exactly(tr(variant, "Open the projector page"))).click()
    await expect(main(chair)).to_contain_text(
        tr(variant, "The ranking is not released yet. It appears here when the organisers release it.")
    )
    await chair.go_back()
    await button(chair, variant, "Release to the projector").click()
    await expect(flash(chair)).to_have_text(tr(variant, "The projector page shows the live ranking now."))
    await main(chair).get_by_role("link", name=exactly(tr(variant, "Open the projector page"))).click()

    await expect(main(chair)).to_contain_text(
        tr(variant, "Live ranking from %(num)s vote.", "Live ranking from %(num)s votes.", 1)
    )
    await expect(main(chair).locator(".projector-ranking li")).to_have_count(3)
    await expect(main(chair)).to_contain_text(tr(variant, "not enough comparisons yet: %(m)s of %(k)s", m=1, k=2))
    # The room's screen carries no site navigation; the organiser has a quiet way back to the round.
    await expect(chair.locator("header.site-header")).to_have_count(0)
    await expect(chair.get_by_role("navigation")).to_have_count(0)
    await assert_fits(chair)
    await chair.get_by_role("link", name=exactly(tr(variant, "Back to the round"))).click()
    await expect(main(chair).get_by_role("link", name=exactly(tr(variant, "Open the projector page")))).to_be_visible()


async def test_a_pairwise_final_with_a_stale_tab_cant_tell_and_the_projector(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    edition = await make_edition(name=EDITION, year=2026, slug="smart-serbia-2026")
    for finalist in FINALISTS.values():
        await in_the_round(edition["id"], finalist)
    await make_user(name=JUDGE[0], email=JUDGE[1], role=Role.JUDGE, edition_id=edition["id"])
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    chair = await open_page()
    round_url = await add_and_open_the_final(chair, variant, organiser["email"])
    judge = await open_page()
    await the_judge_compares_in_two_tabs(judge, variant, live_server.url)
    await the_organiser_releases_the_projector(chair, variant, round_url)
