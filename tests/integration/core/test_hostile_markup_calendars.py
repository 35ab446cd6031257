"""Markup typed into mentor profiles, mentoring sessions, notes, feedback and hackathon names,
rooms and teams stays inert on every page and calendar that shows it: escaped in HTML, escaped
per RFC 5545 in iCal (a line break starts no new property)."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from challenge.tables import Startup, StartupMember
from core.calendar import feed_token
from core.clock import utc_now
from core.enums import Role
from hackathon import forms as hackathon_forms
from hackathon.queries.hackathons import load_hackathon
from hackathon.tables import Room
from mentoring.tables import MentoringSession, MentoringSlot
from tests.factories import PASSWORD, make_edition
from tests.integration.core.hostile_text import cell_with, csv_rows, hostile, inertness
from tests.integration.core.mentoring_rows import make_accepted_application, make_published_match
from tests.integration.hackathon.world import build, make_world
from tests.web import WebClient

# Mentoring -------------------------------------------------------------------------------------------

MENTOR_FIELDS = ("bio", "organisation", "sectors", "conflict_organisations")
# A raw POST can carry line breaks a text input cannot: in iCal they must not start a new property.
LOCATION = "javascript:alert(1)\r\nATTENDEE:mailto:evil@example.org\r\n" + hostile("L-loc")


async def _matched_team(logged_in, edition: dict, mentor: WebClient) -> tuple[WebClient, int]:
    """A startup with a hostile name, its member signed in, its accepted application matched with
    `mentor` (published): the member and the match's id."""
    startup = (
        await Startup.insert(Startup(name=hostile("S-team"), country="Serbia", city="Niš")).returning(Startup.id)
    )[0]["id"]
    member = await logged_in(Role.STARTUP, edition_id=edition["id"], organisation_id=startup)
    await StartupMember.insert(
        StartupMember(
            startup=startup,
            user=member.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{member.user['id']}",
            is_contact=True,
        )
    )
    application = await make_accepted_application(edition["id"], startup)
    return member, await make_published_match(
        edition_id=edition["id"],
        mentor_id=mentor.user["id"],
        application_id=application,
        startup_id=startup,
        published_at=utc_now(),
    )


async def test_mentor_profiles_sessions_notes_and_feedback_are_inert(logged_in) -> None:
    edition = await make_edition()
    organiser = await logged_in(Role.ORGANISER)
    mentor = await logged_in(Role.MENTOR, edition_id=edition["id"], name=hostile("U-mentor"))
    hours = {f"avail_{day}_{end}": time for day in range(7) for end, time in (("start", "00:00"), ("end", "24:00"))}
    profile = {
        "expertise": ["iot"],
        "languages": ["en"],
        "capacity": "2",
        "timezone": "Europe/Belgrade",
        **{f: hostile(f"M-{f}") for f in MENTOR_FIELDS},
        **hours,
    }
    saved = await mentor.post_form(f"/mentor/editions/{edition['id']}/profile", profile)
    member, match = await _matched_team(logged_in, edition, mentor)
    day = (utc_now() + timedelta(days=8)).date().isoformat()
    offered = await mentor.post_form(
        "/mentor/sessions/slots",
        {"edition_id": edition["id"], "starts_at": f"{day}T10:00", "ends_at": f"{day}T11:00", "location": LOCATION},
    )
    slot = (await MentoringSlot.select(MentoringSlot.id).first())["id"]
    booked = await member.post_form("/startup/mentoring/book", {"match_id": match, "slot_id": slot})
    session = (await MentoringSession.select(MentoringSession.id).first())["id"]
    noted = await mentor.post_form(f"/mentor/sessions/{session}/notes", {"notes": hostile("N-notes")})
    past = utc_now() - timedelta(hours=2)
    await MentoringSession.update({MentoringSession.starts_at: past, MentoringSession.ends_at: past}).where(
        MentoringSession.id == session
    )
    rated = await member.post_form(
        f"/startup/mentoring/sessions/{session}/rating", {"rating": "5", "feedback": hostile("B-feedback")}
    )
    assert [r.status_code for r in (saved, offered, booked, noted, rated)] == [302] * 5, saved.text[:300]

    labels = [*(f"M-{f}" for f in MENTOR_FIELDS), "U-mentor", "S-team", "L-loc", "N-notes", "B-feedback"]
    pages = {
        "mentor profile": (await mentor.get(f"/mentor/editions/{edition['id']}/profile")).text,
        "mentor home": (await mentor.get("/mentor/")).text,
        "mentor sessions": (await mentor.get("/mentor/sessions/")).text,
        "notes": (await mentor.get(f"/mentor/sessions/{session}/notes")).text,
        "startup sessions": (await member.get("/startup/mentoring/")).text,
        "matching": (await organiser.get(f"/organiser/editions/{edition['id']}/matching")).text,
        "overview": (await organiser.get(f"/organiser/editions/{edition['id']}/mentoring/overview")).text,
    }
    export = await organiser.get(f"/organiser/editions/{edition['id']}/mentoring/overview.csv")
    feed = await mentor.get(f"/calendar/{await feed_token(mentor.user['id'])}")

    assert {page: inertness(html, labels) for page, html in pages.items()} == {
        "mentor profile": ([], [*(f"M-{f}" for f in MENTOR_FIELDS), "U-mentor", "S-team"]),
        "mentor home": ([], ["U-mentor", "S-team"]),
        "mentor sessions": ([], ["U-mentor", "S-team", "N-notes", "B-feedback"]),
        "notes": ([], ["U-mentor", "S-team", "L-loc", "N-notes"]),
        "startup sessions": ([], ["U-mentor", "S-team", "B-feedback"]),
        "matching": ([], ["U-mentor", "S-team"]),
        "overview": ([], ["U-mentor", "S-team", "N-notes", "B-feedback"]),
    }
    rows = csv_rows(export.content)
    assert (cell_with(rows, "U-mentor"), cell_with(rows, "S-team")) == (hostile("U-mentor"), hostile("S-team"))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == (
        "Mentoring: " + hostile("S-team"),
        LOCATION.replace("\r\n", "\n"),
    )
    assert "ATTENDEE" not in event


# Hackathon -----------------------------------------------------------------------------------------

ROOM = hostile("H-room") + "\r\nX-INJECTED:1"


async def test_hackathon_names_rooms_and_teams_are_inert_in_pages_and_calendars(logged_in, client) -> None:
    world = await make_world()
    organiser = await logged_in(Role.ORGANISER)
    member = await logged_in()
    await member.login(world.members["AgroSense"]["email"], PASSWORD)
    startup_id = (await Startup.select(Startup.id).where(Startup.name == "AgroSense").first())["id"]
    renamed = await member.post_form(
        f"/startup/{startup_id}/profile", {"name": hostile("H-team"), "country": "Serbia", "city": "Niš"}
    )
    base = f"/organiser/editions/{world.edition['id']}/hackathons/{world.hackathon_id}"
    hackathon = await load_hackathon(world.hackathon_id)
    local_start = world.starts_at.replace(tzinfo=None)
    steps = {
        "settings": (
            base,
            {**hackathon_forms.form_values(hackathon), "name": hostile("H-name"), "venue": hostile("H-venue")},
        ),
        "room": (f"{base}/rooms", {"room_name": ROOM, "capacity": "8"}),
        "talk": (
            f"{base}/sessions",
            {
                "session_kind": "talk",
                "session_title": hostile("H-talk"),
                "session_starts_at": (local_start + timedelta(hours=3)).isoformat(),
                "session_ends_at": (local_start + timedelta(hours=4)).isoformat(),
            },
        ),
        "panel": (f"{base}/panels", {"panel_name": hostile("H-panel"), "judge_ids": [str(world.judges[0]["id"])]}),
    }
    statuses = {name: (await organiser.post_form(url, data)).status_code for name, (url, data) in steps.items()}
    assert {"renamed": renamed.status_code, **statuses} == dict.fromkeys(["renamed", *steps], 302)
    await Room.delete().where(Room.name.is_in(["Hall A", "Room B"]))  # every pitch in the hostile room
    await build(world)
    published = await organiser.post_form(f"{base}/publish", {})
    assert published.status_code == 302, published.text[:300]

    labels = ["H-name", "H-venue", "H-room", "H-talk", "H-panel", "H-team"]
    url = f"/hackathons/{world.hackathon_id}"
    pages = {
        "public by day": (await client.get(url)).text,
        "public by room": (await client.get(f"{url}?view=room")).text,
        "public by team": (await client.get(f"{url}?view=team")).text,
        "mine": (await member.get(f"{url}/mine")).text,
        "organiser list": (await organiser.get(f"/organiser/editions/{world.edition['id']}/hackathons")).text,
        "settings": (await organiser.get(base)).text,
        "schedule": (await organiser.get(f"{base}/schedule")).text,
    }
    feeds = {
        "schedule.ics": await client.get(f"{url}/schedule.ics"),
        "personal feed": await member.get(f"/calendar/{await feed_token(world.members['AgroSense']['id'])}"),
    }

    assert {page: inertness(html, labels) for page, html in pages.items()} == {
        "public by day": ([], ["H-name", "H-venue", "H-room", "H-talk", "H-team"]),
        "public by room": ([], ["H-name", "H-venue", "H-room", "H-talk", "H-team"]),
        "public by team": ([], ["H-name", "H-venue", "H-room", "H-team"]),
        "mine": ([], ["H-name", "H-room", "H-team"]),
        "organiser list": ([], ["H-name"]),
        "settings": ([], ["H-name", "H-venue", "H-room", "H-talk", "H-panel"]),
        "schedule": ([], ["H-name", "H-room", "H-talk", "H-team"]),
    }
    calendars = {name: Calendar.from_ical(feed.content) for name, feed in feeds.items()}
    pitches = {
        name: [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Pitch: " + hostile("H-team")]
        for name, calendar in calendars.items()
    }
    # Text stays text: the room's line break is escaped inside LOCATION, never a property of its own.
    assert {name: len(events) for name, events in pitches.items()} == {"schedule.ics": 1, "personal feed": 1}
    assert {str(e["LOCATION"]) for events in pitches.values() for e in events} == {
        ROOM.replace("\r\n", "\n") + ", " + hostile("H-venue")
    }
    assert [e for c in calendars.values() for e in c.walk("VEVENT") if "X-INJECTED" in e] == []
    assert str(calendars["schedule.ics"]["X-WR-CALNAME"]) == hostile("H-name")
