"""The account journey in a real browser: sign up, confirm by mail, sign out and in, reset a password.

Everything goes through the pages a person sees, from the home page and by clicking only: fields
are found by their labels, buttons by their names, and mailed links are clicked in the mail as
the person's browser shows it (tests/browser/mail_client.py). The sign-up and the password reset
run on a desktop in English and on a 390 px phone in Serbian Cyrillic (`variant`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    assert_fits,
    choose_language,
    exactly,
    field,
    header_link,
    open_menu,
    sign_out,
    start,
    tr,
)
from tests.browser.journey import sign_in as journey_sign_in
from tests.browser.mail_client import click_mailed_link, mail_with_link
from tests.factories import PASSWORD, make_user
from tests.fixtures import Mailbox, ServerProcess

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new secret"

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture


def english_field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


async def header_button(page: Page, variant: Variant, name: str) -> Locator:
    """A link of the header styled (and announced) as a button, the menu opened first if folded."""
    await open_menu(page)
    return page.locator("header").get_by_role("button", name=exactly(tr(variant, name))).first


def email_fact(page: Page, email: str) -> Locator:
    """The "Email address" entry of the account page, with its confirmation badge."""
    return page.get_by_role("definition").filter(has_text=email)


async def test_sign_up_verify_sign_out_and_in(
    open_page: OpenPage, variant: Variant, mailbox: Mailbox, live_server: ServerProcess
) -> None:
    """From the home page by clicking only, on a desktop in English and a 390 px phone in Cyrillic."""
    url = live_server.url
    email, name = "mila@example.org", "Mila Kovač"
    page = await open_page()
    await start(page, variant)
    await (await header_button(page, variant, "Create account")).click()

    await expect(page).to_have_url(f"{url}/signup")
    await field(page, variant, "Your name").fill(name)
    await field(page, variant, "Email address").fill(email)
    await field(page, variant, "Password").fill(PASSWORD)
    await field(page, variant, "Password again").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name=exactly(tr(variant, "Create account"))).click()

    # The page says the same for a taken address, so it signs nobody in.
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Check your inbox"))
    await expect(page.get_by_role("main")).to_contain_text(
        tr(
            variant,
            "We sent a mail to %(email)s. Open the link in it to confirm the address and sign in; it works for 3 days.",
            email=email,
        )
    )
    await expect(page.locator("header form[action='/logout']")).to_have_count(0)
    if variant.is_phone:
        await assert_fits(page)

    await journey_sign_in(page, variant, email)
    await expect(page).to_have_url(f"{url}/account")
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Your account"))
    await expect(email_fact(page, email)).to_have_text(f"{email} {tr(variant, 'not confirmed yet')}")
    # Nothing else to do yet: the account page leads to the startup registration.
    register = page.get_by_role("main").get_by_role("button", name=tr(variant, "Register your startup"))
    await expect(register).to_be_visible()

    mail = await mail_with_link(mailbox, email, "/verify?token=")
    page = await click_mailed_link(page.context, mail, "/verify?token=", url)

    await expect(page).to_have_url(f"{url}/account")
    await expect(page.get_by_role("status")).to_have_text(tr(variant, "Thank you, your email address is confirmed."))
    await expect(email_fact(page, email)).to_have_text(f"{email} {tr(variant, 'confirmed')}")
    await expect(page.get_by_role("note")).to_have_count(0)  # the "please confirm" notice is gone
    if variant.is_phone:
        await assert_fits(page)

    await sign_out(page, variant)
    await expect(page).to_have_url(f"{url}/")

    await journey_sign_in(page, variant, email)
    await expect(page).to_have_url(f"{url}/account")
    await expect(await header_link(page, variant, name)).to_be_visible()
    await expect(email_fact(page, email)).to_have_text(f"{email} {tr(variant, 'confirmed')}")


async def test_forgotten_password_reset(
    open_page: OpenPage, variant: Variant, mailbox: Mailbox, live_server: ServerProcess
) -> None:
    url = live_server.url
    email = "ana@example.org"
    await make_user(email=email, name="Ana Petrović")
    page = await open_page()
    await start(page, variant)
    await (await header_link(page, variant, "Sign in")).click()

    await page.get_by_role("link", name=tr(variant, "Forgot your password?")).click()
    await field(page, variant, "Email address").fill(email)
    await page.get_by_role("button", name=tr(variant, "Send the link")).click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Check your inbox"))
    await expect(page.get_by_role("main")).to_contain_text(
        tr(
            variant,
            "If an account exists for %(email)s, a link to reset its password is on its way. It works for one hour.",
            email=email,
        )
    )

    mail = await mail_with_link(mailbox, email, "/password/reset?token=")
    page = await click_mailed_link(page.context, mail, "/password/reset?token=", url)
    await field(page, variant, "New password").fill(NEW_PASSWORD)
    await field(page, variant, "New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name=tr(variant, "Save the new password")).click()

    await expect(page).to_have_url(f"{url}/account")
    await expect(page.get_by_role("status")).to_have_text(
        tr(variant, "Your password is changed and you are signed in.")
    )
    await expect(email_fact(page, email)).to_have_text(f"{email} {tr(variant, 'confirmed')}")

    await sign_out(page, variant)
    await expect(page).to_have_url(f"{url}/")
    await choose_language(page, variant)  # signing out forgets the language chosen
    await (await header_link(page, variant, "Sign in")).click()
    await field(page, variant, "Email address").fill(email)
    await field(page, variant, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name=exactly(tr(variant, "Sign in"))).click()

    password = field(page, variant, "Password")
    await expect(page).to_have_url(f"{url}/login")
    await expect(password).to_have_accessible_description(tr(variant, "Wrong email or password."))
    await expect(password).to_have_attribute("aria-invalid", "true")
    await expect(password).to_have_value("")
    await expect(field(page, variant, "Email address")).to_have_value(email)

    await password.fill(NEW_PASSWORD)
    await page.get_by_role("main").get_by_role("button", name=exactly(tr(variant, "Sign in"))).click()

    await expect(page).to_have_url(f"{url}/account")
    await expect(await header_link(page, variant, "Ana Petrović")).to_be_visible()


async def test_form_errors_keep_input_without_javascript(open_context: OpenContext, live_server: ServerProcess) -> None:
    page = await (await open_context(java_script_enabled=False)).new_page()
    await page.goto("/")
    await page.locator("header").get_by_role("button", name="Create account").click()

    await english_field(page, "Your name").fill("Mila Kovač")
    await english_field(page, "Email address").fill("mila@example.org")
    await english_field(page, "Password").fill("short")
    await english_field(page, "Password again").fill("short")
    await page.get_by_role("main").get_by_role("button", name="Create account").click()

    await expect(page).to_have_url(f"{live_server.url}/signup")
    await expect(page.get_by_text("Use at least 10 characters.", exact=True)).to_be_visible()
    await expect(english_field(page, "Password")).to_have_attribute("aria-invalid", "true")
    await expect(english_field(page, "Your name")).to_have_value("Mila Kovač")
    await expect(english_field(page, "Email address")).to_have_value("mila@example.org")
    await expect(english_field(page, "Password")).to_have_value("")
    await expect(english_field(page, "Password again")).to_have_value("")


async def test_keyboard_skip_link(page: Page, live_server: ServerProcess) -> None:
    await page.goto("/")

    await page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to content")
    await expect(skip_link).to_be_focused()
    await expect(skip_link).to_be_visible()

    await page.keyboard.press("Enter")

    await expect(page).to_have_url(f"{live_server.url}/#content")
    await expect(page.get_by_role("main")).to_be_focused()
