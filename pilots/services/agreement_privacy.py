"""The agreement's part of a person's data: the versions they signed and wrote, the pilots they opened.

A signature is the record of a contract between three parties: erasing the person keeps it, under
the pseudonym their account then carries (core.privacy), and keeps no more than that.
"""

from __future__ import annotations

from core.privacy import Erasure, PrivacySection, Rows, Subject, register_section
from pilots.tables import AgreementVersion, Pilot, Signature


async def export(subject: Subject) -> Rows:
    user_id = subject.user_id
    return {
        "pilot_signatures": await Signature.select(
            Signature.version.pilot.as_alias("pilot"),
            Signature.version.number.as_alias("version"),
            Signature.side,
            Signature.signed_at,
        )
        .where(Signature.signer == user_id)
        .order_by(Signature.id),
        "pilot_versions_written": await AgreementVersion.select(
            AgreementVersion.pilot, AgreementVersion.number, AgreementVersion.note, AgreementVersion.created_at
        )
        .where(AgreementVersion.author == user_id)
        .order_by(AgreementVersion.id),
        "pilots_opened": await Pilot.select(Pilot.id, Pilot.title, Pilot.created_at)
        .where(Pilot.opened_by == user_id)
        .order_by(Pilot.id),
        "pilots_accompanied": await Pilot.select(Pilot.id, Pilot.title)
        .where(Pilot.mentor == user_id)
        .order_by(Pilot.id),
    }


async def erase(erasure: Erasure) -> None:
    """Signatures and versions name people by id only: the pseudonymised account is all that is left."""


def register() -> None:
    register_section(PrivacySection(name="pilot_agreements", export=export, erase=erase))
