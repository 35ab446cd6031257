"""A blind round in a real browser, by clicking only, on a desktop in English and on a 390 px phone
in Serbian Cyrillic: an organiser adds a round, makes it blind (also hiding "Why this team"),
gives it a rubric, opens it and assigns the judge; the judge signs in, opens the queue and the
score sheet, and finds the entry under its code: no startup name, no member, no website, in the
page or its title, and the hidden field is said to be hidden.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.enums import Role
from core.tables import Membership
from judging.queries import blind
from judging.tables import Round
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    action,
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
from tests.browser.mail_client import mail_titled
from tests.factories import make_edition, make_user
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

EDITION, SLUG = "Blind Challenge", "blind-2026"
ROUND = "Blind screening"
STARTUP, MEMBER, WEBSITE = "Quibblefrost Analytics", "Ottoline Vexworth", "https://quibblefrost.example"
SECRETS = ("Quibblefrost", "Ottoline", "Vexworth")


async def _the_team(edition_id: int) -> None:
    startup = (
        await Startup.insert(Startup(name=STARTUP, country="Serbia", city="Niš", website=WEBSITE)).returning(Startup.id)
    )[0]["id"]
    member = await make_user(name=MEMBER, email="ottoline@quibblefrost.example")
    await StartupMember.insert(
        StartupMember(startup=startup, user=member["id"], edition=edition_id, key=f"{edition_id}:{member['id']}")
    )
    await Application.insert(
        Application(
            edition=edition_id,
            startup=startup,
            track="smart_rural",
            status="submitted",
            solution=f"{STARTUP} weighs the waste of villages.",
            why_us=f"{MEMBER} built the scales.",
            active_key=f"{edition_id}:{startup}:smart_rural",
        )
    )


async def _make_a_blind_round(chair: Page, variant: Variant, url: str, email: str, *, feedback: bool = False) -> None:
    await start(chair, variant)
    await sign_in(chair, variant, email)
    await (await header_link(chair, variant, "Organiser")).click()
    await action(main(chair), variant, "Editions, timelines and problem review").click()
    row = main(chair).get_by_role("row").filter(has_text=EDITION)
    await row.get_by_role("link", name=exactly(tr(variant, "Judging"))).click()
    await field(chair, variant, "Name").fill(ROUND)
    await field(chair, variant, "Judges per application").fill("1")
    await field(chair, variant, "Judges see no team: a code instead of the startup's name").check()
    await field(chair, variant, "Why this team").check()
    if feedback:
        await field(chair, variant, "Their own scores per criterion").select_option(label=tr(variant, "the raw mean"))
        await field(chair, variant, "Share the judges' comments (except those a judge kept for the organisers)").check()
    await assert_fits(chair)
    await button(chair, variant, "Add the round").click()
    await expect(flash(chair)).to_have_text(tr(variant, "The round was created; give it a rubric."))
    await expect(chair.get_by_role("heading", level=1)).to_contain_text(tr(variant, "blind"))
    await chair.get_by_label(f"{tr(variant, 'Criterion')} 1", exact=True).fill("Impact")
    await chair.get_by_label(f"{tr(variant, 'Weight')} 1", exact=True).fill("1")
    await button(chair, variant, "Save the rubric").click()
    await button(chair, variant, "Open the round").click()
    await button(chair, variant, "Assign judges").click()
    await expect(flash(chair)).to_have_text(
        tr(variant, "%(count)s assignment made.", "%(count)s assignments made.", 1, count=1)
    )


async def test_an_organiser_makes_a_round_blind_and_its_judge_sees_no_name(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug=SLUG)
    await _the_team(edition["id"])
    judge = await make_user(
        name="Judith Judge", email="judith@judges.example", role=Role.JUDGE, edition_id=edition["id"]
    )
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    chair = await open_page()
    await _make_a_blind_round(chair, variant, url, organiser["email"])
    round_id = (await Round.select(Round.id).first())["id"]
    entry = tr(variant, "Entry %(code)s", code=next(iter((await blind.codes(round_id)).values())))

    page = await open_page()
    await start(page, variant)
    await sign_in(page, variant, judge["email"])
    await (await header_link(page, variant, "Judging")).click()
    await main(page).get_by_role("link", name=ROUND, exact=True).click()
    await expect(main(page)).to_contain_text(
        tr(variant, "This round is blind: entries are shown under a code, never under the team's name.")
    )
    await main(page).get_by_role("link", name=entry, exact=True).click()

    await expect(page).to_have_url(re.compile(rf"^{re.escape(url)}/judge/assignments/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(entry)
    await expect(main(page)).to_contain_text(f"{tr(variant, '[hidden]')} weighs the waste of villages.")
    await expect(main(page)).to_contain_text(tr(variant, "Hidden in this blind round."))
    await assert_fits(page)
    content, title = await page.content(), await page.title()
    assert [s for s in SECRETS if s.casefold() in (content + title).casefold()] == []


async def _a_team_with_its_founder(edition_id: int) -> dict:
    """The blind round's team, its member signed up with the startup's role so she reads its pages."""
    await _the_team(edition_id)
    startup = (await Startup.select(Startup.id).where(Startup.name == STARTUP).first())["id"]
    member = await StartupMember.select(StartupMember.user).where(StartupMember.startup == startup).first()
    await Membership.insert(
        Membership(user=member["user"], role=Role.STARTUP, edition_id=edition_id, organisation_id=startup)
    )
    return {"email": "ottoline@quibblefrost.example"}


async def _score_blind_with_a_comment(page: Page, variant: Variant, email: str, round_id: int) -> None:
    entry = tr(variant, "Entry %(code)s", code=next(iter((await blind.codes(round_id)).values())))
    await start(page, variant)
    await sign_in(page, variant, email)
    await (await header_link(page, variant, "Judging")).click()
    await main(page).get_by_role("link", name=ROUND, exact=True).click()
    await main(page).get_by_role("link", name=entry, exact=True).click()
    sheet = main(page)
    await sheet.get_by_label(tr(variant, "Score from %(low)s to %(high)s", low=1, high=10)).fill("8")
    await sheet.get_by_label(tr(variant, "Comment")).fill(COMMENT)
    # Shared: the round gives teams the judges' comments, and this one is not kept back.
    await expect(sheet.get_by_role("checkbox", name=tr(variant, "For organisers only"))).not_to_be_checked()
    await button(page, variant, "Submit scores").click()
    await expect(flash(page)).to_have_text(tr(variant, "Your scores are submitted."))


async def _close_and_publish(chair: Page, variant: Variant) -> None:
    await chair.reload()
    chair.once("dialog", lambda dialog: dialog.accept())
    await button(chair, variant, "Close the round").click()
    await expect(flash(chair)).to_have_text(
        tr(variant, "The round is closed: scores are final and the ranking is ready.")
    )
    # The round's default: the top ten advance, here the one entry there is.
    advance = tr(variant, "Advance the top %(num)s application", "Advance the top %(num)s applications", 10)
    await main(chair).get_by_role("button", name=exactly(advance)).click()
    chair.once("dialog", lambda dialog: dialog.accept())
    await button(chair, variant, "Publish and notify").click()
    await expect(chair.get_by_role("heading", level=1)).to_contain_text(tr(variant, "published"))
    await assert_fits(chair)


COMMENT = "The scales need a pilot in winter."


async def test_a_blind_round_s_team_reads_its_judges_feedback_once_the_results_are_out(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess, mailbox: Mailbox
) -> None:
    edition = await make_edition(name=EDITION, year=2026, slug=SLUG)
    founder = await _a_team_with_its_founder(edition["id"])
    judge = await make_user(
        name="Judith Judge", email="judith@judges.example", role=Role.JUDGE, edition_id=edition["id"]
    )
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    chair = await open_page()
    await _make_a_blind_round(chair, variant, live_server.url, organiser["email"], feedback=True)
    round_id = (await Round.select(Round.id).first())["id"]
    judge_page = await open_page()
    await _score_blind_with_a_comment(judge_page, variant, judge["email"], round_id)
    await _close_and_publish(chair, variant)

    team = await open_page()
    await start(team, variant)
    await sign_in(team, variant, founder["email"])
    await (await header_link(team, variant, "Startup")).click()
    application = tr(variant, "Application to %(edition)s", edition=f"{EDITION} 2026")
    await main(team).get_by_role("link", name=application).click()
    feedback = team.locator("#feedback")
    await expect(feedback.get_by_role("heading", name=tr(variant, "Judges' feedback"))).to_be_visible()
    await expect(feedback.get_by_role("heading", name=ROUND)).to_be_visible()
    await expect(feedback.get_by_role("heading", name=tr(variant, "Judge %(letter)s", letter="A"))).to_be_visible()
    await expect(feedback).to_contain_text(COMMENT)
    await assert_fits(team)
    shown = await main(team).inner_text()
    assert ("Judith" in shown, "judges.example" in shown) == (False, False)

    # The results mail carries the same feedback, the judge unnamed there too.
    mail = await mail_titled(mailbox, founder["email"], tr(variant, "Judges' feedback: %(round)s", round=ROUND))
    body = body_of(mail)
    assert (COMMENT in body, "Judith" in body) == (True, False)
