"""Every main page of every role on a phone (390 x 844): nothing wider than the screen, a short header.

The demo edition is loaded and given what its pages need to show everything they can (a published
mentoring pair with open slots and a booked session, an open judging round with a sheet to score,
a published hackathon schedule), then each role signs in and every one of its main pages is
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
from core.clock import utc_now
from core.demo import DEMO_PASSWORD, load_demo
from core.tables import User
from hackathon.tables import Hackathon, HackathonStatus, Panel, Room, ScheduleItem
from judging.enums import RoundStatus, ScoreStatus
from judging.tables import Criterion, JudgeAssignment, Round, RoundApplication, ScoreSheet
from mentoring.enums import MatchStatus, SessionStatus, SlotStatus
from mentoring.tables import Match, MentoringSession, MentoringSlot

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
    """The demo edition plus a published pair with slots and a session, a round to score, a hackathon."""
    await load_demo()
    now = utc_now()
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
    mentor, judge = people[MENTOR], people[JUDGE]

    match = (
        await Match.insert(
            Match(edition=edition, mentor=mentor, application=application, startup=agrosense, score=87,
                  explanation={"shared_expertise": ["iot", "public_procurement"], "sector": "water",
                               "shared_languages": ["sr", "en"], "overlap_minutes": 180},
                  status=MatchStatus.PUBLISHED, key=f"{mentor}:{application}", published_at=now)
        ).returning(Match.id)
    )[0]["id"]  # fmt: skip
    place = "Science and Technology Park Novi Sad, Fruškogorska 1, meeting room 4"
    # Within the demo mentor's hours (Tuesdays 16-19, Thursdays 9-12), or startups would not see them.
    starts = [_next(weekday, hour, now=now, weeks=week) for week in (1, 2) for weekday, hour in ((1, 16), (3, 9))]
    slots = [
        (
            await MentoringSlot.insert(
                MentoringSlot(
                    mentor=mentor,
                    edition=edition,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    location=place,
                    status=SlotStatus.BOOKED if start == starts[0] else SlotStatus.OPEN,
                )
            ).returning(MentoringSlot.id)
        )[0]["id"]
        for start in starts
    ]
    session = (
        await MentoringSession.insert(
            MentoringSession(slot=slots[0], match=match, mentor=mentor, startup=agrosense, starts_at=starts[0],
                             ends_at=starts[0] + timedelta(hours=1), status=SessionStatus.BOOKED,
                             active_key=str(slots[0]), booked_by=people[FOUNDER])
        ).returning(MentoringSession.id)
    )[0]["id"]  # fmt: skip

    round_id = (
        await Round.insert(
            Round(edition=edition, name="Screening round: written applications", status=RoundStatus.OPEN,
                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6), judges_per_application=1)
        ).returning(Round.id)
    )[0]["id"]  # fmt: skip
    for position, (name, weight) in enumerate(
        [("Fit with the municipality's problem", 3.0), ("Feasibility of the pilot", 2.0), ("Team", 1.0)], start=1
    ):
        await Criterion.insert(
            Criterion(round=round_id, position=position, name=name, weight=weight,
                      guidance="Read the problem page first; 1 is weak, 10 is outstanding.")
        )  # fmt: skip
    await RoundApplication.insert(
        RoundApplication(round=round_id, application=application, key=f"{round_id}:{application}")
    )
    assignment = (
        await JudgeAssignment.insert(
            JudgeAssignment(round=round_id, judge=judge, application=application,
                            key=f"{round_id}:{judge}:{application}")
        ).returning(JudgeAssignment.id)
    )[0]["id"]  # fmt: skip
    await ScoreSheet.insert(
        ScoreSheet(assignment=assignment, key=str(assignment), round=round_id, judge=judge, application=application,
                   status=ScoreStatus.DRAFT)
    )  # fmt: skip

    starts = (now + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
    hackathon = (
        await Hackathon.insert(
            Hackathon(edition=edition, name="Demo day and final pitches", venue="Science Park Novi Sad",
                      starts_at=starts, ends_at=starts + timedelta(hours=8), status=HackathonStatus.PUBLISHED,
                      published_at=now)
        ).returning(Hackathon.id)
    )[0]["id"]  # fmt: skip
    hall, room = [
        (await Room.insert(Room(hackathon=hackathon, name=name, capacity=40)).returning(Room.id))[0]["id"]
        for name in ("Main hall", "Meeting room 4")
    ]
    panel = (await Panel.insert(Panel(hackathon=hackathon, name="Panel 1", judge_ids=[judge])).returning(Panel.id))[0][
        "id"
    ]
    items = [
        ("talk-1", "talk", "Welcome and the year's problems", hall, 0, 30, [], [], [], True),
        ("panel-1-1", "judging_panel", "", hall, 60, 90, [], [judge], [], False),
        ("pitch-1-1", "pitch", "", hall, 60, 10, [application], [judge], [], False),
        ("office-1-1", "office_hours", "", room, 180, 20, [application], [], [mentor], False),
    ]
    for ref, kind, title, where, offset, minutes, teams, judges, mentors, everyone in items:
        await ScheduleItem.insert(
            ScheduleItem(hackathon=hackathon, ref=ref, kind=kind, title=title, room=where,
                         starts_at=starts + timedelta(minutes=offset),
                         ends_at=starts + timedelta(minutes=offset + minutes), team_ids=teams, judge_ids=judges,
                         mentor_ids=mentors, panel=panel if judges else None, everyone=everyone,
                         block_ref="panel-1-1" if kind == "pitch" else None)
        )  # fmt: skip
    return Seeded(edition=edition, problem=problem,  municipality=novi_sad,
                  startup=agrosense, application=application, draft_application=draft_application,
                  round=round_id, assignment=assignment, hackathon=hackathon, session=session)  # fmt: skip


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
