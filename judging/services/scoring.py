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
from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.i18n import gettext as _
from core.rules import N_
from judging.enums import RoundStatus, ScoreStatus
from judging.rules import rubrics
from judging.services.rounds import criteria_of, load_round, rubric
from judging.tables import JudgeAssignment, ScoreSheet

NOT_YOURS = N_("This application is not in your queue.")


async def assignment_of(user: CurrentUser, assignment_id: int) -> dict[str, Any]:
    """The judge's own assignment; anything else is refused without saying what it is."""
    row = await JudgeAssignment.select().where(JudgeAssignment.id == assignment_id).first()
    if row is None or row["judge"] != user.id:
        raise PermissionDenied(NOT_YOURS)
    return row


async def load_sheet(assignment_id: int) -> dict[str, Any] | None:
    return await ScoreSheet.select().where(ScoreSheet.key == str(assignment_id)).first().output(load_json=True)


def _parse(data: dict[str, Any], criteria: list[rubrics.Criterion]) -> tuple[dict[int, Any], dict[int, str]]:
    values: dict[int, Any] = {}
    comments: dict[int, str] = {}
    for criterion in criteria:
        raw = data.get(f"c{criterion.id}")
        if raw is not None and str(raw).strip() != "":
            text = str(raw).strip()
            values[criterion.id] = int(text) if text.lstrip("-").isdigit() else text
        comment = str(data.get(f"c{criterion.id}_comment", "") or "").strip()
        if comment:
            comments[criterion.id] = comment
    return values, comments


async def save_sheet(*, user: CurrentUser, assignment_id: int, data: dict[str, Any], submit: bool) -> dict[str, Any]:
    """Save a draft or submit; edits after submission are allowed until the round closes."""
    assignment = await assignment_of(user, assignment_id)
    round_ = await load_round(assignment["round"])
    if round_["status"] != RoundStatus.OPEN:
        raise StateConflict(N_("This round is not open for scoring."))
    now = utc_now()
    if round_["closes_at"] and now > round_["closes_at"]:
        raise StateConflict(N_("This round closed; scores can no longer change."))
    criteria = rubric(await criteria_of(round_["id"]))
    values, comments = _parse(data, criteria)
    errors = rubrics.check_score_sheet(criteria, values, comments, submitting=submit)
    if errors:
        raise ValidationFailed(
            {key: message.render(_) for key, message in errors.items()},
            N_("Some scores need your attention; nothing you entered was lost."),
        )
    complete = all(c.id in values for c in criteria)
    total = rubrics.weighted_total(criteria, values) if complete else None
    stored_values = {str(k): v for k, v in values.items()}
    stored_comments = {str(k): v for k, v in comments.items()}
    async with db.transaction():
        await ScoreSheet.insert(
            ScoreSheet(
                assignment=assignment_id,
                key=str(assignment_id),
                round=round_["id"],
                judge=user.id,
                application=assignment["application"],
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
                raise ValidationFailed(
                    {key: message.render(_) for key, message in missing.items()},
                    N_("A submitted sheet must stay complete."),
                )
        changes = {
            ScoreSheet.values: stored_values,
            ScoreSheet.comments: stored_comments,
            ScoreSheet.status: status,
            ScoreSheet.total: total,
            ScoreSheet.version: before["version"] + 1,
            ScoreSheet.updated_at: now,
        }
        if status == ScoreStatus.SUBMITTED and not was_submitted:
            changes[ScoreSheet.submitted_at] = now
        await ScoreSheet.update(changes).where(ScoreSheet.id == before["id"])
        await audit.record(
            actor_id=user.id,
            action="score.submitted"
            if submit and not was_submitted
            else "score.edited"
            if was_submitted
            else "score.drafted",
            entity="score_sheet",
            entity_id=before["id"],
            before={
                "values": before["values"],
                "comments": before["comments"],
                "status": before["status"],
                "total": before["total"],
            },
            after={"values": stored_values, "comments": stored_comments, "status": status, "total": total},
        )
    return {"status": status, "total": total, "version": before["version"] + 1}


async def queue(user: CurrentUser, round_id: int) -> list[dict[str, Any]]:
    """The judge's assignments in a round with their sheet's state; never other judges' scores."""
    rows = await JudgeAssignment.select(
        JudgeAssignment.id,
        JudgeAssignment.application,
        JudgeAssignment.application.startup.name.as_alias("startup_name"),
        JudgeAssignment.application.track.as_alias("track"),
    ).where(JudgeAssignment.round == round_id, JudgeAssignment.judge == user.id)
    sheets = {
        s["key"]: s
        for s in await ScoreSheet.select(ScoreSheet.key, ScoreSheet.status, ScoreSheet.total).where(
            ScoreSheet.round == round_id, ScoreSheet.judge == user.id
        )
    }
    for row in rows:
        sheet = sheets.get(str(row["id"]))
        row["sheet_status"] = sheet["status"] if sheet else None
        row["total"] = sheet["total"] if sheet else None
    return sorted(rows, key=lambda r: (r["sheet_status"] == ScoreStatus.SUBMITTED, r["startup_name"].lower()))
