"""Who judges what: conflicts of interest (declared and detected) and the round's assignment."""

from __future__ import annotations

from typing import Any

from challenge.tables import Application, ApplicationProblem, StartupMember
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from core.tables import Membership, User
from judging.enums import RoundStatus, ScoreStatus
from judging.rules import assignment as rules
from judging.rules import conflicts as conflict_rules
from judging.services.rounds import load_round
from judging.tables import DeclaredConflict, JudgeAssignment, JudgeProfile, Round, RoundApplication, ScoreSheet
from mentoring.enums import MatchStatus
from mentoring.tables import Match


async def judges_of(edition_id: int) -> list[dict[str, Any]]:
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
        {
            **u,
            "organisation": profiles.get(u["id"], {}).get("organisation", ""),
            "expertise": profiles.get(u["id"], {}).get("expertise", []),
        }
        for u in users
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


async def _judge_facts(edition_id: int, judges: list[dict[str, Any]]) -> list[conflict_rules.JudgeFacts]:
    ids = [j["id"] for j in judges]
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
            judge_id=j["id"],
            name=j["name"],
            email=j["email"],
            organisation=j["organisation"],
            municipality_ids=frozenset(s["organisation_id"] for s in staff if s["user"] == j["id"]),
            mentored_startup_ids=frozenset(m["startup"] for m in mentored if m["mentor"] == j["id"]),
            declared_application_ids=frozenset(d["application"] for d in declared if d["judge"] == j["id"]),
        )
        for j in judges
    ]


async def conflicts_in(edition_id: int, application_ids: list[int]) -> tuple[conflict_rules.Conflict, ...]:
    judges = await judges_of(edition_id)
    return conflict_rules.detect_conflicts(
        await _judge_facts(edition_id, judges), await _application_facts(application_ids)
    )


async def assign_round(*, user: CurrentUser, round_id: int) -> dict[str, Any]:
    """Assign k judges to every application of an open round; locked pairs and scored ones stay."""
    if not user.is_organiser:
        raise PermissionDenied(N_("Only organisers assign judges."))
    round_ = await load_round(round_id)
    if round_["status"] != RoundStatus.OPEN:
        raise StateConflict(N_("Open the round before assigning judges."))
    entered = [
        r["application"]
        for r in await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_id)
    ]
    judges = await judges_of(round_["edition"])
    if not judges:
        raise StateConflict(N_("No judge has been invited to this edition yet."))
    found = await conflicts_in(round_["edition"], entered)
    wanted = (
        await Application.select(
            Application.id, Application.support_needed, Application.startup.name.as_alias("startup_name")
        )
        .where(Application.id.is_in(entered))
        .output(load_json=True)
        if entered
        else []
    )
    # Judges who already scored keep their application: their work is never thrown away.
    scored = {
        (s["judge"], s["application"])
        for s in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application).where(ScoreSheet.round == round_id)
    }
    kept = {
        (a["judge"], a["application"])
        for a in await JudgeAssignment.select(
            JudgeAssignment.judge, JudgeAssignment.application, JudgeAssignment.locked
        ).where(JudgeAssignment.round == round_id)
        if a["locked"]
    } | scored
    conflicted = conflict_rules.conflicted_pairs(found)
    kept -= conflicted
    result = rules.assign_judges(
        [
            rules.Judge(id=j["id"], name=j["name"], expertise=tuple(j["expertise"]), organisation=j["organisation"])
            for j in judges
        ],
        [
            rules.ApplicationToJudge(id=a["id"], startup_name=a["startup_name"], tags=tuple(a["support_needed"]))
            for a in wanted
        ],
        judges_per_application=round_["judges_per_application"],
        max_per_judge=round_["max_per_judge"],
        conflicts=conflicted,
        locked=kept,
        seed=round_["seed"],
    )
    report = {
        "assigned": len(result.assignments),
        "shortfalls": [
            {"application_id": s.application_id, "missing": s.missing, "message": s.message.render(_)}
            for s in result.shortfalls
        ],
        "components": result.components,
        "warnings": [w.render(_) for w in result.warnings],
        "conflicts": len(found),
    }
    async with db.transaction():
        await JudgeAssignment.delete().where(JudgeAssignment.round == round_id, JudgeAssignment.locked.eq(False))
        for pair in result.assignments:
            await JudgeAssignment.insert(
                JudgeAssignment(
                    round=round_id,
                    judge=pair.judge_id,
                    application=pair.application_id,
                    locked=pair.locked or (pair.judge_id, pair.application_id) in kept,
                    key=f"{round_id}:{pair.judge_id}:{pair.application_id}",
                )
            ).on_conflict(target=JudgeAssignment.key, action="DO NOTHING")
        await Round.update({Round.assignment_report: report}).where(Round.id == round_id)
        await audit.record(actor_id=user.id, action="round.assigned", entity="round", entity_id=round_id, after=report)
    return report


async def last_report(round_id: int) -> dict[str, Any]:
    row = await Round.select(Round.assignment_report).where(Round.id == round_id).first().output(load_json=True)
    return row["assignment_report"] if row else {}


async def judge_names(round_id: int) -> dict[int, str]:
    rows = await JudgeAssignment.select(JudgeAssignment.judge, JudgeAssignment.judge.name.as_alias("name")).where(
        JudgeAssignment.round == round_id
    )
    return {r["judge"]: r["name"] for r in rows}


async def score_rows(round_id: int) -> list[dict[str, Any]]:
    return (
        await ScoreSheet.select(
            ScoreSheet.application,
            ScoreSheet.status,
            ScoreSheet.total,
            ScoreSheet.application.startup.name.as_alias("startup_name"),
            ScoreSheet.judge.name.as_alias("judge_name"),
        )
        .where(ScoreSheet.round == round_id)
        .order_by(ScoreSheet.application)
    )


async def declare_conflict(*, user: CurrentUser, application_id: int, note: str) -> None:
    """A judge declares a conflict: any assignment to that application is withdrawn at once."""
    if Role.JUDGE not in user.roles:
        raise PermissionDenied(N_("Only judges declare conflicts."))
    if len(note) > 1000:
        raise ValidationFailed({"note": TOO_LONG})
    if not await Application.exists().where(Application.id == application_id):
        raise NotFound(N_("This application does not exist."))
    async with db.transaction():
        await DeclaredConflict.insert(
            DeclaredConflict(
                judge=user.id, application=application_id, note=note.strip(), key=f"{user.id}:{application_id}"
            )
        ).on_conflict(target=DeclaredConflict.key, action="DO NOTHING")
        removed = (
            await JudgeAssignment.delete()
            .where(JudgeAssignment.judge == user.id, JudgeAssignment.application == application_id)
            .returning(JudgeAssignment.id)
        )
        await audit.record(
            actor_id=user.id,
            action="conflict.declared",
            entity="application",
            entity_id=application_id,
            after={"judge": user.id, "assignments_removed": len(removed)},
        )


async def submitted_totals(round_id: int) -> list[dict[str, Any]]:
    return await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application, ScoreSheet.total).where(
        ScoreSheet.round == round_id, ScoreSheet.status == ScoreStatus.SUBMITTED, ScoreSheet.total.is_not_null()
    )
