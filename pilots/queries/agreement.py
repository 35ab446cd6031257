"""What the agreement pages and services read: versions with their signatures, the applications
a pilot may be opened from, the people of each side, and lists of pilots."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.columns.combination import Or, Where

from challenge.enums import ApplicationStatus
from challenge.tables import Application, ApplicationProblem, Municipality, Startup
from core.auth import CurrentUser
from core.enums import Role
from core.errors import NotFound
from core.rules import N_
from core.tables import Membership, User
from mentoring.enums import MatchStatus
from mentoring.tables import Match
from pilots.enums import PilotAction, PilotProcurement, Side
from pilots.queries.pilots import load_pilot, sides_of
from pilots.records import (
    Candidate,
    Party,
    PilotListRow,
    PilotRow,
    ProblemChoice,
    SignatureRow,
    VersionRow,
    to_all,
)
from pilots.rules import lifecycle
from pilots.rules.agreement import Terms
from pilots.schemas import PilotAgreementOut, SignatureOut, VersionOut
from pilots.tables import AgreementVersion, Pilot, Signature

# Pilots opened here always have version 1; one written to the tables by hand may not.
NO_VERSION = N_("This pilot has no agreement to sign yet.")

# The application statuses a pilot may follow from, the winners first (the organiser's choice).
ADVANCED = (ApplicationStatus.WINNER, ApplicationStatus.FINALIST, ApplicationStatus.ACCEPTED)


def terms_json(terms: Terms) -> dict[str, Any]:
    """The terms as an agreement version stores them (and the audit log shows them)."""
    return {
        "scope": terms.scope,
        "locations": list(terms.locations),
        "starts_on": terms.starts_on.isoformat(),
        "ends_on": terms.ends_on.isoformat(),
        "budget_eur": terms.budget_eur,
        "funded_by": terms.funded_by,
        "procurement": PilotProcurement(terms.procurement).value,
        "data_terms": terms.data_terms,
        "mentor_id": terms.mentor_id,
    }


def terms_from_json(stored: Any) -> Terms:
    data = json.loads(stored) if isinstance(stored, str) else stored
    return Terms(
        scope=data["scope"],
        locations=tuple(data["locations"]),
        starts_on=date.fromisoformat(data["starts_on"]),
        ends_on=date.fromisoformat(data["ends_on"]),
        budget_eur=data["budget_eur"],
        funded_by=data["funded_by"],
        procurement=PilotProcurement(data["procurement"]),
        data_terms=data["data_terms"],
        mentor_id=data.get("mentor_id"),
    )


def pilot_columns(terms: Terms) -> dict[str, Any]:
    """The pilot row's mirror of `terms` (what lists and filters read), by column name."""
    return {
        "scope": terms.scope,
        "locations": list(terms.locations),
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "budget_eur": terms.budget_eur,
        "funded_by": terms.funded_by,
        "procurement": terms.procurement,
        "data_terms": terms.data_terms,
        "mentor": terms.mentor_id,
    }


async def versions_of(pilot_id: int) -> list[VersionRow]:
    """Every version of the pilot's agreement, the newest first, each with its signatures."""
    rows = (
        await AgreementVersion.select(
            AgreementVersion.id,
            AgreementVersion.number,
            AgreementVersion.terms,
            AgreementVersion.changed,
            AgreementVersion.note,
            AgreementVersion.author.name.as_alias("author_name"),
            AgreementVersion.created_at,
        )
        .where(AgreementVersion.pilot == pilot_id)
        .order_by(AgreementVersion.number, ascending=False)
        .output(load_json=True)
    )
    signatures = await Signature.select(
        Signature.version,
        Signature.side,
        Signature.signer,
        Signature.signer.name.as_alias("signer_name"),
        Signature.signed_at,
    ).where(Signature.version.pilot == pilot_id)
    by_version: dict[int, list[SignatureRow]] = {}
    for signature in signatures:
        by_version.setdefault(signature["version"], []).append(
            SignatureRow(
                side=Side(signature["side"]),
                signer=signature["signer"],
                signer_name=signature["signer_name"] or "",
                signed_at=signature["signed_at"],
            )
        )
    order = {side: n for n, side in enumerate(Side)}
    return [
        VersionRow(
            id=row["id"],
            number=row["number"],
            terms=terms_from_json(row["terms"]),
            changed=tuple(row["changed"] or ()),
            note=row["note"],
            author_name=row["author_name"] or "",
            created_at=row["created_at"],
            signatures=tuple(sorted(by_version.get(row["id"], []), key=lambda s: order[s.side])),
        )
        for row in rows
    ]


async def candidates(edition_id: int) -> list[Candidate]:
    """The edition's applications that won or advanced, winners first, with their problems."""
    applications = await Application.select(
        Application.id, Application.status, Application.startup.name.as_alias("startup_name")
    ).where(Application.edition == edition_id, Application.status.is_in(list(ADVANCED)))
    if not applications:
        return []
    ids = [a["id"] for a in applications]
    problems = await ApplicationProblem.select(
        ApplicationProblem.application,
        ApplicationProblem.problem.as_alias("id"),
        ApplicationProblem.problem.title.as_alias("title"),
        ApplicationProblem.problem._.municipality._.name.as_alias("municipality_name"),
    ).where(ApplicationProblem.application.is_in(ids))
    mentors = await Match.select(Match.application, Match.mentor).where(
        Match.application.is_in(ids), Match.status == MatchStatus.PUBLISHED
    )
    mentor_of = {m["application"]: m["mentor"] for m in mentors}
    rank = {status: n for n, status in enumerate(ADVANCED)}
    found = [
        Candidate(
            application_id=a["id"],
            startup_name=a["startup_name"],
            status=ApplicationStatus(a["status"]),
            problems=tuple(
                ProblemChoice(id=p["id"], title=p["title"], municipality_name=p["municipality_name"])
                for p in sorted(problems, key=lambda p: p["title"])
                if p["application"] == a["id"]
            ),
            mentor_id=mentor_of.get(a["id"]),
        )
        for a in applications
    ]
    return sorted(found, key=lambda c: (rank[c.status], c.startup_name.casefold()))


async def published_mentor(application_id: int) -> int | None:
    """The mentor of the application's published mentoring match, if it has one."""
    row = (
        await Match.select(Match.mentor)
        .where(Match.application == application_id, Match.status == MatchStatus.PUBLISHED)
        .order_by(Match.published_at)
        .first()
    )
    return row["mentor"] if row else None


async def is_mentor(user_id: int) -> bool:
    return bool(await Membership.exists().where(Membership.user == user_id, Membership.role == Role.MENTOR))


async def mentor_options() -> list[tuple[int, str]]:
    """Everyone who holds the mentor role, by name: who may accompany a pilot."""
    rows = await (
        Membership.select(Membership.user.as_alias("id"), Membership.user.name.as_alias("name"))
        .where(Membership.role == Role.MENTOR, Membership.user.is_active == True)  # noqa: E712
        .order_by(Membership.user.name)
    )
    return list({row["id"]: (row["id"], row["name"]) for row in rows}.values())


async def _people(where: Any) -> list[Party]:
    rows = await Membership.select(
        Membership.user.as_alias("id"),
        Membership.user.name.as_alias("name"),
        Membership.user.email.as_alias("email"),
        Membership.user.locale.as_alias("locale"),
    ).where(where, Membership.user.is_active == True)  # noqa: E712
    return list({row["id"]: Party(**row) for row in rows}.values())


async def people_of(pilot: PilotRow, sides: Iterable[Side], *, opened_by: int | None) -> list[Party]:
    """Who hears for each side: the organiser who opened the pilot (every organiser when that
    account is gone), the municipality's staff, the startup's members. Each person once."""
    found: dict[int, Party] = {}
    for side in sides:
        if side is Side.ORGANISER:
            people = []
            if opened_by is not None:
                people = await _people((Membership.user == opened_by) & (Membership.role == Role.ORGANISER))
            people = people or await _people(Membership.role == Role.ORGANISER)
        elif side is Side.MUNICIPALITY:
            people = await _people(
                (Membership.role == Role.MUNICIPALITY) & (Membership.organisation_id == pilot.municipality)
            )
        else:
            people = await _people((Membership.role == Role.STARTUP) & (Membership.organisation_id == pilot.startup))
        for person in people:
            found.setdefault(person.id, person)
    return list(found.values())


async def opened_by(pilot_id: int) -> int | None:
    row = await Pilot.select(Pilot.opened_by).where(Pilot.id == pilot_id).first()
    return row["opened_by"] if row else None


_LIST_COLUMNS = (
    Pilot.id,
    Pilot.title,
    Pilot.language,
    Pilot.status,
    Pilot.startup.name.as_alias("startup_name"),
    Pilot.municipality.name.as_alias("municipality_name"),
    Pilot.starts_on,
    Pilot.ends_on,
    Pilot.current_version,
    Pilot.version_in_force,
)


async def pilots_of_edition(edition_id: int) -> list[PilotListRow]:
    rows = await Pilot.select(*_LIST_COLUMNS).where(Pilot.edition == edition_id).order_by(Pilot.id)
    return to_all(rows, PilotListRow)


async def pilots_of_party(user: CurrentUser) -> list[PilotListRow]:
    """The pilots a person works on: all for organisers; otherwise their municipality's, their
    startup's and those they accompany as mentor. Newest first."""
    query = Pilot.select(*_LIST_COLUMNS).order_by(Pilot.id, ascending=False)
    if not user.is_organiser:
        municipalities = list(user.organisations(Role.MUNICIPALITY))
        startups = list(user.organisations(Role.STARTUP))
        where: Where | Or = Pilot.mentor == user.id
        if municipalities:
            where = where | Pilot.municipality.is_in(municipalities)
        if startups:
            where = where | Pilot.startup.is_in(startups)
        query = query.where(where)
    return to_all(await query, PilotListRow)


async def names_of(pilot: PilotRow) -> dict[str, str]:
    """The parties' names a page and a mail show (the mentor's too, when there is one)."""
    startup = await Startup.select(Startup.name).where(Startup.id == pilot.startup).first()
    municipality = await Municipality.select(Municipality.name).where(Municipality.id == pilot.municipality).first()
    mentor = await User.select(User.name).where(User.id == pilot.mentor).first() if pilot.mentor else None
    return {
        "startup": startup["name"] if startup else "",
        "municipality": municipality["name"] if municipality else "",
        "mentor": mentor["name"] if mentor else "",
    }


@dataclass(frozen=True)
class WorkView:
    """What the overview of a pilot's working pages shows one viewer."""

    pilot: PilotRow
    names: dict[str, str]
    versions: list[VersionRow]  # newest first
    current: VersionRow
    in_force: VersionRow | None
    my_sides: frozenset[Side]
    to_sign: tuple[Side, ...]  # the sides this viewer may still sign the current version for
    actions: tuple[PilotAction, ...]  # the organiser's buttons
    may_amend: bool


async def work_view(user: CurrentUser, pilot: PilotRow) -> WorkView:
    versions = await versions_of(pilot.id)
    current = next((v for v in versions if v.number == pilot.current_version), None)
    if current is None:
        raise NotFound(NO_VERSION)
    mine = sides_of(user, pilot)
    ended = pilot.status in lifecycle.FINAL
    return WorkView(
        pilot=pilot,
        names=await names_of(pilot),
        versions=versions,
        current=current,
        in_force=next((v for v in versions if v.number == pilot.version_in_force), None),
        my_sides=mine,
        to_sign=() if ended else tuple(side for side in current.waiting_for if side in mine),
        actions=tuple(a for a in PilotAction if a in lifecycle.allowed_actions(pilot.status))
        if user.is_organiser
        else (),
        may_amend=user.is_organiser and not ended,
    )


async def agreement_out(pilot_id: int) -> PilotAgreementOut:
    """A pilot's agreement as the API gives it to the pilot's parties (drafts included)."""
    pilot = await load_pilot(pilot_id)
    versions = [
        VersionOut(
            number=v.number,
            scope=v.terms.scope,
            locations=list(v.terms.locations),
            starts_on=v.terms.starts_on,
            ends_on=v.terms.ends_on,
            budget_eur=v.terms.budget_eur,
            funded_by=v.terms.funded_by,
            procurement=v.terms.procurement,
            data_terms=v.terms.data_terms,
            mentor_id=v.terms.mentor_id,
            changed=list(v.changed),
            note=v.note,
            created_at=v.created_at,
            signatures=[
                SignatureOut(side=s.side, signer_name=s.signer_name, signed_at=s.signed_at) for s in v.signatures
            ],
            waiting_for=list(v.waiting_for),
        )
        for v in await versions_of(pilot_id)
    ]
    return PilotAgreementOut(
        id=pilot.id,
        code=pilot.code,
        title=pilot.title,
        status=pilot.status,
        edition_id=pilot.edition,
        application_id=pilot.application,
        problem_id=pilot.problem,
        municipality_id=pilot.municipality,
        startup_id=pilot.startup,
        mentor_id=pilot.mentor,
        current_version=pilot.current_version,
        version_in_force=pilot.version_in_force,
        stop_reason=pilot.stop_reason,
        versions=versions,
    )
