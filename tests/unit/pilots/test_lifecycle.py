"""The pilot's life as a state machine: every path it can take, and the ones it refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilots.enums import PilotAction, PilotStatus
from pilots.rules.lifecycle import (
    FINAL,
    REASON_REQUIRED,
    TransitionRefused,
    allowed_actions,
    transition,
)


def test_a_pilot_runs_from_draft_to_completed() -> None:
    status = PilotStatus.DRAFT
    for action in (PilotAction.AGREE, PilotAction.START, PilotAction.COMPLETE):
        status = transition(status, action)

    assert status is PilotStatus.COMPLETED


def test_a_draft_cannot_start_before_every_side_signed() -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition(PilotStatus.DRAFT, PilotAction.START)

    assert refused.value.message == "Only an agreed pilot can start: every side signs the agreement first."


def test_stopping_needs_a_reason() -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition(PilotStatus.RUNNING, PilotAction.STOP, reason="  ")

    assert refused.value.message == REASON_REQUIRED
    assert transition(PilotStatus.RUNNING, PilotAction.STOP, reason="The sensors were stolen.") is PilotStatus.STOPPED


def test_the_buttons_a_person_sees_never_include_agreeing() -> None:
    assert allowed_actions(PilotStatus.DRAFT) == {PilotAction.STOP}
    assert allowed_actions(PilotStatus.AGREED) == {PilotAction.START, PilotAction.STOP}
    assert allowed_actions(PilotStatus.RUNNING) == {PilotAction.COMPLETE, PilotAction.STOP}
    assert allowed_actions(PilotStatus.COMPLETED) == frozenset()


@given(st.lists(st.sampled_from(list(PilotAction)), max_size=12))
def test_any_sequence_of_actions_keeps_the_pilot_on_its_one_path(actions: list[PilotAction]) -> None:
    """Whatever is tried, the pilot only moves forward, never leaves an end, and every status
    it reaches is one the path draft -> agreed -> running -> completed (or stopped) allows."""
    order = [PilotStatus.DRAFT, PilotStatus.AGREED, PilotStatus.RUNNING, PilotStatus.COMPLETED]
    status = PilotStatus.DRAFT
    for action in actions:
        try:
            after = transition(status, action, reason="a reason")
        except TransitionRefused:
            assert action not in allowed_actions(status) or status in FINAL
            continue
        assert status not in FINAL
        if after is not PilotStatus.STOPPED:
            assert order.index(after) == order.index(status) + 1
        status = after
    assert status in PilotStatus


@given(st.sampled_from(list(PilotStatus)), st.sampled_from(list(PilotAction)))
def test_an_action_is_offered_exactly_when_it_is_taken(status: PilotStatus, action: PilotAction) -> None:
    if action is PilotAction.AGREE:
        return
    try:
        transition(status, action, reason="a reason")
    except TransitionRefused:
        assert action not in allowed_actions(status)
    else:
        assert action in allowed_actions(status)
