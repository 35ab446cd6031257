"""A person's own data: from the home page to their account, the download, then the erasure
(on a desktop in English and on a phone in Serbian Cyrillic)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.async_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.journey import Variant, assert_fits, exactly, header_link, sign_in, start, tr
from tests.factories import PASSWORD, make_user
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser


async def test_download_my_data_then_erase_my_account(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    user = await make_user(email="mila@example.org", name="Mila Kovač")
    page = await open_page(accept_downloads=True)
    await start(page, variant)
    await sign_in(page, variant, "mila@example.org")
    await expect(page).to_have_url(f"{live_server.url}/account")
    main = page.get_by_role("main")
    async with page.expect_download() as waiting:
        await main.get_by_role("link", name=exactly(tr(variant, "Download your data (zip)"))).click()
    download = await waiting.value
    archive = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
    account = json.loads(archive.read("core.json"))["account"]
    assert [(row["id"], row["email"], row["name"]) for row in account] == [
        (user["id"], "mila@example.org", "Mila Kovač")
    ]
    await assert_fits(page)

    await main.get_by_role("link", name=exactly(tr(variant, "Erase your account"))).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Erase your account"))
    await main.get_by_label(exactly(tr(variant, "Your password, to confirm"))).fill(PASSWORD)
    await main.get_by_role("button", name=exactly(tr(variant, "Erase my account for good"))).click()

    await expect(page).to_have_url(f"{live_server.url}/")
    await expect(page.get_by_role("status")).to_have_text(
        tr(variant, "Your account is erased. What we keep is listed on the privacy page.")
    )
    await page.get_by_role("contentinfo").get_by_role("link", name=exactly(tr(variant, "Privacy"))).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Privacy: what we store about you"))
    await (await header_link(page, variant, "Sign in")).click()
    await main.get_by_label(exactly(tr(variant, "Email address"))).fill("mila@example.org")
    await main.get_by_label(exactly(tr(variant, "Password"))).fill(PASSWORD)
    await main.get_by_role("button", name=exactly(tr(variant, "Sign in"))).click()
    await expect(page.get_by_role("alert")).to_have_text(re.compile(re.escape(tr(variant, "Wrong email or password."))))
