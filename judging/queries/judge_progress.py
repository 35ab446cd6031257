"""How far each judge of a round is: what the organiser's round page shows per judge."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import msgspec
from piccolo.query.functions.aggregate import Count, Max

from core.i18n import current_locale, format_datetime
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

    def last_activity_text(self, timezone: str) -> str:
        """The last save in the page's style ("" for none), formatted once per minute shown."""
        if self.last_activity is None:
            return ""
        return _formatted(self.last_activity.replace(second=0, microsecond=0), timezone, current_locale())


@lru_cache(maxsize=4096)
def _formatted(minute: datetime, timezone: str, locale: str) -> str:
    # `locale` keys the cache: format_datetime reads the reader's language itself.
    return format_datetime(minute, timezone)


async def judge_progress(round_id: int) -> list[JudgeProgress]:
    """Every judge with an assignment in the round (or released from it), least done first."""
    assigned: dict[int, int] = {}
    names: dict[int, str] = {}
    # Counted by the database: a 2,000 x 3 round is 6,000 rows, 100 judges.
    for row in (
        await JudgeAssignment.select(
            JudgeAssignment.judge, JudgeAssignment.judge.name.as_alias("name"), Count(alias="count")
        )
        .where(JudgeAssignment.round == round_id)
        .group_by(JudgeAssignment.judge, JudgeAssignment.judge.name)
    ):
        assigned[row["judge"]] = row["count"]
        names[row["judge"]] = row["name"]
    submitted: dict[int, int] = {}
    drafts: dict[int, int] = {}
    last: dict[int, datetime] = {}
    for sheet in (
        await ScoreSheet.select(
            ScoreSheet.judge, ScoreSheet.status, Count(alias="count"), Max(ScoreSheet.updated_at, alias="last")
        )
        .where(ScoreSheet.round == round_id)
        .group_by(ScoreSheet.judge, ScoreSheet.status)
    ):
        judge = sheet["judge"]
        counts = submitted if sheet["status"] == ScoreStatus.SUBMITTED else drafts
        counts[judge] = counts.get(judge, 0) + sheet["count"]
        at = sheet["last"]
        # SQLite hands the aggregate back as the stored text.
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        if at is not None and (judge not in last or at > last[judge]):
            last[judge] = at
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
