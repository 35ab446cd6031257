"""A problem's whole intake in a real browser, from the home page and by clicking only: drafted and
submitted by a municipality, sent back and published by an organiser, found in the public
catalogue, endorsed once and commented on by a resident; and, while no intake is open, the
municipality is told so before any form.

Run once on a desktop in English and once on a 390 px phone in Serbian Cyrillic (`variant`).
Three people, three browser contexts (no shared cookies); every step is done through the pages
they see: fields by their labels, buttons and links by their names, in the variant's language.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Locator, Page, expect

from challenge.enums import SettlementKind
from challenge.tables import Edition, Municipality
from core.clock import utc_now
from core.enums import Role
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    action,
    check_fits,
    exactly,
    field,
    flash,
    header_link,
    place,
    sign_in,
    start,
    status_badge,
    tr,
)
from tests.factories import (
    PASSWORD,
    make_edition,
    make_municipality,
    make_open_edition,
    make_problem,
    make_user,
    set_timeline,
)
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser

EDITION = "Smart Villages Challenge"
TITLE = "Snow cuts off the mountain villages every winter"
URBAN_TITLE = "Buses stuck at traffic lights in the city centre"
COMMENT = "Please say how many households lose road access and for how many days a year."
RESIDENT_COMMENT = "Our road to Kušići was closed for nine days last January."
TRIED = "Two graders on call from the public utility; they reach the upper villages last."
TRIED_MORE = " In 2025 we also asked villagers to report blocked roads by phone."


async def fill_sign_in_form(page: Page, variant: Variant, email: str) -> None:
    """The sign-in form the browser is on (reached from a "sign in to ..." link, which comes back)."""
    await field(page, variant, "Email address").fill(email)
    await field(page, variant, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name=exactly(tr(variant, "Sign in"))).click()


async def draft_the_problem(
    municipality: Page, variant: Variant, url: str, edition_id: int, municipality_id: int, email: str
) -> int:
    """The new problem's id."""
    # -- The municipality drafts the problem: a title is enough for a draft.
    await start(municipality, variant)
    await sign_in(municipality, variant, email)
    await (await header_link(municipality, variant, "Municipality")).click()
    await expect(municipality).to_have_url(f"{url}/municipality")
    await expect(municipality.get_by_role("heading", name=place(variant, "Ivanjica"))).to_be_visible()
    await check_fits(municipality, variant)
    await action(municipality, variant, "Describe a new problem for %(edition)s", edition=f"{EDITION} 2026").click()

    await expect(municipality.get_by_role("heading", level=1)).to_have_text(tr(variant, "Describe a local problem"))
    await expect(field(municipality, variant, "Edition")).to_have_value(str(edition_id))
    await expect(field(municipality, variant, "Municipality")).to_have_value(str(municipality_id))
    await field(municipality, variant, "Written in").select_option(label=tr(variant, "English"))
    await field(municipality, variant, "Title").fill(TITLE)
    await check_fits(municipality, variant)
    await action(municipality.get_by_role("main"), variant, "Save draft").click()

    await expect(municipality).to_have_url(re.compile(rf"^{re.escape(url)}/municipality/problems/\d+$"))
    problem_id = int(municipality.url.rsplit("/", 1)[1])
    await expect(flash(municipality)).to_have_text(tr(variant, "The draft was saved."))
    await expect(municipality.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(status_badge(municipality)).to_have_text(tr(variant, "draft"))
    return problem_id


async def complete_and_submit(municipality: Page, variant: Variant, url: str, problem_id: int, email: str) -> None:
    # -- ... completes it and submits it to the organisers.
    await action(municipality, variant, "Edit and submit").click()
    await expect(municipality.get_by_role("heading", level=1)).to_have_text(tr(variant, "Edit the problem"))
    await expect(field(municipality, variant, "Title")).to_have_value(TITLE)
    await field(municipality, variant, "Track").select_option(label=tr(variant, "Smart rural"))
    await field(municipality, variant, "Summary").fill("Heavy snow closes the roads to 23 villages for days at a time.")
    await field(municipality, variant, "Context").fill("Narrow mountain roads above 1,000 m; snow is cleared by hand.")
    await field(municipality, variant, "Who is affected").fill("Elderly villagers, school children, the rural clinic")
    await field(municipality, variant, "How many people are affected").fill("1850")
    await field(municipality, variant, "What has been tried").fill(TRIED)
    await field(municipality, variant, "Data available").fill(
        "Road closure log since 2018, snow depth from two stations."
    )
    goals = municipality.get_by_role("main").get_by_role(
        "group", name=exactly(tr(variant, "Sustainable Development Goals"))
    )
    await goals.get_by_role("checkbox", name=f"9. {tr(variant, 'Industry, innovation and infrastructure')}").check()
    await goals.get_by_role("checkbox", name=f"13. {tr(variant, 'Climate action')}").check()
    await field(municipality, variant, "Budget for a pilot").select_option(label=tr(variant, "€10,000 to €50,000"))
    await field(municipality, variant, "Procurement path").select_option(label=tr(variant, "pilot project"))
    await field(municipality, variant, "Pilot location").fill("Kušići and Bratljevo")
    await field(municipality, variant, "Contact person").fill("Jelena Marković")
    await field(municipality, variant, "Contact email").fill(email)
    await action(municipality.get_by_role("main"), variant, "Submit to the organisers").click()

    await expect(municipality).to_have_url(f"{url}/municipality/problems/{problem_id}")
    await expect(flash(municipality)).to_have_text(tr(variant, "The problem was submitted to the organisers."))
    await expect(status_badge(municipality)).to_have_text(tr(variant, "submitted"))
    await expect(action(municipality, variant, "Edit and submit")).to_have_count(0)


async def ask_for_changes(
    reviewer: Page, variant: Variant, url: str, edition_id: int, problem_id: int, email: str
) -> None:
    # -- The organiser finds it in the edition's review queue and asks for changes.
    await start(reviewer, variant)
    await sign_in(reviewer, variant, email)
    await (await header_link(reviewer, variant, "Organiser")).click()
    await action(reviewer.get_by_role("main"), variant, "Editions, timelines and problem review").click()
    await (
        reviewer.get_by_role("row")
        .filter(has_text=EDITION)
        .get_by_role("link", name=exactly(tr(variant, "Review")))
        .click()
    )
    await expect(reviewer).to_have_url(f"{url}/organiser/editions/{edition_id}/problems")
    queued = reviewer.get_by_role("row").filter(has_text=TITLE)
    await expect(queued).to_contain_text(f"{place(variant, 'Ivanjica')} ({tr(variant, 'rural')})")
    await expect(queued).to_contain_text(tr(variant, "submitted"))
    await queued.get_by_role("link", name=TITLE).click()

    await expect(reviewer).to_have_url(f"{url}/organiser/problems/{problem_id}")
    await expect(status_badge(reviewer)).to_have_text(tr(variant, "submitted"))
    await field(reviewer, variant, "Comment for the municipality (required when asking for changes)").fill(COMMENT)
    await action(reviewer.get_by_role("main"), variant, "Request changes").click()

    await expect(flash(reviewer)).to_have_text(tr(variant, "The decision was recorded and the municipality informed."))
    await expect(status_badge(reviewer)).to_have_text(tr(variant, "changes requested"))


async def edit_and_submit_again(municipality: Page, variant: Variant) -> None:
    # -- The municipality sees the comment, edits and submits again.
    await municipality.reload()
    await expect(status_badge(municipality)).to_have_text(tr(variant, "changes requested"))
    await expect(municipality.get_by_role("blockquote")).to_have_text(COMMENT)
    await action(municipality, variant, "Edit and submit").click()
    await expect(municipality.get_by_role("main")).to_contain_text(tr(variant, "The organisers asked for changes:"))
    await expect(field(municipality, variant, "What has been tried")).to_have_value(TRIED)
    await field(municipality, variant, "What has been tried").fill(TRIED + TRIED_MORE)
    await action(municipality.get_by_role("main"), variant, "Submit to the organisers").click()

    await expect(flash(municipality)).to_have_text(tr(variant, "The problem was submitted to the organisers."))
    await expect(status_badge(municipality)).to_have_text(tr(variant, "submitted"))
    await expect(municipality.get_by_role("main")).to_contain_text(TRIED + TRIED_MORE)


async def publish(reviewer: Page, municipality: Page, variant: Variant) -> None:
    # -- The organiser publishes it.
    await reviewer.reload()
    await expect(status_badge(reviewer)).to_have_text(tr(variant, "submitted"))
    await expect(reviewer.get_by_role("main")).to_contain_text(TRIED + TRIED_MORE)
    await action(reviewer.get_by_role("main"), variant, "Publish").click()

    await expect(flash(reviewer)).to_have_text(tr(variant, "The decision was recorded and the municipality informed."))
    await expect(status_badge(reviewer)).to_have_text(tr(variant, "published"))
    await municipality.reload()
    await expect(status_badge(municipality)).to_have_text(tr(variant, "published"))


def results(page: Page, variant: Variant) -> Locator:
    """The catalogue's list of problems."""
    return page.get_by_role("region", name=tr(variant, "Results"))


async def filter_the_catalogue(visitor: Page, variant: Variant) -> None:
    # -- Anyone finds it in the catalogue; the filters narrow the list.
    await start(visitor, variant)
    await (await header_link(visitor, variant, "Problems")).click()
    await expect(results(visitor, variant).get_by_role("link", name=TITLE)).to_be_visible()
    await expect(results(visitor, variant).get_by_role("link", name=URBAN_TITLE)).to_be_visible()
    await check_fits(visitor, variant)

    await field(visitor, variant, "Settlement").select_option(label=tr(variant, "rural"))
    await action(visitor.get_by_role("main"), variant, "Show problems").click()
    await expect(visitor).to_have_url(re.compile(r"[?&]kind=rural(&|$)"))
    await expect(field(visitor, variant, "Settlement")).to_have_value("rural")
    await expect(results(visitor, variant).get_by_role("article")).to_have_count(1)
    card = results(visitor, variant).get_by_role("article").filter(has=visitor.get_by_role("link", name=TITLE))
    await expect(card).to_contain_text(place(variant, "Ivanjica · Moravica"))
    await expect(card).to_contain_text(tr(variant, "Smart rural"))
    await expect(results(visitor, variant).get_by_role("link", name=URBAN_TITLE)).to_have_count(0)

    await action(visitor.get_by_role("main"), variant, "Clear the filters").click()
    await expect(results(visitor, variant).get_by_role("article")).to_have_count(2)
    await field(visitor, variant, "Sustainable Development Goal").select_option(
        label=f"13. {tr(variant, 'Climate action')}"
    )
    await action(visitor.get_by_role("main"), variant, "Show problems").click()
    await expect(visitor).to_have_url(re.compile(r"[?&]sdg=13(&|$)"))
    await expect(results(visitor, variant).get_by_role("article")).to_have_count(1)
    await expect(results(visitor, variant).get_by_role("link", name=TITLE)).to_be_visible()


async def endorse_once(visitor: Page, variant: Variant, url: str, problem_id: int, email: str) -> None:
    # -- A resident signs in from the problem's page and endorses it, once.
    await results(visitor, variant).get_by_role("link", name=TITLE).click()
    await expect(visitor).to_have_url(f"{url}/problems/{problem_id}")
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    await check_fits(visitor, variant)
    await action(visitor, variant, "Sign in to endorse this problem").click()
    await fill_sign_in_form(visitor, variant, email)

    await expect(visitor).to_have_url(f"{url}/problems/{problem_id}")
    endorsements = visitor.get_by_role("complementary").locator(".endorsement-count")
    await expect(endorsements).to_have_text("0")
    # The same page in a second tab, reached the same way, still offering the button after the
    # first tab endorsed.
    second_tab = await visitor.context.new_page()
    await start(second_tab, variant)
    await (await header_link(second_tab, variant, "Problems")).click()
    await results(second_tab, variant).get_by_role("link", name=TITLE).click()

    await action(visitor.get_by_role("complementary"), variant, "Endorse").click()
    await expect(flash(visitor)).to_have_text(tr(variant, "Thank you: your endorsement is counted."))
    await expect(endorsements).to_have_text("1")
    await expect(visitor.get_by_text(tr(variant, "You endorsed this problem."))).to_be_visible()
    await expect(action(visitor.get_by_role("complementary"), variant, "Endorse")).to_have_count(0)

    await action(second_tab.get_by_role("complementary"), variant, "Endorse").click()
    await expect(second_tab.get_by_role("heading", level=1)).to_have_text(tr(variant, "Not possible right now"))
    await expect(second_tab.get_by_role("main")).to_contain_text(tr(variant, "You have already endorsed this problem."))


async def comment_on_it(visitor: Page, variant: Variant, url: str, problem_id: int) -> None:
    # -- ... and comments on it.
    await field(visitor, variant, "Your comment").fill(RESIDENT_COMMENT)
    await action(visitor.get_by_role("main"), variant, "Publish the comment").click()
    await expect(visitor).to_have_url(re.compile(rf"^{re.escape(url)}/problems/{problem_id}"))
    await expect(flash(visitor)).to_have_text(tr(variant, "Thank you: your comment is published."))
    comments = visitor.get_by_role("region", name=tr(variant, "Comments"))
    await expect(comments.get_by_role("article")).to_have_count(1)
    await expect(comments.get_by_role("article")).to_contain_text("Milan Resident")
    await expect(comments.get_by_role("article")).to_contain_text(RESIDENT_COMMENT)
    await check_fits(visitor, variant)


async def test_problem_from_draft_to_endorsement(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    url = live_server.url
    edition = await make_open_edition(name=EDITION, year=2026, slug="smart-villages-2026")
    # Everything in this journey is written in English: a Serbian reader sees it as written, marked so.
    await Edition.update({Edition.language: "en"}).where(Edition.id == edition["id"])
    ivanjica = await make_municipality(name="Ivanjica", kind=SettlementKind.RURAL)
    await Municipality.update({Municipality.region: "Moravica"}).where(Municipality.id == ivanjica["id"])
    novi_sad = await make_municipality(name="Novi Sad", kind=SettlementKind.URBAN)
    await make_problem(
        edition_id=edition["id"],
        municipality_id=novi_sad["id"],
        title=URBAN_TITLE,
        track="smart_city",
        sdgs=[11],
        language="en",
    )
    staff = await make_user(
        email="jelena@ivanjica.rs", name="Jelena Marković", role=Role.MUNICIPALITY, organisation_id=ivanjica["id"]
    )
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    resident = await make_user(email="milan@example.org", name="Milan Resident")

    municipality = await open_page()
    problem_id = await draft_the_problem(municipality, variant, url, edition["id"], ivanjica["id"], staff["email"])
    await complete_and_submit(municipality, variant, url, problem_id, staff["email"])
    reviewer = await open_page()
    await ask_for_changes(reviewer, variant, url, edition["id"], problem_id, organiser["email"])
    await edit_and_submit_again(municipality, variant)
    await publish(reviewer, municipality, variant)
    visitor = await open_page()
    await filter_the_catalogue(visitor, variant)
    await endorse_once(visitor, variant, url, problem_id, resident["email"])
    await comment_on_it(visitor, variant, url, problem_id)


async def test_while_intake_is_closed_the_municipality_is_told_before_any_form(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    edition = await make_edition(name=EDITION, year=2026)
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=40), applications=now - timedelta(days=10))
    novi_sad = await make_municipality(name="Novi Sad", kind=SettlementKind.URBAN)
    staff = await make_user(
        email="ana@novisad.rs", name="Ana Petrović", role=Role.MUNICIPALITY, organisation_id=novi_sad["id"]
    )

    municipality = await open_page()
    await start(municipality, variant)
    await sign_in(municipality, variant, staff["email"])
    await (await header_link(municipality, variant, "Municipality")).click()

    closed = tr(variant, "Problem intake is closed: no edition is taking new problems now.")
    heading = municipality.get_by_role("heading", name=place(variant, "Novi Sad"))
    card = municipality.get_by_role("article").filter(has=heading)
    await expect(card.get_by_role("note")).to_contain_text(closed)
    last_closed = tr(variant, "The last intake closed on %(when)s; the next one is not announced yet.")
    await expect(card.get_by_role("note")).to_contain_text(last_closed.split("%(when)s")[0].strip())
    await expect(
        action(
            municipality.get_by_role("main"),
            variant,
            "Describe a new problem for %(edition)s",
            edition=f"{EDITION} 2026",
        )
    ).to_have_count(0)
    await expect(municipality.get_by_role("main").get_by_text(tr(variant, "Choose the municipality."))).to_have_count(0)
    await check_fits(municipality, variant)
