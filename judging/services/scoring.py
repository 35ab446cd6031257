"""Judges score their queue: drafts, submission, edits until the round closes, every change audited.

A sheet exists once per assignment (unique key), is created with INSERT ... ON CONFLICT DO
NOTHING and changed under a row lock, so two tabs or a double submit never lose or double a
score: the later write is ordered after the earlier one and both are in the audit log.
"""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_
from judging.enums import RoundMethod, ScoreStatus
from judging.queries.queue import assignment_of
from judging.queries.ranking_cache import ranking_changed
from judging.queries.rounds import criteria_of, load_round, rubric
from judging.records import SavedSheet
from judging.rules import rounds as round_rules
from judging.rules import rubrics
from judging.rules.pairwise import PAIRWISE_HAS_NO_SHEETS
from judging.schemas import ScoresIn
from judging.tables import ScoreSheet


def _rendered(errors: dict[str, rubrics.Message]) -> dict[str, str]:
    return {key: message.render(_) for key, message in errors.items()}


def _audit_action(*, submit: bool, was_submitted: bool) -> str:
    if submit and not was_submitted:
        return "score.submitted"
    return "score.edited" if was_submitted else "score.drafted"


async def save_sheet(*, user: CurrentUser, assignment_id: int, command: ScoresIn) -> SavedSheet:
    """Save a draft or submit; edits after submission are allowed until the round closes."""
    submit = command.submit
    assignment = await assignment_of(user, assignment_id)
    round_ = await load_round(assignment.round)
    if round_.method == RoundMethod.PAIRWISE:
        raise NotFound(PAIRWISE_HAS_NO_SHEETS)
    now = utc_now()
    refusal = round_rules.scoring_refusal(round_.status, closes_at=round_.closes_at, now=now)
    if refusal is not None:
        raise StateConflict(refusal)
    criteria = rubric(await criteria_of(round_.id))
    # Only the rubric's criteria are read; anything else sent along is not part of the sheet.
    known = {c.id for c in criteria}
    values: dict[int, Any] = {k: v for k, v in command.values.items() if k in known}
    comments = {k: v for k, v in command.comments.items() if k in known}
    # A value that is no whole number is the sheet check's to report, with the criterion's scale.
    errors = rubrics.check_score_sheet(criteria, values, comments, submitting=submit)
    if errors:
        raise ValidationFailed(_rendered(errors), N_("Some scores need your attention; nothing you entered was lost."))
    complete = all(c.id in values for c in criteria)
    total = rubrics.weighted_total(criteria, values) if complete else None
    stored_values = {str(k): v for k, v in values.items()}
    stored_comments = {str(k): v for k, v in comments.items()}
    # Only a comment that exists can be kept back; sorted, so an unchanged sheet stores the same list.
    stored_private = sorted(str(k) for k in command.private_comments if k in comments)
    async with db.transaction():
        await ScoreSheet.insert(
            ScoreSheet(
                assignment=assignment_id,
                key=str(assignment_id),
                round=round_.id,
                judge=user.id,
                application=assignment.application,
            )
        ).on_conflict(target=ScoreSheet.key, action="DO NOTHING")
        before = (
            await db.locked(ScoreSheet.select().where(ScoreSheet.key == str(assignment_id)))
            .first()
            .output(load_json=True)
        )
        was_submitted = before["status"] == ScoreStatus.SUBMITTED
        # Once submitted, a sheet stays submitted: a later "save" edits the submitted scores.
        status = ScoreStatus.SUBMITTED if submit or was_submitted else ScoreStatus.DRAFT
        if status == ScoreStatus.SUBMITTED and not submit:
            missing = rubrics.check_score_sheet(criteria, values, comments, submitting=True)
            if missing:
                raise ValidationFailed(_rendered(missing), N_("A submitted sheet must stay complete."))
        changes: dict[Any, Any] = {
            ScoreSheet.values: stored_values,
            ScoreSheet.comments: stored_comments,
            ScoreSheet.private_comments: stored_private,
            ScoreSheet.status: status,
            ScoreSheet.total: total,
            ScoreSheet.version: before["version"] + 1,
            ScoreSheet.updated_at: now,
        }
        if status == ScoreStatus.SUBMITTED and not was_submitted:
            changes[ScoreSheet.submitted_at] = now
        await ScoreSheet.update(changes).where(ScoreSheet.id == before["id"])
        if status == ScoreStatus.SUBMITTED:
            # Only submitted sheets count (a draft cannot follow a submission: see above).
            await ranking_changed(round_.id)
        await audit.record(
            actor_id=user.id,
            action=_audit_action(submit=submit, was_submitted=was_submitted),
            entity="score_sheet",
            entity_id=before["id"],
            before={
                "values": before["values"],
                "comments": before["comments"],
                "private_comments": before["private_comments"],
                "status": before["status"],
                "total": before["total"],
            },
            after={
                "values": stored_values,
                "comments": stored_comments,
                "private_comments": stored_private,
                "status": status,
                "total": total,
            },
        )
    return SavedSheet(status=status, total=total, version=before["version"] + 1)
