"""The facts behind mentoring's next steps: a few grouped counts per page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.query import Select
from piccolo.query.functions.aggregate import Count

from challenge.services.next_steps import edition_facts
from challenge.tables import StartupMember
from core.auth import CurrentUser
from core.next_steps import Home, register_source
from core.rules.next_steps import Step
from mentoring.enums import MatchStatus, SessionStatus, SlotStatus
from mentoring.rules import next_steps as rules
from mentoring.services.profiles import mentors_in
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile


async def _per_edition(query: Select[Any]) -> dict[int, int]:
    return {row["edition"]: row["n"] for row in await query}


async def _mentor_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    mine = [e for e in editions.values() if mentors_in(user, e.id)]
    if not mine:
        return []
    profiles = {
        row["edition"] for row in await MentorProfile.select(MentorProfile.edition).where(MentorProfile.user == user.id)
    }
    matches = await _per_edition(
        Match.select(Match.edition, Count(alias="n"))
        .where(Match.mentor == user.id, Match.status == MatchStatus.PUBLISHED)
        .group_by(Match.edition)
    )
    slots = await _per_edition(
        MentoringSlot.select(MentoringSlot.edition, Count(alias="n"))
        .where(
            MentoringSlot.mentor == user.id,
            MentoringSlot.starts_at > now,
            MentoringSlot.status.is_in([SlotStatus.OPEN, SlotStatus.BOOKED]),
        )
        .group_by(MentoringSlot.edition)
    )
    to_confirm = await MentoringSession.count().where(
        MentoringSession.mentor == user.id,
        MentoringSession.status == SessionStatus.BOOKED,
        MentoringSession.starts_at <= now,
        MentoringSession.attendance.is_null(),
    )
    facts = rules.MentorFacts(
        editions=tuple(
            rules.MentorEditionFacts(e, e.id in profiles, matches.get(e.id, 0), slots.get(e.id, 0)) for e in mine
        ),
        sessions_to_confirm=to_confirm,
    )
    return rules.mentor_steps(facts, now=now)


async def _startup_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    members = await StartupMember.select(StartupMember.startup).where(StartupMember.user == user.id)
    startup_ids = sorted({m["startup"] for m in members})
    if not startup_ids:
        return []
    matches = (
        await Match.select(Match.id, Match.edition, Match.mentor.name.as_alias("mentor_name"))
        .where(Match.startup.is_in(startup_ids), Match.status == MatchStatus.PUBLISHED)
        .order_by(Match.id)
    )
    next_at: dict[int, datetime] = {}
    if matches:
        upcoming = await MentoringSession.select(MentoringSession.match, MentoringSession.starts_at).where(
            MentoringSession.match.is_in([m["id"] for m in matches]),
            MentoringSession.status == SessionStatus.BOOKED,
            MentoringSession.starts_at > now,
        )
        for row in upcoming:
            if row["match"] not in next_at or row["starts_at"] < next_at[row["match"]]:
                next_at[row["match"]] = row["starts_at"]
    editions = await edition_facts(now=now, ids={m["edition"] for m in matches})
    to_rate = await MentoringSession.count().where(
        MentoringSession.startup.is_in(startup_ids),
        MentoringSession.status.is_in([SessionStatus.BOOKED, SessionStatus.HELD]),
        MentoringSession.starts_at <= now,
        MentoringSession.rating.is_null(),
    )
    facts = rules.StartupMentoringFacts(
        matches=tuple(
            rules.MatchFacts(m["mentor_name"], editions[m["edition"]], next_at.get(m["id"]))
            for m in matches
            if m["edition"] in editions
        ),
        sessions_to_rate=to_rate,
    )
    return rules.startup_mentoring_steps(facts, now=now)


async def _organiser_steps(*, user: CurrentUser, now: datetime) -> list[Step]:
    editions = await edition_facts(now=now)
    published = await _per_edition(
        Match.select(Match.edition, Count(alias="n"))
        .where(Match.status == MatchStatus.PUBLISHED)
        .group_by(Match.edition)
    )
    facts = [rules.MatchingFacts(e, published.get(e.id, 0)) for e in editions.values()]
    return rules.organiser_matching_steps(facts, now=now)


def register() -> None:
    register_source(Home.STARTUP, _startup_steps)
    register_source(Home.MENTOR, _mentor_steps)
    register_source(Home.ORGANISER, _organiser_steps)
