"""Which reminder is due before a round closes, and how its deadline reads, at fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from judging.rules.deadlines import Lead, Remaining, Reminder, TimeLeft, reminder_due, time_left

CLOSES = datetime(2026, 12, 10, 18, 0, tzinfo=UTC)
OPENED = CLOSES - timedelta(days=14)


def at(hours_before: float) -> datetime:
    return CLOSES - timedelta(hours=hours_before)


@pytest.mark.parametrize(
    ("hours_before", "lead"),
    [
        (72, None),
        (48.01, None),
        (48, Lead.EARLY),
        (30, Lead.EARLY),
        (12.01, Lead.EARLY),
        (12, Lead.LAST_CALL),
        (5, Lead.LAST_CALL),
        (0.01, Lead.LAST_CALL),
        (0, None),
        (-1, None),
    ],
)
def test_the_reminder_due_is_the_one_whose_turn_it_is(hours_before: float, lead: Lead | None) -> None:
    due = reminder_due(7, opens_at=OPENED, closes_at=CLOSES, now=at(hours_before))

    assert due == (Reminder(7, lead) if lead else None)


def test_a_round_opened_inside_the_last_48_hours_sends_only_the_12_hour_reminder() -> None:
    opened = at(30)

    assert reminder_due(7, opens_at=opened, closes_at=CLOSES, now=at(29)) is None
    assert reminder_due(7, opens_at=opened, closes_at=CLOSES, now=at(12)) == Reminder(7, Lead.LAST_CALL)


def test_a_round_opened_inside_the_last_12_hours_sends_none() -> None:
    assert reminder_due(7, opens_at=at(6), closes_at=CLOSES, now=at(5)) is None


def test_a_round_without_an_opening_time_counts_as_open_all_along() -> None:
    assert reminder_due(7, opens_at=None, closes_at=CLOSES, now=at(47)) == Reminder(7, Lead.EARLY)


def test_each_judge_has_their_own_key_per_round_and_lead() -> None:
    assert Reminder(7, Lead.EARLY).key_for(3) == "judging:reminder:7:48h:3"
    assert Reminder(7, Lead.LAST_CALL).key_for(3) == "judging:reminder:7:12h:3"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reminder_due(7, opens_at=None, closes_at=CLOSES, now=datetime(2026, 12, 10, 12, 0))


@pytest.mark.parametrize(
    ("hours_before", "expected"),
    [
        (0.5, TimeLeft(Remaining.HOURS, 1)),
        (1, TimeLeft(Remaining.HOURS, 1)),
        (11.2, TimeLeft(Remaining.HOURS, 12)),
        (48, TimeLeft(Remaining.HOURS, 48)),
        (48.5, TimeLeft(Remaining.DAYS, 2)),
        (24 * 4.6, TimeLeft(Remaining.DAYS, 5)),
        (24 * 5, TimeLeft(Remaining.DAYS, 5)),
        (0, TimeLeft(Remaining.OVERDUE, 0)),
        (-3, TimeLeft(Remaining.OVERDUE, 0)),
    ],
)
def test_time_left_reads_in_hours_then_days(hours_before: float, expected: TimeLeft) -> None:
    assert time_left(CLOSES, now=at(hours_before)) == expected
