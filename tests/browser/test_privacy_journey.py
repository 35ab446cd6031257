"""A person's own data on a phone: from the home page to their account, the download, then the erasure."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import BrowserContext, expect

from tests.browser.test_account_journey import field, sign_in
from tests.factories import PASSWORD, make_user
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]


async def test_download_my_data_then_erase_my_account_on_a_phone(
    open_context: OpenContext, live_server: ServerProcess
) -> None:
    user = await make_user(email="mila@example.org", name="Mila Kovač")
    context = await open_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = await context.new_page()
    await page.goto("/")

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    await sign_in(page, "mila@example.org", PASSWORD)
    await expect(page).to_have_url(f"{live_server.url}/account")
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Download your data (zip)").click()
    download = await waiting.value
    archive = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
    account = json.loads(archive.read("core.json"))["account"]
    assert [(row["id"], row["email"], row["name"]) for row in account] == [
        (user["id"], "mila@example.org", "Mila Kovač")
    ]
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    await page.get_by_role("main").get_by_role("link", name="Erase your account").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Erase your account")
    await field(page, "Your password, to confirm").fill(PASSWORD)
    await page.get_by_role("button", name="Erase my account for good").click()

    await expect(page).to_have_url(f"{live_server.url}/")
    await expect(page.get_by_role("status")).to_have_text(
        "Your account is erased. What we keep is listed on the privacy page."
    )
    await page.get_by_role("contentinfo").get_by_role("link", name="Privacy").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Privacy: what we store about you")
    await page.goto("/login")
    await sign_in(page, "mila@example.org", PASSWORD)
    await expect(page.get_by_role("alert")).to_have_text(re.compile("Wrong email or password."))
