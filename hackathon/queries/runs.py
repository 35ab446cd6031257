"""The builder's runs and the changelog of a published schedule, as the schedule page shows them."""

from __future__ import annotations

from hackathon.records import ScheduleChangeRow, ScheduleRunRow, to, to_all
from hackathon.tables import ScheduleChange, ScheduleRun


async def latest_run(hackathon_id: int) -> ScheduleRunRow | None:
    row = await (
        ScheduleRun.select()
        .where(ScheduleRun.hackathon == hackathon_id)
        .order_by(ScheduleRun.id, ascending=False)
        .first()
        .output(load_json=True)
    )
    return to(row, ScheduleRunRow) if row is not None else None


async def changes_of(hackathon_id: int, *, limit: int = 200) -> list[ScheduleChangeRow]:
    rows = await (
        ScheduleChange.select()
        .where(ScheduleChange.hackathon == hackathon_id)
        .order_by(ScheduleChange.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return to_all(rows, ScheduleChangeRow)
