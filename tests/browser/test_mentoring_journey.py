"""Mentoring in a real browser: an organiser runs the matching, locks a pair, re-runs and publishes;
the mentor offers a slot, the startup's founder books it, the mentor writes notes, and both find
the session in the calendar feed their calendar app would subscribe to.

Four people, four browser contexts (no shared cookies); every step is done through the pages they
see, the mails come from the SMTP test server and the feed is read back with `icalendar`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.async_api import BrowserContext, Dialog, Locator, Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.i18n import format_range
from mentoring.tables import MentorProfile
from tests.factories import PASSWORD, make_edition, make_user, set_timeline
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

EDITION = "Smart Serbia Challenge"
ZONE = "Europe/Belgrade"  # the edition's and both mentors' time zone
STARTUP, FOUNDER = "AgroSense", ("Mila Kovač", "mila@agrosense.rs")
OTHER_STARTUP, OTHER_FOUNDER = "ParkPulse", ("Luka Nikolić", "luka@parkpulse.rs")
MENTOR = ("Ana Petrović", "ana@mentors.rs")
OTHER_MENTOR = ("Goran Jovanović", "goran@mentors.rs")
WHY = "shares: IoT; both speak Serbian; flexible hours"
OTHER_WHY = "shares: Public procurement; both speak Serbian; flexible hours"
LOCATION = "Science Park Belgrade, room 4"
NOTES = "Pilot in Kušići agreed in principle; next: the utility's data-sharing letter."
# 08:00-20:00 every day of the week, in the mentor's time zone.
HOURS = [[day, 8 * 60, 20 * 60] for day in range(7)]
RUN_TIMEOUT_MS = 15_000
"""How long a matching run may take; its page reloads itself every two seconds meanwhile."""
FEED = re.compile(r"^http://testserver(/calendar/\d+-[0-9a-f]{32}\.ics)$")


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


def pair(page: Page, startup: str) -> Locator:
    """The row of the matching's pairs table for `startup`."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=startup, exact=True))


async def sign_in(page: Page, email: str) -> None:
    """Sign in on the login page the browser is on."""
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


def subject_of(message: Message) -> str:
    """The subject as the reader sees it (one with names like "Petrović" travels encoded, RFC 2047)."""
    return str(make_header(decode_header(message["Subject"])))


async def mail_titled(mailbox: Mailbox, address: str, subject: str, *, timeout: float = 15.0) -> Message:
    """The mail to `address` with `subject`, once the outbox has sent it (others may have come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [m for m in mailbox.to(address) if subject_of(m) == subject]:
            assert len(found) == 1, f"{len(found)} mails to {address} titled {subject!r}"
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail {subject!r} to {address} within {timeout} s; got {mailbox.to(address)}")


async def run_finished(page: Page) -> None:
    """Wait out the run just started: while it runs, the page shows its stage and reloads itself."""
    await expect(page.get_by_text(re.compile(r"^Last run finished on "))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    await expect(page.get_by_role("progressbar")).to_have_count(0)


def when(starts_at: datetime, ends_at: datetime) -> str:
    """A session's time as the pages and mails show it, e.g. "Mon 8 Mar 2027, 10:00–11:00 CET (Europe/Belgrade)"."""
    return f"{format_range(starts_at, ends_at, ZONE)} ({ZONE})"


async def feed_events(page: Page, summary: str) -> list[Any]:
    """The VEVENTs of the person's feed, read from the "Calendar address" of their calendar page."""
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar")
    coming_up = page.get_by_role("main").get_by_role("listitem")
    await expect(coming_up).to_have_text([re.compile(rf" · {re.escape(summary)}$")])
    address = await field(page, "Calendar address").input_value()
    found = FEED.match(address)
    assert found, f"not a feed address: {address}"  # it carries BASE_URL, not the live server's address
    response = await page.request.get(found[1])
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(await response.body()).walk("VEVENT")


async def accepted_startup(edition_id: int, name: str, founder: tuple[str, str], support: list[str]) -> None:
    """A startup taken into the programme, with its founder as the one team member."""
    startup = (
        await Startup.insert(Startup(name=name, country="Serbia", city="Niš", languages=["sr"])).returning(Startup.id)
    )[0]["id"]
    await Application.insert(
        Application(edition=edition_id, startup=startup, track="smart_rural", status="accepted",
                    support_needed=support, active_key=f"{edition_id}:{startup}:smart_rural")
    )  # fmt: skip
    user = await make_user(
        name=founder[0], email=founder[1], role=Role.STARTUP, edition_id=edition_id, organisation_id=startup
    )
    await StartupMember.insert(
        StartupMember(startup=startup, user=user["id"], edition=edition_id, key=f"{edition_id}:{user['id']}",
                      title="CEO", is_contact=True)
    )  # fmt: skip


async def mentor_with_profile(edition_id: int, mentor: tuple[str, str], expertise: list[str]) -> None:
    user = await make_user(name=mentor[0], email=mentor[1], role=Role.MENTOR, edition_id=edition_id)
    await MentorProfile.insert(
        MentorProfile(user=user["id"], edition=edition_id, key=f"{edition_id}:{user['id']}", expertise=expertise,
                      languages=["sr", "en"], capacity=2, timezone=ZONE, availability=HOURS)
    )  # fmt: skip


async def test_mentoring_from_matching_to_the_calendar_feed(
    open_context: OpenContext, mailbox: Mailbox, live_server: ServerProcess
) -> None:
    url = live_server.url
    edition = await make_edition(name=EDITION, year=2026, slug="smart-serbia-2026")
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=120),
        applications=now - timedelta(days=90),
        screening=now - timedelta(days=60),
        mentoring=now - timedelta(days=1),
        hackathon=now + timedelta(days=30),
    )
    await accepted_startup(edition["id"], STARTUP, FOUNDER, ["iot"])
    await accepted_startup(edition["id"], OTHER_STARTUP, OTHER_FOUNDER, ["public_procurement"])
    await mentor_with_profile(edition["id"], MENTOR, ["iot", "fundraising"])
    await mentor_with_profile(edition["id"], OTHER_MENTOR, ["public_procurement", "legal"])
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    # Three days ahead, 10:00-11:00 on the mentor's clock: well inside their hours and the notice period.
    day: date = (now.astimezone(ZoneInfo(ZONE)) + timedelta(days=3)).date()
    starts_at = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(ZONE))
    ends_at = starts_at + timedelta(hours=1)
    slot_time = when(starts_at, ends_at)

    # -- The organiser finds the edition's matching and runs it.
    matcher = await (await open_context()).new_page()
    await matcher.goto("/login")
    await sign_in(matcher, organiser["email"])
    await matcher.goto("/organiser/editions/")
    listed = matcher.get_by_role("row").filter(has_text=EDITION)
    await expect(listed.get_by_role("cell").nth(1)).to_have_text("Mentoring")
    await listed.get_by_role("link", name="Mentor matching").click()

    await expect(matcher).to_have_url(f"{url}/organiser/editions/{edition['id']}/matching/")
    await expect(matcher.get_by_role("heading", level=1)).to_have_text(f"Mentor matching for {EDITION}")
    await expect(matcher.get_by_role("row").last).to_have_text("No pair yet: run the matching.")
    await matcher.get_by_role("button", name="Run matching").click()

    await expect(flash(matcher).first).to_have_text("Matching started; this page shows its progress.")
    await run_finished(matcher)
    await expect(pair(matcher, STARTUP).get_by_role("cell")).to_have_text(
        [STARTUP, MENTOR[0], "800", WHY, "proposed", "Lock Remove"]
    )
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell")).to_have_text(
        [OTHER_STARTUP, OTHER_MENTOR[0], "800", OTHER_WHY, "proposed", "Lock Remove"]
    )
    await expect(matcher.get_by_role("heading", name="Left without a mentor, and why")).to_have_count(0)
    await expect(matcher.get_by_role("heading", name="The checker warns")).to_have_count(0)

    # -- ... locks one pair and re-runs for the rest: the locked pair stays as it is.
    await pair(matcher, STARTUP).get_by_role("button", name="Lock").click()
    await expect(flash(matcher)).to_have_text("The pair is locked: a re-run keeps it.")
    await expect(pair(matcher, STARTUP).get_by_role("cell").nth(4)).to_have_text("proposed · locked")
    await expect(pair(matcher, STARTUP).get_by_role("button", name="Unlock")).to_be_visible()
    await matcher.get_by_role("button", name="Re-run for the rest").click()

    await expect(flash(matcher).first).to_have_text("Matching started; this page shows its progress.")
    await run_finished(matcher)
    await expect(pair(matcher, STARTUP).get_by_role("cell")).to_have_text(
        [STARTUP, MENTOR[0], "800", WHY, "proposed · locked", "Unlock Remove"]
    )
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell")).to_have_text(
        [OTHER_STARTUP, OTHER_MENTOR[0], "800", OTHER_WHY, "proposed", "Lock Remove"]
    )

    # -- ... and publishes, once the browser has asked whether everyone should be mailed.
    confirmations: list[str] = []

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    matcher.once("dialog", accept)
    await matcher.get_by_role("button", name="Publish the proposed pairs").click()

    await expect(flash(matcher)).to_have_text("2 pairs published; mentors and teams were mailed.")
    assert confirmations == ["Mentors and teams will be mailed. Publish?"]
    await expect(pair(matcher, STARTUP).get_by_role("cell").nth(4)).to_have_text("published · locked")
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell").nth(4)).to_have_text("published")
    await expect(matcher.get_by_role("button", name="Publish the proposed pairs")).to_have_count(0)
    await expect(matcher.get_by_role("row").get_by_role("button")).to_have_count(0)

    for address, subject, other, why in (
        (MENTOR[1], f"Your mentoring match: {STARTUP}", STARTUP, WHY),
        (FOUNDER[1], f"Your mentor: {MENTOR[0]}", MENTOR[0], WHY),
        (OTHER_MENTOR[1], f"Your mentoring match: {OTHER_STARTUP}", OTHER_STARTUP, OTHER_WHY),
        (OTHER_FOUNDER[1], f"Your mentor: {OTHER_MENTOR[0]}", OTHER_MENTOR[0], OTHER_WHY),
    ):
        told = body_of(await mail_titled(mailbox, address, subject)).splitlines()
        assert f"the mentoring pairs of {EDITION} are published. You will work with: {other}." in told
        assert f"Why this pair: {why}" in told

    # -- The mentor of the locked pair sees the startup and offers a slot on their own clock.
    mentor = await (await open_context()).new_page()
    await mentor.goto("/login")
    await sign_in(mentor, MENTOR[1])
    await mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring").click()
    await expect(mentor).to_have_url(f"{url}/mentor/")
    startups = mentor.get_by_role("list").filter(has_text=STARTUP)
    await expect(startups.get_by_role("listitem")).to_have_text([f"{STARTUP} ({EDITION}): {WHY}"])
    await mentor.get_by_role("link", name="Your slots and sessions").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(mentor.get_by_role("heading", level=1)).to_have_text("Your slots and sessions")
    await expect(mentor.get_by_role("main")).to_contain_text(f"{EDITION}: your time zone is {ZONE}.")
    await expect(field(mentor, "Edition")).to_have_value(str(edition["id"]))
    await field(mentor, "Starts").fill(f"{day.isoformat()}T10:00")
    await field(mentor, "Ends").fill(f"{day.isoformat()}T11:00")
    await field(mentor, "Where").fill(LOCATION)
    await mentor.get_by_role("button", name="Offer this slot").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(flash(mentor)).to_have_text("Your slot is offered: your startups can book it now.")
    open_slots = mentor.get_by_role("region", name="Open slots")
    await expect(open_slots.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [slot_time, LOCATION, "Withdraw"]
    )
    await expect(mentor.get_by_role("region", name="Coming up")).to_contain_text("No session booked yet.")

    # -- The founder sees the mentor, why they were paired and the slot, and books it.
    founder = await (await open_context()).new_page()
    await founder.goto("/login")
    await sign_in(founder, FOUNDER[1])
    await founder.get_by_role("navigation", name="Main").get_by_role("link", name="Startup").click()
    await expect(founder).to_have_url(f"{url}/startup")
    await founder.get_by_role("link", name="Mentoring: your mentors and sessions").click()

    await expect(founder).to_have_url(f"{url}/startup/mentoring")
    await expect(founder.get_by_role("heading", level=2)).to_have_text([STARTUP])
    await expect(founder.get_by_role("heading", level=4)).to_have_text([MENTOR[0]])
    await expect(founder.get_by_role("main")).to_contain_text(f"Why this pair: {WHY}")
    offered = founder.get_by_role("row").filter(has=founder.get_by_role("button", name="Book"))
    await expect(offered.get_by_role("cell")).to_have_text([slot_time, slot_time, LOCATION, "Book"])
    await offered.get_by_role("button", name="Book").click()

    await expect(founder).to_have_url(f"{url}/startup/mentoring")
    await expect(flash(founder)).to_have_text("The session is booked; we mailed you and your mentor the details.")
    await expect(founder.get_by_role("button", name="Book")).to_have_count(0)
    await expect(founder.get_by_role("main")).to_contain_text(f"{MENTOR[0]} has no open slot right now")
    await expect(founder.get_by_role("main")).to_contain_text(
        f"{MENTOR[0]} · {slot_time} (mentor's time: {slot_time}) · {LOCATION}"
    )

    subject = f"Mentoring session booked: {starts_at:%a} {day.day} {starts_at:%b %Y}, 10:00"
    for address, other in ((MENTOR[1], STARTUP), (FOUNDER[1], MENTOR[0])):
        booked = body_of(await mail_titled(mailbox, address, subject)).splitlines()
        assert f"a mentoring session with {other} is booked ({EDITION})." in booked
        assert f"When: {slot_time}" in booked
        assert f"Where: {LOCATION}" in booked
    assert [subject_of(m) for m in mailbox.to(OTHER_FOUNDER[1])] == [f"Your mentor: {OTHER_MENTOR[0]}"]

    # -- The mentor finds the booking and writes notes (attendance waits until the session has begun).
    await mentor.reload()
    await expect(open_slots).to_contain_text("No open slot ahead.")
    coming_up = mentor.get_by_role("region", name="Coming up").get_by_role("article")
    await expect(coming_up.locator("header")).to_have_text([f"{STARTUP} · {slot_time} · {LOCATION}"])
    await coming_up.get_by_role("link", name="Your notes", exact=True).click()

    await expect(mentor).to_have_url(re.compile(rf"^{re.escape(url)}/mentor/sessions/\d+/notes$"))
    notes_path = mentor.url.removeprefix(url)
    await expect(mentor.get_by_role("heading", level=1)).to_have_text(f"Session with {STARTUP}")
    await expect(mentor.get_by_role("main")).to_contain_text(f"{slot_time} · {LOCATION} · booked")
    attendance = mentor.get_by_role("group", name="Did the team come?")
    await expect(attendance.get_by_role("radio", name="Not recorded yet")).to_be_checked()
    await field(mentor, "Your notes (only you and the organisers read them)").fill(NOTES)
    await mentor.get_by_role("button", name="Save notes").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(flash(mentor)).to_have_text("Your notes were saved.")
    await coming_up.get_by_role("link", name="Your notes", exact=True).click()
    await expect(mentor).to_have_url(f"{url}{notes_path}")
    await expect(field(mentor, "Your notes (only you and the organisers read them)")).to_have_value(NOTES)
    await expect(attendance.get_by_role("radio", name="Not recorded yet")).to_be_checked()

    # -- Both sides find exactly this session in the feed their calendar app would read.
    await mentor.get_by_role("link", name="Your slots and sessions").click()
    await mentor.get_by_role("link", name="Your calendar").click()
    await expect(mentor).to_have_url(f"{url}/account/calendar")
    await founder.get_by_role("link", name="Your calendar").click()
    await expect(founder).to_have_url(f"{url}/account/calendar")

    for page, summary in ((mentor, f"Mentoring: {STARTUP}"), (founder, f"Mentoring with {MENTOR[0]}")):
        events = await feed_events(page, summary)
        assert [str(event["SUMMARY"]) for event in events] == [summary]
        event = events[0]
        assert event["DTSTART"].to_ical() == starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
        assert event["DTEND"].to_ical() == ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
        assert event.decoded("DTSTART") == starts_at
        assert (str(event["STATUS"]), str(event["LOCATION"])) == ("CONFIRMED", LOCATION)
