"""Browser fixtures: one live server and one headless Chromium per session, a fresh context per test.

The server runs `python -m core serve` in its own process against the test database, with the
scheduler on and the outbox sent every second to the local SMTP test server, so a test can
read the mails a real user would get.

Every context a test opens is watched for what the Content-Security-Policy refused (an inline
script or style, a `style` attribute, a resource from elsewhere): any such report fails the test,
so a page that relies on something the policy blocks cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from tests.browser.journey import VARIANTS, Variant
from tests.fixtures import ServerProcess, SmtpServer, free_port, start_server, stop_server, wait_until_up

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
"""How long an action (click, fill, navigation) may take before the test fails instead of hanging."""

OpenContext = Callable[..., Awaitable[BrowserContext]]

# Runs in every document before its own scripts; the binding reaches the test whatever the CSP says.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} refused ${event.blockedURI || "inline"} on `
    + `${event.documentURI} (${event.sourceFile || "the document"}:${event.lineNumber}) ${event.sample || ""}`);
});
"""


class PolicyWatch:
    """What the browser refused under the page's policies, in the contexts this watch was given.

    Two sources: the `securitypolicyviolation` events of each document, and the console, where
    Chromium also logs what no event reports (a frame refused by `frame-ancestors`, a
    Permissions-Policy it cannot parse).
    """

    def __init__(self) -> None:
        self.reports: list[tuple[Page | None, str]] = []

    async def watch(self, context: BrowserContext) -> None:
        await context.expose_binding("__cspViolation", lambda source, text: self.reports.append((source["page"], text)))
        await context.add_init_script(script=REPORT_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if any(mark in message.text for mark in ("Content Security Policy", "Permissions-Policy")):
            self.reports.append((message.page, f"console: {message.text}"))

    def take(self, page: Page) -> list[str]:
        """The reports of `page` so far, which are then forgotten."""
        mine = [text for source, text in self.reports if source is page]
        self.reports = [(source, text) for source, text in self.reports if source is not page]
        return mine


@pytest.fixture(autouse=True)
def policy_watch() -> Iterator[PolicyWatch]:
    """Fails the test when a page of a context from `open_context` broke the Content-Security-Policy."""
    watch = PolicyWatch()
    yield watch
    refused = [text for _page, text in watch.reports]
    assert refused == [], "the browser refused:\n" + "\n".join(refused)


@pytest.fixture(autouse=True)
def _empty_database(clean_db: None) -> None:
    """Each browser test starts on an empty database."""


# Per module, so no server (and its scheduler, which holds the leader lock) outlives the
# browser tests and competes with the scheduler tests that start their own workers.
@pytest.fixture(scope="module")
def live_server(database: None, smtp_server: SmtpServer) -> Iterator[ServerProcess]:
    server = start_server(
        port=free_port(),
        extra_env={
            "SCHEDULER_ENABLED": "true",
            "SMTP_HOST": smtp_server.host,
            "SMTP_PORT": str(smtp_server.port),
            "OUTBOX_INTERVAL": "1",
        },
    )
    try:
        wait_until_up(server)
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def open_context(
    browser: Browser, live_server: ServerProcess, policy_watch: PolicyWatch
) -> AsyncIterator[OpenContext]:
    """`await open_context(**options)`: a fresh context (no cookies), with paths relative to the live server.

    Options go to `Browser.new_context`, e.g. `java_script_enabled=False`; contexts close after the test.
    """
    opened: list[BrowserContext] = []

    async def open_(**options: Any) -> BrowserContext:
        context = await browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        await policy_watch.watch(context)
        opened.append(context)
        return context

    yield open_
    for context in opened:
        await context.close()


@pytest.fixture
async def page(open_context: OpenContext) -> Page:
    """A page in a fresh browser context."""
    context = await open_context()
    return await context.new_page()


@pytest.fixture(params=VARIANTS, ids=lambda variant: variant.name)
def variant(request: pytest.FixtureRequest) -> Variant:
    """Runs a journey once per variant: on a desktop in English, on a 390 px phone in Serbian Cyrillic."""
    return request.param


OpenPage = Callable[..., Awaitable[Page]]


@pytest.fixture
async def open_page(open_context: OpenContext, variant: Variant) -> OpenPage:
    """`await open_page(**options)`: a page in a fresh context with the variant's screen (one per
    person in a journey, so nobody shares cookies)."""

    async def open_(**options: Any) -> Page:
        context = await open_context(**{**variant.context_options, **options})
        return await context.new_page()

    return open_
