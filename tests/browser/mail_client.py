"""Reading a mail as a person does: in their own browser, with its web addresses shown as links,
and clicking the one they need, so no journey types a URL to follow a mailed link.

Mails carry the test BASE_URL (http://testserver); the browser context sends that address on to
the live server, as a real BASE_URL would lead to the real one.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Sequence
from email.header import decode_header, make_header
from email.message import Message

from playwright.async_api import BrowserContext, Page, Route

from tests.fixtures import Mailbox, body_of

BASE_URL = "http://testserver"
LINK = re.compile(r"https?://\S+")


def subject_of(message: Message) -> str:
    """The subject as the reader sees it (one with names like "Petrović" travels encoded, RFC 2047)."""
    return str(make_header(decode_header(message["Subject"])))


async def mail_with_link(mailbox: Mailbox, address: str, path: str, *, timeout: float = 15.0) -> Message:
    """The newest mail to `address` holding a link to `path` (a mail's subject is in the reader's
    language and encoded, so its link is what tells it apart)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mailbox.to(address) if f"{BASE_URL}{path}" in body_of(m)]
        if found:
            return found[-1]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {address} with a link to {path} within {timeout} s")


async def mails_titled(
    mailbox: Mailbox, address: str, subjects: Sequence[str], *, timeout: float = 20.0
) -> list[Message]:
    """The mails to `address` titled one of `subjects`, in the order they came, once each subject
    has come. Other mails to the address are left out: the scheduler mails a phase change on its
    own clock, so one may land in the middle of a journey; a subject that comes twice fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mailbox.to(address) if subject_of(m) in subjects]
        if {subject_of(m) for m in found} >= set(subjects):
            titles = [subject_of(m) for m in found]
            assert len(titles) == len(set(titles)), f"a subject came twice to {address}: {titles}"
            return found
        await asyncio.sleep(0.1)
    got = [subject_of(m) for m in mailbox.to(address)]
    raise AssertionError(f"no mails {list(subjects)!r} to {address} within {timeout} s; got {got}")


async def mail_titled(mailbox: Mailbox, address: str, subject: str, *, timeout: float = 20.0) -> Message:
    """The one mail to `address` titled `subject` (see `mails_titled`)."""
    (found,) = await mails_titled(mailbox, address, [subject], timeout=timeout)
    return found


async def click_mailed_link(context: BrowserContext, message: Message, path: str, live_url: str) -> Page:
    """Open `message` in a new tab of the person's browser and click its link to `path`; the tab
    then shows the page the link leads to, and is returned."""

    async def to_live_server(route: Route) -> None:
        await route.fulfill(status=302, headers={"Location": route.request.url.replace(BASE_URL, live_url, 1)})

    await context.route(f"{BASE_URL}/**", to_live_server)
    text = html.escape(body_of(message))
    linked = LINK.sub(lambda found: f'<a href="{found[0]}">{found[0]}</a>', text)
    tab = await context.new_page()
    await tab.set_content(f"<!doctype html><title>Mail</title><pre>{linked}</pre>")
    links = tab.locator(f'a[href^="{BASE_URL}{path}"]')
    assert await links.count() == 1, f"expected one link to {path} in: {body_of(message)}"
    async with tab.expect_navigation(url=re.compile(rf"^{re.escape(live_url)}")):
        await links.click()
    return tab
