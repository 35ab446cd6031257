"""A new person becomes an applicant in a real browser, from the home page and by clicking only:
signs up from "Join the challenge", is told before the startup form that the address must be
confirmed (and what was typed is kept when the form is refused), confirms by the mailed link,
registers the startup, invites a co-founder who joins from the invitation mail, drafts the
application over two visits, uploads the pitch deck and submits; the team is mailed.

Run once on a desktop in English and once on a 390 px phone in Serbian Cyrillic (`variant`).
Two people, two browser contexts (no shared cookies); mails are read and their links clicked
in the person's own browser (tests/browser/mail_client.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from core.clock import utc_now
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    action,
    check_fits,
    choose_language,
    exactly,
    field,
    flash,
    header_link,
    sign_in,
    start,
    status_badge,
    tr,
)
from tests.browser.mail_client import click_mailed_link, mail_with_link
from tests.factories import PASSWORD, make_edition, make_municipality, make_problem, set_timeline
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

EDITION = "Smart Serbia Challenge"
PROBLEM = "Drinking water losses in village networks"
STARTUP = "AgroSense"
FOUNDER = ("Mila Kovač", "mila@agrosense.rs")
COFOUNDER = ("Petar Ilić", "petar@agrosense.rs")
NOTE = "Petre, this is the water challenge I told you about."
SOLUTION = "Acoustic leak sensors on the main pipes, read over LoRaWAN by the utility."
WHY_US = "We built the same network for two water utilities in Šumadija."
PILOT_PLAN = "Six weeks in Kušići and Bratljevo with the public utility, 40 sensors, €18,000."
IMPACT = "A third less water lost, found within days instead of months."


def group(page: Page, variant: Variant, legend: str) -> Locator:
    """A group of checkboxes by its legend (a required group's legend ends in an asterisk)."""
    return page.get_by_role("main").get_by_role("group", name=exactly(tr(variant, legend)))


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


async def fill_profile(page: Page, variant: Variant) -> None:
    await field(page, variant, "Startup name").fill(STARTUP)
    await field(page, variant, "Country").fill("Serbia")
    await field(page, variant, "City").fill("Niš")
    await field(page, variant, "Stage").select_option(label=tr(variant, "prototype"))
    await field(page, variant, "Your role in the team").fill("CEO")


async def sign_up(founder: Page, variant: Variant, url: str) -> None:
    """A visitor joins from the home page and signs up."""
    await start(founder, variant)
    await action(founder.get_by_role("main"), variant, "Join the challenge").click()
    await expect(founder).to_have_url(f"{url}/signup")
    await check_fits(founder, variant)
    await field(founder, variant, "Your name").fill(FOUNDER[0])
    await field(founder, variant, "Email address").fill(FOUNDER[1])
    await field(founder, variant, "Password").fill(PASSWORD)
    await field(founder, variant, "Password again").fill(PASSWORD)
    await action(founder.get_by_role("main"), variant, "Create account").click()
    await expect(founder.get_by_role("heading", level=1)).to_have_text(tr(variant, "Check your inbox"))


async def registering_waits_for_the_confirmed_address(
    founder: Page, variant: Variant, url: str, edition_id: int
) -> None:
    # -- Signed in before confirming: the way to a startup is offered, and the form says first
    # that the address must be confirmed.
    await sign_in(founder, variant, FOUNDER[1])
    await expect(founder).to_have_url(f"{url}/account")
    await action(founder.get_by_role("main"), variant, "Register your startup").click()
    await expect(founder).to_have_url(f"{url}/startup")
    offer = founder.get_by_role("article").filter(has=founder.get_by_role("heading", name=EDITION))
    await expect(offer).to_contain_text(tr(variant, "Applications are open. Register your startup to apply."))
    await action(offer, variant, "Register your startup").click()

    await expect(founder).to_have_url(f"{url}/startup/register?edition_id={edition_id}")
    verify_first = founder.get_by_role("article").filter(
        has=founder.get_by_role("heading", name=tr(variant, "First confirm your email address"))
    )
    await expect(verify_first).to_contain_text(FOUNDER[1])
    await check_fits(founder, variant)
    # Filled in anyway: refused with the reason, and nothing typed is lost.
    await fill_profile(founder, variant)
    await action(founder.get_by_role("main"), variant, "Register the startup").click()
    await expect(founder.get_by_role("alert")).to_have_text(
        tr(
            variant,
            "Confirm your email address first: open the link we mailed you, or ask for a new one "
            "with the button above. Nothing you typed was lost.",
        )
    )
    await expect(field(founder, variant, "Startup name")).to_have_value(STARTUP)
    await expect(field(founder, variant, "Your role in the team")).to_have_value("CEO")
    # The link is sent again, and the page comes back.
    await action(verify_first, variant, "Send the link again").click()
    await expect(founder).to_have_url(f"{url}/startup/register?edition_id={edition_id}")
    await expect(flash(founder)).to_have_text(tr(variant, "We sent you a new confirmation link."))


async def confirm_and_register(founder: Page, variant: Variant, url: str, mailbox: Mailbox) -> Page:
    # -- The address is confirmed by the mailed link, opened in the same browser.
    confirmation = await mail_with_link(mailbox, FOUNDER[1], "/verify?token=")
    founder = await click_mailed_link(founder.context, confirmation, "/verify?token=", url)
    await expect(founder).to_have_url(f"{url}/account")
    await expect(flash(founder)).to_have_text(tr(variant, "Thank you, your email address is confirmed."))

    # -- ... and the startup is registered.
    await action(founder.get_by_role("main"), variant, "Register your startup").click()
    await expect(founder).to_have_url(f"{url}/startup")
    await action(founder.get_by_role("article").filter(has_text=EDITION), variant, "Register your startup").click()
    await expect(founder.get_by_role("heading", name=tr(variant, "First confirm your email address"))).to_have_count(0)
    await fill_profile(founder, variant)
    await action(founder.get_by_role("main"), variant, "Register the startup").click()

    await expect(founder).to_have_url(f"{url}/startup")
    await expect(flash(founder)).to_have_text(
        tr(variant, "Your startup is registered. Invite your co-founders and start your application.")
    )
    await expect(founder.get_by_role("heading", level=2, name=STARTUP)).to_be_visible()
    await expect(founder.get_by_role("heading", level=2, name=EDITION)).to_have_count(0)  # no more offer to register
    await expect(founder.get_by_role("main")).to_contain_text(f"{EDITION} 2026")
    await check_fits(founder, variant)
    return founder


async def invite_the_cofounder(founder: Page, variant: Variant, url: str) -> None:
    # -- The founder invites a co-founder from the team page.
    await action(founder.get_by_role("main"), variant, "Team (%(count)s)", count=1).click()
    await expect(founder).to_have_url(re.compile(rf"^{re.escape(url)}/startup/\d+/team$"))
    await expect(founder.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Team of %(startup)s", startup=STARTUP)
    )
    await field(founder, variant, "Email").fill(COFOUNDER[1])
    await field(founder, variant, "Their role in the team").fill("CTO")
    await field(founder, variant, "A personal note (optional)").fill(NOTE)
    await action(founder.get_by_role("main"), variant, "Send the invitation").click()
    await expect(flash(founder)).to_have_text(
        tr(variant, "The invitation is on its way to %(email)s.", email=COFOUNDER[1])
    )
    await check_fits(founder, variant)


async def the_cofounder_joins(open_page: OpenPage, variant: Variant, url: str, mailbox: Mailbox) -> Page:
    # -- The co-founder opens the invitation mail in their own browser and joins.
    invitation = await mail_with_link(mailbox, COFOUNDER[1], "/invites/")
    assert NOTE in body_of(invitation)
    mail_reader = await open_page()
    cofounder = await click_mailed_link(mail_reader.context, invitation, "/invites/", url)
    await choose_language(cofounder, variant)
    await expect(cofounder.get_by_role("heading", level=1)).to_have_text(tr(variant, "Your invitation"))
    await expect(cofounder.get_by_role("main")).to_contain_text(f"{STARTUP} ({COFOUNDER[1]})")
    await field(cofounder, variant, "Your name").fill(COFOUNDER[0])
    await field(cofounder, variant, "Password").fill(PASSWORD)
    await field(cofounder, variant, "Password again").fill(PASSWORD)
    await action(cofounder.get_by_role("main"), variant, "Create account and accept").click()

    await expect(cofounder).to_have_url(f"{url}/account")
    await expect(flash(cofounder)).to_have_text(tr(variant, "Your account is ready."))
    await (await header_link(cofounder, variant, "Startup")).click()
    await expect(cofounder).to_have_url(f"{url}/startup")
    await expect(cofounder.get_by_role("heading", level=2, name=STARTUP)).to_be_visible()
    await expect(action(cofounder.get_by_role("main"), variant, "Team (%(count)s)", count=2)).to_be_visible()
    return cofounder


async def save_a_draft(founder: Page, variant: Variant, url: str) -> str:
    # -- The founder starts the application, fills part of it and saves the draft.
    await founder.get_by_role("main").get_by_role("link", name=f"← {tr(variant, 'Back')}").click()
    await expect(founder).to_have_url(f"{url}/startup")
    await action(founder.get_by_role("main"), variant, "Start an application").click()
    await expect(founder.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Your application to %(edition)s", edition=EDITION)
    )
    await expect(founder.get_by_role("main")).to_contain_text(
        tr(variant, "Save a draft at any time; your team sees the same draft.")
    )
    await field(founder, variant, "Track").select_option(label=tr(variant, "Smart rural"))
    await group(founder, variant, "Problems you address").get_by_role("checkbox", name=f"{PROBLEM} (Ivanjica)").check()
    await field(founder, variant, "Your solution").fill(SOLUTION)
    await field(founder, variant, "Why this team").fill(WHY_US)
    await check_fits(founder, variant)
    await action(founder.get_by_role("main"), variant, "Save and continue later").click()

    await expect(founder).to_have_url(re.compile(rf"^{re.escape(url)}/startup/applications/\d+/edit$"))
    application_path = founder.url.removeprefix(url).removesuffix("/edit")
    await expect(flash(founder)).to_have_text(
        tr(variant, "Your draft is saved. You can come back and continue at any time.")
    )
    return application_path


async def come_back_to_the_draft(founder: Page, variant: Variant, url: str, application_path: str) -> None:
    # -- ... leaves, and comes back to the draft from the home page and the dashboard.
    await founder.get_by_role("banner").get_by_role("link", name=tr(variant, "Smart Challenge")).click()
    await expect(founder).to_have_url(f"{url}/")
    await (await header_link(founder, variant, "Startup")).click()
    card = founder.get_by_role("article").filter(has=founder.get_by_role("heading", name=STARTUP))
    await expect(card.get_by_role("heading", level=3)).to_contain_text(
        f"{tr(variant, 'Application to %(edition)s', edition=f'{EDITION} 2026')} · {tr(variant, 'Smart rural')}"
    )
    await expect(card).to_contain_text(tr(variant, "Applications close on %(when)s.", when="").rstrip(". "))
    await action(card, variant, "Continue the draft").click()

    await expect(founder).to_have_url(f"{url}{application_path}/edit")
    await expect(field(founder, variant, "Your solution")).to_have_value(SOLUTION)
    await expect(field(founder, variant, "What a pilot would look like")).to_have_value("")


async def submit_with_the_deck(founder: Page, variant: Variant, url: str, application_path: str, deck: Path) -> None:
    # -- The deck and the rest, then the submission.
    await field(founder, variant, "Pitch deck (PDF, up to %(mb)s MB)", mb=15).set_input_files(deck)
    await field(founder, variant, "What a pilot would look like").fill(PILOT_PLAN)
    await field(founder, variant, "Expected impact").fill(IMPACT)
    goals = group(founder, variant, "Sustainable Development Goals")
    await goals.get_by_role("checkbox", name=f"6. {tr(variant, 'Clean water and sanitation')}").check()
    await action(founder.get_by_role("main"), variant, "Submit the application").click()

    await expect(founder).to_have_url(f"{url}{application_path}")
    await expect(flash(founder)).to_have_text(
        tr(variant, "Your application is submitted. We sent a confirmation by email.")
    )
    await expect(status_badge(founder)).to_have_text(tr(variant, "submitted"))
    await expect(founder.get_by_role("link", name="agrosense-pitch.pdf")).to_be_visible()
    await expect(founder.get_by_role("main")).to_contain_text(IMPACT)
    await expect(action(founder.get_by_role("main"), variant, "Submit the application")).to_have_count(0)
    await check_fits(founder, variant)


async def test_a_new_person_signs_up_registers_a_startup_and_submits_an_application(
    open_page: OpenPage, variant: Variant, mailbox: Mailbox, live_server: ServerProcess, tmp_path: Path
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug="smart-serbia-2026")
    now = utc_now()
    await set_timeline(edition["id"], applications=now - timedelta(days=1), screening=now + timedelta(days=10))
    ivanjica = await make_municipality(name="Ivanjica")
    await make_problem(edition_id=edition["id"], municipality_id=ivanjica["id"], title=PROBLEM)
    deck = tmp_path / "agrosense-pitch.pdf"
    deck.write_bytes(one_page_pdf())

    founder = await open_page()
    await sign_up(founder, variant, url)
    await registering_waits_for_the_confirmed_address(founder, variant, url, edition["id"])
    founder = await confirm_and_register(founder, variant, url, mailbox)
    await invite_the_cofounder(founder, variant, url)
    cofounder = await the_cofounder_joins(open_page, variant, url, mailbox)
    application_path = await save_a_draft(founder, variant, url)
    await come_back_to_the_draft(founder, variant, url, application_path)
    await submit_with_the_deck(founder, variant, url, application_path, deck)

    # -- Both founders are mailed the confirmation, and the co-founder sees it on the dashboard.
    for _, email in (FOUNDER, COFOUNDER):
        received = await mail_with_link(mailbox, email, "/startup")
        assert PROBLEM in body_of(received) and STARTUP in body_of(received)
    await cofounder.reload()
    await expect(cofounder.get_by_role("heading", level=3)).to_contain_text(tr(variant, "submitted"))
