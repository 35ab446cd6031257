"""The hackathon domain's part of a person's data: where they are scheduled (it holds nothing else)."""

from __future__ import annotations

from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from hackathon.tables import Panel, ScheduleItem
from judging.queries import blind


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    # Items name people in JSON lists; an edition's hackathon has hundreds of items, read once.
    items = (
        await ScheduleItem.select(
            ScheduleItem.id,
            ScheduleItem.hackathon,
            ScheduleItem.kind,
            ScheduleItem.title,
            ScheduleItem.starts_at,
            ScheduleItem.ends_at,
            ScheduleItem.judge_ids,
            ScheduleItem.mentor_ids,
            ScheduleItem.team_ids,
        )
        .order_by(ScheduleItem.id)
        .output(load_json=True)
    )
    panels = await Panel.select().order_by(Panel.id).output(load_json=True)
    mine = [row for row in items if user_id in row["judge_ids"] or user_id in row["mentor_ids"]]
    for row in mine:
        # A judge's export names no team the judge has in a blind round (judging.queries.blind).
        if user_id in row["judge_ids"]:
            row["title"] = await blind.text_for_judge(user_id, row["team_ids"], row["title"])
    return {
        "schedule_items": [
            {key: value for key, value in row.items() if key not in ("judge_ids", "mentor_ids", "team_ids")}
            for row in mine
        ],
        "panels": [
            {"id": row["id"], "hackathon": row["hackathon"], "name": row["name"]}
            for row in panels
            if user_id in row["judge_ids"]
        ],
    }


async def erase(erasure: Erasure) -> None:
    """Schedules name people by id only: the pseudonymised account is all that is left of them."""


def register() -> None:
    register_section(PrivacySection(name="hackathon", export=export, erase=erase))
