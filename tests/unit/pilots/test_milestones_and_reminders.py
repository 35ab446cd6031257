"""Milestones signed off by the sides named on them, and the reminders that keep them on time."""

from __future__ import annotations

from datetime import date

import pytest

from pilots.enums import MilestoneStatus, Side, SignOffDecision
from pilots.rules.feedback import Rated, check_feedback, summarise
from pilots.rules.milestones import (
    MilestoneFields,
    SignOffRefused,
    check_milestone,
    check_sign_off,
    is_overdue,
    milestone_status,
)
from pilots.rules.reminders import DueItem, ItemKind, Nudge, reminders_due

NAMED = frozenset({Side.MUNICIPALITY, Side.STARTUP})


def test_a_milestone_is_achieved_only_when_every_named_side_approved() -> None:
    assert milestone_status(NAMED, {Side.STARTUP: SignOffDecision.APPROVE}) is MilestoneStatus.PENDING
    both = {Side.STARTUP: SignOffDecision.APPROVE, Side.MUNICIPALITY: SignOffDecision.APPROVE}
    assert milestone_status(NAMED, both) is MilestoneStatus.ACHIEVED
    refused = {Side.STARTUP: SignOffDecision.APPROVE, Side.MUNICIPALITY: SignOffDecision.REFUSE}
    assert milestone_status(NAMED, refused) is MilestoneStatus.REFUSED


def test_a_side_not_named_does_not_sign_off_and_a_refusal_says_why() -> None:
    with pytest.raises(SignOffRefused):
        check_sign_off(sign_off_by=NAMED, side=Side.ORGANISER, decision=SignOffDecision.APPROVE, reason="")
    with pytest.raises(SignOffRefused) as refused:
        check_sign_off(sign_off_by=NAMED, side=Side.STARTUP, decision=SignOffDecision.REFUSE, reason="")
    assert refused.value.message == "Say why you refuse; the reason is kept on the record."


def test_a_milestone_falls_within_the_pilot_and_names_who_signs() -> None:
    milestone = MilestoneFields(title="", deliverable="", due_on=date(2028, 1, 1), sign_off_by=frozenset())

    assert check_milestone(milestone, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 1)) == {
        "title": "Name the milestone.",
        "deliverable": "Say what is delivered at this milestone.",
        "due_on": "A milestone falls within the pilot, from its start to its end.",
        "sign_off_by": "Choose at least one side that signs the milestone off.",
    }


def test_overdue_means_past_due_and_not_achieved() -> None:
    today = date(2027, 6, 2)
    assert is_overdue(MilestoneStatus.PENDING, due_on=date(2027, 6, 1), today=today)
    assert is_overdue(MilestoneStatus.REFUSED, due_on=date(2027, 6, 1), today=today)
    assert not is_overdue(MilestoneStatus.ACHIEVED, due_on=date(2027, 6, 1), today=today)
    assert not is_overdue(MilestoneStatus.PENDING, due_on=today, today=today)


def test_reminders_come_before_the_due_date_and_after_it_with_keys_that_name_both() -> None:
    def item(due: date) -> DueItem:
        return DueItem(ItemKind.MILESTONE, 7, 3, due, frozenset({Side.STARTUP}))

    today = date(2027, 6, 10)
    due = reminders_due([item(date(2027, 6, 13)), item(date(2027, 6, 14)), item(date(2027, 6, 9))], today=today)

    assert [(reminder.nudge, reminder.key) for reminder in due] == [
        (Nudge.DUE_SOON, "pilot:milestone:7:due_soon:2027-06-13"),
        (Nudge.OVERDUE, "pilot:milestone:7:overdue:2027-06-09"),
    ]


def test_feedback_needs_a_rating_from_one_to_five() -> None:
    assert check_feedback(rating=None, comment="") == {"rating": "Choose a rating from 1 to 5."}
    assert check_feedback(rating=6, comment="") == {"rating": "Choose a rating from 1 to 5."}
    assert check_feedback(rating=4, comment="Fewer queues.") == {}


def test_feedback_is_summed_up_by_rating_and_by_month() -> None:
    summary = summarise(
        [
            Rated(5, date(2027, 4, 2), True),
            Rated(3, date(2027, 4, 20), False),
            Rated(4, date(2027, 5, 1), True),
        ]
    )

    assert (summary.count, summary.mean, summary.distribution, summary.local_count) == (3, 4.0, (0, 0, 1, 1, 1), 2)
    assert [(month.month, month.count, month.mean) for month in summary.months] == [
        ("2027-04", 2, 4.0),
        ("2027-05", 1, 4.0),
    ]
    assert summarise([]).mean is None
