"""How far each judge of a round is: what the organiser's round page shows per judge."""

from __future__ import annotations

from datetime import datetime

import msgspec

from judging.enums import ScoreStatus
from judging.queries.releases import released_judges
from judging.tables import JudgeAssignment, ScoreSheet


class JudgeProgress(msgspec.Struct, frozen=True, kw_only=True):
    """One judge's sheets in a round: assigned, submitted, drafts, not yet opened, last save."""

    judge_id: int
    name: str
    assigned: int
    submitted: int
    drafts: int
    last_activity: datetime | None
    released: bool

    @property
    def untouched(self) -> int:
        return self.assigned - self.submitted - self.drafts


async def judge_progress(round_id: int) -> list[JudgeProgress]:
    """Every judge with an assignment in the round (or released from it), least done first."""
    assigned: dict[int, int] = {}
    names: dict[int, str] = {}
    for row in await JudgeAssignment.select(JudgeAssignment.judge, JudgeAssignment.judge.name.as_alias("name")).where(
        JudgeAssignment.round == round_id
    ):
        assigned[row["judge"]] = assigned.get(row["judge"], 0) + 1
        names[row["judge"]] = row["name"]
    submitted: dict[int, int] = {}
    drafts: dict[int, int] = {}
    last: dict[int, datetime] = {}
    for sheet in await ScoreSheet.select(ScoreSheet.judge, ScoreSheet.status, ScoreSheet.updated_at).where(
        ScoreSheet.round == round_id
    ):
        judge = sheet["judge"]
        counts = submitted if sheet["status"] == ScoreStatus.SUBMITTED else drafts
        counts[judge] = counts.get(judge, 0) + 1
        if judge not in last or sheet["updated_at"] > last[judge]:
            last[judge] = sheet["updated_at"]
    released = await released_judges(round_id)
    progress = [
        JudgeProgress(
            judge_id=judge,
            name=names[judge],
            assigned=count,
            submitted=submitted.get(judge, 0),
            drafts=drafts.get(judge, 0),
            last_activity=last.get(judge),
            released=judge in released,
        )
        for judge, count in assigned.items()
    ]
    return sorted(progress, key=lambda p: (p.released, p.submitted / p.assigned, p.name.lower(), p.judge_id))
