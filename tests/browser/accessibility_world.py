"""The accessibility tests' world: an edition with a published problem and a draft one, a startup
with an accepted and a draft application, a mentor with a profile, a match and a booked session,
a judge with an assignment in an open round, a hackathon with a published schedule, municipality
staff, a resident, an organiser; each role signed in once."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from challenge.tables import Application, ApplicationProblem, StartupMember
from core.clock import utc_now
from core.enums import Role
from judging.tables import JudgeAssignment
from mentoring.tables import MentoringSession, MentorProfile
from tests.db import empty_all_tables
from tests.factories import (
    PASSWORD,
    make_edition_taking_applications,
    make_municipality,
    make_problem,
    make_user,
    set_timeline,
)
from tests.integration.hackathon.world import ZONE, build, make_world
from tests.integration.hackathon.world import World as HackathonWorld
from tests.web import WebClient

HOURS = [[day, 8 * 60, 20 * 60] for day in range(7)]  # the mentor: 08:00-20:00 every day


@dataclass(frozen=True)
class World:
    """The ids the pages need, and each role's signed-in cookies."""

    ids: dict[str, Any]
    cookies: dict[str, list[dict[str, Any]]]


async def _signed_in(base_url: str, email: str) -> WebClient:
    client = WebClient(httpx.AsyncClient(base_url=base_url))
    await client.login(email, PASSWORD)
    return client


def _ok(response: httpx.Response) -> None:
    assert response.status_code in (200, 302, 303), f"{response.request.url}: {response.status_code}"


async def build_world(base_url: str) -> World:
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
    founder, startup_id, application_id, draft_application = await _startup_with_a_draft(small, problem)
    await _mentor_profile(small)
    # The published schedule: built through the service, published by the organiser.
    await build(small)
    chair = await _signed_in(base_url, organiser["email"])
    base = f"/organiser/editions/{edition_id}/hackathons/{small.hackathon_id}"
    _ok(await chair.post_form(f"{base}/publish"))
    round_id, assignment = await _open_round(chair, edition_id, judge)
    final_id = await _pairwise_final(chair, edition_id)
    mentor, startup, session = await _booked_session(base_url, small, founder, now=now)
    clients = {
        "organiser": chair,
        "mentor": mentor,
        "startup": startup,
        "resident": await _signed_in(base_url, resident["email"]),
        "municipality": await _signed_in(base_url, staff["email"]),
        "judge": await _signed_in(base_url, judge["email"]),
    }
    cookies = {
        role: [{"name": c.name, "value": c.value, "url": base_url} for c in client.http.cookies.jar]
        for role, client in clients.items()
    }
    for client in clients.values():
        await client.http.aclose()
    return World(
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
            "final": final_id,
            "assignment": assignment["id"],
            "session": session["id"],
            # The judge with a sheet in the round, as the release confirmation names them.
            "judge": judge["id"],
        },
        cookies=cookies,
    )


async def _startup_with_a_draft(small: HackathonWorld, problem: dict[str, Any]) -> tuple[dict[str, Any], int, int, int]:
    """AgroSense's accepted application, now addressing the published problem, and a draft for
    next year's edition: (founder, startup id, application id, draft application id)."""
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
    return founder, startup_id, application_id, draft_application


async def _mentor_profile(small: HackathonWorld) -> None:
    edition_id = small.edition["id"]
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


async def _open_round(chair: WebClient, edition_id: int, judge: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A judging round with a rubric, open, judges assigned: its id and the judge's assignment."""
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
    return round_id, assignment


async def _booked_session(
    base_url: str, small: HackathonWorld, founder: dict[str, Any], *, now: datetime
) -> tuple[WebClient, WebClient, dict[str, Any]]:
    """A mentoring session: the mentor offers a slot three days ahead, the founder books it. Both
    clients, signed in, and the session."""
    edition_id = small.edition["id"]
    mentor = await _signed_in(base_url, small.mentor["email"])
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
    startup = await _signed_in(base_url, founder["email"])
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

    return mentor, startup, session


async def _pairwise_final(chair: WebClient, edition_id: int) -> int:
    """A pairwise final, open, its live ranking released to the projector: its id."""
    created = await chair.post_form(
        f"/organiser/editions/{edition_id}/judging/",
        {
            "name": "Pitch final",
            "method": "pairwise",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "1",
            "normalisation": "judge_offset",
            "min_comparisons": "3",
        },
    )
    _ok(created)
    final_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    for step, data in (("open", {}), ("projector", {"released": "1"})):
        _ok(await chair.post_form(f"/organiser/rounds/{final_id}/{step}", data))
    return final_id
