"""The challenge domain's part of a person's data: teams, applications, problems, their voice."""

from __future__ import annotations

from typing import Any

from challenge.enums import ApplicationStatus
from challenge.rules.privacy import TeamSeat, team_blockers
from challenge.tables import (
    Application,
    ApplicationEvent,
    Comment,
    Endorsement,
    FitNote,
    Municipality,
    Problem,
    ProblemAttachment,
    ProblemEvent,
    Startup,
    StartupMember,
)
from core import pagecache
from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from core.rules.privacy import Blocker


async def _seats(user_id: int) -> list[dict[str, Any]]:
    return (
        await StartupMember.select(
            StartupMember.id,
            StartupMember.startup,
            StartupMember.startup.name.as_alias("startup_name"),
            StartupMember.edition,
            StartupMember.title,
            StartupMember.is_contact,
            StartupMember.joined_at,
        )
        .where(StartupMember.user == user_id)
        .order_by(StartupMember.id)
    )


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    seats = await _seats(user_id)
    startup_ids = sorted({seat["startup"] for seat in seats})
    editions = {(seat["startup"], seat["edition"]) for seat in seats}
    applications = (
        await Application.select()
        .where(Application.startup.is_in(startup_ids))
        .order_by(Application.id)
        .output(load_json=True)
        if startup_ids
        else []
    )
    return {
        "team_memberships": seats,
        "startups": await Startup.select()
        .where(Startup.id.is_in(startup_ids))
        .order_by(Startup.id)
        .output(load_json=True)
        if startup_ids
        else [],
        # The applications of the teams the person sits in, for the editions they sit in them.
        "applications": [row for row in applications if (row["startup"], row["edition"]) in editions],
        "application_events": await ApplicationEvent.select()
        .where(ApplicationEvent.actor == user_id)
        .order_by(ApplicationEvent.id),
        "comments": await Comment.select(
            Comment.id,
            Comment.problem,
            Comment.problem.title.as_alias("problem_title"),
            Comment.body,
            Comment.hidden,
            Comment.hidden_reason,
            Comment.created_at,
        )
        .where(Comment.author == user_id)
        .order_by(Comment.id),
        "endorsements": await Endorsement.select(
            Endorsement.id,
            Endorsement.problem,
            Endorsement.problem.title.as_alias("problem_title"),
            Endorsement.created_at,
        )
        .where(Endorsement.user == user_id)
        .order_by(Endorsement.id),
        "problems_created": await Problem.select(
            Problem.id, Problem.title, Problem.status, Problem.contact_name, Problem.contact_email, Problem.created_at
        )
        .where((Problem.created_by == user_id) | (Problem.contact_email == subject.email))
        .order_by(Problem.id),
        "problem_events": await ProblemEvent.select().where(ProblemEvent.actor == user_id).order_by(ProblemEvent.id),
        "fit_notes": await FitNote.select().where(FitNote.author == user_id).order_by(FitNote.id),
        "municipality_contacts": await Municipality.select(
            Municipality.id, Municipality.name, Municipality.contact_name, Municipality.contact_email
        ).where(Municipality.contact_email == subject.email),
    }


async def blockers(subject: Subject) -> list[Blocker]:
    seats: list[TeamSeat] = []
    for seat in await _seats(subject.user_id):
        others = await StartupMember.count().where(
            StartupMember.startup == seat["startup"],
            StartupMember.edition == seat["edition"],
            StartupMember.user != subject.user_id,
        )
        statuses = await Application.select(Application.status).where(
            Application.startup == seat["startup"], Application.edition == seat["edition"]
        )
        seats.append(TeamSeat(seat["startup_name"], others, tuple(row["status"] for row in statuses)))
    return team_blockers(seats)


async def erase(erasure: Erasure) -> None:
    """Endorsements and comments go (the count follows); the person leaves their teams; problems
    and applications stay, as the municipality's and the team's records."""
    subject = erasure.subject
    user_id = subject.user_id
    for row in await Endorsement.select(Endorsement.problem).where(Endorsement.user == user_id):
        await Problem.update({Problem.endorsement_count: Problem.endorsement_count - 1}).where(
            Problem.id == row["problem"], Problem.endorsement_count > 0
        )
    await Endorsement.delete().where(Endorsement.user == user_id)
    await Comment.delete().where(Comment.author == user_id)
    for seat in await _seats(user_id):
        await StartupMember.delete().where(StartupMember.id == seat["id"])
        team = StartupMember.select(StartupMember.id).where(
            StartupMember.startup == seat["startup"], StartupMember.edition == seat["edition"]
        )
        remaining = await team.order_by(StartupMember.joined_at).order_by(StartupMember.id)
        if seat["is_contact"] and remaining:
            # The organisers write to the contact: a team never loses theirs with a member.
            await StartupMember.update({StartupMember.is_contact: True}).where(StartupMember.id == remaining[0]["id"])
        if not remaining:
            # Nobody is left to finish a draft: its deck is not kept for anyone.
            await Application.update({Application.pitch_deck: None}).where(
                Application.startup == seat["startup"],
                Application.edition == seat["edition"],
                Application.status == ApplicationStatus.DRAFT,
            )
    await Problem.update({Problem.contact_name: "", Problem.contact_email: ""}).where(
        Problem.contact_email == subject.email
    )
    await Municipality.update({Municipality.contact_name: "", Municipality.contact_email: ""}).where(
        Municipality.contact_email == subject.email
    )
    await pagecache.changed("problem")


async def files_in_use(file_ids: list[int]) -> set[int]:
    if not file_ids:
        return set()
    decks = await Application.select(Application.pitch_deck).where(Application.pitch_deck.is_in(file_ids))
    attachments = await ProblemAttachment.select(ProblemAttachment.file).where(ProblemAttachment.file.is_in(file_ids))
    return {row["pitch_deck"] for row in decks} | {row["file"] for row in attachments}


def register() -> None:
    register_section(
        PrivacySection(name="challenge", export=export, erase=erase, blockers=blockers, files_in_use=files_in_use)
    )
