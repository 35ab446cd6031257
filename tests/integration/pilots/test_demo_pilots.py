"""The demo's pilots: last year's winners, half a year in, with what a newcomer should find there.

Loading the demo takes half a minute, so one test loads it and each part is checked by name.
"""

from __future__ import annotations

from datetime import timedelta

from core.clock import utc_now
from core.demo import load_demo
from core.storage import get_storage
from core.tables import StoredFile
from pilots.enums import SIDES, MeasurementStatus, MilestoneStatus, PilotStatus
from pilots.rules.agreement import Version, in_force
from pilots.rules.milestones import is_overdue
from pilots.tables import (
    AgreementVersion,
    Kpi,
    Measurement,
    MeasurementEvidence,
    MeasurementReview,
    Milestone,
    Pilot,
    PilotFeedback,
    Signature,
)


async def _last_years_winners_run_their_pilots_half_a_year_in() -> None:

    pilots = await Pilot.select(Pilot.id, Pilot.status, Pilot.startup.name, Pilot.starts_on, Pilot.version_in_force)
    assert sorted(row["startup.name"] for row in pilots) == ["AgroSense", "ParkPulse"]
    assert {row["status"] for row in pilots} == {PilotStatus.RUNNING}
    today = utc_now().date()
    for pilot in pilots:
        assert today - timedelta(days=190) < pilot["starts_on"] < today - timedelta(days=180)
        versions = await AgreementVersion.select(AgreementVersion.id, AgreementVersion.number).where(
            AgreementVersion.pilot == pilot["id"]
        )
        signed = [
            Version(
                version["number"],
                frozenset(
                    row["side"]
                    for row in await Signature.select(Signature.side).where(Signature.version == version["id"])
                ),
            )
            for version in versions
        ]
        assert in_force(signed) == pilot["version_in_force"] == len(versions)
        assert all(version.signed_by == frozenset(SIDES) for version in signed)


async def _each_pilot_has_half_a_year_of_measurements_one_disputed_with_its_reason() -> None:

    for pilot in await Pilot.select(Pilot.id):
        measurements = await Measurement.select(Measurement.id, Measurement.status, Measurement.measured_on).where(
            Measurement.kpi.pilot == pilot["id"]
        )
        assert len({row["measured_on"].month for row in measurements}) >= 6
        disputed = [row for row in measurements if row["status"] == MeasurementStatus.DISPUTED]
        assert len(disputed) == 1
        reasons = await MeasurementReview.select(MeasurementReview.reason).where(
            MeasurementReview.measurement == disputed[0]["id"], MeasurementReview.review == "dispute"
        )
        assert [bool(row["reason"]) for row in reasons] == [True]
    assert await Kpi.count() == 5


async def _one_milestone_is_overdue_and_the_others_are_achieved_or_ahead() -> None:
    today = utc_now().date()

    milestones = await Milestone.select(Milestone.title, Milestone.status, Milestone.due_on)
    overdue = [
        row["title"]
        for row in milestones
        if is_overdue(MilestoneStatus(row["status"]), due_on=row["due_on"], today=today)
    ]

    assert overdue == ["Second boulevard connected"]
    assert all(
        row["due_on"] > today
        for row in milestones
        if row["status"] == MilestoneStatus.PENDING and row["title"] not in overdue
    )


async def _residents_feedback_is_there_with_spam_hidden_and_a_meeting_typed_in() -> None:

    feedback = await PilotFeedback.select(PilotFeedback.hidden, PilotFeedback.source, PilotFeedback.language)

    assert sum(row["hidden"] for row in feedback) == 1
    assert sum(row["source"] == "in_person" for row in feedback) == 2
    assert {row["language"] for row in feedback} == {"sr", "en"}


async def _the_startups_evidence_files_are_stored() -> None:

    files = await StoredFile.select(StoredFile.key).where(
        StoredFile.id.is_in([row["file"] for row in await MeasurementEvidence.select(MeasurementEvidence.file)])
    )

    assert len(files) >= 10
    assert all(get_storage().exists(row["key"]) for row in files)


async def test_the_demo_pilots_hold_what_a_newcomer_should_find() -> None:
    await load_demo()

    await _last_years_winners_run_their_pilots_half_a_year_in()
    await _each_pilot_has_half_a_year_of_measurements_one_disputed_with_its_reason()
    await _one_milestone_is_overdue_and_the_others_are_achieved_or_ahead()
    await _residents_feedback_is_there_with_spam_hidden_and_a_meeting_typed_in()
    await _the_startups_evidence_files_are_stored()
