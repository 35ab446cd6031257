"""Last year's winners, piloting: two running pilots with half a year of measurements each.

ParkPulse lights two boulevards in Kragujevac (in English), AgroSense weighs the waste of Pirot's
villages (in Serbian). Each agreement was signed by the three sides half a year ago (Kragujevac's
amended since, and signed again); each KPI has its monthly measurements, one of them disputed by
the municipality; one milestone is overdue; residents have left feedback through the poster's
link, and Pirot's staff typed in what they heard at a village meeting.

Written straight to the tables, like the rest of last year: no service backdates its rows.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from challenge.tables import Application, ApplicationProblem, Edition, Problem
from core.clock import utc_now
from core.demo.people import MENTORS, ORGANISER
from core.demo.startups import DEMO_DECK
from core.demo.world import ZONE, World, slug
from core.storage import store_bytes
from core.tables import StoredFile
from pilots.enums import (
    SIDES,
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotProcurement,
    PilotStatus,
    Review,
    Side,
    SignOffDecision,
)
from pilots.rules.agreement import other_sides
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
    SignOff,
)

# Days from today: the pilots began half a year ago and run for a year.
STARTED = -185
LENGTH = 365


@dataclass(frozen=True)
class DemoKpi:
    name: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    method: str
    frequency: Frequency
    reporter: Side
    sdg: int
    sdg_target: str
    values: tuple[float, ...]  # month by month since the start
    # (month index, reason): the municipality disputes that month's value.
    disputed: tuple[int, str] | None = None


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    deliverable: str
    due: int  # days from the pilot's start
    sign_off_by: tuple[Side, ...]
    approved_by: tuple[Side, ...]  # who has signed off so far


@dataclass(frozen=True)
class DemoPilot:
    startup: str
    title: str
    scope: str
    locations: tuple[str, ...]
    budget_eur: int
    funded_by: str
    procurement: PilotProcurement
    data_terms: str
    kpis: tuple[DemoKpi, ...]
    milestones: tuple[DemoMilestone, ...]
    # (rating, comment, local, language, days ago); in-person ones are entered by the town's staff.
    feedback: tuple[tuple[int, str, bool, str, int], ...]
    in_person: tuple[tuple[int, str, bool, str, int], ...] = ()
    amended_budget: int | None = None  # an amendment, signed by all three a month in
    language: str = "en"  # of the texts above


ORG, MUN, STA = Side.ORGANISER, Side.MUNICIPALITY, Side.STARTUP

PILOTS = (
    DemoPilot(
        startup="ParkPulse",
        title="Adaptive street lighting on two boulevards",
        scope="Presence sensors and dimmable controllers on 240 street lights of Kralja Petra I and "
        "Kralja Aleksandra boulevards: full light where people are, 30% where nobody is.",
        locations=("Bulevar Kralja Petra I", "Bulevar Kralja Aleksandra"),
        budget_eur=42_000,
        funded_by="City of Kragujevac (60%), ParkPulse (40%)",
        procurement=PilotProcurement.INNOVATION_PROCUREMENT,
        data_terms="The city owns all readings. Hourly energy per lighting cabinet is published monthly as "
        "open data under CC BY 4.0; presence counts only as hourly totals, never per person.",
        amended_budget=48_500,
        kpis=(
            DemoKpi("Energy used by the two boulevards per night", "kWh", Direction.DOWN, 1_840, 1_150,
                    "Smart meters on the 6 lighting cabinets, nightly total averaged over the month.",
                    Frequency.MONTHLY, STA, 7, "7.3", (1_790, 1_610, 1_420, 1_180, 1_360, 1_310),
                    disputed=(3, "Cabinet 4's meter was offline from the 3rd to the 17th; "
                                 "the month's average leaves out two weeks of its consumption.")),
            DemoKpi("Lighting faults reported by residents", "reports a month", Direction.DOWN, 46, 20,
                    "Reports to the city's 48-hour line tagged 'street lighting', for the two boulevards.",
                    Frequency.MONTHLY, MUN, 11, "11.7", (44, 39, 31, 28, 24, 23)),
            DemoKpi("Residents who feel safe walking there at night", "%", Direction.UP, 58, 75,
                    "Street survey of 200 passers-by, same four spots, every quarter.",
                    Frequency.QUARTERLY, MUN, 11, "11.7", (63, 68)),
        ),
        milestones=(
            DemoMilestone("Controllers installed on Kralja Petra I", "120 lights dimmable, commissioning report",
                          30, (MUN, STA), (MUN, STA)),
            DemoMilestone("Mid-term review", "Report on energy, faults and survey; go/no-go for the second boulevard",
                          120, (ORG, MUN, STA), (ORG, MUN, STA)),
            DemoMilestone("Second boulevard connected", "120 more lights on Kralja Aleksandra, commissioning report",
                          160, (MUN, STA), (STA,)),
            DemoMilestone("Final report and open data set", "Final report; a year of readings published",
                          360, (ORG, MUN, STA), ()),
        ),
        feedback=(
            (5, "I walk my dog late and the lights come up ahead of me. Feels much safer.", True, "en", 150),
            (4, "Svetlo se pali kad prođem, super. Nekad malo kasni.", True, "sr", 140),
            (2, "Too dark near the bus stop at the corner when nobody is around.", True, "en", 120),
            (5, "", False, "sr", 100),
            (4, "Manje svetla u praznim satima, a ne smeta. Bravo.", True, "sr", 80),
            (3, "Good idea, but the second boulevard is still not done.", True, "en", 20),
            (1, "Buy cheap watches here!!! www.example.com", False, "en", 15),  # hidden as spam
        ),
    ),
    DemoPilot(
        startup="AgroSense",
        language="sr",
        title="Senzori popunjenosti kontejnera u selima Visoka",
        scope="Senzori popunjenosti na 140 kontejnera u 20 sela Visoka; kamion ide samo tamo gde su "
        "kontejneri puni, po ruti koju sistem predloži svakog jutra.",
        locations=("Sela Visoka", "Deponija Pirot"),
        budget_eur=18_000,
        funded_by="Opština Pirot",
        procurement=PilotProcurement.DIRECT_PILOT,
        data_terms="Podaci o popunjenosti i rutama pripadaju opštini; mesečni zbirovi po selu su otvoreni "
        "podaci (CC BY 4.0).",
        kpis=(
            DemoKpi("Ture kamiona sa polupraznim kontejnerima", "%", Direction.DOWN, 42, 15,
                    "Udeo tura u kojima je prosečna popunjenost ispod 50%, iz GPS-a kamiona i senzora.",
                    Frequency.MONTHLY, STA, 12, "12.5", (38, 33, 27, 24, 20, 19),
                    disputed=(2, "GPS u dva kamiona nije radio od 5. do 19. u mesecu; "
                                 "te ture nisu uračunate, pa je udeo potcenjen.")),
            DemoKpi("Prepuni kontejneri", "prijava mesečno", Direction.DOWN, 31, 10,
                    "Prijave meštana i komunalnog preduzeća o prepunim kontejnerima.",
                    Frequency.MONTHLY, MUN, 11, "11.6", (29, 22, 18, 17, 12, 11)),
        ),
        milestones=(
            DemoMilestone("Senzori postavljeni u 20 sela", "140 senzora u radu, zapisnik o postavljanju",
                          45, (MUN, STA), (MUN, STA)),
            DemoMilestone("Nove rute u upotrebi", "Dnevne rute iz sistema, obuka vozača", 90, (MUN, STA), (MUN, STA)),
            DemoMilestone("Izveštaj za proširenje na 70 sela", "Procena troškova i koristi za sva sela",
                          300, (ORG, MUN, STA), ()),
        ),
        feedback=(
            (5, "Kontejner kod škole više nije prepun vikendom.", True, "sr", 160),
            (4, "Kamion dolazi ređe, ali kad treba.", True, "sr", 110),
            (3, "Kod nas u Dojkincima i dalje se prepuni posle slave.", True, "sr", 60),
            (5, "Finally no overflowing bins on the road to Stara planina.", False, "en", 30),
        ),
        in_person=(
            (4, "Na zboru meštana u Visočkoj Ržani: zadovoljni, traže još dva kontejnera.", True, "sr", 75),
            (2, "Baka Stana iz Senokosa: kontejner je predaleko od kuće.", True, "sr", 75),
        ),
    ),
)  # fmt: skip


async def running_pilots(world: World) -> None:
    """Last year's two winners, each in its running pilot."""
    today = utc_now().astimezone(ZoneInfo(ZONE)).date()
    past = (await Edition.select(Edition.id).where(Edition.slug == "2025").first() or {})["id"]
    for demo in PILOTS:
        await _pilot(world, demo, past=past, today=today)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=utc_now().tzinfo)


async def _pilot(world: World, demo: DemoPilot, *, past: int, today: date) -> None:
    startup = world.startups[demo.startup]
    application = (
        await Application.select(Application.id)
        .where(Application.edition == past, Application.startup == startup)
        .first()
    )
    assert application is not None, f"{demo.startup} has no application last year"
    problem = await _problem_of(application["id"])
    starts_on = today + timedelta(days=STARTED)
    ends_on = starts_on + timedelta(days=LENGTH)
    town = problem["municipality"]
    town_name = next(name for name, municipality in world.municipalities.items() if municipality == town)
    people = {
        ORG: world.users[ORGANISER],
        MUN: world.users[world.staff[town_name]],
        STA: world.users[world.founders[demo.startup]],
    }
    terms: dict[str, Any] = {
        "scope": demo.scope,
        "locations": list(demo.locations),
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "budget_eur": demo.budget_eur,
        "funded_by": demo.funded_by,
        "procurement": demo.procurement.value,
        "data_terms": demo.data_terms,
        "mentor_id": world.users[MENTORS[0][0]],
    }
    # (terms, the terms it changed, the author's note, the day all three had signed it)
    versions: list[tuple[dict[str, Any], list[str], str, date]] = [(terms, [], "", starts_on - timedelta(days=12))]
    if demo.amended_budget is not None:
        amended = {**terms, "budget_eur": demo.amended_budget}
        note = "Twenty more controllers for the side streets."
        versions.append((amended, ["budget_eur"], note, starts_on + timedelta(days=35)))
    in_force = versions[-1][0]
    pilot = (
        await Pilot.insert(
            Pilot(
                edition=past,
                application=application["id"],
                problem=problem["id"],
                municipality=town,
                startup=startup,
                code=secrets.token_hex(4),
                title=demo.title,
                language=demo.language,
                status=PilotStatus.RUNNING,
                scope=in_force["scope"],
                locations=in_force["locations"],
                starts_on=starts_on,
                ends_on=ends_on,
                budget_eur=in_force["budget_eur"],
                funded_by=in_force["funded_by"],
                procurement=in_force["procurement"],
                data_terms=in_force["data_terms"],
                mentor=in_force["mentor_id"],
                current_version=len(versions),
                version_in_force=len(versions),
                opened_by=people[ORG],
                created_at=_at(starts_on - timedelta(days=20)),
                agreed_at=_at(versions[0][3]),
                started_at=_at(starts_on, 8),
                updated_at=_at(versions[-1][3]),
            )
        ).returning(Pilot.id)
    )[0]["id"]
    for number, (version_terms, changed, note, signed_on) in enumerate(versions, start=1):
        await _version(pilot, number, version_terms, changed, note, people, signed_on)
    for position, kpi in enumerate(demo.kpis):
        await _kpi(pilot, position, kpi, people, starts_on=starts_on, today=today)
    for milestone in demo.milestones:
        await _milestone(pilot, milestone, people, starts_on=starts_on)
    for rating, comment, local, language, days_ago in demo.feedback:
        await PilotFeedback.insert(
            PilotFeedback(
                pilot=pilot,
                rating=rating,
                comment=comment,
                local=local,
                language=language,
                hidden="www." in comment,
                hidden_reason="Advertising." if "www." in comment else "",
                hidden_by=people[MUN] if "www." in comment else None,
                created_at=_at(today - timedelta(days=days_ago), 18),
            )
        )
    for rating, comment, local, language, days_ago in demo.in_person:
        await PilotFeedback.insert(
            PilotFeedback(
                pilot=pilot,
                rating=rating,
                comment=comment,
                local=local,
                language=language,
                source=FeedbackSource.IN_PERSON,
                entered_by=people[MUN],
                created_at=_at(today - timedelta(days=days_ago), 19),
            )
        )


async def _problem_of(application: int) -> dict[str, Any]:
    link = (
        await ApplicationProblem.select(ApplicationProblem.problem)
        .where(ApplicationProblem.application == application)
        .first()
    )
    assert link is not None
    row = await Problem.select(Problem.id, Problem.municipality).where(Problem.id == link["problem"]).first()
    assert row is not None
    return row


async def _version(
    pilot: int,
    number: int,
    terms: dict[str, Any],
    changed: list[str],
    note: str,
    people: dict[Side, int],
    signed_on: date,
) -> None:
    version = (
        await AgreementVersion.insert(
            AgreementVersion(
                pilot=pilot,
                number=number,
                key=f"{pilot}:{number}",
                terms=terms,
                changed=changed,
                note=note,
                author=people[ORG],
                created_at=_at(signed_on - timedelta(days=3)),
            )
        ).returning(AgreementVersion.id)
    )[0]["id"]
    for hour, side in enumerate(SIDES, start=9):
        await Signature.insert(
            Signature(
                version=version,
                side=side,
                key=f"{version}:{side.value}",
                signer=people[side],
                signed_at=_at(signed_on, hour),
            )
        )


async def _kpi(
    pilot: int, position: int, kpi: DemoKpi, people: dict[Side, int], *, starts_on: date, today: date
) -> None:
    months = 3 if kpi.frequency is Frequency.QUARTERLY else 1
    kpi_id = (
        await Kpi.insert(
            Kpi(
                pilot=pilot,
                position=position,
                name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                baseline_value=kpi.baseline,
                baseline_on=starts_on - timedelta(days=20),
                target_value=kpi.target,
                method=kpi.method,
                frequency=kpi.frequency,
                reporter=kpi.reporter,
                sdg=kpi.sdg,
                sdg_target=kpi.sdg_target,
                created_at=_at(starts_on - timedelta(days=15)),
            )
        ).returning(Kpi.id)
    )[0]["id"]
    for index, value in enumerate(kpi.values):
        measured_on = starts_on + timedelta(days=30 * months * (index + 1))
        if measured_on > today:
            break
        disputed = kpi.disputed is not None and kpi.disputed[0] == index
        latest = index == len(kpi.values) - 1
        status = (
            MeasurementStatus.DISPUTED
            if disputed
            else MeasurementStatus.REPORTED
            if latest
            else MeasurementStatus.ACCEPTED
        )
        measurement = (
            await Measurement.insert(
                Measurement(
                    kpi=kpi_id,
                    measured_on=measured_on,
                    value=value,
                    note="" if not latest else "Preliminary: the last week is estimated.",
                    status=status,
                    reported_by=people[kpi.reporter],
                    created_at=_at(measured_on + timedelta(days=2)),
                )
            ).returning(Measurement.id)
        )[0]["id"]
        if kpi.reporter is STA:
            await _evidence(measurement, kpi, measured_on, value, people[STA])
        if latest and not disputed:
            continue
        for hour, side in enumerate(other_sides(kpi.reporter), start=11):
            dispute = disputed and side is MUN
            await MeasurementReview.insert(
                MeasurementReview(
                    measurement=measurement,
                    side=side,
                    review=Review.DISPUTE if dispute else Review.ACCEPT,
                    reason=kpi.disputed[1] if dispute and kpi.disputed else "",
                    reviewer=people[side],
                    created_at=_at(measured_on + timedelta(days=5), hour),
                )
            )


async def _evidence(measurement: int, kpi: DemoKpi, measured_on: date, value: float, owner: int) -> None:
    """The report the startup attached: a PDF (as the evidence upload takes), stored as uploads are."""
    reading = f"% {measured_on.isoformat()} {slug(kpi.name)} {value:g}\n%%EOF"
    content = DEMO_DECK.replace(b"%%EOF", reading.encode())
    writer = await store_bytes(content)
    stored = (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name=f"readings-{measured_on.isoformat()}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                owner=owner,
                purpose="pilot_evidence",
                created_at=_at(measured_on + timedelta(days=2)),
            )
        ).returning(StoredFile.id)
    )[0]["id"]
    await MeasurementEvidence.insert(MeasurementEvidence(measurement=measurement, file=stored))


async def _milestone(pilot: int, milestone: DemoMilestone, people: dict[Side, int], *, starts_on: date) -> None:
    due_on = starts_on + timedelta(days=milestone.due)
    achieved = set(milestone.approved_by) == set(milestone.sign_off_by)
    milestone_id = (
        await Milestone.insert(
            Milestone(
                pilot=pilot,
                title=milestone.title,
                deliverable=milestone.deliverable,
                due_on=due_on,
                sign_off_by=[side.value for side in SIDES if side in milestone.sign_off_by],
                public=True,
                status=MilestoneStatus.ACHIEVED if achieved else MilestoneStatus.PENDING,
                achieved_at=_at(due_on - timedelta(days=2), 16) if achieved else None,
                created_at=_at(starts_on - timedelta(days=10)),
            )
        ).returning(Milestone.id)
    )[0]["id"]
    for hour, side in enumerate(milestone.approved_by, start=12):
        await SignOff.insert(
            SignOff(
                milestone=milestone_id,
                side=side,
                decision=SignOffDecision.APPROVE,
                signer=people[side],
                created_at=_at(due_on - timedelta(days=2), hour),
            )
        )
