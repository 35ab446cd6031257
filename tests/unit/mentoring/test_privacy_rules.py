"""Erasing a mentor: refused while teams still wait for sessions booked with them."""

from __future__ import annotations

from core.rules.privacy import Blocker
from mentoring.rules.privacy import UPCOMING_SESSIONS, mentor_blockers


def test_mentor_with_upcoming_sessions_must_cancel_them_first() -> None:
    assert mentor_blockers(upcoming_sessions=2) == [Blocker(UPCOMING_SESSIONS, {"count": 2})]


def test_mentor_with_no_upcoming_sessions_is_not_blocked() -> None:
    assert mentor_blockers(upcoming_sessions=0) == []
