"""Accessibility in a real browser: axe-core on every main page of every role, and the keyboard.

One small world is built once for the module (an edition with a published problem and a draft
one, a startup with an accepted and a draft application, a mentor with a profile, a match and a
booked session, a judge with an assignment in an open round, a hackathon with a published
schedule, municipality staff, a resident, an organiser) and each role signs in once. Every page
is then its own test: axe-core (tests/browser/assets/axe.min.js) runs in the page and any
violation of impact "serious" or "critical" fails it, naming the rule, its help and the
offending elements. The pages are visited a few at a time in the background, so the file stays
fast; each test waits for its own page.

The keyboard tests check what axe cannot: the skip link comes first and shows when focused, Tab
walks the navigation and the forms in reading order, the focus ring is drawn, and the sign-in
form can be filled and sent without a mouse.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.browser.accessibility_world import World, build_world
from tests.browser.axe import AXE, BLOCKING, axe_violations, describe
from tests.browser.conftest import TIMEOUT_MS, OpenContext, PolicyWatch
from tests.browser.keyboard import assert_ring_visible, focused, form_controls, key, tab_until
from tests.factories import PASSWORD
from tests.fixtures import ServerProcess

pytestmark = pytest.mark.browser


# Each page: (test id, role or None for a visitor, path with {placeholders} from World.ids).
PAGES: list[tuple[str, str | None, str]] = [
    ("anonymous-home", None, "/"),
    ("anonymous-editions", None, "/editions"),
    ("anonymous-edition", None, "/editions/{slug}"),
    ("anonymous-catalogue", None, "/problems"),
    ("anonymous-problem", None, "/problems/{problem}"),
    ("anonymous-results", None, "/editions/{slug}/results"),
    ("anonymous-login", None, "/login"),
    ("anonymous-signup", None, "/signup"),
    ("anonymous-forgot-password", None, "/password/forgot"),
    ("anonymous-hackathon-schedule", None, "/hackathons/{hackathon}"),
    ("anonymous-privacy", None, "/privacy"),
    ("resident-home", "resident", "/"),
    ("resident-problem", "resident", "/problems/{problem}"),
    ("resident-account", "resident", "/account"),
    ("resident-calendar", "resident", "/account/calendar"),
    ("resident-erase", "resident", "/account/erase"),
    ("startup-dashboard", "startup", "/startup"),
    ("startup-application-form", "startup", "/startup/applications/{draft_application}/edit"),
    ("startup-application", "startup", "/startup/applications/{application}"),
    ("startup-profile", "startup", "/startup/{startup}/profile"),
    ("startup-team", "startup", "/startup/{startup}/team"),
    ("startup-mentoring", "startup", "/startup/mentoring"),
    ("startup-hackathon-mine", "startup", "/hackathons/{hackathon}/mine"),
    ("municipality-problems", "municipality", "/municipality"),
    ("municipality-problem-new", "municipality", "/municipality/problems/new?edition_id={edition}"),
    ("municipality-problem-form", "municipality", "/municipality/problems/{draft_problem}/edit"),
    ("municipality-problem", "municipality", "/municipality/problems/{problem}"),
    ("municipality-profile", "municipality", "/municipality/{municipality}/profile"),
    ("municipality-applications", "municipality", "/municipality/applications"),
    ("municipality-application", "municipality", "/municipality/applications/{application}"),
    ("mentor-home", "mentor", "/mentor"),
    ("mentor-profile", "mentor", "/mentor/editions/{edition}/profile"),
    ("mentor-sessions", "mentor", "/mentor/sessions"),
    ("mentor-session-notes", "mentor", "/mentor/sessions/{session}/notes"),
    ("judge-home", "judge", "/judge"),
    ("judge-profile", "judge", "/judge/editions/{edition}/profile"),
    ("judge-queue", "judge", "/judge/rounds/{round}"),
    ("judge-score-sheet", "judge", "/judge/assignments/{assignment}"),
    ("organiser-home", "organiser", "/organiser"),
    ("organiser-people", "organiser", "/organiser/people?q=demo"),
    ("organiser-editions", "organiser", "/organiser/editions"),
    ("organiser-edition-new", "organiser", "/organiser/editions/new"),
    ("organiser-edition-edit", "organiser", "/organiser/editions/{edition}/edit"),
    ("organiser-dashboard", "organiser", "/organiser/editions/{edition}/dashboard"),
    ("organiser-problems", "organiser", "/organiser/editions/{edition}/problems"),
    ("organiser-problem-review", "organiser", "/organiser/problems/{problem}"),
    ("organiser-screening-list", "organiser", "/organiser/editions/{edition}/applications"),
    ("organiser-screening-detail", "organiser", "/organiser/applications/{application}"),
    ("organiser-questions", "organiser", "/organiser/editions/{edition}/questions"),
    ("organiser-matching", "organiser", "/organiser/editions/{edition}/matching"),
    ("organiser-mentoring-overview", "organiser", "/organiser/editions/{edition}/mentoring/overview"),
    ("organiser-judging", "organiser", "/organiser/editions/{edition}/judging"),
    ("organiser-round", "organiser", "/organiser/rounds/{round}"),
    ("organiser-judge-release", "organiser", "/organiser/rounds/{round}/judges/{judge}/release"),
    ("organiser-pairwise-round", "organiser", "/organiser/rounds/{final}"),
    ("judge-pairwise", "judge", "/judge/rounds/{final}/pairwise"),
    ("anonymous-projector", None, "/rounds/{final}/projector"),
    ("organiser-hackathons", "organiser", "/organiser/editions/{edition}/hackathons"),
    ("organiser-hackathon", "organiser", "/organiser/editions/{edition}/hackathons/{hackathon}"),
    ("organiser-hackathon-schedule", "organiser", "/organiser/editions/{edition}/hackathons/{hackathon}/schedule"),
    ("organiser-jobs", "organiser", "/organiser/jobs"),
    ("organiser-municipalities", "organiser", "/organiser/municipalities"),
    ("organiser-expertise", "organiser", "/organiser/expertise"),
    ("organiser-invites", "organiser", "/organiser/invites"),
    ("organiser-outbox", "organiser", "/organiser/outbox"),
    ("organiser-audit", "organiser", "/organiser/audit"),
]


@pytest.fixture(autouse=True)
def _empty_database() -> None:
    """Replaces the per-test emptying of the browser conftest: the world below is built once."""


@pytest.fixture(scope="module")
async def world(live_server: ServerProcess, pool: None) -> World:
    return await build_world(live_server.url)


async def open_as(open_context: OpenContext, world: World, role: str | None, **options: Any) -> Page:
    """A page in a fresh context, signed in as `role` (None: a visitor)."""
    context = await open_context(**options)
    if role is not None:
        await context.add_cookies(world.cookies[role])
    return await context.new_page()


@dataclass(frozen=True)
class Visit:
    """A page as the browser found it: the answer's status, where it ended up, what axe-core
    reported, and what the Content-Security-Policy refused."""

    status: int | None
    url: str
    violations: list[dict[str, Any]]
    refused: list[str]


VISITORS = 4
"""Pages visited side by side, so the browser checks one page while the server renders the next."""


@pytest.fixture(scope="module")
async def visits(
    request: pytest.FixtureRequest, browser: Browser, live_server: ServerProcess, world: World
) -> AsyncIterator[dict[str, asyncio.Future[Visit]]]:
    """Every selected page of PAGES visited and checked in the background, in order; each test awaits its own.

    A context per role, signed in with the world's cookies and with axe-core added to every
    document it loads; each of the VISITORS workers keeps one tab per role.
    """
    selected = {
        item.callspec.params["page_id"]
        for item in request.session.items
        if item.module is request.module and hasattr(item, "callspec") and "page_id" in item.callspec.params
    }
    contexts: dict[str | None, BrowserContext] = {}
    watch = PolicyWatch()
    for role in (None, *world.cookies):
        context = contexts[role] = await browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        await watch.watch(context)
        if role is not None:
            await context.add_cookies(world.cookies[role])
        await context.add_init_script(path=AXE)
    loop = asyncio.get_running_loop()
    futures = {page_id: loop.create_future() for page_id, _, _ in PAGES if page_id in selected}
    queue = [(page_id, role, path) for page_id, role, path in PAGES if page_id in futures]

    async def worker() -> None:
        tabs: dict[str | None, Page] = {}
        while queue:
            page_id, role, path = queue.pop(0)
            try:
                if role not in tabs:
                    tabs[role] = await contexts[role].new_page()
                tab = tabs[role]
                response = await tab.goto(path.format(**world.ids))
                status = response.status if response else None
                violations = await axe_violations(tab)
                futures[page_id].set_result(Visit(status, tab.url, violations, watch.take(tab)))
            except Exception as error:  # the page's own test reports it
                futures[page_id].set_exception(error)

    workers = [asyncio.create_task(worker()) for _ in range(VISITORS)]
    yield futures
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    for future in futures.values():
        if future.done() and not future.cancelled():
            future.exception()  # retrieved, so asyncio does not warn about it
    for context in contexts.values():
        await context.close()


@pytest.mark.parametrize("page_id", [page_id for page_id, _, _ in PAGES], ids=str)
async def test_no_serious_or_critical_axe_violation(
    visits: dict[str, asyncio.Future[Visit]], world: World, live_server: ServerProcess, page_id: str
) -> None:
    role, path = next((role, path) for known, role, path in PAGES if known == page_id)
    url = path.format(**world.ids)

    visit = await visits[page_id]

    assert visit.status == 200, f"{url}: {visit.status}"
    assert visit.url.startswith(f"{live_server.url}{url.split('?')[0].rstrip('/')}"), f"{url} went to {visit.url}"
    blocking = [v for v in visit.violations if v["impact"] in BLOCKING]
    assert not blocking, f"{url} as {role or 'visitor'}:\n{describe(blocking)}"
    assert visit.refused == [], f"{url} as {role or 'visitor'}: the browser refused " + "\n".join(visit.refused)


async def test_a_form_shown_again_with_errors_has_no_serious_or_critical_axe_violation(
    open_context: OpenContext, world: World
) -> None:
    page = await open_as(open_context, world, None)
    await page.context.add_init_script(path=AXE)
    await page.goto("/signup")
    await page.get_by_label(re.compile(r"^Your name")).fill("Mila Kovač")
    await page.get_by_label(re.compile(r"^Email address")).fill("mila@example.org")
    await page.get_by_label(re.compile(r"^Password \*$")).fill("short")
    await page.get_by_label(re.compile(r"^Password again")).fill("other")
    async with page.expect_response(lambda response: response.request.method == "POST") as answer:
        await page.get_by_role("main").get_by_role("button", name="Create account").click()

    assert (await answer.value).status == 422
    await expect(page.get_by_text("Use at least 10 characters.", exact=True)).to_be_visible()
    blocking = [v for v in await axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, f"/signup with errors:\n{describe(blocking)}"


# -- The keyboard: what axe cannot see.


@pytest.mark.parametrize(("role", "path"), [(None, "/problems"), ("organiser", "/organiser/editions")])
async def test_the_skip_link_comes_first_shows_when_focused_and_jumps_to_main(
    open_context: OpenContext, world: World, live_server: ServerProcess, role: str | None, path: str
) -> None:
    page = await open_as(open_context, world, role)
    await page.goto(path)
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).not_to_be_in_viewport()

    await page.keyboard.press("Tab")

    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    assert_ring_visible(await focused(page))
    main = page.get_by_role("main")
    target = await skip.get_attribute("href")
    assert target == f"#{await main.get_attribute('id')}", target
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{live_server.url}{path}{target}")
    await expect(main).to_be_focused()
    # Tab goes on inside the content, past the navigation.
    await page.keyboard.press("Tab")
    after = await focused(page)
    assert after["inMain"] and not after["inNav"], after


async def test_tab_reaches_the_navigation_then_the_sign_in_form_in_order(
    open_context: OpenContext, world: World
) -> None:
    page = await open_as(open_context, world, None)
    await page.goto("/login")
    controls = await form_controls(page, "main form")
    assert controls[:3] == ["email", "password", "Sign in"], controls

    passed = await tab_until(page, lambda now: now["name"] == "email")

    assert passed[0]["text"] == "Skip to content", passed[0]
    assert [p["text"] for p in passed if p["inNav"] and p["tag"] == "a"] == [
        "Smart Challenge",
        "Problems",
        "Pilots",
        "Sign in",
        "Create account",
    ]
    walked = [key(passed[-1])]
    for _ in controls[1:]:
        await page.keyboard.press("Tab")
        now = await focused(page)
        assert_ring_visible(now)
        walked.append(key(now))
    assert walked == controls
    for now in passed:
        assert_ring_visible(now)


async def test_tab_walks_the_application_form_in_reading_order(open_context: OpenContext, world: World) -> None:
    page = await open_as(open_context, world, "startup")
    await page.goto(f"/startup/applications/{world.ids['draft_application']}/edit")
    controls = await form_controls(page, "main form")
    assert len(controls) > 10 and "solution" in controls, controls

    passed = await tab_until(page, lambda now: now["inMain"] and key(now) == controls[0])

    assert any(p["inNav"] and p["text"] == "Startup" for p in passed), passed
    walked = [controls[0]]
    for _ in controls[1:]:
        await page.keyboard.press("Tab")
        now = await focused(page)
        assert_ring_visible(now)
        walked.append(key(now))
    assert walked == controls


async def test_signing_in_with_the_keyboard_alone(open_context: OpenContext, world: World) -> None:
    page = await open_as(open_context, world, None)
    await page.goto("/login")

    await tab_until(page, lambda now: now["name"] == "email")
    await page.keyboard.type("rada@example.org")
    await page.keyboard.press("Tab")
    assert (await focused(page))["name"] == "password"
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")

    await expect(page).not_to_have_url(re.compile(r"/login$"))
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Rada Resident")).to_be_visible()
