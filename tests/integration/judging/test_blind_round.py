"""A blind round leaks nothing of the team to its judges, through any channel a judge can reach.

The world: a startup with distinctive strings for its name, members, emails and website, named in
its own application texts, its deck's file name and the deck's PDF metadata; an organiser makes a
rubric round and a pairwise round blind through the round form, opens and assigns them; a
published hackathon puts the team's pitch before the judge's panel, and the organiser moves it
(which mails the judge). Then, with each judge's session, every GET route of the app is called
(the authorization matrix's route listing, path parameters filled from the world's ids), every
write route of the judges' pages and API is called too, the judge's iCal feed is read, every
timed job runs, and every mail to the judges is read: none may contain any of those strings, in
the body or in a header (Location, Content-Disposition...), in any case. A zip (the data export)
is searched file by file.

Out of scope, named in `PUBLIC_PAGES`: pages everyone, signed in or not, can read anyway, such as
the published hackathon schedule by team; a blind round cannot take back what its edition
publishes to the world. Organisers still see everything (checked at the end).
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar

from challenge.rules.phases import utc_to_local
from challenge.tables import Application, Startup, StartupMember
from core import calendar
from core.auth import load_current_user
from core.clock import utc_now
from core.enums import Role
from core.scheduler import registered_jobs
from core.storage import get_storage
from core.tables import OutboxMessage, StoredFile
from hackathon.services import editing
from hackathon.tables import Hackathon, Panel, Room, ScheduleItem
from judging.queries import blind
from judging.tables import JudgeAssignment, Round
from tests.factories import make_edition, make_user
from tests.integration.core.access_matrix import PARAM, UNSAFE, routes_of
from tests.web import WebClient

STARTUP = "Quibblefrost Analytics"
MEMBERS = ("Ottoline Vexworth", "Barnaby Crumplehorn")
EMAILS = ("ottoline@quibblefrost.example", "barnaby.crumplehorn@mail.example")
WEBSITE = "https://www.quibblefrost.example"
# Searched case-insensitively in everything a judge receives.
SECRETS = ("Quibblefrost", "Ottoline", "Vexworth", "Barnaby", "Crumplehorn", "barnaby.crumplehorn")
DECK = (
    b"%PDF-1.4\n1 0 obj\n<< /Title (Quibblefrost Analytics pitch) /Author (Ottoline Vexworth) >>\nendobj\n"
    b"2 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 2 0 R /Info 1 0 R >>\n%%EOF\n"
)
# Pages anyone may read, signed in or not: what they show is public, blind round or not.
PUBLIC_PAGES = {
    "GET /hackathons/{hackathon_id:int}",  # the published schedule, by team too
    "GET /hackathons/{hackathon_id:int}/schedule.ics",
    "GET /api/v1/hackathons/{hackathon_id:int}/schedule",
}
ROUND = {
    "name": "Blind screening",
    "method": "weighted_rubric",
    "entry": "all_submitted",
    "judges_per_application": "2",
    "max_per_judge": "10",
    "advance_count": "1",
    "normalisation": "judge_offset",
    "blind": "on",
    "redacted_fields": ["why_us"],
    "deck_policy": "warn",
}
RUBRIC = {
    "criteria-0-name": "Impact",
    "criteria-0-weight": "1",
    "criteria-0-scale_min": "1",
    "criteria-0-scale_max": "10",
}


async def _post(client: WebClient, url: str, data: dict[str, Any]) -> httpx.Response:
    return await client.http.post(url, data={**data, "_csrf_token": await client.csrf_token()})


async def _deck(owner_id: int) -> int:
    writer = get_storage().writer()
    writer.write(DECK)
    writer.commit()
    return (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name="Quibblefrost-deck.pdf",
                content_type="application/pdf",
                size=len(DECK),
                sha256="0" * 64,
                owner=owner_id,
                purpose="pitch_deck",
            )
        ).returning(StoredFile.id)
    )[0]["id"]


async def _application(edition_id: int, name: str, *, members: list[dict[str, Any]], **texts: Any) -> int:
    startup = (
        await Startup.insert(
            Startup(name=name, country="Serbia", city="Niš", website=texts.pop("website", ""))
        ).returning(Startup.id)
    )[0]["id"]
    for member in members:
        await StartupMember.insert(
            StartupMember(startup=startup, user=member["id"], edition=edition_id, key=f"{edition_id}:{member['id']}")
        )
    return (
        await Application.insert(
            Application(
                edition=edition_id,
                startup=startup,
                track="smart_rural",
                status="submitted",
                active_key=f"{edition_id}:{startup}:smart_rural",
                **texts,
            )
        ).returning(Application.id)
    )[0]["id"]


async def _round(organiser: WebClient, edition_id: int, fields: dict[str, Any]) -> int:
    created = await _post(organiser, f"/organiser/editions/{edition_id}/judging/", fields)
    assert created.status_code == 302, created.text[:2000]
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    if fields["method"] == "weighted_rubric":
        assert (await _post(organiser, f"/organiser/rounds/{round_id}/rubric", RUBRIC)).status_code == 302
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/open", {})).status_code == 302
    return round_id


async def _hackathon(edition_id: int, judge_id: int, application_id: int) -> dict[str, int]:
    starts = (utc_now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    hackathon = (
        await Hackathon.insert(
            Hackathon(
                edition=edition_id,
                name="Demo day",
                venue="Science Park",
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                status="published",
                published_at=utc_now(),
            )
        ).returning(Hackathon.id)
    )[0]["id"]
    room = (await Room.insert(Room(hackathon=hackathon, name="Hall A", capacity=20)).returning(Room.id))[0]["id"]
    panel = (await Panel.insert(Panel(hackathon=hackathon, name="Panel 1", judge_ids=[judge_id])).returning(Panel.id))[
        0
    ]["id"]
    item = (
        await ScheduleItem.insert(
            ScheduleItem(
                hackathon=hackathon,
                ref="pitch-1-1",
                kind="pitch",
                title=f"{STARTUP} pitch",
                room=room,
                starts_at=starts + timedelta(hours=1),
                ends_at=starts + timedelta(hours=1, minutes=10),
                team_ids=[application_id],
                judge_ids=[judge_id],
                panel=panel,
            )
        ).returning(ScheduleItem.id)
    )[0]["id"]
    # The panel's sitting is what the judge's own feed carries (their pitches are left out of it).
    await ScheduleItem.insert(
        ScheduleItem(
            hackathon=hackathon,
            ref="panel-1-1",
            kind="judging_panel",
            title="Panel 1",
            room=room,
            starts_at=starts + timedelta(hours=4),
            ends_at=starts + timedelta(hours=5),
            judge_ids=[judge_id],
            panel=panel,
        )
    )
    return {"hackathon_id": hackathon, "room_id": room, "panel_id": panel, "item_id": item, "starts": starts}


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.casefold() in text.casefold()]


def _everything_in(response: httpx.Response) -> str:
    """Headers and body; a zip's files one by one."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    content = response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            body = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    else:
        body = content.decode("utf-8", "replace")
    return f"{headers}\n{body}"


def _urls(path: str, world: dict[str, list[Any]]) -> list[str]:
    names = PARAM.findall(path)
    choices = [world.get(name, world["fallback"]) for name in names]
    urls = []
    for values in itertools.product(*choices):
        filled = iter(values)
        urls.append(PARAM.sub(lambda _, filled=filled: str(next(filled)), path))
    return urls


async def test_a_blind_rounds_judges_never_receive_the_teams_identity(app: Litestar, logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    members = [await make_user(email=e, name=n) for e, n in zip(EMAILS, MEMBERS, strict=True)]
    secret_app = await _application(
        edition["id"],
        STARTUP,
        members=members,
        website=WEBSITE,
        solution=f"{STARTUP} weighs village waste; Ottoline Vexworth built the scales (www.quibblefrost.example).",
        why_us="Barnaby Crumplehorn ran two pilots.",
        impact="Less waste, told by ottoline@quibblefrost.example every month.",
        pitch_deck=await _deck(members[0]["id"]),
    )
    other = await make_user(email="zed@plain.example", name="Zed Plain")
    plain_app = await _application(edition["id"], "Plain Sensors", members=[other], solution="Sensors for bins.")
    judge: WebClient = await logged_in(
        Role.JUDGE, email="judith@judges.example", name="Judith", edition_id=edition["id"]
    )
    # Same mail domain as Ottoline: conflict detection must keep this judge off the team, blind or not.
    mole: WebClient = await logged_in(
        Role.JUDGE, email="mole@quibblefrost.example", name="Mole", edition_id=edition["id"]
    )
    judges = {"judge": judge, "mole": mole}

    # Closing within hours: reminders to judges, once any timed job sends them, go out below.
    closes = utc_to_local(utc_now() + timedelta(hours=10), "Europe/Belgrade").isoformat(timespec="minutes")
    round_id = await _round(organiser, edition["id"], {**ROUND, "closes_at": closes})
    assert (await _post(organiser, f"/organiser/rounds/{round_id}/assign", {})).status_code == 302
    pairwise_id = await _round(
        organiser, edition["id"], {**ROUND, "name": "Blind final", "method": "pairwise", "redacted_fields": []}
    )
    stored = (
        await Round.select(Round.blind, Round.redacted_fields, Round.deck_policy).where(Round.id == round_id).first()
    )
    assert stored == {"blind": True, "redacted_fields": '["why_us"]', "deck_policy": "warn"}

    assigned = {
        (a["judge"], a["application"]): a["id"]
        for a in await JudgeAssignment.select().where(JudgeAssignment.round == round_id)
    }
    judge_id, mole_id = judge.user["id"], mole.user["id"]  # type: ignore[attr-defined]
    assert set(assigned) == {(judge_id, secret_app), (judge_id, plain_app), (mole_id, plain_app)}
    hackathon = await _hackathon(edition["id"], judge_id, secret_app)
    await editing.move_item(
        user=await load_current_user(organiser.user["id"]),  # type: ignore[attr-defined]
        hackathon_id=hackathon["hackathon_id"],
        item_id=hackathon["item_id"],
        room_id=hackathon["room_id"],
        starts_at=hackathon["starts"] + timedelta(hours=2),
    )

    code = (await blind.codes(round_id))[secret_app]
    world: dict[str, list[Any]] = {
        "edition_id": [edition["id"]],
        "round_id": [round_id, pairwise_id],
        "assignment_id": list(assigned.values()),
        "application_id": [secret_app, plain_app],
        "file_id": [
            (await Application.select(Application.pitch_deck).where(Application.id == secret_app).first())["pitch_deck"]
        ],
        "hackathon_id": [hackathon["hackathon_id"]],
        "item_id": [hackathon["item_id"]],
        "slug": [edition["slug"]],
        "fallback": [secret_app],
    }
    leaked: dict[str, list[str]] = {}
    seen: dict[str, str] = {}

    def check(what: str, response: httpx.Response) -> None:
        assert response.status_code < 500, (what, response.status_code, response.text[:500])
        seen[what] = response.text if response.status_code == 200 else ""
        # A judge's own address is theirs to see (the conflicted judge's shares the team's domain).
        own = judges[what.split()[0]].user["email"] if what.split()[0] in judges else ""  # type: ignore[attr-defined]
        text = _everything_in(response).replace(own, "") if own else _everything_in(response)
        if found := _leaks(text):
            leaked[what] = found

    for name, client in judges.items():
        for route in routes_of(app):
            if route.method != "GET" or route.key in PUBLIC_PAGES:
                continue
            for url in _urls(route.path, world):
                check(f"{name} GET {url}", await client.get(url))
        feed = f"/calendar/{await calendar.feed_token(client.user['id'])}.ics"  # type: ignore[attr-defined]
        check(f"{name} feed", await client.get(feed))
        # Every write of the judges' pages and API, empty (refused, forms re-rendered), bar the
        # conflict declaration, which takes the entry away and comes last.
        for route in routes_of(app):
            if route.method in UNSAFE and route.path.startswith(("/judge", "/api/v1/judging")):
                if route.path.endswith("/conflict"):
                    continue
                for url in _urls(route.path, world):
                    headers = {"x-csrftoken": await client.csrf_token()}
                    if url.startswith("/api/"):
                        response = await client.http.request(route.method, url, json={}, headers=headers)
                    else:
                        response = await _post(client, url, {})
                    check(f"{name} {route.method} {url} (empty)", response)
        # The judges' writes, with answers that succeed and answers that are refused (re-rendered).
        for assignment_id in [a for (j, _), a in assigned.items() if j == client.user["id"]]:  # type: ignore[attr-defined]
            url = f"/judge/assignments/{assignment_id}"
            check(f"{name} POST {url} (refused)", await _post(client, url, {"c1": "99", "action": "submit"}))
            check(f"{name} POST {url} (saved)", await _post(client, url, {"action": "save"}))
            put = await client.http.put(
                f"/api/v1/judging/assignments/{assignment_id}/sheet",
                json={"values": {"0": 1}},
                headers={"x-csrftoken": await client.csrf_token()},
            )
            check(f"{name} PUT sheet", put)
        for choice in ("next", "current", "previous", "skip", "nonsense"):
            url = f"/judge/rounds/{pairwise_id}/pairwise"
            check(f"{name} POST pairwise {choice}", await _post(client, url, {"choice": choice}))
            check(f"{name} GET pairwise after {choice}", await client.get(url))
    # Declaring a conflict takes the entry away: what the judge is told names no one.
    conflict = await _post(judge, f"/judge/assignments/{assigned[(judge_id, secret_app)]}/conflict", {"note": ""})
    check("judge POST conflict", conflict)
    check("judge GET home after conflict", await judge.get("/judge/"))

    for job in registered_jobs():
        await job.func()
    mails = await OutboxMessage.select().where(
        OutboxMessage.to_address.is_in(["judith@judges.example", "mole@quibblefrost.example"])
    )
    for mail in mails:
        text = "\n".join(str(mail[k] or "") for k in ("to_address", "subject", "body_text", "body_with_secrets"))
        if found := _leaks(text.replace("mole@quibblefrost.example", "")):
            leaked[f"mail {mail['subject']}"] = found

    assert leaked == {}
    # The checks saw what they had to: the pseudonym on the sheet, the queue, the personal
    # schedule and the feed, and the judge's mail about the team's pitch.
    assert len(seen) > 300
    secret_sheet = f"judge GET /judge/assignments/{assigned[(judge_id, secret_app)]}"
    for what in (
        secret_sheet,
        f"judge GET /judge/rounds/{round_id}",
        f"judge GET /hackathons/{hackathon['hackathon_id']}/mine",
    ):
        assert f"Entry {code}" in seen[what], what
    assert "SUMMARY:Judging panel: Panel 1" in seen["judge feed"]
    assert "Schedule change: [hidden] pitch" in [m["subject"] for m in mails]


async def test_a_blind_rounds_sheet_shows_the_pseudonym_the_redactions_and_the_renamed_deck(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    member = await make_user(email=EMAILS[0], name=MEMBERS[0])
    app_id = await _application(
        edition["id"],
        STARTUP,
        members=[member],
        website=WEBSITE,
        solution=f"{STARTUP} weighs waste.",
        why_us="Because.",
        pitch_deck=await _deck(member["id"]),
    )
    judge: WebClient = await logged_in(Role.JUDGE, email="judith@judges.example", edition_id=edition["id"])
    round_id = await _round(organiser, edition["id"], ROUND)
    await _post(organiser, f"/organiser/rounds/{round_id}/assign", {})
    assignment = (await JudgeAssignment.select().where(JudgeAssignment.round == round_id).first())["id"]
    code = (await blind.codes(round_id))[app_id]

    sheet = (await judge.get(f"/judge/assignments/{assignment}")).text
    deck = await judge.get(f"/judge/assignments/{assignment}/deck")
    queue = (await judge.get(f"/api/v1/judging/rounds/{round_id}/queue")).json()
    file_id = (await Application.select(Application.pitch_deck).where(Application.id == app_id).first())["pitch_deck"]
    as_file = await judge.get(f"/files/{file_id}")
    organiser_page = (await organiser.get(f"/organiser/rounds/{round_id}/")).text

    assert re.search(r"<h1>Entry " + code + "</h1>", sheet)
    assert "[hidden] weighs waste." in sheet
    assert "Because." not in sheet and "Hidden in this blind round." in sheet
    assert f'href="/judge/assignments/{assignment}/deck">entry-{code.lower()}.pdf</a>' in sheet
    assert "may name the team" in sheet
    assert deck.status_code == 200
    assert deck.headers["content-disposition"] == f'attachment; filename="entry-{code.lower()}.pdf"'
    assert len(deck.content) == len(DECK) and b"Vexworth" not in deck.content
    assert queue == [
        {
            "id": assignment,
            "application": app_id,
            "startup_name": f"Entry {code}",
            "track": "smart_rural",
            "sheet_status": None,
            "total": None,
            "blind": True,
        }
    ]
    # The uploaded file itself stays closed to a blind round's judge (its name is the team's).
    assert as_file.status_code == 404
    # Organisers see everything, and which code is whose.
    assert f"<li>Entry {code}: {STARTUP}</li>" in organiser_page


async def test_a_deck_hidden_by_the_round_is_neither_linked_nor_served(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    member = await make_user(email=EMAILS[0], name=MEMBERS[0])
    await _application(edition["id"], STARTUP, members=[member], solution="x", pitch_deck=await _deck(member["id"]))
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    round_id = await _round(organiser, edition["id"], {**ROUND, "deck_policy": "hide"})
    await _post(organiser, f"/organiser/rounds/{round_id}/assign", {})
    assignment = (await JudgeAssignment.select().where(JudgeAssignment.round == round_id).first())["id"]

    sheet = (await judge.get(f"/judge/assignments/{assignment}")).text
    deck = await judge.get(f"/judge/assignments/{assignment}/deck")

    assert "/deck" not in sheet and "entry-" not in sheet
    assert deck.status_code == 404


async def test_the_round_form_refuses_a_field_it_does_not_offer_and_keeps_the_input(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    refused = await _post(
        organiser, f"/organiser/editions/{edition['id']}/judging/", {**ROUND, "redacted_fields": ["why_us", "startup"]}
    )

    assert refused.status_code == 422
    assert "Choose among the fields offered." in refused.text
    assert re.search(r'name="blind" value="on" checked', refused.text)
    assert await Round.count() == 0
