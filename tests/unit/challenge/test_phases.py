"""The phase rule: boundaries, timezones (DST included) and manual overrides, with fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenge.enums import Phase
from challenge.rules.phases import (
    IntakeOutlook,
    Override,
    TimelineError,
    current_phase,
    intake_outlook,
    local_to_utc,
    make_timeline,
    may_draft_problems,
    may_submit_problem,
    next_change,
    phases_between,
    scheduled_phase,
    utc_to_local,
)

INTAKE = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
APPLICATIONS = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SCREENING = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
TIMELINE = make_timeline({Phase.PROBLEM_INTAKE: INTAKE, Phase.APPLICATIONS: APPLICATIONS, Phase.SCREENING: SCREENING})
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (INTAKE - SECOND, None),
        (INTAKE, Phase.PROBLEM_INTAKE),
        (APPLICATIONS - SECOND, Phase.PROBLEM_INTAKE),
        (APPLICATIONS, Phase.APPLICATIONS),
        (SCREENING + timedelta(days=400), Phase.SCREENING),
    ],
)
def test_phase_changes_exactly_at_its_start(now: datetime, phase: Phase | None) -> None:
    assert current_phase(TIMELINE, now=now) == phase


def test_the_same_instant_in_another_timezone_is_the_same_phase() -> None:
    from zoneinfo import ZoneInfo

    belgrade = (APPLICATIONS - SECOND).astimezone(ZoneInfo("Europe/Belgrade"))

    assert current_phase(TIMELINE, now=belgrade) == Phase.PROBLEM_INTAKE


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        current_phase(TIMELINE, now=datetime(2026, 3, 1, 9, 0))


def test_phases_must_follow_their_order() -> None:
    with pytest.raises(TimelineError) as refused:
        make_timeline({Phase.PROBLEM_INTAKE: APPLICATIONS, Phase.APPLICATIONS: INTAKE})

    assert set(refused.value.errors) == {"applications"}


def test_override_holds_until_the_next_scheduled_start() -> None:
    closed_early = Override(Phase.APPLICATIONS, set_at=INTAKE + timedelta(days=10))

    assert current_phase(TIMELINE, now=INTAKE + timedelta(days=9), override=closed_early) == Phase.PROBLEM_INTAKE
    assert current_phase(TIMELINE, now=INTAKE + timedelta(days=10), override=closed_early) == Phase.APPLICATIONS
    assert current_phase(TIMELINE, now=APPLICATIONS + SECOND, override=closed_early) == Phase.APPLICATIONS
    assert current_phase(TIMELINE, now=SCREENING, override=closed_early) == Phase.SCREENING


def test_override_can_reopen_a_phase_until_the_next_start() -> None:
    reopened = Override(Phase.PROBLEM_INTAKE, set_at=APPLICATIONS + timedelta(days=1))

    assert current_phase(TIMELINE, now=APPLICATIONS + timedelta(days=2), override=reopened) == Phase.PROBLEM_INTAKE
    assert current_phase(TIMELINE, now=SCREENING, override=reopened) == Phase.SCREENING


def test_override_after_the_last_start_holds_for_good() -> None:
    override = Override(Phase.APPLICATIONS, set_at=SCREENING + timedelta(days=1))

    assert current_phase(TIMELINE, now=SCREENING + timedelta(days=300), override=override) == Phase.APPLICATIONS


def test_next_change_and_end_of_a_phase() -> None:
    assert next_change(TIMELINE, now=INTAKE).phase == Phase.APPLICATIONS
    assert TIMELINE.end_of(Phase.PROBLEM_INTAKE) == APPLICATIONS
    assert TIMELINE.end_of(Phase.SCREENING) is None
    assert scheduled_phase(TIMELINE, now=SCREENING) == Phase.SCREENING


def test_local_times_across_the_spring_dst_change() -> None:
    # Belgrade: 29 March 2026, 02:00 CET becomes 03:00 CEST.
    before = local_to_utc(datetime(2026, 3, 29, 1, 30), "Europe/Belgrade")
    in_the_gap = local_to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Belgrade")
    after = local_to_utc(datetime(2026, 3, 29, 3, 30), "Europe/Belgrade")

    assert before == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert in_the_gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 does not exist: read as 03:30
    assert after == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_local_times_across_the_autumn_dst_change() -> None:
    # Belgrade: 25 October 2026, 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    ambiguous = local_to_utc(datetime(2026, 10, 25, 2, 30), "Europe/Belgrade")

    assert ambiguous == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30
    assert utc_to_local(ambiguous, "Europe/Belgrade") == datetime(2026, 10, 25, 2, 30)


def test_a_deadline_on_the_dst_night_is_honoured_to_the_second() -> None:
    closes = local_to_utc(datetime(2026, 3, 29, 12, 0), "Europe/Belgrade")
    timeline = make_timeline({Phase.PROBLEM_INTAKE: INTAKE, Phase.APPLICATIONS: closes})

    assert current_phase(timeline, now=datetime(2026, 3, 29, 9, 59, 59, tzinfo=UTC)) == Phase.PROBLEM_INTAKE
    assert current_phase(timeline, now=datetime(2026, 3, 29, 10, 0, tzinfo=UTC)) == Phase.APPLICATIONS


def test_phases_between_lists_every_phase_entered() -> None:
    assert phases_between(None, Phase.APPLICATIONS) == [Phase.PROBLEM_INTAKE, Phase.APPLICATIONS]
    assert phases_between(Phase.PROBLEM_INTAKE, Phase.SCREENING) == [Phase.APPLICATIONS, Phase.SCREENING]
    assert phases_between(Phase.SCREENING, Phase.PROBLEM_INTAKE) == [Phase.PROBLEM_INTAKE]
    assert phases_between(Phase.SCREENING, None) == []


@pytest.mark.parametrize(
    ("phase", "draft", "first", "again"),
    [
        (None, True, False, False),
        (Phase.PROBLEM_INTAKE, True, True, True),
        (Phase.APPLICATIONS, False, False, True),
        (Phase.SCREENING, False, False, False),
    ],
)
def test_what_municipalities_may_do_in_each_phase(phase: Phase | None, draft: bool, first: bool, again: bool) -> None:
    assert may_draft_problems(phase) is draft
    assert may_submit_problem(phase, resubmission=False) is first
    assert may_submit_problem(phase, resubmission=True) is again


def test_skipping_ahead_by_hand_never_falls_back_to_the_skipped_phase() -> None:
    skipped = Override(Phase.SCREENING, set_at=INTAKE + timedelta(days=1))

    assert current_phase(TIMELINE, now=INTAKE + timedelta(days=2), override=skipped) == Phase.SCREENING
    assert current_phase(TIMELINE, now=APPLICATIONS + SECOND, override=skipped) == Phase.SCREENING
    assert current_phase(TIMELINE, now=SCREENING + timedelta(days=30), override=skipped) == Phase.SCREENING


NEXT_YEAR = make_timeline(
    {Phase.PROBLEM_INTAKE: INTAKE + timedelta(days=365), Phase.APPLICATIONS: APPLICATIONS + timedelta(days=365)}
)


def _outlook(*timelines, now):
    return intake_outlook([(scheduled_phase(t, now=now), t) for t in timelines], now=now)


def test_intake_open_takes_drafts_and_submissions() -> None:
    outlook = _outlook(TIMELINE, now=INTAKE)

    assert outlook == IntakeOutlook(may_draft=True, may_submit=True, opens_at=None, closed_at=None)


def test_after_intake_it_is_closed_since_its_end_with_no_next_one_known() -> None:
    outlook = _outlook(TIMELINE, now=APPLICATIONS + SECOND)

    assert outlook == IntakeOutlook(may_draft=False, may_submit=False, opens_at=None, closed_at=APPLICATIONS)


def test_a_next_edition_not_open_yet_takes_drafts_and_says_when_it_opens() -> None:
    outlook = _outlook(TIMELINE, NEXT_YEAR, now=SCREENING)

    assert outlook == IntakeOutlook(
        may_draft=True, may_submit=False, opens_at=INTAKE + timedelta(days=365), closed_at=APPLICATIONS
    )


def test_no_edition_at_all_is_closed_with_nothing_known() -> None:
    assert _outlook(now=INTAKE) == IntakeOutlook(may_draft=False, may_submit=False, opens_at=None, closed_at=None)


def test_an_intake_outlook_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        intake_outlook([(None, TIMELINE)], now=datetime(2026, 2, 1, 9, 0))
