"""Judges released from a round (they dropped out), and what releasing one would take back."""

from __future__ import annotations

import msgspec

from core.errors import NotFound
from core.rules import N_
from core.tables import User
from judging.enums import ScoreStatus
from judging.records import RoundRow
from judging.tables import JudgeAssignment, JudgeRelease, ScoreSheet


async def released_judges(round_id: int) -> set[int]:
    return {r["judge"] for r in await JudgeRelease.select(JudgeRelease.judge).where(JudgeRelease.round == round_id)}


class ReleasePreview(msgspec.Struct, frozen=True, kw_only=True):
    """What the confirmation page says before a judge is released: counts only."""

    judge_id: int
    judge_name: str
    assigned: int
    submitted: int
    drafts: int
    released_already: bool

    @property
    def unsubmitted(self) -> int:
        return self.assigned - self.submitted


async def release_preview(round_: RoundRow, judge_id: int) -> ReleasePreview:
    judge = await User.select(User.name).where(User.id == judge_id).first()
    if judge is None:
        raise NotFound(N_("This person does not exist."))
    assigned = await JudgeAssignment.count().where(
        JudgeAssignment.round == round_.id, JudgeAssignment.judge == judge_id
    )
    statuses = [
        s["status"]
        for s in await ScoreSheet.select(ScoreSheet.status).where(
            ScoreSheet.round == round_.id, ScoreSheet.judge == judge_id
        )
    ]
    return ReleasePreview(
        judge_id=judge_id,
        judge_name=judge["name"],
        assigned=assigned,
        submitted=statuses.count(ScoreStatus.SUBMITTED),
        drafts=statuses.count(ScoreStatus.DRAFT),
        released_already=await JudgeRelease.exists().where(JudgeRelease.key == f"{round_.id}:{judge_id}"),
    )
