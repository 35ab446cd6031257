"""A judge who dropped out of a round: their unsubmitted sheets go to other judges.

Only what the judge had not submitted is released (drafts are thrown away, the audit record
keeps them); submitted sheets stay and count. The assignment rules then top the panels up
around everything that stays (`judging.rules.assignment.plan_top_up`): conflicts, limits and
the one-per-organisation rule hold, and what falls short is reported as an assignment run's
shortfalls are. A released judge is never given a new application in the round again, by this
or a later assignment run.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from challenge.services.editions import load_edition
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_, TOO_LONG
from core.scopes import require_organiser
from judging.enums import RoundMethod, RoundStatus, ScoreStatus
from judging.queries.judges import applications_to_judge, conflicts_in, judges_of
from judging.queries.ranking_cache import ranking_changed
from judging.queries.releases import released_judges
from judging.queries.rounds import load_round
from judging.records import AssignmentReport, RoundRow, Shortfall
from judging.rules import assignment as rules
from judging.rules import conflicts as conflict_rules
from judging.services.judge_mail import JudgeMail, judge_recipients, mail_judge
from judging.tables import JudgeAssignment, JudgeRelease, Round, RoundApplication, ScoreSheet

REASON_MAX_LENGTH = 1000
NOTHING_TO_RELEASE = N_("This judge has no sheets in this round.")


class Released(msgspec.Struct, frozen=True, kw_only=True):
    """What a release did: the sheets it took back, how many went to others, and what fell short."""

    released: int
    reassigned: int
    report: AssignmentReport


class _Sheet(msgspec.Struct, frozen=True):
    assignment: int
    application: int
    submitted: bool


async def _sheets_of(round_id: int, judge_id: int) -> list[_Sheet]:
    assignments = await JudgeAssignment.select(JudgeAssignment.id, JudgeAssignment.application).where(
        JudgeAssignment.round == round_id, JudgeAssignment.judge == judge_id
    )
    submitted = {
        row["assignment"]
        for row in await ScoreSheet.select(ScoreSheet.assignment).where(
            ScoreSheet.round == round_id, ScoreSheet.judge == judge_id, ScoreSheet.status == ScoreStatus.SUBMITTED
        )
    }
    return [_Sheet(a["id"], a["application"], a["id"] in submitted) for a in assignments]


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed({"reason": TOO_LONG})
    return reason


async def _plan(round_: RoundRow, judge_id: int, released_pairs: set[tuple[int, int]]) -> rules.TopUp:
    entered = [
        r["application"]
        for r in await RoundApplication.select(RoundApplication.application).where(RoundApplication.round == round_.id)
    ]
    judges = await judges_of(round_.edition)
    current = {
        (a["judge"], a["application"])
        for a in await JudgeAssignment.select(JudgeAssignment.judge, JudgeAssignment.application).where(
            JudgeAssignment.round == round_.id
        )
    } - released_pairs
    return rules.plan_top_up(
        [rules.Judge(id=j.id, name=j.name, expertise=tuple(j.expertise), organisation=j.organisation) for j in judges],
        await applications_to_judge(entered),
        released=await released_judges(round_.id) | {judge_id},
        current=current,
        judges_per_application=round_.judges_per_application,
        max_per_judge=round_.max_per_judge,
        conflicts=conflict_rules.conflicted_pairs(await conflicts_in(round_.edition, entered)),
        seed=round_.seed,
    )


def _report(top_up: rules.TopUp) -> AssignmentReport:
    return AssignmentReport(
        assigned=len(top_up.result.assignments),
        shortfalls=[
            Shortfall(application_id=s.application_id, missing=s.missing, message=s.message.render(_))
            for s in top_up.shortfalls
        ],
        components=top_up.result.components,
        warnings=[w.render(_) for w in top_up.result.warnings],
    )


async def release_judge(*, user: CurrentUser, round_id: int, judge_id: int, reason: str = "") -> Released:
    """Release a judge who dropped out: their unsubmitted sheets go to other judges, in one transaction."""
    require_organiser(user, N_("Only organisers release judges."))
    reason = _checked_reason(reason)
    round_ = await load_round(round_id)
    if round_.method != RoundMethod.WEIGHTED_RUBRIC:
        raise StateConflict(N_("Judges are released from scored rounds; a pairwise round has no sheets to hand on."))
    if round_.status != RoundStatus.OPEN:
        raise StateConflict(N_("Judges are released while the round is open."))
    sheets = await _sheets_of(round_id, judge_id)
    if not sheets:
        raise StateConflict(NOTHING_TO_RELEASE)
    released = [s for s in sheets if not s.submitted]
    top_up = await _plan(round_, judge_id, {(judge_id, s.application) for s in released})
    report = _report(top_up)
    now = utc_now()
    async with db.transaction():
        taken = (
            await JudgeRelease.insert(
                JudgeRelease(
                    round=round_id,
                    judge=judge_id,
                    key=f"{round_id}:{judge_id}",
                    reason=reason,
                    released_by=user.id,
                    applications=[s.application for s in released],
                    reassigned=len(top_up.added),
                )
            )
            .on_conflict(target=JudgeRelease.key, action="DO NOTHING")
            .returning(JudgeRelease.id)
        )
        if not taken:
            raise StateConflict(N_("This judge was released from this round already."))
        drafts = []
        if released:
            ids = [s.assignment for s in released]
            drafts = (
                await ScoreSheet.select(ScoreSheet.id, ScoreSheet.application, ScoreSheet.values, ScoreSheet.comments)
                .where(ScoreSheet.assignment.is_in(ids))
                .output(load_json=True)
            )
            await ScoreSheet.delete().where(ScoreSheet.assignment.is_in(ids))
            await JudgeAssignment.delete().where(JudgeAssignment.id.is_in(ids))
        for pair in top_up.added:
            await JudgeAssignment.insert(
                JudgeAssignment(
                    round=round_id,
                    judge=pair.judge_id,
                    application=pair.application_id,
                    key=f"{round_id}:{pair.judge_id}:{pair.application_id}",
                )
            ).on_conflict(target=JudgeAssignment.key, action="DO NOTHING")
        await Round.update({Round.assignment_report: report.to_dict()}).where(Round.id == round_id)
        await ranking_changed(round_id)
        await audit.record(
            actor_id=user.id,
            action="judge.released",
            entity="round",
            entity_id=round_id,
            before={"judge": judge_id, "released_applications": [s.application for s in released], "drafts": drafts},
            after={
                "reason": reason,
                "added": [[p.judge_id, p.application_id] for p in top_up.added],
                "report": report.to_dict(),
            },
        )
        await _mail_new_judges(round_, top_up.added, now=now)
    return Released(released=len(released), reassigned=len(top_up.added), report=report)


async def _mail_new_judges(round_: RoundRow, added: tuple[rules.JudgeAssignment, ...], *, now: datetime) -> None:
    added_per_judge: dict[int, int] = {}
    for pair in added:
        added_per_judge[pair.judge_id] = added_per_judge.get(pair.judge_id, 0) + 1
    if not added_per_judge:
        return
    totals: dict[int, int] = {}
    for row in await JudgeAssignment.select(JudgeAssignment.judge).where(
        JudgeAssignment.round == round_.id, JudgeAssignment.judge.is_in(list(added_per_judge))
    ):
        totals[row["judge"]] = totals.get(row["judge"], 0) + 1
    timezone = (await load_edition(round_.edition)).timezone
    for judge_id, recipient in (await judge_recipients(list(added_per_judge))).items():
        await mail_judge(
            judge=recipient,
            kind=JudgeMail.ASSIGNED,
            round_=round_,
            timezone=timezone,
            count=added_per_judge[judge_id],
            total=totals.get(judge_id, added_per_judge[judge_id]),
            now=now,
        )
