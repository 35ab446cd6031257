"""When a mentor's erasure would leave a team waiting for a session nobody will hold."""

from __future__ import annotations

from core.rules import N_
from core.rules.privacy import Blocker

UPCOMING_SESSIONS = N_(
    "You have %(count)s upcoming mentoring session(s) booked with you. "
    "Cancel them first, so the teams are told and can book someone else."
)


def mentor_blockers(*, upcoming_sessions: int) -> list[Blocker]:
    """Past sessions stay as the teams' history; booked future ones must be cancelled by the mentor."""
    return [Blocker(UPCOMING_SESSIONS, {"count": upcoming_sessions})] if upcoming_sessions else []
