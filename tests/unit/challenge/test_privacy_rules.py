"""Erasing a founder: refused only while their team would be left empty behind a live application."""

from __future__ import annotations

from challenge.rules.privacy import LAST_FOUNDER, TeamSeat, team_blockers
from core.rules.privacy import Blocker


def test_last_member_behind_an_application_in_the_running_is_blocked() -> None:
    for status in ("submitted", "shortlisted", "accepted", "finalist"):
        assert team_blockers([TeamSeat("BusBee", 0, ("draft", status))]) == [
            Blocker(LAST_FOUNDER, {"startup": "BusBee"})
        ]


def test_last_member_with_only_finished_or_unsent_applications_is_not_blocked() -> None:
    assert team_blockers([TeamSeat("BusBee", 0, ("draft", "withdrawn", "rejected", "winner"))]) == []
    assert team_blockers([TeamSeat("BusBee", 0, ())]) == []


def test_member_with_co_founders_left_is_not_blocked() -> None:
    assert team_blockers([TeamSeat("BusBee", 1, ("finalist",))]) == []


def test_each_team_is_judged_on_its_own() -> None:
    seats = [TeamSeat("BusBee", 0, ("accepted",)), TeamSeat("Parky", 2, ("accepted",)), TeamSeat("Old", 0, ("winner",))]

    assert team_blockers(seats) == [Blocker(LAST_FOUNDER, {"startup": "BusBee"})]
