"""A startup's application in a real browser: a founder signs up, registers the startup, brings in
a co-founder by mail, drafts the application over two visits, uploads the pitch deck and submits;
an organiser shortlists it and the team sees the new status on the dashboard and in the mail.

Three people, three browser contexts (no shared cookies); every step is done through the pages
they see, and every link a person follows from a mail comes from the SMTP test server.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from email.message import Message
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from core.clock import utc_now
from core.enums import Role
from tests.factories import PASSWORD, make_edition, make_municipality, make_problem, make_user, set_timeline
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

EDITION = "Smart Serbia Challenge"
PROBLEM = "Drinking water losses in village networks"
STARTUP = "AgroSense"
FOUNDER = ("Mila Kovač", "mila@agrosense.rs")
COFOUNDER = ("Petar Ilić", "petar@agrosense.rs")
SOLUTION = "Acoustic leak sensors on the main pipes, read over LoRaWAN by the utility."
WHY_US = "We built the same network for two water utilities in Šumadija."
PILOT_PLAN = "Six weeks in Kušići and Bratljevo with the public utility, 40 sensors, €18,000."
IMPACT = "A third less water lost, found within days instead of months."
SHORTLISTED = "Congratulations: your application is on the shortlist. We will write to you soon about the next steps."
LINK = re.compile(r"http://testserver/(verify\?token=|invites/)([A-Za-z0-9_\-]+)")


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def group(page: Page, legend: str) -> Locator:
    """A group of checkboxes by its legend (a required group's legend ends in an asterisk)."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}( \*)?$"))


def action_link(page: Page, name: str) -> Locator:
    """A link, whether or not it is styled (and announced) as a button."""
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


def status_badge(page: Page) -> Locator:
    """The status shown under the application's title."""
    return page.get_by_role("main").locator("h1 + p > .badge").first


def still_missing(page: Page) -> Locator:
    """The entries of the "Still missing before you can submit" notice."""
    return page.get_by_role("article", name="Still missing before you can submit").get_by_role("listitem")


async def sign_in(page: Page, email: str) -> None:
    """Sign in on the login page the browser is on."""
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


async def mail_titled(mailbox: Mailbox, address: str, subject: str, *, timeout: float = 15.0) -> Message:
    """The mail to `address` with `subject`, once the outbox has sent it (others may have come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [m for m in mailbox.to(address) if m["Subject"] == subject]:
            assert len(found) == 1, f"{len(found)} mails to {address} titled {subject!r}"
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail {subject!r} to {address} within {timeout} s; got {mailbox.to(address)}")


def mailed_path(message: Message) -> str:
    """The path of the one link in a mail (links carry BASE_URL, not the live server's address)."""
    found = LINK.findall(body_of(message))
    assert len(found) == 1, f"expected one link in the mail, got: {body_of(message)}"
    prefix, token = found[0]
    return f"/{prefix}{token}"


def one_page_pdf() -> bytes:
    """A minimal but well-formed PDF: one blank page, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(body))
    return body + xref + trailer


async def test_startup_applies_and_is_shortlisted(
    open_context: OpenContext, mailbox: Mailbox, live_server: ServerProcess, tmp_path: Path
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug="smart-serbia-2026")
    now = utc_now()
    await set_timeline(edition["id"], applications=now - timedelta(days=1), screening=now + timedelta(days=10))
    ivanjica = await make_municipality(name="Ivanjica")
    await make_problem(edition_id=edition["id"], municipality_id=ivanjica["id"], title=PROBLEM)
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    deck = tmp_path / "agrosense-pitch.pdf"
    deck.write_bytes(one_page_pdf())

    # -- The founder signs up, confirms the address from the mail and signs in.
    founder = await (await open_context()).new_page()
    await founder.goto("/signup")
    await field(founder, "Your name").fill(FOUNDER[0])
    await field(founder, "Email address").fill(FOUNDER[1])
    await field(founder, "Password").fill(PASSWORD)
    await field(founder, "Password again").fill(PASSWORD)
    await founder.get_by_role("main").get_by_role("button", name="Create account").click()
    await expect(founder.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    await founder.goto(mailed_path(await mail_titled(mailbox, FOUNDER[1], "Confirm your email address")))
    await expect(founder).to_have_url(f"{url}/login")
    await expect(flash(founder)).to_have_text("Thank you, your email address is confirmed.")
    await sign_in(founder, FOUNDER[1])
    await expect(founder).to_have_url(f"{url}/account")

    # -- Applications are open, so the dashboard offers to register a startup.
    await founder.goto("/startup")
    await expect(founder.get_by_role("heading", level=1)).to_have_text("Your startup")
    offer = founder.get_by_role("article").filter(has=founder.get_by_role("heading", name=EDITION))
    await expect(offer).to_contain_text("Applications are open. Register your startup to apply.")
    await action_link(offer, "Register your startup").click()

    await expect(founder).to_have_url(f"{url}/startup/register?edition_id={edition['id']}")
    await expect(founder.get_by_role("heading", level=1)).to_have_text("Register your startup")
    await field(founder, "Startup name").fill(STARTUP)
    await field(founder, "Country").fill("Serbia")
    await field(founder, "City").fill("Niš")
    await field(founder, "Stage").select_option(label="prototype")
    await field(founder, "Your role in the team").fill("CEO")
    await founder.get_by_role("button", name="Register the startup").click()

    await expect(founder).to_have_url(f"{url}/startup")
    await expect(flash(founder)).to_have_text(
        "Your startup is registered. Invite your co-founders and start your application."
    )
    await expect(founder.get_by_role("heading", level=2)).to_have_text([STARTUP])  # no more offer to register
    await expect(founder.get_by_role("main")).to_contain_text("No application yet.")

    # -- The founder invites a co-founder from the team page.
    await founder.get_by_role("link", name="Team (1)").click()
    await expect(founder).to_have_url(re.compile(rf"^{re.escape(url)}/startup/\d+/team$"))
    team_path = founder.url.removeprefix(url)
    await expect(founder.get_by_role("heading", level=1)).to_have_text(f"Team of {STARTUP}")
    await field(founder, "Email").fill(COFOUNDER[1])
    await field(founder, "Their role in the team").fill("CTO")
    await field(founder, "A personal note (optional)").fill("Petre, this is the water challenge I told you about.")
    await founder.get_by_role("button", name="Send the invitation").click()

    await expect(founder).to_have_url(f"{url}{team_path}")
    await expect(flash(founder)).to_have_text(f"The invitation is on its way to {COFOUNDER[1]}.")

    # -- The co-founder follows the mailed link and signs up through the invitation.
    invitation = await mail_titled(mailbox, COFOUNDER[1], "You are invited to the Smart Challenge")
    assert "Petre, this is the water challenge I told you about." in body_of(invitation)
    cofounder = await (await open_context()).new_page()
    await cofounder.goto(mailed_path(invitation))
    await expect(cofounder.get_by_role("heading", level=1)).to_have_text("Your invitation")
    await expect(cofounder.get_by_role("main")).to_contain_text(
        f"You are invited to join the team of: {STARTUP} ({COFOUNDER[1]})"
    )
    await field(cofounder, "Your name").fill(COFOUNDER[0])
    await field(cofounder, "Password").fill(PASSWORD)
    await field(cofounder, "Password again").fill(PASSWORD)
    await cofounder.get_by_role("button", name="Create account and accept").click()

    await expect(cofounder).to_have_url(f"{url}/account")
    await expect(flash(cofounder)).to_have_text("Your account is ready.")
    await cofounder.get_by_role("navigation", name="Main").get_by_role("link", name="Startup").click()
    await expect(cofounder).to_have_url(f"{url}/startup")
    await expect(cofounder.get_by_role("heading", level=2)).to_have_text([STARTUP])
    await cofounder.get_by_role("link", name="Team (2)").click()
    await expect(cofounder).to_have_url(f"{url}{team_path}")

    await founder.reload()
    members = founder.get_by_role("row").filter(has=founder.get_by_role("cell"))
    await expect(members).to_have_count(2)
    await expect(members.first.get_by_role("cell")).to_have_text([*FOUNDER, "CEO", "Contact person"])
    await expect(members.last.get_by_role("cell")).to_have_text([*COFOUNDER, "CTO", "Make contact person"])

    # -- The founder starts the application, fills part of it and saves the draft.
    await founder.get_by_role("link", name="Back").click()
    await expect(founder).to_have_url(f"{url}/startup")
    await action_link(founder, "Start an application").click()
    await expect(founder).to_have_url(f"{url}/startup/applications/new?edition_id={edition['id']}")
    await expect(founder.get_by_role("heading", level=1)).to_have_text(f"Your application to {EDITION}")
    await field(founder, "Track").select_option(label="Smart rural")
    await group(founder, "Problems you address").get_by_role("checkbox", name=f"{PROBLEM} (Ivanjica)").check()
    await field(founder, "Your solution").fill(SOLUTION)
    await field(founder, "Why this team").fill(WHY_US)
    await founder.get_by_role("button", name="Save and continue later").click()

    await expect(founder).to_have_url(re.compile(rf"^{re.escape(url)}/startup/applications/\d+/edit$"))
    application_path = founder.url.removeprefix(url).removesuffix("/edit")
    await expect(flash(founder)).to_have_text("Your draft is saved. You can come back and continue at any time.")

    # -- ... leaves, and comes back to the draft from the dashboard.
    await founder.goto("/")
    await founder.get_by_role("navigation", name="Main").get_by_role("link", name="Startup").click()
    await expect(founder).to_have_url(f"{url}/startup")
    draft = founder.get_by_role("article").filter(has=founder.get_by_role("heading", name=STARTUP))
    await expect(draft.get_by_role("heading", level=3)).to_have_text("Application · Smart rural draft")
    await action_link(draft, "Continue the draft").click()

    await expect(founder).to_have_url(f"{url}{application_path}/edit")
    await expect(field(founder, "Your solution")).to_have_value(SOLUTION)
    await expect(field(founder, "Why this team")).to_have_value(WHY_US)
    await expect(field(founder, "What a pilot would look like")).to_have_value("")
    await expect(group(founder, "Problems you address").get_by_role("checkbox")).to_be_checked()
    await expect(still_missing(founder)).to_have_text(
        [
            "What a pilot would look like: Required before submission.",
            "Expected impact: Required before submission.",
            "Sustainable Development Goals: Required before submission.",
            "Pitch deck: Upload your pitch deck (PDF).",
        ]
    )

    # -- The deck and most of the rest; submitting with the impact still empty is refused.
    await field(founder, "Pitch deck (PDF, up to 15 MB)").set_input_files(deck)
    await field(founder, "What a pilot would look like").fill(PILOT_PLAN)
    goals = group(founder, "Sustainable Development Goals")
    await goals.get_by_role("checkbox", name="6. Clean water and sanitation").check()
    await goals.get_by_role("checkbox", name="11. Sustainable cities and communities").check()
    async with founder.expect_response(lambda response: response.request.method == "POST") as refused:
        await founder.get_by_role("button", name="Submit the application").click()

    assert (await refused.value).status == 422
    impact = field(founder, "Expected impact")
    await expect(founder.get_by_role("alert")).to_have_text("Some parts are still missing.")
    await expect(impact).to_have_attribute("aria-invalid", "true")
    await expect(impact).to_have_accessible_description("Required before submission.")
    await expect(still_missing(founder)).to_have_text(["Expected impact: Required before submission."])
    await expect(field(founder, "Your solution")).to_have_value(SOLUTION)
    await expect(field(founder, "What a pilot would look like")).to_have_value(PILOT_PLAN)
    await expect(goals.get_by_role("checkbox", checked=True)).to_have_count(2)
    await expect(founder.get_by_role("link", name="agrosense-pitch.pdf")).to_be_visible()

    # -- ... and accepted once complete.
    await impact.fill(IMPACT)
    await founder.get_by_role("button", name="Submit the application").click()

    await expect(founder).to_have_url(f"{url}{application_path}")
    await expect(flash(founder)).to_have_text("Your application is submitted. We sent a confirmation by email.")
    await expect(status_badge(founder)).to_have_text("submitted")
    await expect(founder.get_by_role("link", name="agrosense-pitch.pdf")).to_be_visible()
    await expect(founder.get_by_role("main")).to_contain_text(IMPACT)
    await expect(founder.get_by_role("button", name="Submit the application")).to_have_count(0)

    for _, email in (FOUNDER, COFOUNDER):
        received = body_of(await mail_titled(mailbox, email, f"Application received: {EDITION}")).splitlines()
        assert f"we received the application of {STARTUP} to {EDITION} (track: Smart rural)." in received
        listed = received[received.index("Problems addressed:") + 1 : received.index("Solution:")]
        assert [line for line in listed if line] == [f"- {PROBLEM}"]

    # -- The organiser shortlists it from the edition's list of applications.
    reviewer = await (await open_context()).new_page()
    await reviewer.goto("/login")
    await sign_in(reviewer, organiser["email"])
    await reviewer.goto(f"/organiser/editions/{edition['id']}/applications/")
    await expect(reviewer.get_by_role("heading", level=1)).to_have_text(f"Applications to {EDITION}")
    listed = reviewer.get_by_role("row").filter(has=reviewer.get_by_role("link", name=STARTUP))
    await expect(listed).to_contain_text(f"{PROBLEM} (Ivanjica)")
    await expect(listed).to_contain_text("submitted")
    await reviewer.get_by_role("checkbox", name=f"Select {STARTUP}").check()
    await field(reviewer, "New status").select_option(label="shortlisted")
    await reviewer.get_by_role("button", name="Change status and notify").click()

    # Back on the same list, with its (here empty) filters.
    await expect(reviewer).to_have_url(
        re.compile(rf"^{re.escape(url)}/organiser/editions/{edition['id']}/applications/?\??$")
    )
    await expect(flash(reviewer)).to_have_text("1 application moved to: shortlisted.")
    await expect(listed).to_contain_text("shortlisted")

    # -- The team sees the new status on the dashboard and in the mail.
    await founder.get_by_role("link", name="Back to your dashboard").click()
    await expect(founder).to_have_url(f"{url}/startup")
    await expect(founder.get_by_role("heading", level=3)).to_have_text("Application · Smart rural shortlisted")
    history = founder.get_by_role("list", name="Status history")
    await expect(history.locator("li > strong")).to_have_text(["draft", "submitted", "shortlisted"])
    await expect(history.get_by_role("listitem").last.get_by_role("blockquote")).to_have_text(SHORTLISTED)
    await expect(action_link(founder, "Continue the draft")).to_have_count(0)

    for _, email in (FOUNDER, COFOUNDER):
        told = body_of(await mail_titled(mailbox, email, "Your application: shortlisted")).splitlines()
        assert f"your application to {EDITION} is now: shortlisted." in told
        assert SHORTLISTED in told
