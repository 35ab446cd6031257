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
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from challenge.tables import Application, ApplicationProblem, StartupMember
from core.clock import utc_now
from core.enums import Role
from judging.tables import JudgeAssignment
from mentoring.tables import MentoringSession, MentorProfile
from tests.browser.conftest import TIMEOUT_MS, PolicyWatch
from tests.db import empty_all_tables
from tests.factories import (
    PASSWORD,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
    set_timeline,
)
from tests.fixtures import ServerProcess
from tests.integration.hackathon.world import ZONE, build, make_world
from tests.web import WebClient

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

AXE = Path(__file__).parent / "assets" / "axe.min.js"
BLOCKING = ("serious", "critical")
"""Impacts that fail a page ("minor" and "moderate" findings, e.g. heading order, do not)."""
HOURS = [[day, 8 * 60, 20 * 60] for day in range(7)]  # the mentor: 08:00-20:00 every day


@dataclass(frozen=True)
class World:
    """The ids the pages need, and each role's signed-in cookies."""

    ids: dict[str, Any]
    cookies: dict[str, list[dict[str, Any]]]


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


async def _signed_in(base_url: str, email: str) -> WebClient:
    client = WebClient(httpx.AsyncClient(base_url=base_url))
    await client.login(email, PASSWORD)
    return client


def _ok(response: httpx.Response) -> None:
    assert response.status_code in (200, 302, 303), f"{response.request.url}: {response.status_code}"


@pytest.fixture(scope="module")
async def world(live_server: ServerProcess, pool: None) -> AsyncIterator[World]:
    from core.settings import get_settings

    await empty_all_tables()
    shutil.rmtree(get_settings().upload_dir, ignore_errors=True)

    # The hackathon tests' world: an edition, a hackathon with two rooms and a panel of two
    # judges, three accepted teams (AgroSense matched with the mentor).
    small = await make_world()
    edition_id = small.edition["id"]
    now = utc_now()
    await set_timeline(
        edition_id,
        problem_intake=now - timedelta(days=120),
        applications=now - timedelta(days=90),
        screening=now - timedelta(days=60),
        mentoring=now - timedelta(days=1),
        hackathon=now + timedelta(days=30),
    )
    # The hackathon world's judges share the founders' mail domain (a detected conflict): this one does not.
    judge = await make_user(name="Ana Petrović", email="ana@etf.rs", role=Role.JUDGE, edition_id=edition_id)
    organiser = await make_user(name="Olga Organiser", email="olga@challenge.rs", role=Role.ORGANISER)
    resident = await make_user(name="Rada Resident", email="rada@example.org")
    municipality = await make_municipality(name="Ivanjica")
    staff = await make_user(
        name="Jelena Marković", email="jelena@ivanjica.rs", role=Role.MUNICIPALITY, organisation_id=municipality["id"]
    )
    problem = await make_problem(edition_id=edition_id, municipality_id=municipality["id"], endorsements=3)
    draft_problem = await make_problem(
        edition_id=edition_id, municipality_id=municipality["id"], status="draft", title="Street lights left on"
    )
    team = "AgroSense"
    application_id = small.teams[team]
    founder = small.members[team]
    await Application.update({Application.solution: "Acoustic leak sensors, read over LoRaWAN."}).where(
        Application.id == application_id
    )
    await ApplicationProblem.insert(ApplicationProblem(application=application_id, problem=problem["id"]))
    startup_id = (await StartupMember.select(StartupMember.startup).where(StartupMember.user == founder["id"]).first())[
        "startup"
    ]
    # The draft is for next year's edition, still taking applications: this year's have closed,
    # and a draft past its deadline has no form any more.
    next_year = await make_edition_taking_applications(name="Next Challenge", year=2027, slug="next-2027")
    await StartupMember.insert(
        StartupMember(
            startup=startup_id,
            user=founder["id"],
            edition=next_year["id"],
            title="CEO",
            is_contact=True,
            key=f"{next_year['id']}:{founder['id']}",
        )
    )
    draft_application = (
        await Application.insert(
            Application(
                edition=next_year["id"],
                startup=startup_id,
                track="smart_rural",
                status="draft",
                solution="Soil moisture sensors for the village gardens.",
                active_key=f"{next_year['id']}:{startup_id}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]
    await MentorProfile.insert(
        MentorProfile(
            user=small.mentor["id"],
            edition=edition_id,
            key=f"{edition_id}:{small.mentor['id']}",
            expertise=["iot"],
            languages=["sr", "en"],
            capacity=2,
            timezone=ZONE,
            availability=HOURS,
        )
    )

    # The published schedule: built through the service, published by the organiser.
    await build(small)
    chair = await _signed_in(live_server.url, organiser["email"])
    base = f"/organiser/editions/{edition_id}/hackathons/{small.hackathon_id}"
    _ok(await chair.post_form(f"{base}/publish"))

    # A judging round with a rubric, open, judges assigned.
    created = await chair.post_form(
        f"/organiser/editions/{edition_id}/judging/",
        {
            "name": "Final",
            "method": "weighted_rubric",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "2",
            "normalisation": "judge_offset",
        },
    )
    _ok(created)
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    rubric = {
        "criteria-0-name": "Impact",
        "criteria-0-guidance": "How much would the pilot save?",
        "criteria-0-weight": "2",
        "criteria-0-scale_min": "1",
        "criteria-0-scale_max": "10",
        "criteria-1-name": "Team",
        "criteria-1-weight": "1",
        "criteria-1-scale_min": "1",
        "criteria-1-scale_max": "10",
    }
    for step, data in (("rubric", rubric), ("open", {}), ("assign", {})):
        _ok(await chair.post_form(f"/organiser/rounds/{round_id}/{step}", data))
    assignment = await JudgeAssignment.select(JudgeAssignment.id).where(JudgeAssignment.judge == judge["id"]).first()
    assert assignment, "the judge got no assignment"

    # A mentoring session: the mentor offers a slot three days ahead, the founder books it.
    mentor = await _signed_in(live_server.url, small.mentor["email"])
    day = (now.astimezone(ZoneInfo(ZONE)) + timedelta(days=3)).date()
    starts_at = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(ZONE))
    _ok(
        await mentor.post_form(
            "/mentor/sessions/slots",
            {
                "edition_id": str(edition_id),
                "starts_at": f"{starts_at:%Y-%m-%dT%H:%M}",
                "ends_at": f"{starts_at + timedelta(hours=1):%Y-%m-%dT%H:%M}",
                "location": "Science Park, room 4",
            },
        )
    )
    startup = await _signed_in(live_server.url, founder["email"])
    booking = (await startup.get("/api/v1/mentoring/slots/bookable")).json()
    assert booking, "no bookable slot"
    slot = booking[0]
    _ok(
        await startup.post_form(
            "/startup/mentoring/book", {"slot_id": str(slot["id"]), "match_id": str(slot["match_id"])}
        )
    )
    session = await MentoringSession.select(MentoringSession.id).first()
    assert session, "the session was not booked"

    clients = {
        "organiser": chair,
        "mentor": mentor,
        "startup": startup,
        "resident": await _signed_in(live_server.url, resident["email"]),
        "municipality": await _signed_in(live_server.url, staff["email"]),
        "judge": await _signed_in(live_server.url, judge["email"]),
    }
    cookies = {
        role: [{"name": c.name, "value": c.value, "url": live_server.url} for c in client.http.cookies.jar]
        for role, client in clients.items()
    }
    for client in clients.values():
        await client.http.aclose()
    yield World(
        ids={
            "edition": edition_id,
            "slug": small.edition["slug"],
            "problem": problem["id"],
            "draft_problem": draft_problem["id"],
            "municipality": municipality["id"],
            "startup": startup_id,
            "application": application_id,
            "draft_application": draft_application,
            "hackathon": small.hackathon_id,
            "round": round_id,
            "assignment": assignment["id"],
            "session": session["id"],
        },
        cookies=cookies,
    )


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


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page as it is now; every violation with its impact and nodes.

    axe-core comes as an init script of the page's context: a script tag added to the page would
    be an inline script, which the Content-Security-Policy refuses.
    """
    return await page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  -- {summary}")
    return "\n".join(lines)


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

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    // The colour the ring is drawn against: the first opaque background behind the element.
    let behind = "rgb(255, 255, 255)";
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== "transparent" && !/rgba\\(.*, 0\\)$/.test(colour)) { behind = colour; break; }
    }
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
        text: (el.innerText || el.value || "").trim(),
        outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor, behind, boxShadow: style.boxShadow,
        focusVisible: el.matches(":focus-visible"),
        inNav: !!el.closest("nav[aria-label]"), inMain: !!el.closest("main"),
    };
}"""


def _luminance(colour: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3])
    return sum(
        weight * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        for weight, c in zip((0.2126, 0.7152, 0.0722), (red, green, blue), strict=True)
    )


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def focused(page: Page) -> dict[str, Any]:
    """What has the focus: tag, name, text, and the focus ring as drawn."""
    return await page.evaluate(FOCUSED)


def assert_ring_visible(now: dict[str, Any]) -> None:
    """A focus ring is drawn (an outline, or a box-shadow) and an outline stands out 3:1 (WCAG 1.4.11)."""
    assert now["focusVisible"], f"not :focus-visible: {now}"
    assert now["outline"] != "none" or now["boxShadow"] != "none", f"no focus ring: {now}"
    if now["outline"] != "none":
        assert now["outlineWidth"] >= 2, f"a hairline focus ring: {now}"
        ratio = contrast(now["outlineColor"], now["behind"])
        assert ratio >= 3, f"focus ring {now['outlineColor']} on {now['behind']}: contrast {ratio:.2f} < 3: {now}"


async def tab_until(page: Page, reached: Callable[[dict[str, Any]], bool], *, limit: int = 40) -> list[dict[str, Any]]:
    """Press Tab until `reached` holds for the focused element; every element focused on the way."""
    passed = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        passed.append(await focused(page))
        if reached(passed[-1]):
            return passed
    raise AssertionError(f"not reached in {limit} Tabs; focus went through {[(p['tag'], p['text']) for p in passed]}")


async def form_controls(page: Page, form: str) -> list[str]:
    """The focusable controls of `form` in document order (hidden ones left out), by name or text."""
    return await page.eval_on_selector(
        form,
        """(form) => [...form.querySelectorAll("input, select, textarea, button")]
            .filter(el => el.type !== "hidden" && !el.disabled && el.tabIndex >= 0 && el.getClientRects().length)
            .map(el => el.getAttribute("name") || el.innerText.trim())""",
    )


def key(now: dict[str, Any]) -> str:
    return now["name"] or now["text"]


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
