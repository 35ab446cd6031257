"""Rows for tests, built directly: fast, explicit, and independent of the services under test."""

from __future__ import annotations

import itertools
from typing import Any

from challenge.enums import SettlementKind
from challenge.tables import Edition, Municipality, Startup
from core.auth import hash_password
from core.enums import Role
from core.tables import Membership, User

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)
_sequence = itertools.count(1)


async def make_user(
    *,
    email: str | None = None,
    name: str = "Test Person",
    verified: bool = True,
    role: Role | None = None,
    edition_id: int | None = None,
    organisation_id: int | None = None,
) -> dict[str, Any]:
    n = next(_sequence)
    email = email or f"person{n}@example.org"
    user = (
        await User.insert(User(email=email, name=name, password_hash=_HASH, is_verified=verified)).returning(
            *User.all_columns()
        )
    )[0]
    if role is not None:
        await Membership.insert(
            Membership(user=user["id"], role=role, edition_id=edition_id, organisation_id=organisation_id)
        )
    return user


async def make_edition(*, slug: str | None = None, year: int = 2026, name: str = "Test Challenge") -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Edition.insert(Edition(name=name, year=year, slug=slug or f"edition-{n}", language="en")).returning(
            *Edition.all_columns()
        )
    )[0]


async def make_municipality(
    *, name: str | None = None, kind: SettlementKind = SettlementKind.RURAL, region: str = "Zlatibor"
) -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Municipality.insert(
            Municipality(name=name or f"Selo {n}", region=region, population=4_200, kind=kind)
        ).returning(*Municipality.all_columns())
    )[0]


async def make_startup(*, name: str | None = None) -> dict[str, Any]:
    n = next(_sequence)
    return (
        await Startup.insert(Startup(name=name or f"Startup {n}", country="Serbia", city="Niš")).returning(
            *Startup.all_columns()
        )
    )[0]


async def set_timeline(edition_id: int, **starts: Any) -> None:
    """Phase starts by name, e.g. set_timeline(e, problem_intake=t0, applications=t1)."""
    from challenge.tables import EditionPhase

    await EditionPhase.delete().where(EditionPhase.edition == edition_id)
    for phase, moment in starts.items():
        await EditionPhase.insert(EditionPhase(edition=edition_id, phase=phase, starts_at=moment))


async def make_open_edition(**fields: Any) -> dict[str, Any]:
    """An edition whose problem intake opened yesterday and closes in 30 days."""
    from datetime import timedelta

    from core.clock import utc_now

    edition = await make_edition(**fields)
    now = utc_now()
    await set_timeline(edition["id"], problem_intake=now - timedelta(days=1), applications=now + timedelta(days=30))
    return edition


async def make_edition_taking_applications(*, closes_in: Any = None, **fields: Any) -> dict[str, Any]:
    """An edition whose applications opened yesterday and close (screening starts) in `closes_in`, default 10 days."""
    from datetime import timedelta

    from core.clock import utc_now

    edition = await make_edition(**fields)
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=1),
        screening=now + (closes_in if closes_in is not None else timedelta(days=10)),
    )
    return edition


# A complete application's content, as the form and the services take it.
APPLICATION_CONTENT = {
    "track": "smart_rural",
    "solution": "Acoustic leak sensors on the main pipes.",
    "why_us": "We built this for two utilities already.",
    "pilot_plan": "Six weeks in two villages.",
    "impact": "A third less water lost.",
    "sdgs": ["6"],
}


COMPLETE_PROBLEM = {
    "title": "Drinking water losses in village networks",
    "track": "smart_rural",
    "summary": "A third of the water pumped never reaches a tap.",
    "context": "Old pipes, no metering between the pumping station and the villages.",
    "affected_groups": "Households in 14 villages, two schools",
    "affected_count": 4200,
    "tried_before": "Manual leak detection once a year.",
    "data_available": "Monthly pumping volumes since 2019.",
    "open_data_links": ["https://data.gov.rs/sr/datasets/water"],
    "sdgs": [6, 11],
    "budget_range": "10k_50k",
    "procurement_path": "pilot",
    "pilot_location": "Kušići and Bratljevo",
    "contact_name": "Jelena Marković",
    "contact_email": "jelena@ivanjica.rs",
}


async def make_problem(
    *, edition_id: int, municipality_id: int, status: str = "published", endorsements: int = 0, **fields: Any
) -> dict[str, Any]:
    from challenge.tables import Problem
    from core.clock import utc_now

    values = {"language": "en", **COMPLETE_PROBLEM, **fields}  # the factories write English
    values["sdg_tags"] = "".join(f",{goal}," for goal in values["sdgs"])
    now = utc_now()
    problem_id = (
        await Problem.insert(
            Problem(
                edition=edition_id,
                municipality=municipality_id,
                status=status,
                endorsement_count=endorsements,
                submitted_at=now if status != "draft" else None,
                published_at=now if status == "published" else None,
                **values,
            )
        ).returning(Problem.id)
    )[0]["id"]
    return await Problem.select().where(Problem.id == problem_id).first().output(load_json=True)


async def make_score_sheet(*, round_id: int, judge_id: int, application_id: int, key: str, **sheet: Any) -> int:
    """A judge assigned to an application in a round, and their score sheet for it (`sheet`: its
    status, values, comments, total). Returns the assignment's id."""
    from judging.tables import JudgeAssignment, ScoreSheet

    assignment = (
        await JudgeAssignment.insert(
            JudgeAssignment(round=round_id, judge=judge_id, application=application_id, key=key)
        ).returning(JudgeAssignment.id)
    )[0]["id"]
    await ScoreSheet.insert(
        ScoreSheet(
            assignment=assignment,
            key=str(assignment),
            round=round_id,
            judge=judge_id,
            application=application_id,
            **sheet,
        )
    )
    return assignment
