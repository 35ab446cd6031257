"""The account journey in a real browser: sign up, confirm by mail, sign out and in, reset a password.

Everything goes through the pages a person sees: fields are found by their labels, buttons by
their names, and links come from the mails the SMTP test server received.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from email.message import Message

import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from tests.factories import PASSWORD, make_user
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

TOKEN_IN_LINK = re.compile(r"http://testserver/(verify|password/reset)\?token=([A-Za-z0-9_\-]+)")
NEW_PASSWORD = "a brand new secret"

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture


def mailed_token(message: Message, path: str) -> str:
    """The token of the link to `path` in a mail (links carry BASE_URL, not the live server's address)."""
    found = [token for link_path, token in TOKEN_IN_LINK.findall(body_of(message)) if link_path == path]
    assert len(found) == 1, f"expected one {path} link in the mail, got: {body_of(message)}"
    return found[0]


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def email_fact(page: Page, email: str) -> Locator:
    """The "Email address" entry of the account page, with its confirmation badge."""
    return page.get_by_role("definition").filter(has_text=email)


async def sign_in(page: Page, email: str, password: str) -> None:
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(password)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


async def test_sign_up_verify_sign_out_and_in(page: Page, mailbox: Mailbox, live_server: ServerProcess) -> None:
    email = "mila@example.org"
    await page.goto("/signup")

    await field(page, "Your name").fill("Mila Kovač")
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await field(page, "Password again").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Create account").click()

    # The page says the same for a taken address, so it signs nobody in.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    await expect(page.get_by_role("main")).to_contain_text(f"We sent a mail to {email}.")
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    await sign_in(page, email, PASSWORD)
    await expect(page).to_have_url(f"{live_server.url}/account")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    await expect(email_fact(page, email)).to_have_text(f"{email} not confirmed yet")

    mail = await mailbox.wait_for(email)
    assert mail["Subject"] == "Confirm your email address"
    token = mailed_token(mail, "verify")
    await page.goto(f"/verify?token={token}")

    await expect(page).to_have_url(f"{live_server.url}/account")
    await expect(page.get_by_role("status")).to_have_text("Thank you, your email address is confirmed.")
    await expect(email_fact(page, email)).to_have_text(f"{email} confirmed")
    await expect(page.get_by_role("note")).to_have_count(0)  # the "please confirm" notice is gone

    await page.get_by_role("button", name="Sign out").click()

    await expect(page).to_have_url(f"{live_server.url}/")
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    await expect(page).to_have_url(f"{live_server.url}/login")
    await sign_in(page, email, PASSWORD)

    await expect(page).to_have_url(f"{live_server.url}/account")
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Mila Kovač")).to_be_visible()
    await expect(email_fact(page, email)).to_have_text(f"{email} confirmed")


async def test_forgotten_password_reset(page: Page, mailbox: Mailbox, live_server: ServerProcess) -> None:
    email = "ana@example.org"
    await make_user(email=email, name="Ana Petrović")
    await page.goto("/login")

    await page.get_by_role("link", name="Forgot your password?").click()
    await field(page, "Email address").fill(email)
    await page.get_by_role("button", name="Send the link").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    await expect(page.get_by_role("main")).to_contain_text(
        f"If an account exists for {email}, a link to reset its password is on its way. It works for one hour."
    )

    mail = await mailbox.wait_for(email)
    assert mail["Subject"] == "Reset your password"
    token = mailed_token(mail, "password/reset")
    await page.goto(f"/password/reset?token={token}")
    await field(page, "New password").fill(NEW_PASSWORD)
    await field(page, "New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Save the new password").click()

    await expect(page).to_have_url(f"{live_server.url}/account")
    await expect(page.get_by_role("status")).to_have_text("Your password is changed and you are signed in.")
    await expect(email_fact(page, email)).to_have_text(f"{email} confirmed")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{live_server.url}/")
    await page.goto("/login")
    await sign_in(page, email, PASSWORD)

    password = field(page, "Password")
    await expect(page).to_have_url(f"{live_server.url}/login")
    await expect(password).to_have_accessible_description("Wrong email or password.")
    await expect(password).to_have_attribute("aria-invalid", "true")
    await expect(password).to_have_value("")
    await expect(field(page, "Email address")).to_have_value(email)

    await password.fill(NEW_PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()

    await expect(page).to_have_url(f"{live_server.url}/account")
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Ana Petrović")).to_be_visible()


async def test_form_errors_keep_input_without_javascript(open_context: OpenContext, live_server: ServerProcess) -> None:
    page = await (await open_context(java_script_enabled=False)).new_page()
    await page.goto("/signup")

    await field(page, "Your name").fill("Mila Kovač")
    await field(page, "Email address").fill("mila@example.org")
    await field(page, "Password").fill("short")
    await field(page, "Password again").fill("short")
    await page.get_by_role("main").get_by_role("button", name="Create account").click()

    await expect(page).to_have_url(f"{live_server.url}/signup")
    await expect(page.get_by_text("Use at least 10 characters.", exact=True)).to_be_visible()
    await expect(field(page, "Password")).to_have_attribute("aria-invalid", "true")
    await expect(field(page, "Your name")).to_have_value("Mila Kovač")
    await expect(field(page, "Email address")).to_have_value("mila@example.org")
    await expect(field(page, "Password")).to_have_value("")
    await expect(field(page, "Password again")).to_have_value("")


async def test_keyboard_skip_link(page: Page, live_server: ServerProcess) -> None:
    await page.goto("/")

    await page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to content")
    await expect(skip_link).to_be_focused()
    await expect(skip_link).to_be_visible()

    await page.keyboard.press("Enter")

    await expect(page).to_have_url(f"{live_server.url}/#content")
    await expect(page.get_by_role("main")).to_be_focused()
