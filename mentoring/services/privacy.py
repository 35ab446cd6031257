"""The mentoring domain's part of a person's data: profiles, matches, slots, sessions, feedback."""

from __future__ import annotations

from core.clock import utc_now
from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from core.rules.privacy import Blocker
from mentoring.enums import SessionStatus, SlotStatus
from mentoring.rules.privacy import mentor_blockers
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    as_mentor = await MentoringSession.select().where(MentoringSession.mentor == user_id).order_by(MentoringSession.id)
    booked = await (
        MentoringSession.select(
            MentoringSession.id,
            MentoringSession.startup,
            MentoringSession.starts_at,
            MentoringSession.ends_at,
            MentoringSession.status,
            MentoringSession.rating,
            MentoringSession.feedback,
        )
        .where(MentoringSession.booked_by == user_id)
        .order_by(MentoringSession.id)
    )
    return {
        "mentor_profiles": await MentorProfile.select()
        .where(MentorProfile.user == user_id)
        .order_by(MentorProfile.id)
        .output(load_json=True),
        "matches_as_mentor": await Match.select(
            Match.id,
            Match.edition,
            Match.application,
            Match.startup,
            Match.score,
            Match.status,
            Match.created_at,
            Match.published_at,
        )
        .where(Match.mentor == user_id)
        .order_by(Match.id),
        "slots": await MentoringSlot.select().where(MentoringSlot.mentor == user_id).order_by(MentoringSlot.id),
        "sessions_as_mentor": as_mentor,
        # The rating and feedback the person gave, for sessions they booked for their team.
        "sessions_booked": booked,
        "cancellations": await MentoringSession.select(
            MentoringSession.id, MentoringSession.starts_at, MentoringSession.cancel_reason
        )
        .where(MentoringSession.cancelled_by == user_id)
        .order_by(MentoringSession.id),
    }


async def blockers(subject: Subject) -> list[Blocker]:
    upcoming = await MentoringSession.count().where(
        MentoringSession.mentor == subject.user_id,
        MentoringSession.status == SessionStatus.BOOKED,
        MentoringSession.starts_at > utc_now(),
    )
    return mentor_blockers(upcoming_sessions=upcoming)


async def erase(erasure: Erasure) -> None:
    """Profiles and open slots go; held sessions stay (the team's history, the mentor pseudonymous)
    without the mentor's private notes; feedback and reasons the person wrote are blanked,
    ratings stay counted."""
    user_id = erasure.subject.user_id
    await MentorProfile.delete().where(MentorProfile.user == user_id)
    await MentoringSlot.update({MentoringSlot.status: SlotStatus.WITHDRAWN, MentoringSlot.location: ""}).where(
        MentoringSlot.mentor == user_id, MentoringSlot.status == SlotStatus.OPEN
    )
    await MentoringSession.update({MentoringSession.notes: ""}).where(MentoringSession.mentor == user_id)
    await MentoringSession.update({MentoringSession.feedback: ""}).where(MentoringSession.booked_by == user_id)
    await MentoringSession.update({MentoringSession.cancel_reason: ""}).where(MentoringSession.cancelled_by == user_id)


def register() -> None:
    register_section(PrivacySection(name="mentoring", export=export, erase=erase, blockers=blockers))
