"""A hackathon's schedule in a real browser: the organiser builds it in the background and watches
the page refresh until it is done; a hand move that would double-book a room is refused with the
checker's message, one that leaves no time to change rooms is saved with a warning; the organiser
publishes (once the browser has asked); a team member finds their pitch on their own schedule,
and the whole schedule's iCal feed carries it.

The hackathon is the integration tests' small one (3 teams, a panel of 2 judges, 1 mentor, the
rooms "Hall A" and "Room B", a 5-minute buffer between rooms), built with a 2-second solver limit.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest
from icalendar import Calendar
from playwright.async_api import BrowserContext, Dialog, Locator, Page, expect

from core.enums import Role
from hackathon.tables import ScheduleItem
from tests.factories import PASSWORD, make_user
from tests.fixtures import ServerProcess
from tests.integration.hackathon.world import make_world

pytestmark = pytest.mark.browser

OpenContext = Callable[..., Awaitable[BrowserContext]]  # the `open_context` fixture

HACKATHON, TEAM, OTHER_TEAMS = "Demo day", "AgroSense", ("ParkWise", "WaterLeak")
PITCH, OFFICE_HOURS = f"Pitch: {TEAM}", f"Office hours: {TEAM}"
BUILD_SECONDS = 30  # the solver gets 2 s; the rest is the page refreshing every 2 s and a slow CI


def field(page: Page, label: str) -> Locator:
    """The form field labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def flash(page: Page) -> Locator:
    return page.get_by_role("main").get_by_role("status")


async def sign_in(page: Page, email: str) -> None:
    """Sign in on the login page the browser is on."""
    await field(page, "Email address").fill(email)
    await field(page, "Password").fill(PASSWORD)
    await page.get_by_role("main").get_by_role("button", name="Sign in").click()


def item_row(page: Page, what: str) -> Locator:
    """The schedule's row of one item, found by its "What" cell (e.g. "Pitch: AgroSense")."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=what, exact=True))


async def move(page: Page, what: str, *, room: str, starts_at: str) -> None:
    """Move an item with its row's form: a room and a wall-clock start (YYYY-MM-DDTHH:MM)."""
    row = item_row(page, what)
    await row.get_by_label("Room", exact=True).select_option(label=room)
    await row.get_by_label("Starts", exact=True).fill(starts_at)
    await row.get_by_role("button", name="Move").click()


async def test_the_organiser_builds_edits_and_publishes_and_a_team_finds_its_pitch(
    open_context: OpenContext, live_server: ServerProcess
) -> None:
    url = live_server.url
    world = await make_world()
    organiser = await make_user(email="org@challenge.rs", name="Olga Organiser", role=Role.ORGANISER)
    base = f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}"

    # -- The organiser finds the hackathon among the edition's and opens its schedule.
    chair = await (await open_context()).new_page()
    await chair.goto("/login")
    await sign_in(chair, organiser["email"])
    await chair.goto(f"/organiser/editions/{world.edition['id']}/hackathons/")
    await chair.get_by_role("link", name=HACKATHON, exact=True).click()
    await expect(chair).to_have_url(f"{url}{base}")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(HACKATHON)
    await chair.get_by_role("link", name="Schedule: build, check, edit, publish").click()

    await expect(chair).to_have_url(f"{url}{base}/schedule")
    await expect(chair.get_by_role("heading", level=1)).to_have_text(f"Schedule of {HACKATHON}")
    await expect(chair.get_by_role("main")).to_contain_text("3 teams, 2 judges in 1 panels, 1 mentors, 2 rooms.")
    await expect(chair.get_by_role("cell")).to_have_text(["No schedule yet: add rooms and panels, then build it."])
    await expect(chair.get_by_role("button", name="Publish")).to_have_count(0)

    # -- ... builds it with a short time limit; the page refreshes itself until the run is done.
    await field(chair, "Time limit (seconds)").fill("2")
    await chair.get_by_role("button", name="Build schedule").click()

    await expect(chair).to_have_url(f"{url}{base}/schedule")
    await expect(chair.get_by_role("main")).to_contain_text(
        re.compile(r"Last built on .+ \((optimal|feasible)\)\."), timeout=BUILD_SECONDS * 1000
    )
    await expect(chair.locator("meta[http-equiv=refresh]")).to_have_count(0)
    await expect(chair.get_by_role("main")).to_contain_text("The checker finds no problem in this schedule.")
    await expect(chair.get_by_role("heading", name="Not placed, and why")).to_have_count(0)
    items = chair.locator("tbody").get_by_role("row")
    await expect(items).to_have_count(5)  # a panel sitting, three pitches in it, one office-hours session
    for what in (PITCH, OFFICE_HOURS, *(f"Pitch: {team}" for team in OTHER_TEAMS)):
        await expect(item_row(chair, what)).to_have_count(1)
    await expect(chair.get_by_role("button", name="Build again")).to_be_enabled()

    pitch = await ScheduleItem.select().where(ScheduleItem.title == TEAM, ScheduleItem.kind == "pitch").first()
    office = await ScheduleItem.select().where(ScheduleItem.kind == "office_hours").first()
    sitting = await ScheduleItem.select().where(ScheduleItem.kind == "judging_panel").first()
    rooms = {world.rooms[0]: "Hall A", world.rooms[1]: "Room B"}
    zone = world.starts_at.tzinfo

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")

    await expect(item_row(chair, PITCH).get_by_label("Starts", exact=True)).to_have_value(local(pitch["starts_at"]))
    await expect(item_row(chair, PITCH).get_by_role("cell").nth(2)).to_have_text(rooms[pitch["room"]])

    # -- A move onto the panel sitting's room and time is refused with the checker's message ...
    sitting_title = f"Judging panel: {sitting['title']}"
    async with chair.expect_response(lambda response: response.request.method == "POST") as refused:
        await move(chair, OFFICE_HOURS, room=rooms[sitting["room"]], starts_at=local(sitting["starts_at"]))

    assert (await refused.value).status == 422
    await expect(chair.get_by_role("alert")).to_have_count(2)
    await expect(chair.get_by_role("alert").first).to_have_text(
        "This move would break the schedule; nothing was changed."
    )
    await expect(chair.get_by_role("alert").last).to_contain_text(
        f"Room {rooms[sitting['room']]} is booked twice at {local(sitting['starts_at']).replace('T', ' ')}"
    )
    assert await ScheduleItem.select(ScheduleItem.room, ScheduleItem.starts_at, ScheduleItem.version).where(
        ScheduleItem.id == office["id"]
    ).first() == {"room": office["room"], "starts_at": office["starts_at"], "version": 0}

    # -- ... one straight from the pitch into the other room is saved, with a warning: no time to walk over.
    await chair.goto(f"{base}/schedule")
    other_room = next(name for room, name in rooms.items() if room != pitch["room"])
    await move(chair, OFFICE_HOURS, room=other_room, starts_at=local(pitch["ends_at"]))

    await expect(chair).to_have_url(f"{url}{base}/schedule#item-{office['id']}")
    office_end = pitch["ends_at"] + (office["ends_at"] - office["starts_at"])
    warning = (
        f"only 0 minutes from {TEAM} ({pitch['starts_at'].astimezone(zone):%H:%M}–"
        f"{pitch['ends_at'].astimezone(zone):%H:%M}) in {rooms[pitch['room']]} to {TEAM} "
        f"({pitch['ends_at'].astimezone(zone):%H:%M}–{office_end.astimezone(zone):%H:%M}) in {other_room};"
        " 5 needed."
    )
    await expect(flash(chair)).to_have_text(
        ["The item was moved.", re.compile(rf"^Warning: .+: {re.escape(warning)}$")]
    )
    notice = chair.get_by_role("article").filter(has=chair.get_by_role("heading", name="The checker finds"))
    await expect(notice.get_by_role("listitem")).to_have_text([re.compile(rf"^warning .+: {re.escape(warning)}$")])
    await expect(item_row(chair, OFFICE_HOURS).get_by_role("cell").nth(2)).to_have_text(other_room)
    await expect(item_row(chair, OFFICE_HOURS).get_by_label("Starts", exact=True)).to_have_value(
        local(pitch["ends_at"])
    )

    # -- A warning does not block publishing; the browser asks first.
    confirmations: list[str] = []

    async def accept(dialog: Dialog) -> None:
        confirmations.append(dialog.message)
        await dialog.accept()

    chair.once("dialog", accept)
    await chair.get_by_role("button", name="Publish").click()

    await expect(flash(chair)).to_have_text(
        "The schedule is published; later changes are mailed to the people concerned."
    )
    assert confirmations == ["Publish the schedule? Later changes will be mailed to the people concerned."]
    await expect(chair).to_have_url(f"{url}{base}/schedule")
    await expect(chair.get_by_role("main")).to_contain_text("published · Public page")
    await expect(chair.get_by_role("button", name="Build again")).to_have_count(0)
    await expect(chair.get_by_role("button", name="Publish")).to_have_count(0)

    # -- A team member signs in and finds their own schedule from the public one: their pitch and
    # -- their office hours where the organiser moved them, nobody else's pitch.
    member = await (await open_context()).new_page()
    await member.goto("/login")
    await sign_in(member, world.members[TEAM]["email"])
    await member.goto(f"/hackathons/{world.hackathon_id}")
    await expect(member.get_by_role("heading", level=1)).to_have_text(HACKATHON)
    await expect(member.get_by_text("Preview: this schedule is not published yet.")).to_have_count(0)
    await member.get_by_role("navigation", name="Views").get_by_role("link", name="My schedule").click()

    await expect(member).to_have_url(f"{url}/hackathons/{world.hackathon_id}/mine")
    await expect(member.get_by_role("heading", level=1)).to_have_text(f"My schedule at {HACKATHON}")
    mine = member.locator("tbody").get_by_role("row")
    await expect(mine).to_have_count(2)
    pitch_when = f"{pitch['starts_at'].astimezone(zone):%a %-d %b, %H:%M}–{pitch['ends_at'].astimezone(zone):%H:%M}"
    office_when = f"{pitch['ends_at'].astimezone(zone):%a %-d %b, %H:%M}–{office_end.astimezone(zone):%H:%M}"
    await expect(mine.nth(0).get_by_role("cell").nth(0)).to_have_text(pitch_when)
    await expect(mine.nth(0).get_by_role("cell").nth(1)).to_have_text(PITCH)
    await expect(mine.nth(0).get_by_role("cell").nth(2)).to_have_text(rooms[pitch["room"]])
    await expect(mine.nth(1).get_by_role("cell").nth(0)).to_have_text(office_when)
    await expect(mine.nth(1).get_by_role("cell").nth(1)).to_have_text(OFFICE_HOURS)
    await expect(mine.nth(1).get_by_role("cell").nth(2)).to_have_text(other_room)
    for team in OTHER_TEAMS:
        await expect(member.get_by_role("main")).not_to_contain_text(team)

    # -- The whole hackathon's iCal feed, as anyone's calendar app fetches it, carries the pitch.
    visitor = await open_context()
    feed = await visitor.request.get(f"/hackathons/{world.hackathon_id}/schedule.ics")
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(await feed.body()).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == sorted(
        [sitting_title, PITCH, OFFICE_HOURS, *(f"Pitch: {team}" for team in OTHER_TEAMS)]
    )
    pitch_event = next(event for event in events if str(event["SUMMARY"]) == PITCH)
    assert str(pitch_event["UID"]).startswith(f"hackathon-item-{pitch['id']}@")
    assert (pitch_event.decoded("DTSTART"), pitch_event.decoded("DTEND")) == (pitch["starts_at"], pitch["ends_at"])
    assert str(pitch_event["LOCATION"]) == f"{rooms[pitch['room']]}, Science Park"
    office_event = next(event for event in events if str(event["SUMMARY"]) == OFFICE_HOURS)
    assert office_event.decoded("DTSTART") == pitch["ends_at"] and office_event.decoded("DTEND") == office_end
    assert str(office_event["LOCATION"]) == f"{other_room}, Science Park"
    assert int(office_event["SEQUENCE"]) == 1
