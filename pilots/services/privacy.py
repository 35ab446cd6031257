"""The pilots' part of a person's data: what they signed, reported, reviewed, signed off and typed in.

A pilot is a public agreement between three parties, and what a person did in it for their side
is part of that record: signatures, measurements, reviews with their reasons and sign-offs stay
after erasure, under the pseudonymous account. Evidence files they uploaded stay attached (the
other sides accepted values on them); residents' feedback carries no account at all.
"""

from __future__ import annotations

from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from pilots.tables import (
    AgreementVersion,
    Measurement,
    MeasurementEvidence,
    MeasurementReview,
    Pilot,
    PilotFeedback,
    Signature,
    SignOff,
)


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    return {
        "pilots_opened": await Pilot.select(Pilot.id, Pilot.title, Pilot.created_at)
        .where(Pilot.opened_by == user_id)
        .order_by(Pilot.id),
        "pilots_mentored": await Pilot.select(Pilot.id, Pilot.title).where(Pilot.mentor == user_id).order_by(Pilot.id),
        "agreement_versions_written": await AgreementVersion.select(
            AgreementVersion.id, AgreementVersion.pilot, AgreementVersion.number, AgreementVersion.note
        )
        .where(AgreementVersion.author == user_id)
        .order_by(AgreementVersion.id),
        "signatures": await Signature.select(
            Signature.id,
            Signature.version.pilot.as_alias("pilot"),
            Signature.version.number.as_alias("version"),
            Signature.side,
            Signature.signed_at,
        )
        .where(Signature.signer == user_id)
        .order_by(Signature.id),
        "measurements_reported": await Measurement.select(
            Measurement.id, Measurement.kpi, Measurement.measured_on, Measurement.value, Measurement.note
        )
        .where(Measurement.reported_by == user_id)
        .order_by(Measurement.id),
        "measurement_reviews": await MeasurementReview.select(
            MeasurementReview.id,
            MeasurementReview.measurement,
            MeasurementReview.side,
            MeasurementReview.review,
            MeasurementReview.reason,
            MeasurementReview.created_at,
        )
        .where(MeasurementReview.reviewer == user_id)
        .order_by(MeasurementReview.id),
        "milestone_sign_offs": await SignOff.select(
            SignOff.id, SignOff.milestone, SignOff.side, SignOff.decision, SignOff.reason, SignOff.created_at
        )
        .where(SignOff.signer == user_id)
        .order_by(SignOff.id),
        "feedback_entered_in_person": await PilotFeedback.select(
            PilotFeedback.id, PilotFeedback.pilot, PilotFeedback.rating, PilotFeedback.comment, PilotFeedback.created_at
        )
        .where(PilotFeedback.entered_by == user_id)
        .order_by(PilotFeedback.id),
    }


async def erase(erasure: Erasure) -> None:
    """Nothing to delete: the pilots name people by account only, and the account is now a pseudonym."""


async def files_in_use(file_ids: list[int]) -> set[int]:
    """Evidence stays attached to its measurement whoever uploaded it."""
    if not file_ids:
        return set()
    rows = await MeasurementEvidence.select(MeasurementEvidence.file).where(MeasurementEvidence.file.is_in(file_ids))
    return {row["file"] for row in rows}


def register() -> None:
    register_section(PrivacySection(name="pilots", export=export, erase=erase, files_in_use=files_in_use))
