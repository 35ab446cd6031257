"""Mentoring in a real browser: an organiser runs the matching, locks a pair, re-runs and publishes;
the mentor offers a slot, the startup's founder books it, the mentor writes notes, and both find
the session in the calendar feed their calendar app would subscribe to.

Four people, four browser contexts (no shared cookies); each starts at "/", signs in through the
header's sign-in link and reaches every page by clicking, on a desktop in English and on a 390 px
phone in Serbian Cyrillic (the `variant`). The mails come from the SMTP test server and the feed is
read back with `icalendar`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from icalendar import Calendar
from playwright.async_api import Dialog, Locator, Page, expect

from challenge.tables import Application, Startup, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.i18n import format_datetime, format_range, in_locale
from mentoring.tables import MentorProfile
from tests.browser.conftest import OpenPage
from tests.browser.journey import Variant, assert_fits, exactly, field, flash, header_link, link, sign_in, start, tr
from tests.browser.mail_client import mail_titled, subject_of
from tests.factories import make_edition, make_user, set_timeline
from tests.fixtures import Mailbox, ServerProcess, body_of

pytestmark = pytest.mark.browser

EDITION = "Smart Serbia Challenge"
ZONE = "Europe/Belgrade"  # the edition's and both mentors' time zone
STARTUP, FOUNDER = "AgroSense", ("Mila Kovač", "mila@agrosense.rs")
OTHER_STARTUP, OTHER_FOUNDER = "ParkPulse", ("Luka Nikolić", "luka@parkpulse.rs")
MENTOR = ("Ana Petrović", "ana@mentors.rs")
OTHER_MENTOR = ("Goran Jovanović", "goran@mentors.rs")
LOCATION = "Science Park Belgrade, room 4"
NOTES = "Pilot in Kušići agreed in principle; next: the utility's data-sharing letter."
# 08:00-20:00 every day of the week, in the mentor's time zone.
HOURS = [[day, 8 * 60, 20 * 60] for day in range(7)]
RUN_TIMEOUT_MS = 15_000
"""How long a matching run may take; its page reloads itself every two seconds meanwhile."""
FEED = re.compile(r"^http://testserver(/calendar/\d+-[0-9a-f]{32}\.ics)$")


def button(page: Page, variant: Variant, name: str) -> Locator:
    return page.get_by_role("button", name=exactly(tr(variant, name)))


def back(page: Page, variant: Variant, name: str) -> Locator:
    """A page's "← ..." link back to where it belongs."""
    return page.get_by_role("main").get_by_role("link", name=re.compile(rf"^← {re.escape(tr(variant, name))}$"))


def pair(page: Page, startup: str) -> Locator:
    """The row of the matching's pairs table for `startup`."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=startup, exact=True))


def why(variant: Variant, expertise: str) -> str:
    """A pair's explanation as the matching page and the mails word it: shared expertise, Serbian, any hour."""
    serbian = Locale.parse(variant.locale).languages["sr"]
    return "; ".join(
        (
            tr(variant, "shares: %(tags)s", tags=tr(variant, expertise)),
            tr(variant, "both speak %(languages)s", languages=serbian),
            tr(variant, "flexible hours"),
        )
    )


async def run_finished(page: Page, variant: Variant) -> None:
    """Wait out the run just started: while it runs, the page shows its stage and reloads itself."""
    finished = tr(variant, "Last run finished on %(when)s.").split("%(when)s")[0]
    await expect(page.get_by_text(re.compile(rf"^{re.escape(finished)}"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    await expect(page.get_by_role("progressbar")).to_have_count(0)


def when(variant: Variant, starts_at: datetime, ends_at: datetime) -> str:
    """A session's time as the pages show it, e.g. "Mon 8 Mar 2027, 10:00–11:00 CET (Europe/Belgrade)"."""
    with in_locale(variant.locale):
        return f"{format_range(starts_at, ends_at, ZONE)} ({ZONE})"


async def feed_events(page: Page, variant: Variant, listed: str) -> list[Any]:
    """The VEVENTs of the person's feed, read from the "Calendar address" of their calendar page,
    which lists the session as `listed`."""
    await expect(page.get_by_role("heading", level=1)).to_have_text(tr(variant, "Your calendar"))
    coming_up = page.get_by_role("main").get_by_role("listitem")
    await expect(coming_up).to_have_text([re.compile(rf" · {re.escape(listed)}$")])
    address = await field(page, variant, "Calendar address").input_value()
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
        Application(
            edition=edition_id,
            startup=startup,
            track="smart_rural",
            status="accepted",
            support_needed=support,
            active_key=f"{edition_id}:{startup}:smart_rural",
        )
    )
    user = await make_user(
        name=founder[0], email=founder[1], role=Role.STARTUP, edition_id=edition_id, organisation_id=startup
    )
    await StartupMember.insert(
        StartupMember(
            startup=startup,
            user=user["id"],
            edition=edition_id,
            key=f"{edition_id}:{user['id']}",
            title="CEO",
            is_contact=True,
        )
    )


async def mentor_with_profile(edition_id: int, mentor: tuple[str, str], expertise: list[str]) -> None:
    user = await make_user(name=mentor[0], email=mentor[1], role=Role.MENTOR, edition_id=edition_id)
    await MentorProfile.insert(
        MentorProfile(
            user=user["id"],
            edition=edition_id,
            key=f"{edition_id}:{user['id']}",
            expertise=expertise,
            languages=["sr", "en"],
            capacity=2,
            timezone=ZONE,
            availability=HOURS,
        )
    )


def the_slot(now: datetime) -> tuple[datetime, datetime]:
    """Three days ahead, 10:00-11:00 on the mentor's clock: well inside their hours and the notice period."""
    day = (now.astimezone(ZoneInfo(ZONE)) + timedelta(days=3)).date()
    starts_at = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(ZONE))
    return starts_at, starts_at + timedelta(hours=1)


def lock_remove(variant: Variant, lock: str) -> str:
    """A pair's last cell: its lock (or unlock) and remove buttons."""
    return f"{tr(variant, lock)} {tr(variant, 'Remove')}"


async def run_the_matching(matcher: Page, variant: Variant, url: str, edition_id: int, email: str) -> None:
    # -- The organiser signs in from the home page, finds the edition's matching and runs it.
    proposed = tr(variant, "proposed")
    await start(matcher, variant)
    await sign_in(matcher, variant, email)
    await (await header_link(matcher, variant, "Organiser")).click()
    await link(matcher, variant, "Editions, timelines and problem review").click()
    listed = matcher.get_by_role("row").filter(has_text=EDITION)
    await expect(listed).to_contain_text(tr(variant, "Mentoring"))
    await listed.get_by_role("link", name=exactly(tr(variant, "Mentor matching"))).click()

    await expect(matcher).to_have_url(f"{url}/organiser/editions/{edition_id}/matching/")
    await expect(matcher.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Mentor matching for %(edition)s", edition=EDITION)
    )
    await expect(matcher.get_by_role("row").last).to_have_text(tr(variant, "No pair yet: run the matching."))
    await button(matcher, variant, "Run matching").click()

    started = tr(variant, "Matching started; this page shows its progress.")
    await expect(flash(matcher).first).to_have_text(started)
    await run_finished(matcher, variant)
    await expect(pair(matcher, STARTUP).get_by_role("cell")).to_have_text(
        [STARTUP, MENTOR[0], "800", why(variant, "IoT"), proposed, lock_remove(variant, "Lock")]
    )
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell")).to_have_text(
        [
            OTHER_STARTUP,
            OTHER_MENTOR[0],
            "800",
            why(variant, "Public procurement"),
            proposed,
            lock_remove(variant, "Lock"),
        ]
    )
    await expect(matcher.get_by_role("heading", name=tr(variant, "Left without a mentor, and why"))).to_have_count(0)
    await expect(matcher.get_by_role("heading", name=tr(variant, "The checker warns"))).to_have_count(0)
    await assert_fits(matcher)


async def lock_and_rerun(matcher: Page, variant: Variant) -> None:
    # -- ... locks one pair and re-runs for the rest: the locked pair stays as it is.
    proposed, locked = tr(variant, "proposed"), tr(variant, "locked")
    await pair(matcher, STARTUP).get_by_role("button", name=exactly(tr(variant, "Lock"))).click()
    await expect(flash(matcher)).to_have_text(tr(variant, "The pair is locked: a re-run keeps it."))
    await expect(pair(matcher, STARTUP).get_by_role("cell").nth(4)).to_have_text(f"{proposed} · {locked}")
    await expect(pair(matcher, STARTUP).get_by_role("button", name=exactly(tr(variant, "Unlock")))).to_be_visible()
    await button(matcher, variant, "Re-run for the rest").click()

    await expect(flash(matcher).first).to_have_text(tr(variant, "Matching started; this page shows its progress."))
    await run_finished(matcher, variant)
    await expect(pair(matcher, STARTUP).get_by_role("cell")).to_have_text(
        [STARTUP, MENTOR[0], "800", why(variant, "IoT"), f"{proposed} · {locked}", lock_remove(variant, "Unlock")]
    )
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell")).to_have_text(
        [
            OTHER_STARTUP,
            OTHER_MENTOR[0],
            "800",
            why(variant, "Public procurement"),
            proposed,
            lock_remove(variant, "Lock"),
        ]
    )


async def publish_the_pairs(matcher: Page, variant: Variant) -> None:
    # -- ... and publishes, once the browser has asked whether everyone should be mailed.
    confirmations: list[str] = []

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    matcher.once("dialog", accept)
    await button(matcher, variant, "Publish the proposed pairs").click()

    await expect(flash(matcher)).to_have_text(
        tr(
            variant,
            "%(num)s pair published; mentors and teams were mailed.",
            "%(num)s pairs published; mentors and teams were mailed.",
            2,
        )
    )
    assert confirmations == [tr(variant, "Mentors and teams will be mailed. Publish?")]
    published, locked = tr(variant, "published"), tr(variant, "locked")
    await expect(pair(matcher, STARTUP).get_by_role("cell").nth(4)).to_have_text(f"{published} · {locked}")
    await expect(pair(matcher, OTHER_STARTUP).get_by_role("cell").nth(4)).to_have_text(published)
    await expect(button(matcher, variant, "Publish the proposed pairs")).to_have_count(0)
    await expect(matcher.get_by_role("row").get_by_role("button")).to_have_count(0)
    await assert_fits(matcher)


async def the_pairs_are_mailed(mailbox: Mailbox, variant: Variant) -> None:
    """The mails are written in the language the organiser published in."""
    reason, other_reason = why(variant, "IoT"), why(variant, "Public procurement")
    for address, subject, other, because in (
        (MENTOR[1], tr(variant, "Your mentoring match: %(startup)s", startup=STARTUP), STARTUP, reason),
        (FOUNDER[1], tr(variant, "Your mentor: %(mentor)s", mentor=MENTOR[0]), MENTOR[0], reason),
        (
            OTHER_MENTOR[1],
            tr(variant, "Your mentoring match: %(startup)s", startup=OTHER_STARTUP),
            OTHER_STARTUP,
            other_reason,
        ),
        (
            OTHER_FOUNDER[1],
            tr(variant, "Your mentor: %(mentor)s", mentor=OTHER_MENTOR[0]),
            OTHER_MENTOR[0],
            other_reason,
        ),
    ):
        told = body_of(await mail_titled(mailbox, address, subject))
        assert EDITION in told and other in told and because in told


async def offer_a_slot(
    mentor: Page, variant: Variant, url: str, edition_id: int, slot: tuple[datetime, datetime]
) -> None:
    # -- The mentor of the locked pair signs in, sees the startup and offers a slot on their own clock.
    day = slot[0].date().isoformat()
    await start(mentor, variant)
    await sign_in(mentor, variant, MENTOR[1])
    await (await header_link(mentor, variant, "Mentoring")).click()
    await expect(mentor).to_have_url(f"{url}/mentor/")
    await expect(mentor.get_by_role("main")).to_contain_text(f"{STARTUP} ({EDITION}): {why(variant, 'IoT')}")
    await link(mentor, variant, "Your slots and sessions").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(mentor.get_by_role("heading", level=1)).to_have_text(tr(variant, "Your slots and sessions"))
    await expect(mentor.get_by_role("main")).to_contain_text(
        tr(variant, "%(edition)s: your time zone is %(zone)s.", edition=EDITION, zone=ZONE)
    )
    await expect(mentor.get_by_role("main")).to_contain_text(tr(variant, "Your weekly hours:"))
    await expect(field(mentor, variant, "Edition")).to_have_value(str(edition_id))
    await field(mentor, variant, "Starts").fill(f"{day}T10:00")
    await field(mentor, variant, "Ends").fill(f"{day}T11:00")
    await field(mentor, variant, "Where").fill(LOCATION)
    await button(mentor, variant, "Offer this slot").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(flash(mentor)).to_have_text(tr(variant, "Your slot is offered: your startups can book it now."))
    await expect(open_slots(mentor, variant).get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [when(variant, *slot), LOCATION, tr(variant, "Withdraw")]
    )
    await expect(mentor.get_by_role("region", name=tr(variant, "Coming up"))).to_contain_text(
        tr(variant, "No session booked yet.")
    )
    await assert_fits(mentor)


def open_slots(mentor: Page, variant: Variant) -> Locator:
    return mentor.get_by_role("region", name=tr(variant, "Open slots"))


async def book_the_slot(founder: Page, variant: Variant, url: str, slot: tuple[datetime, datetime]) -> None:
    # -- The founder signs in, sees the mentor, why they were paired and the slot, and books it.
    slot_time = when(variant, *slot)
    await start(founder, variant)
    await sign_in(founder, variant, FOUNDER[1])
    await (await header_link(founder, variant, "Startup")).click()
    await expect(founder).to_have_url(f"{url}/startup")
    await link(founder, variant, "Mentoring: your mentors and sessions").click()

    await expect(founder).to_have_url(f"{url}/startup/mentoring")
    await expect(founder.get_by_role("heading", level=2)).to_have_text([STARTUP])
    await expect(founder.get_by_role("heading", level=4)).to_have_text([MENTOR[0]])
    await expect(founder.get_by_role("main")).to_contain_text(f"{tr(variant, 'Why this pair:')} {why(variant, 'IoT')}")
    book = button(founder, variant, "Book")
    offered = founder.get_by_role("listitem").filter(has=book)
    await expect(offered).to_have_count(1)
    await expect(offered).to_contain_text(slot_time)
    await expect(offered).to_contain_text(LOCATION)
    # Mentor and startup share a time zone: the time is shown once.
    await expect(offered).not_to_contain_text(tr(variant, "mentor's time:"))
    await assert_fits(founder)
    box = await book.bounding_box()  # on the screen, not in a table scrolled sideways out of sight
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= variant.width
    await book.click()

    await expect(founder).to_have_url(f"{url}/startup/mentoring")
    await expect(flash(founder)).to_have_text(
        tr(variant, "The session is booked; we mailed you and your mentor the details.")
    )
    await expect(book).to_have_count(0)
    await expect(founder.get_by_role("main")).to_contain_text(
        tr(variant, "%(mentor)s has no open slot right now; check again later.", mentor=MENTOR[0])
    )
    await expect(founder.get_by_role("main")).to_contain_text(f"{MENTOR[0]} · {slot_time} · {LOCATION}")
    await assert_fits(founder)


async def the_booking_is_mailed(mailbox: Mailbox, variant: Variant, slot: tuple[datetime, datetime]) -> None:
    with in_locale(variant.locale):
        moment = format_datetime(slot[0], ZONE)
    subject = tr(variant, "Mentoring session booked: %(when)s", when=moment)
    for address in (MENTOR[1], FOUNDER[1]):
        booked = body_of(await mail_titled(mailbox, address, subject))
        assert when(variant, *slot) in booked and LOCATION in booked and EDITION in booked
    # The other team booked nothing: of the mentoring mails it has only the match. Counted by
    # subject, as the scheduler may mail everyone in the edition that its phase has started.
    told = [subject_of(m) for m in mailbox.to(OTHER_FOUNDER[1])]
    assert subject not in told
    assert told.count(tr(variant, "Your mentor: %(mentor)s", mentor=OTHER_MENTOR[0])) == 1


async def write_notes(mentor: Page, variant: Variant, url: str, slot: tuple[datetime, datetime]) -> None:
    # -- The mentor finds the booking and writes notes (attendance waits until the session has begun).
    slot_time = when(variant, *slot)
    await mentor.reload()
    await expect(open_slots(mentor, variant)).to_contain_text(tr(variant, "No open slot ahead."))
    coming_up = mentor.get_by_role("region", name=tr(variant, "Coming up")).get_by_role("article")
    await expect(coming_up.locator("header")).to_have_text([f"{STARTUP} · {slot_time} · {LOCATION}"])
    await coming_up.get_by_role("link", name=exactly(tr(variant, "Your notes"))).click()

    await expect(mentor).to_have_url(re.compile(rf"^{re.escape(url)}/mentor/sessions/\d+/notes$"))
    notes_path = mentor.url.removeprefix(url)
    await expect(mentor.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Session with %(startup)s", startup=STARTUP)
    )
    await expect(mentor.get_by_role("main")).to_contain_text(f"{slot_time} · {LOCATION} · {tr(variant, 'booked')}")
    attendance = mentor.get_by_role("group", name=tr(variant, "Did the team come?"))
    not_yet = attendance.get_by_role("radio", name=tr(variant, "Not recorded yet"))
    await expect(not_yet).to_be_checked()
    notes = field(mentor, variant, "Your notes (only you and the organisers read them)")
    await notes.fill(NOTES)
    await button(mentor, variant, "Save notes").click()

    await expect(mentor).to_have_url(f"{url}/mentor/sessions")
    await expect(flash(mentor)).to_have_text(tr(variant, "Your notes were saved."))
    await coming_up.get_by_role("link", name=exactly(tr(variant, "Your notes"))).click()
    await expect(mentor).to_have_url(f"{url}{notes_path}")
    await expect(notes).to_have_value(NOTES)
    await expect(not_yet).to_be_checked()
    await assert_fits(mentor)


async def both_find_it_in_their_feeds(
    mentor: Page, founder: Page, variant: Variant, url: str, slot: tuple[datetime, datetime]
) -> None:
    # -- Both sides find exactly this session in the feed their calendar app would read, in their language.
    starts_at, ends_at = slot
    await back(mentor, variant, "Your slots and sessions").click()
    await link(mentor, variant, "Your calendar").click()
    await expect(mentor).to_have_url(f"{url}/account/calendar")
    await link(founder, variant, "Your calendar").click()
    await expect(founder).to_have_url(f"{url}/account/calendar")

    for page, summary in (
        (mentor, tr(variant, "Mentoring: %(startup)s", startup=STARTUP)),
        (founder, tr(variant, "Mentoring with %(mentor)s", mentor=MENTOR[0])),
    ):
        events = await feed_events(page, variant, summary)
        assert [str(event["SUMMARY"]) for event in events] == [summary]
        event = events[0]
        assert event["DTSTART"].to_ical() == starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
        assert event["DTEND"].to_ical() == ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
        assert event.decoded("DTSTART") == starts_at
        assert (str(event["STATUS"]), str(event["LOCATION"])) == ("CONFIRMED", LOCATION)
        await assert_fits(page)


async def test_mentoring_from_matching_to_the_calendar_feed(
    open_page: OpenPage, variant: Variant, mailbox: Mailbox, live_server: ServerProcess
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
    slot = the_slot(now)

    matcher = await open_page()
    await run_the_matching(matcher, variant, url, edition["id"], organiser["email"])
    await lock_and_rerun(matcher, variant)
    await publish_the_pairs(matcher, variant)
    await the_pairs_are_mailed(mailbox, variant)
    mentor = await open_page()
    await offer_a_slot(mentor, variant, url, edition["id"], slot)
    founder = await open_page()
    await book_the_slot(founder, variant, url, slot)
    await the_booking_is_mailed(mailbox, variant, slot)
    await write_notes(mentor, variant, url, slot)
    await both_find_it_in_their_feeds(mentor, founder, variant, url, slot)
