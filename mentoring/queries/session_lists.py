"""Sessions and slots as the JSON API lists them (notes left out)."""

from __future__ import annotations

from piccolo.columns.combination import Or, Where

from challenge.tables import StartupMember
from mentoring.queries.session_views import session_rows
from mentoring.records import SessionRow, SlotRow, convert_row
from mentoring.services import sessions
from mentoring.services.sessions.access import SESSION_COLUMNS
from mentoring.tables import MentoringSession, MentoringSlot


async def slot(slot_id: int) -> SlotRow | None:
    row = await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()
    return None if row is None else convert_row(row, SlotRow)


async def slots_of_mentor(user_id: int) -> list[SlotRow]:
    rows = await (
        MentoringSlot.select()
        .where(MentoringSlot.mentor == user_id, MentoringSlot.status.is_in(list(sessions.ACTIVE_SLOT)))
        .order_by(MentoringSlot.starts_at)
    )
    return [convert_row(row, SlotRow) for row in rows]


async def session_summary(session_id: int) -> SessionRow:
    """One session with names and place, without its notes (for its sides' JSON)."""
    return await sessions.load_session(session_id)


async def sessions_of_user(user_id: int) -> list[SessionRow]:
    """Sessions where the person is the mentor or in the startup's team (notes left out)."""
    startup_ids = [
        r["startup"] for r in await StartupMember.select(StartupMember.startup).where(StartupMember.user == user_id)
    ]
    mine: Where | Or = MentoringSession.mentor == user_id
    if startup_ids:
        mine = mine | MentoringSession.startup.is_in(startup_ids)
    return session_rows(
        await MentoringSession.select(*SESSION_COLUMNS).where(mine).order_by(MentoringSession.starts_at)
    )
