"""Markup, template syntax and script URLs typed into every reachable text field stay inert on
every page, export and calendar that shows them: escaped in HTML, literal (and formula-safe) in
CSV, escaped per RFC 5545 in iCal; `{{7*7}}` is never evaluated; no `href="javascript:`."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from icalendar import Calendar

from challenge.tables import Application, Problem, Startup, StartupMember
from core.calendar import feed_token
from core.clock import utc_now
from core.enums import Role
from hackathon import forms as hackathon_forms
from hackathon.queries.hackathons import load_hackathon
from hackathon.tables import Room
from judging.tables import Criterion, JudgeAssignment
from mentoring.tables import Match, MentoringSession, MentoringSlot
from tests.factories import (
    COMPLETE_PROBLEM,
    PASSWORD,
    make_edition,
    make_edition_taking_applications,
    make_municipality,
    make_open_edition,
    make_problem,
    set_timeline,
)
from tests.integration.hackathon.world import build, make_world
from tests.web import WebClient, field_error

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
# What must never reach a page unescaped.
RAW = (SCRIPT, "<img src=x", 'href="javascript:', "href='javascript:")
SCRIPT_URLS = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
)
URL_REFUSED = "Each link must be a full web address starting with https://"


def hostile(label: str) -> str:
    """A field's value: its label, then a script, an attribute breakout and template syntax."""
    return f"{label} {SCRIPT} {BREAKOUT} {TEMPLATE}"


def escaped(label: str) -> str:
    return f"{label} &lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt; {TEMPLATE}"


def inertness(html: str, labels: list[str]) -> tuple[list[str], list[str]]:
    """What reached the page raw (should be nothing), and which labels' payloads show escaped."""
    return [raw for raw in RAW if raw in html], [label for label in labels if escaped(label) in html]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def cell_with(rows: list[list[str]], label: str) -> str:
    return next(cell for row in rows for cell in row if label in cell)


# Problems and residents' comments ------------------------------------------------------------------

PROBLEM_FIELDS = (
    "title",
    "summary",
    "context",
    "affected_groups",
    "tried_before",
    "data_available",
    "pilot_location",
    "contact_name",
)


async def test_problem_texts_and_comments_are_inert_on_every_page_and_export(logged_in, client) -> None:
    edition, town = await make_open_edition(slug="hostile"), await make_municipality(name="Ivanjica")
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    organiser = await logged_in(Role.ORGANISER)
    resident = await logged_in(None)
    texts = {name: hostile(f"P-{name}") for name in PROBLEM_FIELDS}
    form = {
        **COMPLETE_PROBLEM,
        "sdgs": ["6"],
        "affected_count": "4200",
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
        "action": "submit",
        **texts,
        "open_data_links": 'https://data.example/"onmouseover="alert(1)',
    }
    submitted = await staff.upload("/municipality/problems/new", {"attachment": ("", b"", "application/pdf")}, form)
    problem_id = (await Problem.select(Problem.id).first())["id"]
    published = await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})
    commented = await resident.post_form(f"/problems/{problem_id}/comments", {"body": hostile("C-body")})
    assert (submitted.status_code, published.status_code, commented.status_code) == (302, 302, 302)

    labels = [f"P-{name}" for name in PROBLEM_FIELDS]
    pages = {
        "home": (await client.get("/")).text,
        "catalogue": (await client.get("/problems")).text,
        "search": (await client.get("/problems?q=P-title")).text,
        "problem": (await client.get(f"/problems/{problem_id}")).text,
        "staff view": (await staff.get(f"/municipality/problems/{problem_id}")).text,
        "staff list": (await staff.get("/municipality/")).text,
        "review queue": (await organiser.get(f"/organiser/editions/{edition['id']}/problems")).text,
        "review": (await organiser.get(f"/organiser/problems/{problem_id}")).text,
    }
    export = await organiser.get(f"/organiser/editions/{edition['id']}/problems.csv")

    assert {page: inertness(html, [*labels, "C-body"]) for page, html in pages.items()} == {
        "home": ([], ["P-title", "P-summary"]),
        "catalogue": ([], ["P-title", "P-summary"]),
        "search": ([], ["P-title", "P-summary"]),
        "problem": ([], [*labels, "C-body"]),
        "staff view": ([], labels),
        "staff list": ([], ["P-title"]),
        "review queue": ([], ["P-title"]),
        "review": ([], labels),
    }
    comment_id = int(commented.headers["location"].rsplit("-", 1)[1])
    hidden = await organiser.post_form(f"/comments/{comment_id}/hide", {"reason": hostile("C-reason")})
    moderated = (await organiser.get(f"/problems/{problem_id}")).text
    assert hidden.status_code == 302
    assert inertness(moderated, ["C-body", "C-reason"]) == ([], ["C-body", "C-reason"])
    problem_page = pages["problem"]
    assert 'href="https://data.example/&#34;onmouseover=&#34;alert(1)"' in problem_page
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"].startswith("attachment;")
    assert cell_with(csv_rows(export.content), "P-title") == texts["title"]  # literal: CSV is not HTML


async def test_script_urls_are_refused_in_every_link_field(logged_in) -> None:
    staff_edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    edition = await make_edition_taking_applications()
    founder = await logged_in(None)
    assert (
        await founder.post_form(
            "/startup/register", {"edition_id": edition["id"], "name": "AgroSense", "country": "Serbia", "city": "Niš"}
        )
    ).status_code == 302
    startup_id = (await Startup.select(Startup.id).first())["id"]
    profile = {"name": "AgroSense", "country": "Serbia", "city": "Niš"}

    refusals = {}
    for url in SCRIPT_URLS:
        link = await staff.upload(
            "/municipality/problems/new",
            {"attachment": ("", b"", "application/pdf")},
            {
                "edition_id": str(staff_edition["id"]),
                "municipality_id": str(town["id"]),
                "title": "Snow",
                "open_data_links": url,
                "action": "save",
            },
        )
        website = await founder.post_form(f"/startup/{startup_id}/profile", {**profile, "website": url})
        video = await founder.post_json(
            "/api/v1/startup/applications", {"edition_id": edition["id"], "track": "smart_rural", "video_url": url}
        )
        refusals[url] = (
            (link.status_code, field_error(link.text, "open_data_links")),
            (website.status_code, field_error(website.text, "website")),
            (video.status_code, video.json()["errors"].get("video_url")),
        )

    assert refusals == dict.fromkeys(SCRIPT_URLS, ((422, URL_REFUSED),) * 3)
    assert (await Problem.count(), await Application.count()) == (0, 0)
    assert (await Startup.select(Startup.website).first())["website"] == ""


# Startups, applications, screening, judging and results --------------------------------------------

STARTUP_FIELDS = ("legal_form", "city", "sector", "pitch")
APPLICATION_FIELDS = ("solution", "why_us", "traction", "pilot_plan", "impact")
FORMULA = '=HYPERLINK("https://evil.example","x") '
PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"


async def test_startup_application_and_judging_texts_are_inert_from_screening_to_results(logged_in, client) -> None:
    edition = await make_edition_taking_applications(slug="hostile")
    town = await make_municipality(name="Ivanjica")
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Water losses")
    organiser = await logged_in(Role.ORGANISER)
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    judge = await logged_in(Role.JUDGE, edition_id=edition["id"], name=hostile("U-judge"), email="ana@jury.example")
    founder = await logged_in(None, name=hostile("U-founder"))
    asked = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/questions", {"text": hostile("Q-text"), "kind": "text"}
    )
    question = (await organiser.get(f"/organiser/editions/{edition['id']}/questions")).text
    question_id = re.findall(r"/questions/(\d+)/delete", question)[0]
    website = 'https://agro.example/"><script>alert(1)</script>'
    registered = await founder.post_form(
        "/startup/register",
        {
            "edition_id": edition["id"],
            "name": FORMULA + hostile("S-name"),
            "country": "Serbia",
            "title": hostile("S-title")[:80],
            "website": website,
            **{f: hostile(f"S-{f}") for f in STARTUP_FIELDS},
        },
    )
    texts = {name: hostile(f"A-{name}") for name in APPLICATION_FIELDS}
    applied = await founder.upload(
        "/startup/applications/new",
        {"pitch_deck": (hostile("D-deck") + ".pdf", PDF, "application/pdf")},
        {
            "edition_id": str(edition["id"]),
            "track": "smart_rural",
            "problems": [str(problem["id"])],
            "sdgs": ["6"],
            "video_url": 'https://video.example/"><img src=x onerror=alert(1)>',
            f"q{question_id}": hostile("A-answer"),
            "action": "submit",
            **texts,
        },
    )
    assert (asked.status_code, registered.status_code, applied.status_code) == (302, 302, 302), applied.text[:500]
    application_id = (await Application.select(Application.id).first())["id"]
    noted = await staff.post_form(
        f"/municipality/applications/{application_id}/fit-notes",
        {"note": hostile("F-note"), "municipality_id": town["id"]},
    )
    round_id = await _scored_round(organiser, judge, edition, application_id)
    assert noted.status_code == 302

    others = ["A-answer", "Q-text", "F-note", "R-name", "K-crit", "J-comment", "M-msg", "U-judge", "U-founder"]
    labels = [*(f"S-{f}" for f in ("name", *STARTUP_FIELDS)), *(f"A-{f}" for f in APPLICATION_FIELDS), *others]
    startup_id = (await Startup.select(Startup.id).first())["id"]
    pages = {
        "founder dashboard": (await founder.get("/startup")).text,
        "founder profile": (await founder.get(f"/startup/{startup_id}/profile")).text,
        "founder application": (await founder.get(f"/startup/applications/{application_id}")).text,
        "organiser list": (await organiser.get(f"/organiser/editions/{edition['id']}/applications")).text,
        "organiser application": (await organiser.get(f"/organiser/applications/{application_id}")).text,
        "municipality list": (await staff.get("/municipality/applications")).text,
        "municipality application": (await staff.get(f"/municipality/applications/{application_id}")).text,
        "judge queue": (await judge.get(f"/judge/rounds/{round_id}")).text,
        "judge sheet": (await judge.get(f"/judge/assignments/{await _assignment_id()}")).text,
        "round": (await organiser.get(f"/organiser/rounds/{round_id}")).text,
        "results": (await client.get(f"/editions/{edition['slug']}/results")).text,
    }
    exports = {
        "applications": await organiser.get(f"/organiser/editions/{edition['id']}/applications/export.csv"),
        "scores": await organiser.get(f"/organiser/rounds/{round_id}/scores.csv"),
    }

    content = [f"A-{f}" for f in APPLICATION_FIELDS]
    assert {page: inertness(html, labels) for page, html in pages.items()} == {
        "founder dashboard": ([], ["S-name", "M-msg", "U-founder"]),
        "founder profile": ([], ["S-name", *(f"S-{f}" for f in STARTUP_FIELDS), "U-founder"]),
        "founder application": ([], [*content, "M-msg", "U-founder"]),
        "organiser list": ([], ["S-name", "S-city"]),
        "organiser application": (
            [],
            ["S-name", "S-city", *content, "A-answer", "Q-text", "F-note", "M-msg", "U-founder"],
        ),
        "municipality list": ([], ["S-name", "S-city"]),
        "municipality application": ([], ["S-name", "S-city", *content, "A-answer", "Q-text", "F-note"]),
        "judge queue": ([], ["S-name", "R-name", "U-judge"]),
        "judge sheet": ([], [*content, "R-name", "K-crit", "J-comment", "U-judge"]),  # blind: no startup name
        "round": ([], ["S-name", "R-name", "K-crit", "U-judge"]),
        "results": ([], ["S-name", "S-city"]),
    }
    # Links keep their hostile tail inside the attribute; the deck's name is shown, escaped.
    shown = pages["organiser application"]
    assert 'href="https://agro.example/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in shown
    assert 'href="https://video.example/&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in shown
    assert "onerror=alert(1)&gt; {{7*7}}.pdf</a>" in shown
    # In CSV the text is literal, and a cell that would run as a formula starts with a quote.
    assert {name: response.headers["content-type"].split(";")[0] for name, response in exports.items()} == {
        "applications": "text/csv",
        "scores": "text/csv",
    }
    assert cell_with(csv_rows(exports["applications"].content), "S-name") == "'" + FORMULA + hostile("S-name")
    assert cell_with(csv_rows(exports["scores"].content), "S-name") == "'" + FORMULA + hostile("S-name")


async def _assignment_id() -> int:
    return (await JudgeAssignment.select(JudgeAssignment.id).first())["id"]


async def _scored_round(organiser: WebClient, judge: WebClient, edition: dict, application_id: int) -> int:
    """A round named, ruled and commented with hostile text, scored, closed, advanced and published."""
    created = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {
            "name": hostile("R-name"),
            "method": "weighted_rubric",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "1",
            "normalisation": "judge_offset",
        },
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    rubric = {
        "criteria-0-name": hostile("K-crit"),
        "criteria-0-guidance": hostile("K-guidance"),
        "criteria-0-weight": "1",
        "criteria-0-scale_min": "1",
        "criteria-0-scale_max": "10",
    }
    for step, data in (("rubric", rubric), ("open", {}), ("assign", {})):
        response = await organiser.post_form(f"/organiser/rounds/{round_id}/{step}", data)
        assert response.status_code == 302, (step, response.text[:500])
    criterion = (await Criterion.select(Criterion.id).first())["id"]
    scored = await judge.post_form(
        f"/judge/assignments/{await _assignment_id()}",
        {f"c{criterion}": "8", f"c{criterion}_comment": hostile("J-comment"), "action": "submit"},
    )
    assert scored.status_code == 302, scored.text[:500]
    for step, data in (("close", {}), ("advance", {"mode": "top", "min_rural": "0", "max_per_municipality": "0"})):
        response = await organiser.post_form(f"/organiser/rounds/{round_id}/{step}", data)
        assert response.status_code == 302, (step, response.text[:500])
    # A final round: its finalists' names go public as winners, once applications have closed.
    await Application.update({Application.status: "finalist"}).where(Application.id == application_id)
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=20),
        screening=now - timedelta(days=1),
    )
    published = await organiser.post_form(
        f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": hostile("M-msg")}
    )
    assert published.status_code == 302, published.text[:500]
    return round_id


# Mentoring -------------------------------------------------------------------------------------------

MENTOR_FIELDS = ("bio", "organisation", "sectors", "conflict_organisations")
# A raw POST can carry line breaks a text input cannot: in iCal they must not start a new property.
LOCATION = "javascript:alert(1)\r\nATTENDEE:mailto:evil@example.org\r\n" + hostile("L-loc")


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
    application = (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup,
                track="smart_rural",
                status="accepted",
                active_key=f"{edition['id']}:{startup}:smart_rural",
            )
        ).returning(Application.id)
    )[0]["id"]
    match = (
        await Match.insert(
            Match(
                edition=edition["id"],
                mentor=mentor.user["id"],
                application=application,
                startup=startup,
                status="published",
                key=f"{mentor.user['id']}:{application}",
                published_at=utc_now(),
            )
        ).returning(Match.id)
    )[0]["id"]
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


# Input reflected straight back: search boxes, error pages, the sign-in's `next` ---------------------


async def test_reflected_input_is_escaped_and_next_never_leaves_the_site(logged_in, client) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    user = await logged_in(None)
    query = hostile("Q-search")

    pages = {
        "catalogue search": (await client.get("/problems", params={"q": query, "region": query})).text,
        "applications search": (
            await organiser.get(f"/organiser/editions/{edition['id']}/applications", params={"q": query})
        ).text,
        "not found": (await client.get("/problems/" + SCRIPT)).text,
        "sign-in form": (await client.get("/login", params={"next": "/x" + query})).text,
    }
    redirects = {}
    for target in ("javascript:alert(1)", "//evil.example/"):
        response = await user.post_form("/login", {"email": user.user["email"], "password": PASSWORD, "next": target})
        redirects[target] = response.headers["location"]

    assert {page: inertness(html, ["Q-search"]) for page, html in pages.items()} == {
        "catalogue search": ([], ["Q-search"]),
        "applications search": ([], ["Q-search"]),
        "not found": ([], []),
        "sign-in form": ([], ["Q-search"]),
    }
    assert redirects == dict.fromkeys(redirects, "/account")
