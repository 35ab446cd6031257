"""Every main page of every role on a phone (390 x 844): nothing wider than the screen, a short header.

The demo edition is loaded (it holds a published mentoring pair with slots and sessions, rounds with
sheets, a published hackathon schedule), then each role signs in and every one of its main pages is
measured: the document may not scroll sideways and no visible element may end beyond the right
edge (a table that scrolls inside its box hides its "Book" button just as well). The header, with
its menu closed, stays within 80 px; the menu opens and its links work without JavaScript.

Screenshots of every page measured are written to /tmp/phones-shots/ (not part of the repo), to be
looked at by a person.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import BrowserContext, Page, expect

from challenge.tables import Application, Edition, Municipality, Problem, Startup
from core.demo import DEMO_PASSWORD, load_demo
from core.tables import User
from hackathon.tables import Hackathon
from judging.tables import JudgeAssignment
from mentoring.tables import MentoringSession

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 80
SHOTS = Path(tempfile.gettempdir()) / "phones-shots"
ZONE = ZoneInfo("Europe/Belgrade")  # the demo edition's
ORGANISER = "organiser@demo.smartchallenge.rs"
MUNICIPALITY = "staff@novisad.demo.rs"
FOUNDER = "founder@agrosense.example"
MENTOR = "mentor@demo.smartchallenge.rs"
JUDGE = "judge@demo.smartchallenge.rs"
RESIDENT = "resident@demo.smartchallenge.rs"

# What sticks out: the document's width, and every visible element whose box ends past the
# right edge (inside a scrolling box too), named so a failure says where to look.
MEASURE = """() => {
  const width = window.innerWidth;
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes.map((c) => "." + c).join("");
  };
  // Where an element's box ends as far as anyone can see it: an ancestor that hides its overflow
  // cuts it off; one that scrolls does not (what sticks out there is off screen until scrolled to).
  const visibleRight = (el) => {
    let right = el.getBoundingClientRect().right;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (["hidden", "clip"].includes(getComputedStyle(up).overflowX)) {
        right = Math.min(right, up.getBoundingClientRect().right);
      }
    }
    return right;
  };
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0 || box.height === 0) continue;
    if (!el.checkVisibility({ visibilityProperty: true }) || visibleRight(el) <= width + 1) continue;
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    wide.push(`${name(el)} right=${Math.round(box.right)} "${text}"`);
  }
  return { scrollWidth: document.documentElement.scrollWidth, width, wide };
}"""


@dataclass(frozen=True)
class Seeded:
    """The ids the pages of the seeded data are reached by."""

    edition: int
    problem: int
    municipality: int
    startup: int
    application: int
    draft_application: int
    round: int
    assignment: int
    hackathon: int
    session: int


async def _one(query: object) -> int:
    row = await query.first()  # type: ignore[attr-defined]
    assert row is not None, query
    return row["id"]


def _next(weekday: int, hour: int, *, now: datetime, weeks: int) -> datetime:
    """`hour` o'clock in Belgrade on that weekday (Monday 0), at least `weeks` weeks ahead."""
    local = now.astimezone(ZONE)
    day = local.date() + timedelta(days=7 * weeks + (weekday - local.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


async def seed_every_role() -> Seeded:
    """The demo edition, which holds what every page can show: a published pair with slots and
    sessions, rounds to score, a published hackathon schedule."""
    await load_demo()
    edition = await _one(Edition.select(Edition.id).where(Edition.slug == "2026"))
    people = {row["email"]: row["id"] for row in await User.select(User.id, User.email)}
    agrosense = await _one(Startup.select(Startup.id).where(Startup.name == "AgroSense"))
    application = await _one(
        Application.select(Application.id).where(Application.edition == edition, Application.startup == agrosense)
    )
    draft_application = await _one(
        Application.select(Application.id).where(Application.edition == edition, Application.status == "draft")
    )
    novi_sad = await _one(Municipality.select(Municipality.id).where(Municipality.name == "Novi Sad"))
    problem = await _one(
        Problem.select(Problem.id).where(Problem.municipality == novi_sad, Problem.status == "published")
    )
    assignment = (
        await JudgeAssignment.select(JudgeAssignment.id, JudgeAssignment.round)
        .where(JudgeAssignment.judge == people[JUDGE], JudgeAssignment.round.edition == edition)
        .order_by(JudgeAssignment.id, ascending=False)
        .first()
    )
    assert assignment is not None, "the demo judge has no score sheet"
    hackathon = await _one(Hackathon.select(Hackathon.id).where(Hackathon.edition == edition))
    session = await _one(MentoringSession.select(MentoringSession.id).where(MentoringSession.mentor == people[MENTOR]))
    return Seeded(
        edition=edition,
        problem=problem,
        municipality=novi_sad,
        startup=agrosense,
        application=application,
        draft_application=draft_application,
        round=assignment["round"],
        assignment=assignment["id"],
        hackathon=hackathon,
        session=session,
    )


def main_pages(seeded: Seeded) -> dict[str | None, list[str]]:
    """Each role's main pages: what its home page, menu and first links lead to."""
    s = seeded
    public = [
        "/",
        "/problems",
        f"/problems/{s.problem}",
        "/editions",
        "/editions/2026",
        "/editions/2025/results",
        f"/hackathons/{s.hackathon}",
        "/login",
        "/signup",
        "/privacy",
    ]
    organiser_edition = f"/organiser/editions/{s.edition}"
    return {
        None: public,
        RESIDENT: ["/", f"/problems/{s.problem}", "/account", "/account/calendar"],
        FOUNDER: [
            "/startup",
            f"/startup/applications/{s.application}",
            f"/startup/applications/{s.application}/edit",
            "/startup/mentoring",
            f"/startup/{s.startup}/team",
            f"/startup/{s.startup}/profile",
            f"/hackathons/{s.hackathon}/mine",
            "/account",
        ],
        MUNICIPALITY: [
            "/municipality",
            f"/municipality/problems/{s.problem}",
            "/municipality/problems/new",
            "/municipality/applications",
            f"/municipality/{s.municipality}/profile",
        ],
        ORGANISER: [
            "/organiser/",
            "/organiser/editions",
            f"{organiser_edition}/dashboard",
            f"{organiser_edition}/edit",
            f"{organiser_edition}/problems",
            f"{organiser_edition}/applications",
            f"{organiser_edition}/questions",
            f"/organiser/applications/{s.application}",
            f"/organiser/problems/{s.problem}",
            f"{organiser_edition}/matching",
            f"{organiser_edition}/mentoring/overview",
            f"{organiser_edition}/judging",
            f"/organiser/rounds/{s.round}",
            f"{organiser_edition}/hackathons",
            f"{organiser_edition}/hackathons/{s.hackathon}",
            f"{organiser_edition}/hackathons/{s.hackathon}/schedule",
            "/organiser/municipalities",
            "/organiser/expertise",
            "/organiser/invites",
            "/organiser/people/?q=demo",
            "/organiser/outbox",
            "/organiser/jobs",
            "/organiser/audit",
        ],
        MENTOR: [
            "/mentor/",
            f"/mentor/editions/{s.edition}/profile",
            "/mentor/sessions",
            f"/mentor/sessions/{s.session}/notes",
            f"/hackathons/{s.hackathon}/mine",
        ],
        JUDGE: [
            "/judge/",
            f"/judge/rounds/{s.round}",
            f"/judge/assignments/{s.assignment}",
            f"/judge/editions/{s.edition}/profile",
        ],
    }


async def sign_in(page: Page, email: str) -> None:
    """Through the sign-in form, as a person would."""
    await page.goto("/login")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(DEMO_PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()
    await expect(page.locator("header")).to_contain_text("Sign out")


def shot_name(who: str | None, path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", f"{(who or 'public').split('@')[0]} {path}".lower()).strip("_") + ".png"


async def header_height(page: Page) -> float:
    return await page.locator(".site-header").evaluate("header => header.getBoundingClientRect().height")


async def choose_language(page: Page, locale: str) -> None:
    """With the header's language form, through the phone menu."""
    await page.locator("details.site-menu > summary").click()
    async with page.expect_navigation():
        await page.locator(".site-header .locale-form select").select_option(locale)  # app.js submits it


@pytest.mark.parametrize("locale", ["en", "sr_Cyrl"])
async def test_every_main_page_of_every_role_fits_a_phone(open_context: OpenContext, locale: str) -> None:
    seeded = await seed_every_role()
    SHOTS.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []
    too_tall: list[str] = []
    for who, paths in main_pages(seeded).items():
        context = await open_context(viewport=PHONE)
        page = await context.new_page()
        if who:
            await sign_in(page, who)
        else:
            await page.goto("/")
        if locale != "en":
            await choose_language(page, locale)
        for path in paths:
            response = await page.goto(path)
            assert response is not None and response.status == 200, (who, path, response and response.status)
            measured = await page.evaluate(MEASURE)
            if measured["scrollWidth"] > measured["width"] or measured["wide"]:
                too_wide.append(
                    f"{who or 'visitor'} {path} ({locale}): "
                    f"scrollWidth {measured['scrollWidth']} > {measured['width']}; " + "; ".join(measured["wide"][:6])
                )
            if (height := await header_height(page)) > HEADER_MAX_PX:
                too_tall.append(f"{who or 'visitor'} {path} ({locale}): header {height:.0f} px")
            await page.screenshot(path=str(SHOTS / f"{locale}_{shot_name(who, path)}"), full_page=True)
        await context.close()
    failures = [("pages wider than a 390 px phone:", too_wide), ("headers taller than 80 px, menu closed:", too_tall)]
    if too_wide or too_tall:
        pytest.fail("\n".join(f"{title}\n" + "\n".join(lines) for title, lines in failures if lines))


async def test_the_phone_menu_opens_and_its_links_work_without_javascript(open_context: OpenContext) -> None:
    await seed_every_role()
    context = await open_context(viewport=PHONE, java_script_enabled=False)
    page = await context.new_page()
    await page.goto("/")
    menu = page.locator("details.site-menu")
    summary = menu.locator("summary", has_text="Menu")
    problems = page.get_by_role("banner").get_by_role("link", name="Problems")

    await expect(summary).to_be_visible()
    await expect(problems).to_be_hidden()
    assert await header_height(page) <= HEADER_MAX_PX

    await summary.click()
    await expect(problems).to_be_visible()
    await page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(problems).to_be_hidden()  # a new page starts with the menu closed

    await sign_in(page, JUDGE)
    await summary.click()
    await page.get_by_role("banner").get_by_role("link", name="Judging").click()
    await expect(page).to_have_url(re.compile(r"/judge/$"))
    await expect(page.get_by_role("heading", level=1)).to_be_visible()

    await summary.click()
    await page.get_by_role("banner").get_by_label("Language").select_option("sr_Latn")
    await page.get_by_role("banner").get_by_role("button", name="Change").click()
    await expect(page.locator("summary", has_text="Meni")).to_be_visible()

    await page.locator("summary", has_text="Meni").click()
    await page.get_by_role("banner").get_by_role("button", name="Odjava").click()
    sign_in_link = page.locator('.site-header a[href="/login"]')
    await expect(sign_in_link).to_be_hidden()
    await page.locator("details.site-menu > summary").click()
    await expect(sign_in_link).to_be_visible()


async def test_on_a_desktop_the_links_are_inline_and_the_menu_summary_hidden(open_context: OpenContext) -> None:
    context = await open_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto("/")

    await expect(page.locator("details.site-menu summary")).to_be_hidden()
    await expect(page.get_by_role("banner").get_by_role("link", name="Problems")).to_be_visible()
    await expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
