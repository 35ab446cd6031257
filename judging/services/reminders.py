"""Reminders to judges with sheets still to submit, 48 and 12 hours before a round closes.

Which reminder's turn it is comes from `judging.rules.deadlines`; each mail carries the
reminder's key and its judge as `once_key`, so the outbox queues it once however often, and on
however many workers, the job runs. A judge who submitted everything gets none.
"""

from __future__ import annotations

from datetime import datetime

from challenge.tables import Edition
from core import db
from judging.enums import RoundMethod, RoundStatus, ScoreStatus
from judging.records import round_row
from judging.rules import deadlines
from judging.services.judge_mail import JudgeMail, judge_recipients, mail_judge
from judging.tables import JudgeAssignment, Round, ScoreSheet


async def _still_to_submit(round_id: int) -> dict[int, tuple[int, int]]:
    """Each judge with sheets to submit in the round: (how many still to submit, how many in all)."""
    assigned: dict[int, int] = {}
    for row in await JudgeAssignment.select(JudgeAssignment.judge).where(JudgeAssignment.round == round_id):
        assigned[row["judge"]] = assigned.get(row["judge"], 0) + 1
    submitted: dict[int, int] = {}
    for row in await ScoreSheet.select(ScoreSheet.judge).where(
        ScoreSheet.round == round_id, ScoreSheet.status == ScoreStatus.SUBMITTED
    ):
        submitted[row["judge"]] = submitted.get(row["judge"], 0) + 1
    return {
        judge: (count - submitted.get(judge, 0), count)
        for judge, count in assigned.items()
        if count > submitted.get(judge, 0)
    }


async def send_reminders(*, now: datetime) -> int:
    """Queue the reminders whose turn it is; returns how many mails were queued."""
    soon = now + max(deadlines.LEADS.values())
    rows = await Round.select().where(
        Round.status == RoundStatus.OPEN,
        Round.method == RoundMethod.WEIGHTED_RUBRIC,
        Round.closes_at > now,
        Round.closes_at <= soon,
    )
    queued = 0
    for row in rows:
        round_ = round_row(row)
        assert round_.closes_at is not None  # selected by its closing time
        due = deadlines.reminder_due(round_.id, opens_at=round_.opens_at, closes_at=round_.closes_at, now=now)
        if due is None:
            continue
        pending = await _still_to_submit(round_.id)
        recipients = await judge_recipients(sorted(pending))
        if not recipients:
            continue
        timezone = await Edition.select(Edition.timezone).where(Edition.id == round_.edition).first()
        async with db.transaction():
            for judge_id, judge in recipients.items():
                count, total = pending[judge_id]
                queued += await mail_judge(
                    judge=judge,
                    kind=JudgeMail.REMINDER,
                    round_=round_,
                    timezone=timezone["timezone"] if timezone else "",
                    count=count,
                    total=total,
                    now=now,
                    once_key=due.key_for(judge_id),
                )
    return queued
