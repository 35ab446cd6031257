"""Who judges an edition, and the conflicts of interest between them and the applications."""

from __future__ import annotations

import msgspec

from challenge.tables import Application, ApplicationProblem, StartupMember
from core.enums import Role
from core.tables import Membership, User
from judging.records import JudgeRow
from judging.rules import assignment as assignment_rules
from judging.rules import conflicts as conflict_rules
from judging.tables import DeclaredConflict, JudgeAssignment, JudgeProfile
from mentoring.enums import MatchStatus
from mentoring.tables import Match


async def judges_of(edition_id: int) -> list[JudgeRow]:
    """Everyone with a judge role for the edition (or for every edition), with their profile."""
    grants = await Membership.select(Membership.user).where(
        Membership.role == Role.JUDGE, (Membership.edition_id == edition_id) | Membership.edition_id.is_null()
    )
    ids = sorted({g["user"] for g in grants})
    if not ids:
        return []
    users = await User.select(User.id, User.name, User.email).where(User.id.is_in(ids))
    profiles = {
        p["user"]: p
        for p in await JudgeProfile.select()
        .where(JudgeProfile.edition == edition_id, JudgeProfile.user.is_in(ids))
        .output(load_json=True)
    }
    return [
        JudgeRow(
            id=u["id"],
            name=u["name"],
            email=u["email"],
            organisation=profiles[u["id"]]["organisation"] if u["id"] in profiles else "",
            expertise=list(profiles[u["id"]]["expertise"]) if u["id"] in profiles else [],
        )
        for u in users
    ]


async def applications_to_judge(entered: list[int]) -> list[assignment_rules.ApplicationToJudge]:
    """The applications entered in a round, as the assignment rules see them (startup and tags)."""
    if not entered:
        return []
    rows = (
        await Application.select(
            Application.id, Application.support_needed, Application.startup.name.as_alias("startup_name")
        )
        .where(Application.id.is_in(entered))
        .output(load_json=True)
    )
    return [
        assignment_rules.ApplicationToJudge(id=a["id"], startup_name=a["startup_name"], tags=tuple(a["support_needed"]))
        for a in rows
    ]


async def _application_facts(application_ids: list[int]) -> list[conflict_rules.ApplicationFacts]:
    if not application_ids:
        return []
    rows = await Application.select(
        Application.id, Application.startup, Application.edition, Application.startup.name.as_alias("name")
    ).where(Application.id.is_in(application_ids))
    startups = list({r["startup"] for r in rows})
    members = await StartupMember.select(StartupMember.startup, StartupMember.user.email.as_alias("email")).where(
        StartupMember.startup.is_in(startups)
    )
    towns = await ApplicationProblem.select(
        ApplicationProblem.application, ApplicationProblem.problem.municipality.as_alias("m")
    ).where(ApplicationProblem.application.is_in(application_ids))
    return [
        conflict_rules.ApplicationFacts(
            application_id=r["id"],
            startup_id=r["startup"],
            startup_name=r["name"],
            member_emails=tuple(m["email"] for m in members if m["startup"] == r["startup"]),
            municipality_ids=frozenset(t["m"] for t in towns if t["application"] == r["id"]),
        )
        for r in rows
    ]


async def _judge_facts(judges: list[JudgeRow]) -> list[conflict_rules.JudgeFacts]:
    ids = [j.id for j in judges]
    if not ids:
        return []
    staff = await Membership.select(Membership.user, Membership.organisation_id).where(
        Membership.role == Role.MUNICIPALITY, Membership.user.is_in(ids)
    )
    mentored = await Match.select(Match.mentor, Match.startup).where(
        Match.mentor.is_in(ids), Match.status == MatchStatus.PUBLISHED
    )
    declared = await DeclaredConflict.select(DeclaredConflict.judge, DeclaredConflict.application).where(
        DeclaredConflict.judge.is_in(ids)
    )
    return [
        conflict_rules.JudgeFacts(
            judge_id=j.id,
            name=j.name,
            email=j.email,
            organisation=j.organisation,
            municipality_ids=frozenset(s["organisation_id"] for s in staff if s["user"] == j.id),
            mentored_startup_ids=frozenset(m["startup"] for m in mentored if m["mentor"] == j.id),
            declared_application_ids=frozenset(d["application"] for d in declared if d["judge"] == j.id),
        )
        for j in judges
    ]


async def conflicts_in(edition_id: int, application_ids: list[int]) -> tuple[conflict_rules.Conflict, ...]:
    judges = await judges_of(edition_id)
    return conflict_rules.detect_conflicts(await _judge_facts(judges), await _application_facts(application_ids))


async def judge_names(round_id: int) -> dict[int, str]:
    """The names of the judges assigned in a round, by user id."""
    rows = await JudgeAssignment.select(JudgeAssignment.judge, JudgeAssignment.judge.name.as_alias("name")).where(
        JudgeAssignment.round == round_id
    )
    return {r["judge"]: r["name"] for r in rows}


class JudgeProfileRow(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's organisation and expertise in one edition."""

    organisation: str
    expertise: list[str]


async def profile_of(user_id: int, edition_id: int) -> JudgeProfileRow | None:
    row = (
        await JudgeProfile.select().where(JudgeProfile.key == f"{edition_id}:{user_id}").first().output(load_json=True)
    )
    return msgspec.convert(row, JudgeProfileRow) if row else None
