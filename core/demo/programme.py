"""The mentoring programme: mentor profiles, one published matching run and weeks of held sessions."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.clock import utc_now
from core.demo.people import MENTORS, ORGANISER
from core.demo.world import ZONE, World
from mentoring.enums import Attendance, SessionStatus, SlotStatus
from mentoring.schemas import ProfileCommand, WindowIn
from mentoring.services import matching
from mentoring.services import profiles as mentor_profiles
from mentoring.tables import Match, MatchRun, MentoringSession, MentoringSlot


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


async def mentoring(world: World) -> None:
    """Profiles, one matching run that pairs every team, published; then a few weeks of sessions."""
    for email, _name, organisation, bio, expertise, sectors, languages, capacity, zone, hours in MENTORS:
        profile = ProfileCommand(
            bio=bio,
            organisation=organisation,
            expertise=list(expertise),
            languages=list(languages),
            sectors=list(sectors),
            capacity=capacity,
            timezone=zone,
            availability=[WindowIn(weekday=day, start=_clock(start), end=_clock(end)) for day, start, end in hours],
        )
        await mentor_profiles.save_profile(user=await world.as_user(email), edition_id=world.edition, profile=profile)
    organiser = await world.as_user(ORGANISER)
    run_id = await matching.start_run(user=organiser, edition_id=world.edition)
    await matching.wait_for_runs()
    run = await MatchRun.select().where(MatchRun.id == run_id).first().output(load_json=True)
    if run["status"] != "done" or run["unmatched"]:
        print(f"demo: the matching run ended {run['status']} with {len(run['unmatched'] or [])} unmatched")
    await matching.publish(user=organiser, edition_id=world.edition)
    await _sessions(world)


async def _sessions(world: World) -> None:
    """Held sessions of the mentoring weeks, with notes and ratings (ParkPulse has yet to rate its last)."""
    zone = ZoneInfo(ZONE)
    today = utc_now().astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    pairs = (
        await Match.select(Match.id, Match.mentor, Match.startup, Match.application)
        .where(Match.edition == world.edition)
        .order_by(Match.id)
    )
    names = {v: k for k, v in world.startups.items()}
    for number, pair in enumerate(pairs):
        startup = names[pair["startup"]]
        for week, days_ago in enumerate((42, 28, 14)):
            starts = today - timedelta(days=days_ago - number % 5) + timedelta(hours=10 + number % 6)
            ends = starts + timedelta(hours=1)
            slot = (
                await MentoringSlot.insert(
                    MentoringSlot(
                        mentor=pair["mentor"],
                        edition=world.edition,
                        starts_at=starts,
                        ends_at=ends,
                        status=SlotStatus.BOOKED,
                        location="Online (video call)",
                    )
                ).returning(MentoringSlot.id)
            )[0]["id"]
            unrated = startup == "ParkPulse" and week == 2
            await MentoringSession.insert(
                MentoringSession(
                    slot=slot,
                    match=pair["id"],
                    mentor=pair["mentor"],
                    startup=pair["startup"],
                    starts_at=starts,
                    ends_at=ends,
                    status=SessionStatus.HELD,
                    active_key=str(slot),
                    booked_by=world.users[world.founders[startup]],
                    notes=(
                        "Went through the pilot plan and the municipality's data."
                        if week == 0
                        else "Reviewed the budget and the procurement steps."
                    ),
                    attendance=Attendance.ATTENDED,
                    rating=None if unrated else 4 + (number + week) % 2,
                    feedback="" if unrated else "Very useful, concrete advice.",
                )
            )
