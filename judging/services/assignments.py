"""Who judges what: the round's assignment, and conflicts of interest a judge declares."""

from __future__ import annotations

from challenge.tables import Application
from core import audit, db
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound, PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser
from judging.enums import RoundMethod, RoundStatus
from judging.queries.judges import applications_to_judge, conflicts_in, judges_of
from judging.queries.ranking_cache import ranking_changed
from judging.queries.releases import released_judges
from judging.queries.rounds import load_round
from judging.records import AssignmentReport, JudgeRow, RoundRow, Shortfall
from judging.rules import assignment as rules
from judging.rules import conflicts as conflict_rules
from judging.rules.pairwise import PAIRWISE_NEEDS_NO_ASSIGNMENT
from judging.tables import DeclaredConflict, JudgeAssignment, Round, RoundApplication, ScoreSheet


async def _kept(round_id: int) -> set[tuple[int, int]]:
    """Locked pairs, and judges who already scored: they keep their application, their work is
    never thrown away."""
    scored = {
        (s["judge"], s["application"])
        for s in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.application).where(ScoreSheet.round == round_id)
    }
    locked = {
        (a["judge"], a["application"])
        for a in await JudgeAssignment.select(
            JudgeAssignment.judge, JudgeAssignment.application, JudgeAssignment.locked
        ).where(JudgeAssignment.round == round_id)
        if a["locked"]
    }
    return locked | scored


def _report(result: rules.AssignmentResult, conflicts: int) -> AssignmentReport:
    return AssignmentReport(
        assigned=len(result.assignments),
        shortfalls=[
            Shortfall(application_id=s.application_id, missing=s.missing, message=s.message.render(_))
            for s in result.shortfalls
        ],
        components=result.components,
        warnings=[w.render(_) for w in result.warnings],
        conflicts=conflicts,
    )


async def _plan(round_: RoundRow, judges: list[JudgeRow]) -> tuple[rules.AssignmentResult, set[tuple[int, int]], int]:
    """The assignment the rules find, the pairs that stay whatever it says, and how many conflicts it avoided."""
    entered = [
        r["application"]
        for r in await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_.id)
    ]
    found = await conflicts_in(round_.edition, entered)
    wanted = await applications_to_judge(entered)
    conflicted = conflict_rules.conflicted_pairs(found)
    kept = await _kept(round_.id) - conflicted
    # A judge who dropped out keeps the sheets they scored and is given nothing new.
    conflicted |= rules.released_conflicts(await released_judges(round_.id), entered, kept)
    result = rules.assign_judges(
        [rules.Judge(id=j.id, name=j.name, expertise=tuple(j.expertise), organisation=j.organisation) for j in judges],
        wanted,
        judges_per_application=round_.judges_per_application,
        max_per_judge=round_.max_per_judge,
        conflicts=conflicted,
        locked=kept,
        seed=round_.seed,
    )
    return result, kept, len(found)


async def assign_round(*, user: CurrentUser, round_id: int) -> AssignmentReport:
    """Assign k judges to every application of an open round; locked pairs and scored ones stay."""
    require_organiser(user, N_("Only organisers assign judges."))
    round_ = await load_round(round_id)
    if round_.method == RoundMethod.PAIRWISE:
        raise StateConflict(PAIRWISE_NEEDS_NO_ASSIGNMENT)
    if round_.status != RoundStatus.OPEN:
        raise StateConflict(N_("Open the round before assigning judges."))
    judges = await judges_of(round_.edition)
    if not judges:
        raise StateConflict(N_("No judge has been invited to this edition yet."))
    result, kept, conflicts = await _plan(round_, judges)
    report = _report(result, conflicts)
    planned = {(pair.judge_id, pair.application_id) for pair in result.assignments}
    async with db.transaction():
        # Only pairs the new plan drops go: deleting a pair that stays would take its score
        # sheet with it (the sheet's foreign key cascades), and scored pairs always stay.
        stale = [
            row["id"]
            for row in await JudgeAssignment.select(
                JudgeAssignment.id, JudgeAssignment.judge, JudgeAssignment.application
            ).where(JudgeAssignment.round == round_id, JudgeAssignment.locked.eq(False))
            if (row["judge"], row["application"]) not in planned
        ]
        if stale:
            await JudgeAssignment.delete().where(JudgeAssignment.id.is_in(stale))
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
        await Round.update({Round.assignment_report: report.to_dict()}).where(Round.id == round_id)
        await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id, action="round.assigned", entity="round", entity_id=round_id, after=report.to_dict()
        )
    return report


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
            .returning(JudgeAssignment.id, JudgeAssignment.round)
        )
        # A removed assignment takes its sheet with it, submitted or not.
        for round_id in sorted({r["round"] for r in removed}):
            await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id,
            action="conflict.declared",
            entity="application",
            entity_id=application_id,
            after={"judge": user.id, "assignments_removed": len(removed)},
        )
