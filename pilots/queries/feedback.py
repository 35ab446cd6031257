"""Residents' feedback as its readers see it: the public (visible entries, summed up, no names)
and the pilot's sides (every entry, with who typed it in and who hid it)."""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import NotFound
from core.settings import get_settings
from pilots.queries.pilots import NO_SUCH_PILOT, load_pilot
from pilots.records import FeedbackRow, PilotRow, PosterFacts, PublicFeedback, to_all
from pilots.rules import lifecycle
from pilots.rules.feedback import Rated, Summary, summarise
from pilots.tables import Pilot, PilotFeedback


async def public_pilot(pilot_id: int) -> PilotRow:
    """A pilot residents may see (and leave feedback on); a draft does not exist for them."""
    pilot = await load_pilot(pilot_id)
    if pilot.status not in lifecycle.PUBLIC:
        raise NotFound(NO_SUCH_PILOT)
    return pilot


async def pilot_id_of_code(code: str) -> int:
    """The pilot behind a poster's short link, if residents may see it."""
    row = await Pilot.select(Pilot.id, Pilot.status).where(Pilot.code == code).first()
    if row is None or row["status"] not in lifecycle.PUBLIC:
        raise NotFound(NO_SUCH_PILOT)
    return int(row["id"])


def short_url(code: str) -> str:
    """The absolute short link printed on the poster and held in its QR code."""
    return f"{get_settings().base_url}/p/{code}"


async def poster_facts(pilot_id: int) -> PosterFacts:
    pilot = await public_pilot(pilot_id)
    row = await Pilot.select(Pilot.municipality.name.as_alias("municipality_name")).where(Pilot.id == pilot_id).first()
    return PosterFacts(
        pilot_id=pilot.id, code=pilot.code, title=pilot.title, municipality_name=row["municipality_name"] if row else ""
    )


async def visible_feedback(pilot_id: int) -> list[PublicFeedback]:
    """Every entry residents see, newest first (comments or ratings alone)."""
    rows = (
        await PilotFeedback.select(
            PilotFeedback.id,
            PilotFeedback.rating,
            PilotFeedback.comment,
            PilotFeedback.local,
            PilotFeedback.source,
            PilotFeedback.created_at,
        )
        .where(PilotFeedback.pilot == pilot_id, PilotFeedback.hidden.eq(False))
        .order_by(PilotFeedback.created_at, PilotFeedback.id, ascending=False)
    )
    return to_all(rows, PublicFeedback)


def summary_of(entries: Iterable[PublicFeedback | FeedbackRow]) -> Summary:
    return summarise(Rated(rating=entry.rating, on=entry.created_at.date(), local=entry.local) for entry in entries)


async def feedback_for_sides(pilot_id: int) -> list[FeedbackRow]:
    """Every entry, hidden ones included, newest first: what the moderation page lists."""
    rows = (
        await PilotFeedback.select(
            *PilotFeedback.all_columns(exclude=[PilotFeedback.hidden_by]),
            PilotFeedback.entered_by.name.as_alias("entered_by_name"),
            PilotFeedback.hidden_by.name.as_alias("hidden_by_name"),
        )
        .where(PilotFeedback.pilot == pilot_id)
        .order_by(PilotFeedback.created_at, PilotFeedback.id, ascending=False)
    )
    return to_all(rows, FeedbackRow)
