"""A hackathon's schedule in a real browser: the organiser builds it in the background and watches
the page refresh until it is done; a hand move that would double-book a room is refused with the
checker's message, one that leaves no time to change rooms is saved with a warning; the organiser
publishes (once the browser has asked); a team member finds their pitch on their own schedule,
and the whole schedule's iCal feed carries it.

Everyone starts at "/", signs in through the header and reaches every page by clicking, on a
desktop in English and on a 390 px phone in Serbian Cyrillic (the `variant`).

The hackathon is the integration tests' small one (3 teams, a panel of 2 judges, 1 mentor, the
rooms "Hall A" and "Room B", a 5-minute buffer between rooms), built with a 2-second solver limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import pytest
from icalendar import Calendar
from playwright.async_api import Dialog, Locator, Page, expect

from core.enums import Role
from core.i18n import format_datetime, format_range, in_locale
from hackathon.tables import ScheduleItem
from tests.browser.conftest import OpenPage
from tests.browser.journey import (
    Variant,
    assert_fits,
    button,
    exactly,
    field,
    flash,
    header_link,
    link,
    sign_in,
    start,
    tr,
)
from tests.factories import make_user
from tests.fixtures import ServerProcess
from tests.integration.hackathon.world import World, make_world

pytestmark = pytest.mark.browser

HACKATHON, TEAM, OTHER_TEAMS = "Demo day", "AgroSense", ("ParkWise", "WaterLeak")
PITCH, OFFICE_HOURS = f"Pitch: {TEAM}", f"Office hours: {TEAM}"  # as the feed, read without a session, has them
BUILD_SECONDS = 30  # the solver gets 2 s; the rest is the page refreshing every 2 s and a slow CI


def item_row(page: Page, what: str) -> Locator:
    """The schedule's row of one item, found by its "What" cell (e.g. "Pitch: AgroSense")."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=what, exact=True))


def kind(variant: Variant, label: str, title: str) -> str:
    """An item's "What" as the pages show it, e.g. "Pitch: AgroSense"."""
    return f"{tr(variant, label)}: {title}"


async def move(page: Page, variant: Variant, what: str, *, room: str, starts_at: str) -> None:
    """Move an item with its row's form: a room and a wall-clock start (YYYY-MM-DDTHH:MM)."""
    row = item_row(page, what)
    await row.get_by_label(tr(variant, "Room"), exact=True).select_option(label=room)
    await row.get_by_label(tr(variant, "Starts"), exact=True).fill(starts_at)
    await row.get_by_role("button", name=exactly(tr(variant, "Move"))).click()


@dataclass(frozen=True)
class Built:
    """What the build placed, read back from the database: where the pages must then show it."""

    pitch: dict[str, Any]  # the team's pitch
    office: dict[str, Any]  # the team's office hours, which the organiser moves
    sitting: dict[str, Any]  # the panel sitting the pitches are in
    rooms: dict[int, str]  # room id -> its name
    zone: tzinfo

    def local(self, moment: datetime) -> str:
        """A moment as the "Starts" field takes it: the hackathon's wall clock."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")

    @property
    def other_room(self) -> str:
        """The room the pitch is not in."""
        return next(name for room, name in self.rooms.items() if room != self.pitch["room"])

    @property
    def office_end(self) -> datetime:
        """When the office hours end once moved to start as the pitch ends."""
        return self.pitch["ends_at"] + (self.office["ends_at"] - self.office["starts_at"])


async def open_the_schedule(chair: Page, variant: Variant, url: str, world: World, email: str) -> None:
    # -- The organiser finds the hackathon among the edition's and opens its schedule.
    base = schedule_base(world)
    await start(chair, variant)
    await sign_in(chair, variant, email)
    await (await header_link(chair, variant, "Organiser")).click()
    await link(chair, variant, "Editions, timelines and problem review").click()
    listed = chair.get_by_role("row").filter(has_text=world.edition["name"])
    await listed.get_by_role("link", name=exactly(tr(variant, "Hackathons"))).click()
    await link(chair, variant, HACKATHON).click()
    await expect(chair).to_have_url(f"{url}{base}")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(HACKATHON)
    await assert_fits(chair)
    await link(chair, variant, "Schedule: build, check, edit, publish").click()

    await expect(chair).to_have_url(f"{url}{base}/schedule")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "Schedule of %(hackathon)s", hackathon=HACKATHON)
    )
    counts = tr(
        variant,
        "%(teams)s, %(judges)s %(panels)s, %(mentors)s, %(rooms)s.",
        teams=tr(variant, "%(num)s team", "%(num)s teams", 3),
        judges=tr(variant, "%(num)s judge", "%(num)s judges", 2),
        panels=tr(variant, "in %(num)s panel", "in %(num)s panels", 1),
        mentors=tr(variant, "%(num)s mentor", "%(num)s mentors", 1),
        rooms=tr(variant, "%(num)s room", "%(num)s rooms", 2),
    )
    await expect(chair.get_by_role("main")).to_contain_text(counts)
    await expect(chair.get_by_role("cell")).to_have_text(
        [tr(variant, "No schedule yet: add rooms and panels, then build it.")]
    )
    await expect(button(chair, variant, "Publish")).to_have_count(0)


def schedule_base(world: World) -> str:
    """The organiser's page of the world's hackathon."""
    return f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}"


async def build_it(chair: Page, variant: Variant, url: str, world: World) -> Built:
    # -- ... builds it with a short time limit; the page refreshes itself until the run is done.
    pitch_what, office_what = kind(variant, "Pitch", TEAM), kind(variant, "Office hours", TEAM)
    await field(chair, variant, "Time limit (seconds)").fill("2")
    await button(chair, variant, "Build schedule").click()

    await expect(chair).to_have_url(f"{url}{schedule_base(world)}/schedule")
    statuses = "|".join(re.escape(tr(variant, status)) for status in ("optimal", "good, not proven best"))
    built = (
        re.escape(tr(variant, "Last built on %(when)s (%(status)s)."))
        .replace(re.escape("%(when)s"), ".+")
        .replace(re.escape("%(status)s"), f"({statuses})")
    )
    await expect(chair.get_by_role("main")).to_contain_text(re.compile(built), timeout=BUILD_SECONDS * 1000)
    await expect(chair.locator("meta[http-equiv=refresh]")).to_have_count(0)
    await expect(chair.get_by_role("main")).to_contain_text(
        tr(variant, "The checker finds no problem in this schedule.")
    )
    await expect(chair.get_by_role("heading", name=tr(variant, "Not placed, and why"))).to_have_count(0)
    items = chair.locator("tbody").get_by_role("row")
    await expect(items).to_have_count(5)  # a panel sitting, three pitches in it, one office-hours session
    for what in (pitch_what, office_what, *(kind(variant, "Pitch", team) for team in OTHER_TEAMS)):
        await expect(item_row(chair, what)).to_have_count(1)
    await expect(button(chair, variant, "Build again")).to_be_enabled()
    await assert_fits(chair)

    placed = Built(
        pitch=await ScheduleItem.select().where(ScheduleItem.title == TEAM, ScheduleItem.kind == "pitch").first(),
        office=await ScheduleItem.select().where(ScheduleItem.kind == "office_hours").first(),
        sitting=await ScheduleItem.select().where(ScheduleItem.kind == "judging_panel").first(),
        rooms={world.rooms[0]: "Hall A", world.rooms[1]: "Room B"},
        zone=world.starts_at.tzinfo,
    )
    starts, pitch = tr(variant, "Starts"), placed.pitch
    await expect(item_row(chair, pitch_what).get_by_label(starts, exact=True)).to_have_value(
        placed.local(pitch["starts_at"])
    )
    await expect(item_row(chair, pitch_what).get_by_role("cell").nth(2)).to_have_text(placed.rooms[pitch["room"]])
    return placed


async def a_clash_is_refused(chair: Page, variant: Variant, placed: Built) -> None:
    # -- A move onto the panel sitting's room and time is refused with the checker's message ...
    sitting, office = placed.sitting, placed.office
    async with chair.expect_response(lambda response: response.request.method == "POST") as refused:
        await move(
            chair,
            variant,
            kind(variant, "Office hours", TEAM),
            room=placed.rooms[sitting["room"]],
            starts_at=placed.local(sitting["starts_at"]),
        )

    assert (await refused.value).status == 422
    await expect(chair.get_by_role("alert")).to_have_count(2)
    await expect(chair.get_by_role("alert").first).to_have_text(
        tr(variant, "This move would break the schedule; nothing was changed.")
    )
    await expect(chair.get_by_role("alert").last).to_contain_text(placed.rooms[sitting["room"]])
    with in_locale(variant.locale):
        sitting_at = format_datetime(sitting["starts_at"], str(placed.zone))
    await expect(chair.get_by_role("alert").last).to_contain_text(sitting_at)
    assert await ScheduleItem.select(ScheduleItem.room, ScheduleItem.starts_at, ScheduleItem.version).where(
        ScheduleItem.id == office["id"]
    ).first() == {"room": office["room"], "starts_at": office["starts_at"], "version": 0}
    await assert_fits(chair)


async def a_tight_change_is_saved_with_a_warning(
    chair: Page, variant: Variant, url: str, world: World, placed: Built
) -> None:
    # -- ... one straight from the pitch into the other room is saved, with a warning: no time to walk over.
    pitch, other_room, zone = placed.pitch, placed.other_room, placed.zone
    office_what = kind(variant, "Office hours", TEAM)
    await move(chair, variant, office_what, room=other_room, starts_at=placed.local(pitch["ends_at"]))

    await expect(chair).to_have_url(f"{url}{schedule_base(world)}/schedule#item-{placed.office['id']}")
    await expect(flash(chair).first).to_have_text(tr(variant, "The item was moved."))
    warned = tr(variant, "Warning: %(warning)s").split("%(warning)s")[0]
    await expect(flash(chair).last).to_contain_text(warned)
    await expect(flash(chair).last).to_contain_text(other_room)
    if not variant.is_phone:  # the checker's whole sentence, in English
        warning = (
            f"only 0 minutes from {TEAM} ({pitch['starts_at'].astimezone(zone):%H:%M}–"
            f"{pitch['ends_at'].astimezone(zone):%H:%M}) in {placed.rooms[pitch['room']]} to {TEAM} "
            f"({pitch['ends_at'].astimezone(zone):%H:%M}–{placed.office_end.astimezone(zone):%H:%M}) in {other_room};"
            " 5 needed."
        )
        await expect(flash(chair)).to_have_text(
            ["The item was moved.", re.compile(rf"^Warning: .+: {re.escape(warning)}$")]
        )
        notice = chair.get_by_role("article").filter(has=chair.get_by_role("heading", name="The checker finds"))
        await expect(notice.get_by_role("listitem")).to_have_text([re.compile(rf"^warning .+: {re.escape(warning)}$")])
    await expect(item_row(chair, office_what).get_by_role("cell").nth(2)).to_have_text(other_room)
    await expect(item_row(chair, office_what).get_by_label(tr(variant, "Starts"), exact=True)).to_have_value(
        placed.local(pitch["ends_at"])
    )


async def publish_it(chair: Page, variant: Variant, url: str, world: World) -> None:
    # -- A warning does not block publishing; the browser asks first.
    confirmations: list[str] = []

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    chair.once("dialog", accept)
    await button(chair, variant, "Publish").click()

    await expect(flash(chair)).to_have_text(
        tr(variant, "The schedule is published; later changes are mailed to the people concerned.")
    )
    assert confirmations == [tr(variant, "Publish the schedule? Later changes will be mailed to the people concerned.")]
    await expect(chair).to_have_url(f"{url}{schedule_base(world)}/schedule")
    await expect(chair.get_by_role("main")).to_contain_text(
        f"{tr(variant, 'published')} · {tr(variant, 'Public page')}"
    )
    await expect(button(chair, variant, "Build again")).to_have_count(0)
    await expect(button(chair, variant, "Publish")).to_have_count(0)
    await assert_fits(chair)
    await link(chair, variant, "Public page").click()
    await expect(chair.get_by_role("heading", level=1)).to_have_text(HACKATHON)
    await assert_fits(chair)


async def the_team_finds_its_pitch(member: Page, variant: Variant, url: str, world: World, placed: Built) -> None:
    # -- A team member signs in and finds their own schedule through their calendar: their pitch
    # -- and their office hours where the organiser moved them, nobody else's pitch.
    pitch_what, office_what = kind(variant, "Pitch", TEAM), kind(variant, "Office hours", TEAM)
    pitch = placed.pitch
    await start(member, variant)
    await sign_in(member, variant, world.members[TEAM]["email"])
    await (await header_link(member, variant, world.members[TEAM]["name"])).click()
    await link(member, variant, "Your calendar").click()
    await link(member, variant, pitch_what).click()

    await expect(member).to_have_url(f"{url}/hackathons/{world.hackathon_id}/mine")
    await expect(member.get_by_role("heading", level=1)).to_have_text(
        tr(variant, "My schedule at %(hackathon)s", hackathon=HACKATHON)
    )
    mine = member.locator("tbody").get_by_role("row")
    await expect(mine).to_have_count(2)

    def shown(starts_at: datetime, ends_at: datetime) -> str:
        with in_locale(variant.locale):
            return format_range(starts_at, ends_at, str(placed.zone))

    await expect(mine.nth(0).get_by_role("cell").nth(0)).to_have_text(shown(pitch["starts_at"], pitch["ends_at"]))
    await expect(mine.nth(0).get_by_role("cell").nth(1)).to_have_text(pitch_what)
    await expect(mine.nth(0).get_by_role("cell").nth(2)).to_have_text(placed.rooms[pitch["room"]])
    await expect(mine.nth(1).get_by_role("cell").nth(0)).to_have_text(shown(pitch["ends_at"], placed.office_end))
    await expect(mine.nth(1).get_by_role("cell").nth(1)).to_have_text(office_what)
    await expect(mine.nth(1).get_by_role("cell").nth(2)).to_have_text(placed.other_room)
    for team in OTHER_TEAMS:
        await expect(member.get_by_role("main")).not_to_contain_text(team)
    await assert_fits(member)


async def the_feed_carries_it(visitor: Page, world: World, placed: Built) -> None:
    # -- The whole hackathon's iCal feed, as anyone's calendar app fetches it, carries the pitch.
    pitch, rooms = placed.pitch, placed.rooms
    feed = await visitor.request.get(f"/hackathons/{world.hackathon_id}/schedule.ics")
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(await feed.body()).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == sorted(
        [f"Judging panel: {placed.sitting['title']}", PITCH, OFFICE_HOURS, *(f"Pitch: {team}" for team in OTHER_TEAMS)]
    )
    pitch_event = next(event for event in events if str(event["SUMMARY"]) == PITCH)
    assert str(pitch_event["UID"]).startswith(f"hackathon-item-{pitch['id']}@")
    assert (pitch_event.decoded("DTSTART"), pitch_event.decoded("DTEND")) == (pitch["starts_at"], pitch["ends_at"])
    assert str(pitch_event["LOCATION"]) == f"{rooms[pitch['room']]}, Science Park"
    office_event = next(event for event in events if str(event["SUMMARY"]) == OFFICE_HOURS)
    assert office_event.decoded("DTSTART") == pitch["ends_at"] and office_event.decoded("DTEND") == placed.office_end
    assert str(office_event["LOCATION"]) == f"{placed.other_room}, Science Park"
    assert int(office_event["SEQUENCE"]) == 1


async def test_the_organiser_builds_edits_and_publishes_and_a_team_finds_its_pitch(
    open_page: OpenPage, variant: Variant, live_server: ServerProcess
) -> None:
    url = live_server.url
    world = await make_world()
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)

    chair = await open_page()
    await open_the_schedule(chair, variant, url, world, organiser["email"])
    placed = await build_it(chair, variant, url, world)
    await a_clash_is_refused(chair, variant, placed)
    await a_tight_change_is_saved_with_a_warning(chair, variant, url, world, placed)
    await publish_it(chair, variant, url, world)
    await the_team_finds_its_pitch(await open_page(), variant, url, world, placed)
    await the_feed_carries_it(await open_page(), world, placed)  # no session: the platform's default language
