"""A problem's whole intake in a real browser: drafted and submitted by a municipality, sent back
and published by an organiser, found in the public catalogue and endorsed once by a resident.

Three people, three browser contexts (no shared cookies); every step is done through the pages
they see: fields by their labels, buttons and links by their names.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from challenge.enums import SettlementKind
from challenge.tables import Municipality
from core.enums import Role
from tests.factories import PASSWORD, make_municipality, make_open_edition, make_problem, make_user
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

TITLE = "Snow cuts off the mountain villages every winter"
URBAN_TITLE = "Buses stuck at traffic lights in the city centre"
COMMENT = "Please say how many households lose road access and for how many days a year."
TRIED = "Two graders on call from the public utility; they reach the upper villages last."
TRIED_MORE = " In 2025 we also asked villagers to report blocked roads by phone."


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def status_badge(page: Page) -> Locator:
    """The status shown under a problem's title (on the staff and the review page)."""
    return page.get_by_role("main").locator("h1 + p > .badge").first


def action_link(page: Page, name: str) -> Locator:
    """A link, whether or not it is styled (and announced) as a button."""
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


async def sign_in(page: Page, email: str) -> None:
    """Sign in on the login page the browser is on."""
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


async def test_problem_from_draft_to_endorsement(open_context: OpenContext, live_server: ServerProcess) -> None:
    url = live_server.url
    edition = await make_open_edition(name="Smart Villages Challenge", year=2026, slug="smart-villages-2026")
    ivanjica = await make_municipality(name="Ivanjica", kind=SettlementKind.RURAL)
    await Municipality.update({Municipality.region: "Moravica"}).where(Municipality.id == ivanjica["id"])
    novi_sad = await make_municipality(name="Novi Sad", kind=SettlementKind.URBAN)
    await make_problem(
        edition_id=edition["id"], municipality_id=novi_sad["id"], title=URBAN_TITLE, track="smart_city", sdgs=[11]
    )
    staff = await make_user(
        email="jelena@ivanjica.rs", name="Jelena Marković", role=Role.MUNICIPALITY, organisation_id=ivanjica["id"]
    )
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    resident = await make_user(email="milan@example.org", name="Milan Resident")

    # -- The municipality drafts the problem: a title is enough for a draft.
    municipality = await (await open_context()).new_page()
    await municipality.goto("/login")
    await sign_in(municipality, staff["email"])
    await municipality.get_by_role("navigation", name="Main").get_by_role("link", name="Municipality").click()
    await expect(municipality).to_have_url(f"{url}/municipality")
    await expect(municipality.get_by_role("heading", name="Ivanjica")).to_be_visible()
    await action_link(municipality, "Describe a new problem for Smart Villages Challenge 2026").click()

    await expect(municipality.get_by_role("heading", level=1)).to_have_text("Describe a local problem")
    await expect(field(municipality, "Edition")).to_have_value(str(edition["id"]))
    await expect(field(municipality, "Municipality")).to_have_value(str(ivanjica["id"]))
    await field(municipality, "Title").fill(TITLE)
    await municipality.get_by_role("button", name="Save draft").click()

    await expect(municipality).to_have_url(re.compile(rf"^{re.escape(url)}/municipality/problems/\d+$"))
    problem_id = int(municipality.url.rsplit("/", 1)[1])
    await expect(flash(municipality)).to_have_text("The draft was saved.")
    await expect(municipality.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(status_badge(municipality)).to_have_text("draft")

    # -- ... completes it and submits it to the organisers.
    await action_link(municipality, "Edit and submit").click()
    await expect(municipality.get_by_role("heading", level=1)).to_have_text("Edit the problem")
    await expect(field(municipality, "Title")).to_have_value(TITLE)
    await field(municipality, "Track").select_option(label="Smart rural")
    await field(municipality, "Summary").fill("Heavy snow closes the roads to 23 villages for days at a time.")
    await field(municipality, "Context").fill("Narrow mountain roads above 1,000 m; snow is cleared by hand.")
    await field(municipality, "Who is affected").fill("Elderly villagers, school children, the rural clinic")
    await field(municipality, "How many people are affected").fill("1850")
    await field(municipality, "What has been tried").fill(TRIED)
    await field(municipality, "Data available").fill("Road closure log since 2018, snow depth from two stations.")
    goals = municipality.get_by_role("group", name=re.compile(r"^Sustainable Development Goals"))
    await goals.get_by_role("checkbox", name="9. Industry, innovation and infrastructure").check()
    await goals.get_by_role("checkbox", name="13. Climate action").check()
    await field(municipality, "Budget for a pilot").select_option(label="€10,000 to €50,000")
    await field(municipality, "Procurement path").select_option(label="pilot project")
    await field(municipality, "Pilot location").fill("Kušići and Bratljevo")
    await field(municipality, "Contact person").fill("Jelena Marković")
    await field(municipality, "Contact email").fill(staff["email"])
    await municipality.get_by_role("button", name="Submit to the organisers").click()

    await expect(municipality).to_have_url(f"{url}/municipality/problems/{problem_id}")
    await expect(flash(municipality)).to_have_text("The problem was submitted to the organisers.")
    await expect(status_badge(municipality)).to_have_text("submitted")
    await expect(action_link(municipality, "Edit and submit")).to_have_count(0)

    # -- The organiser finds it in the edition's review queue and asks for changes.
    reviewer = await (await open_context()).new_page()
    await reviewer.goto("/login")
    await sign_in(reviewer, organiser["email"])
    await reviewer.goto("/organiser/editions/")
    await (
        reviewer.get_by_role("row")
        .filter(has_text="Smart Villages Challenge")
        .get_by_role("link", name="Review")
        .click()
    )
    await expect(reviewer).to_have_url(f"{url}/organiser/editions/{edition['id']}/problems")
    queued = reviewer.get_by_role("row").filter(has_text=TITLE)
    await expect(queued).to_contain_text("Ivanjica (rural)")
    await expect(queued).to_contain_text("submitted")
    await queued.get_by_role("link", name=TITLE).click()

    await expect(reviewer).to_have_url(f"{url}/organiser/problems/{problem_id}")
    await expect(status_badge(reviewer)).to_have_text("submitted")
    await field(reviewer, "Comment for the municipality (required when asking for changes)").fill(COMMENT)
    await reviewer.get_by_role("button", name="Request changes").click()

    await expect(flash(reviewer)).to_have_text("The decision was recorded and the municipality informed.")
    await expect(status_badge(reviewer)).to_have_text("changes requested")

    # -- The municipality sees the comment, edits and submits again.
    await municipality.reload()
    await expect(status_badge(municipality)).to_have_text("changes requested")
    await expect(municipality.get_by_role("blockquote")).to_have_text(COMMENT)
    await action_link(municipality, "Edit and submit").click()
    await expect(municipality.get_by_role("main")).to_contain_text("The organisers asked for changes")
    await expect(field(municipality, "What has been tried")).to_have_value(TRIED)
    await field(municipality, "What has been tried").press("End")
    await field(municipality, "What has been tried").press_sequentially(TRIED_MORE)
    await municipality.get_by_role("button", name="Submit to the organisers").click()

    await expect(flash(municipality)).to_have_text("The problem was submitted to the organisers.")
    await expect(status_badge(municipality)).to_have_text("submitted")
    await expect(municipality.get_by_role("main")).to_contain_text(TRIED + TRIED_MORE)

    # -- The organiser publishes it.
    await reviewer.reload()
    await expect(status_badge(reviewer)).to_have_text("submitted")
    await expect(reviewer.get_by_role("main")).to_contain_text(TRIED + TRIED_MORE)
    await reviewer.get_by_role("button", name="Publish").click()

    await expect(flash(reviewer)).to_have_text("The decision was recorded and the municipality informed.")
    await expect(status_badge(reviewer)).to_have_text("published")
    await municipality.reload()
    await expect(status_badge(municipality)).to_have_text("published")

    # -- Anyone finds it in the catalogue; the filters narrow the list.
    visitor = await (await open_context()).new_page()
    await visitor.goto("/problems")
    results = visitor.get_by_role("region", name="Results")
    await expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    await expect(results.get_by_role("link", name=URBAN_TITLE)).to_be_visible()

    await visitor.get_by_label("Settlement").select_option(label="rural")
    await visitor.get_by_role("button", name="Show problems").click()
    await expect(visitor).to_have_url(re.compile(r"[?&]kind=rural(&|$)"))
    await expect(visitor.get_by_label("Settlement")).to_have_value("rural")
    await expect(results.get_by_role("article")).to_have_count(1)
    card = results.get_by_role("article").filter(has=visitor.get_by_role("link", name=TITLE))
    await expect(card).to_contain_text("Ivanjica · Moravica")
    await expect(card).to_contain_text("Smart rural")
    await expect(results.get_by_role("link", name=URBAN_TITLE)).to_have_count(0)

    await action_link(visitor, "Clear the filters").click()
    await expect(results.get_by_role("article")).to_have_count(2)
    await visitor.get_by_label("Sustainable Development Goal").select_option(label="13. Climate action")
    await visitor.get_by_role("button", name="Show problems").click()
    await expect(visitor).to_have_url(re.compile(r"[?&]sdg=13(&|$)"))
    await expect(results.get_by_role("article")).to_have_count(1)
    await expect(results.get_by_role("link", name=TITLE)).to_be_visible()

    # -- A resident signs in from the problem's page and endorses it, once.
    await results.get_by_role("link", name=TITLE).click()
    await expect(visitor).to_have_url(f"{url}/problems/{problem_id}")
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    await visitor.get_by_role("link", name="Sign in to endorse this problem").click()
    await sign_in(visitor, resident["email"])

    await expect(visitor).to_have_url(f"{url}/problems/{problem_id}")
    endorsements = visitor.get_by_role("complementary").locator(".endorsement-count")
    await expect(endorsements).to_have_text("0")
    # The same page in a second tab, still offering the button after the first tab endorsed.
    second_tab = await visitor.context.new_page()
    await second_tab.goto(f"/problems/{problem_id}")

    await visitor.get_by_role("button", name="Endorse").click()
    await expect(flash(visitor)).to_have_text("Thank you: your endorsement is counted.")
    await expect(endorsements).to_have_text("1")
    await expect(visitor.get_by_text("You endorsed this problem.")).to_be_visible()
    await expect(visitor.get_by_role("button", name="Endorse")).to_have_count(0)

    await second_tab.get_by_role("button", name="Endorse").click()
    await expect(second_tab.get_by_role("heading", level=1)).to_have_text("Not possible right now")
    await expect(second_tab.get_by_role("main")).to_contain_text("You have already endorsed this problem.")
    await second_tab.goto(f"/problems/{problem_id}")
    await expect(second_tab.get_by_role("complementary").locator(".endorsement-count")).to_have_text("1")
    await expect(second_tab.get_by_text("You endorsed this problem.")).to_be_visible()
