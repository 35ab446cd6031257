"""The startup's page: per startup of the person, its published mentors with bookable slots, and its sessions."""

from __future__ import annotations

from datetime import datetime

import msgspec

from challenge.records import StartupOfUser
from challenge.services import expertise, teams
from mentoring.enums import MatchStatus, SlotStatus
from mentoring.queries.session_views import SessionView, annotate, session_rows, split
from mentoring.records import NamedMatch, ProfileRow, SlotRow, convert_row
from mentoring.services import sessions
from mentoring.services.matching import describe
from mentoring.services.sessions.access import SESSION_COLUMNS
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile


class MentorOffer(NamedMatch, frozen=True, kw_only=True):
    """A published match as its startup sees it: the mentor's zone and the slots it may book."""

    mentor_timezone: str
    slots: list[SlotRow]


class StartupMentoring(msgspec.Struct, frozen=True, kw_only=True):
    """One startup of the person in one edition, with its mentors and its sessions."""

    id: int
    name: str
    edition_id: int
    edition_name: str
    timezone: str
    matches: list[MentorOffer]
    upcoming: list[SessionView]
    past: list[SessionView]
    cancelled: list[SessionView]


class BookableSlot(SlotRow, frozen=True, kw_only=True):
    """An open slot with the match to book it under."""

    match_id: int
    mentor_name: str
    startup_id: int


async def _offers(
    startup_id: int, edition_id: int, zone: str, tag_names: dict[str, str], *, now: datetime
) -> list[MentorOffer]:
    matches = await (
        Match.select(*Match.all_columns(), Match.mentor.name.as_alias("mentor_name"))
        .where(Match.startup == startup_id, Match.edition == edition_id, Match.status == MatchStatus.PUBLISHED)
        .order_by(Match.id)
        .output(load_json=True)
    )
    mentor_ids = [m["mentor"] for m in matches]
    profiles: dict[int, ProfileRow] = {}
    open_slots: list[SlotRow] = []
    if mentor_ids:
        profiles = {
            p["user"]: convert_row(p, ProfileRow)
            for p in await MentorProfile.select()
            .where(MentorProfile.edition == edition_id, MentorProfile.user.is_in(mentor_ids))
            .output(load_json=True)
        }
        open_slots = [
            convert_row(row, SlotRow)
            for row in await MentoringSlot.select()
            .where(
                MentoringSlot.mentor.is_in(mentor_ids),
                MentoringSlot.edition == edition_id,
                MentoringSlot.status == SlotStatus.OPEN,
                MentoringSlot.starts_at > now,
            )
            .order_by(MentoringSlot.starts_at)
        ]
    offers = []
    for match in matches:
        profile = profiles.get(match["mentor"])
        fitting = [] if profile is None else _fitting(open_slots, match["mentor"], profile)
        named = convert_row({**match, "explanation_text": describe(match["explanation"], tag_names)}, NamedMatch)
        offers.append(
            MentorOffer(
                **msgspec.structs.asdict(named),
                mentor_timezone=profile.timezone if profile else zone,
                slots=fitting,
            )
        )
    return offers


def _fitting(open_slots: list[SlotRow], mentor_id: int, profile: ProfileRow) -> list[SlotRow]:
    """The mentor's open slots that still fit their hours."""
    availability = sessions.availability_of(profile)
    return [
        slot
        for slot in open_slots
        if slot.mentor == mentor_id and not sessions.availability_problem(slot.starts_at, slot.ends_at, availability)
    ]


async def _startup(startup: StartupOfUser, tag_names: dict[str, str], *, now: datetime) -> StartupMentoring:
    edition_id, zone = startup.edition_id, startup.edition_timezone
    offers = await _offers(startup.id, edition_id, zone, tag_names, now=now)
    by_mentor = {offer.mentor: offer for offer in offers}
    rows = await (
        MentoringSession.select(*SESSION_COLUMNS)
        .where(MentoringSession.startup == startup.id, MentoringSession.match.edition == edition_id)
        .order_by(MentoringSession.starts_at)
    )
    views = []
    for row in session_rows(rows):
        offer = by_mentor.get(row.mentor)
        views.append(
            annotate(
                row,
                now=now,
                mentor_timezone=offer.mentor_timezone if offer else zone,
                reschedule_options=offer.slots if offer else (),
            )
        )
    return StartupMentoring(
        id=startup.id,
        name=startup.name,
        edition_id=edition_id,
        edition_name=startup.edition_name,
        timezone=zone,
        matches=offers,
        **msgspec.structs.asdict(split(views)),
    )


async def startup_page(user_id: int, *, now: datetime) -> list[StartupMentoring]:
    """Per startup of the person: its published mentors with bookable slots, and its sessions."""
    startups = await teams.startups_of_user(user_id)
    tag_names = await expertise.vocabulary(include_retired=True) if startups else {}
    return [await _startup(startup, tag_names, now=now) for startup in startups]


async def bookable_slots(user_id: int, *, now: datetime) -> list[BookableSlot]:
    """Open slots the person's startups may book, each with the match to book it under."""
    return [
        BookableSlot(
            **msgspec.structs.asdict(slot), match_id=match.id, mentor_name=match.mentor_name, startup_id=startup.id
        )
        for startup in await startup_page(user_id, now=now)
        for match in startup.matches
        for slot in match.slots
    ]
