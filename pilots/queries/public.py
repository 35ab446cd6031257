"""Read side of the pilots' public pages: the list, a pilot's page and an edition's roll-up.

Residents see a pilot once every side signed its agreement (`lifecycle.PUBLIC`); a draft does not
exist for them (404, absent from every list). They see its public terms only (no data terms, no
person's name or address), its public milestones with every refusal's reason, each KPI with its
measurements (disputed ones marked, never counted into progress) and the residents' feedback that
moderation left visible. Each list is one query with its joins, whatever the number of pilots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec

from challenge.enums import SettlementKind
from challenge.rules.sdgs import SDGS
from challenge.tables import Edition
from core.errors import NotFound
from core.rules import N_
from pilots.enums import (
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotProcurement,
    PilotStatus,
    Side,
)
from pilots.queries.pilots import NO_SUCH_PILOT
from pilots.rules.feedback import Rated, Summary, summarise
from pilots.rules.kpis import KpiFields, Point
from pilots.rules.lifecycle import PUBLIC
from pilots.rules.milestones import is_overdue
from pilots.rules.progress import Standing, standing
from pilots.schemas import KpiDefinition
from pilots.tables import Kpi, Measurement, Milestone, Pilot, PilotFeedback, SignOff

NO_SUCH_EDITION = N_("This edition does not exist.")
NO_SUCH_KPI = N_("This pilot has no such KPI.")
PUBLIC_STATUSES = [status.value for status in PilotStatus if status in PUBLIC]
KINDS = tuple(kind.value for kind in SettlementKind)

_LISTED = (
    Pilot.id,
    Pilot.title,
    Pilot.language,
    Pilot.status,
    Pilot.starts_on,
    Pilot.ends_on,
    Pilot.edition.as_alias("edition_id"),
    Pilot.edition.slug.as_alias("edition_slug"),
    Pilot.edition.name.as_alias("edition_name"),
    Pilot.edition.year.as_alias("edition_year"),
    Pilot.municipality.as_alias("municipality_id"),
    Pilot.municipality.name.as_alias("municipality_name"),
    Pilot.municipality.kind.as_alias("kind"),
    Pilot.startup.name.as_alias("startup_name"),
    Pilot.problem.as_alias("problem_id"),
    Pilot.problem.title.as_alias("problem_title"),
    Pilot.problem.sdgs.as_alias("sdgs"),
)


class ListedPilot(msgspec.Struct, frozen=True, kw_only=True):
    """A public pilot as a line of the list, with its edition, municipality and startup."""

    id: int
    title: str
    language: str  # of the pilot's texts (core.content.written)
    status: PilotStatus
    starts_on: date
    ends_on: date
    edition_id: int
    edition_slug: str
    edition_name: str
    edition_year: int
    municipality_id: int
    municipality_name: str
    kind: str
    startup_name: str
    problem_id: int
    problem_title: str
    sdgs: list[int]


class PublicPilot(ListedPilot, frozen=True, kw_only=True):
    """The agreement's public terms. Budget and funder are public terms of a public agreement;
    the data terms and the people of each side are not shown."""

    scope: str
    locations: list[str]
    budget_eur: int | None
    funded_by: str
    procurement: PilotProcurement
    stop_reason: str
    version_in_force: int | None
    agreed_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


def _whole(text: str) -> bool:
    """Digits int() reads: "²" and "٣" are digits to str.isdigit, and int() refuses the first."""
    return text.strip().isascii() and text.strip().isdecimal()


@dataclass(frozen=True)
class PilotFilters:
    """The list's filters as a query string gives them; values that name nothing are dropped."""

    edition: str = ""  # an edition's slug
    municipality: int | None = None
    kind: str = ""  # challenge's SettlementKind of the municipality
    sdg: int | None = None

    @classmethod
    def from_query(cls, *, edition: str = "", municipality: str = "", kind: str = "", sdg: str = "") -> PilotFilters:
        return cls(
            edition=edition.strip()[:80],
            municipality=int(municipality) if _whole(municipality) and len(municipality.strip()) < 10 else None,
            kind=kind if kind in KINDS else "",
            sdg=int(sdg) if _whole(sdg) and len(sdg.strip()) < 3 and int(sdg) in SDGS else None,
        )

    def query(self) -> dict[str, str]:
        return {
            "edition": self.edition,
            "municipality": str(self.municipality) if self.municipality else "",
            "kind": self.kind,
            "sdg": str(self.sdg) if self.sdg else "",
        }


def _public_where(query: Any, filters: PilotFilters) -> Any:
    query = query.where(Pilot.status.is_in(PUBLIC_STATUSES))
    if filters.edition:
        query = query.where(Pilot.edition.slug == filters.edition)
    if filters.municipality is not None:
        query = query.where(Pilot.municipality == filters.municipality)
    if filters.kind:
        query = query.where(Pilot.municipality.kind == filters.kind)
    if filters.sdg is not None:
        query = query.where(Pilot.problem.sdg_tags.like(f"%,{filters.sdg},%"))
    return query


async def public_pilots(
    filters: PilotFilters = PilotFilters(), *, page: int = 1, page_size: int | None = None
) -> list[ListedPilot]:
    """Public pilots matching `filters`: the newest edition first, then by start; all of them, or
    one page of `page_size` (and one more, which tells the caller a next page exists)."""
    query = _public_where(Pilot.select(*_LISTED), filters).order_by(Pilot.edition.year, ascending=False)
    query = query.order_by(Pilot.starts_on, Pilot.id)
    if page_size is not None:
        query = query.limit(page_size + 1).offset((page - 1) * page_size)
    rows = await query.output(load_json=True)
    return [msgspec.convert(row, ListedPilot) for row in rows]


PAGE_SIZE = 20


@dataclass(frozen=True)
class ListedPilots:
    rows: list[ListedPilot]
    page: int
    has_next: bool
    total: int  # matching pilots on every page


async def public_pilot_page(filters: PilotFilters, *, page: int, page_size: int = PAGE_SIZE) -> ListedPilots:
    """One page of the public list, as the catalogue of problems pages its own."""
    rows = await public_pilots(filters, page=page, page_size=page_size)
    total = await _public_where(Pilot.count(), filters)
    return ListedPilots(rows=rows[:page_size], page=page, has_next=len(rows) > page_size, total=total)


class Choice(msgspec.Struct, frozen=True):
    value: str
    name: str


@dataclass(frozen=True)
class FilterChoices:
    editions: list[Choice]  # slug, name with year
    municipalities: list[Choice]  # id, name


async def filter_choices() -> FilterChoices:
    """The editions and municipalities that have public pilots, for the list's filter form."""
    rows = await Pilot.select(
        Pilot.edition.slug.as_alias("slug"),
        Pilot.edition.name.as_alias("edition_name"),
        Pilot.edition.year.as_alias("year"),
        Pilot.municipality.as_alias("municipality_id"),
        Pilot.municipality.name.as_alias("municipality_name"),
    ).where(Pilot.status.is_in(PUBLIC_STATUSES))
    editions = {row["slug"]: (row["year"], f"{row['edition_name']} ({row['year']})") for row in rows}
    municipalities = {str(row["municipality_id"]): row["municipality_name"] for row in rows}
    return FilterChoices(
        editions=[Choice(slug, name) for slug, (_, name) in sorted(editions.items(), key=lambda item: -item[1][0])],
        municipalities=[Choice(key, name) for key, name in sorted(municipalities.items(), key=lambda item: item[1])],
    )


# --- one pilot's page --------------------------------------------------------------------------


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    side: Side
    reason: str
    at: datetime


class PublicMilestone(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    title: str
    deliverable: str
    due_on: date
    status: MilestoneStatus
    sign_off_by: list[Side]
    achieved_at: datetime | None
    overdue: bool
    refusals: list[Refusal]


class PublicMeasurement(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    measured_on: date
    value: float
    status: MeasurementStatus


class PublicKpi(KpiDefinition, frozen=True, kw_only=True):
    measurements: list[PublicMeasurement]  # by date, every status; the page marks them apart
    standing: Standing

    @property
    def accepted(self) -> list[PublicMeasurement]:
        return [m for m in self.measurements if m.status is MeasurementStatus.ACCEPTED]

    @property
    def disputed(self) -> list[PublicMeasurement]:
        return [m for m in self.measurements if m.status is MeasurementStatus.DISPUTED]

    @property
    def awaiting(self) -> list[PublicMeasurement]:
        return [m for m in self.measurements if m.status is MeasurementStatus.REPORTED]


class FeedbackComment(msgspec.Struct, frozen=True, kw_only=True):
    """A visible comment as residents read it: never who wrote or typed it in."""

    id: int
    rating: int
    comment: str
    local: bool
    language: str
    source: FeedbackSource
    created_at: datetime


@dataclass(frozen=True)
class PilotPage:
    pilot: PublicPilot
    milestones: list[PublicMilestone]
    kpis: list[PublicKpi]
    feedback: Summary
    comments: list[FeedbackComment]


_TERMS = (
    *_LISTED,
    Pilot.scope,
    Pilot.locations,
    Pilot.budget_eur,
    Pilot.funded_by,
    Pilot.procurement,
    Pilot.stop_reason,
    Pilot.version_in_force,
    Pilot.agreed_at,
    Pilot.started_at,
    Pilot.ended_at,
)


async def every_public_pilot() -> list[PublicPilot]:
    """Every public pilot with its public terms, in id order (open data)."""
    rows = (
        await Pilot.select(*_TERMS).where(Pilot.status.is_in(PUBLIC_STATUSES)).order_by(Pilot.id).output(load_json=True)
    )
    return [msgspec.convert(row, PublicPilot) for row in rows]


async def public_pilot(pilot_id: int) -> PublicPilot:
    """A pilot residents may see, or NotFound (drafts and unknown ids alike)."""
    row = await (
        Pilot.select(*_TERMS)
        .where(Pilot.id == pilot_id, Pilot.status.is_in(PUBLIC_STATUSES))
        .first()
        .output(load_json=True)
    )
    if row is None:
        raise NotFound(NO_SUCH_PILOT)
    return msgspec.convert(row, PublicPilot)


def kpi_fields(kpi: dict[str, Any]) -> KpiFields:
    return KpiFields(
        name=kpi["name"],
        unit=kpi["unit"],
        direction=Direction(kpi["direction"]),
        baseline_value=kpi["baseline_value"],
        baseline_on=kpi["baseline_on"],
        target_value=kpi["target_value"],
        method=kpi["method"],
        frequency=Frequency(kpi["frequency"]),
        reporter=Side(kpi["reporter"]),
        sdg=kpi["sdg"],
        sdg_target=kpi["sdg_target"],
    )


async def kpis_of(pilot_ids: Sequence[int], periods: dict[int, tuple[date, date]]) -> dict[int, list[PublicKpi]]:
    """The KPIs of `pilot_ids` with their measurements, in two queries; per pilot, in position order."""
    if not pilot_ids:
        return {}
    kpis = await Kpi.select().where(Kpi.pilot.is_in(list(pilot_ids))).order_by(Kpi.position, Kpi.id)
    measured: dict[int, list[PublicMeasurement]] = defaultdict(list)
    if kpis:
        rows = await (
            Measurement.select(
                Measurement.id, Measurement.kpi, Measurement.measured_on, Measurement.value, Measurement.status
            )
            .where(Measurement.kpi.is_in([kpi["id"] for kpi in kpis]))
            .order_by(Measurement.measured_on, Measurement.id)
        )
        for row in rows:
            measured[row["kpi"]].append(msgspec.convert(row, PublicMeasurement))
    found: dict[int, list[PublicKpi]] = defaultdict(list)
    for kpi in kpis:
        fields = kpi_fields(kpi)
        points = [Point(m.measured_on, m.value, m.status) for m in measured[kpi["id"]]]
        starts_on, ends_on = periods[kpi["pilot"]]
        found[kpi["pilot"]].append(
            PublicKpi(
                id=kpi["id"],
                name=fields.name,
                unit=fields.unit,
                direction=fields.direction,
                baseline_value=fields.baseline_value,
                baseline_on=fields.baseline_on,
                target_value=fields.target_value,
                method=fields.method,
                frequency=fields.frequency,
                reporter=fields.reporter,
                sdg=fields.sdg,
                sdg_target=fields.sdg_target,
                measurements=measured[kpi["id"]],
                standing=standing(fields, points, starts_on=starts_on, ends_on=ends_on),
            )
        )
    return found


async def public_milestones(pilot_id: int, *, today: date) -> list[PublicMilestone]:
    """The pilot's public milestones by due date, each with every refusal it received and why."""
    return (await milestones_of([pilot_id], today={pilot_id: today})).get(pilot_id, [])


async def milestones_of(pilot_ids: Sequence[int], *, today: Mapping[int, date]) -> dict[int, list[PublicMilestone]]:
    """The public milestones of `pilot_ids` in two queries, per pilot by due date; `today` is
    each pilot's date where it runs, which says what is overdue."""
    if not pilot_ids:
        return {}
    rows = await (
        Milestone.select()
        .where(Milestone.pilot.is_in(list(pilot_ids)), Milestone.public.eq(True))
        .order_by(Milestone.due_on, Milestone.id)
        .output(load_json=True)
    )
    refusals: dict[int, list[Refusal]] = defaultdict(list)
    if rows:
        refused = await (
            SignOff.select(SignOff.milestone, SignOff.side, SignOff.reason, SignOff.created_at.as_alias("at"))
            .where(SignOff.milestone.is_in([row["id"] for row in rows]), SignOff.decision == "refuse")
            .order_by(SignOff.created_at, SignOff.id)
        )
        for row in refused:
            refusals[row["milestone"]].append(msgspec.convert(row, Refusal))
    found: dict[int, list[PublicMilestone]] = defaultdict(list)
    for row in rows:
        found[row["pilot"]].append(
            PublicMilestone(
                id=row["id"],
                title=row["title"],
                deliverable=row["deliverable"],
                due_on=row["due_on"],
                status=MilestoneStatus(row["status"]),
                sign_off_by=[Side(side) for side in row["sign_off_by"] or []],
                achieved_at=row["achieved_at"],
                overdue=is_overdue(MilestoneStatus(row["status"]), due_on=row["due_on"], today=today[row["pilot"]]),
                refusals=refusals[row["id"]],
            )
        )
    return found


async def visible_feedback(pilot_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Feedback moderation left visible. Hidden entries count nowhere: hiding is for abuse and
    spam, and a rating typed in a hundred times by one hand is not residents' voice."""
    if not pilot_ids:
        return []
    return list(
        await PilotFeedback.select(
            PilotFeedback.id,
            PilotFeedback.pilot,
            PilotFeedback.rating,
            PilotFeedback.comment,
            PilotFeedback.local,
            PilotFeedback.language,
            PilotFeedback.source,
            PilotFeedback.created_at,
        )
        .where(PilotFeedback.pilot.is_in(list(pilot_ids)), PilotFeedback.hidden.eq(False))
        .order_by(PilotFeedback.created_at, PilotFeedback.id)
    )


def feedback_summary(entries: Iterable[dict[str, Any]]) -> Summary:
    return summarise(Rated(rating=e["rating"], on=e["created_at"].date(), local=e["local"]) for e in entries)


async def pilot_page(pilot_id: int, *, today: date) -> PilotPage:
    pilot = await public_pilot(pilot_id)
    kpis = await kpis_of([pilot.id], {pilot.id: (pilot.starts_on, pilot.ends_on)})
    feedback = await visible_feedback([pilot.id])
    comments = [msgspec.convert(e, FeedbackComment) for e in reversed(feedback) if e["comment"].strip()]
    return PilotPage(
        pilot=pilot,
        milestones=await public_milestones(pilot.id, today=today),
        kpis=kpis.get(pilot.id, []),
        feedback=feedback_summary(feedback),
        comments=comments,
    )


# --- an edition's roll-up ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Pilots of one goal or one municipality: how many, in which status, and their KPIs."""

    key: str  # the goal's number or the municipality's id
    name: str
    pilots: int
    by_status: dict[str, int]  # every public status, zeros too
    kpis: int
    kpis_measured: int  # with at least one accepted value
    kpis_on_track: int


@dataclass(frozen=True)
class EditionRollup:
    edition: dict[str, Any]
    pilots: list[ListedPilot]
    by_sdg: list[Tally]  # goals with pilots, by number
    by_municipality: list[Tally]  # by name
    kpis: int
    kpis_measured: int
    kpis_on_track: int


async def edition_by_slug(slug: str) -> dict[str, Any]:
    edition = await Edition.select().where(Edition.slug == slug).first().output(load_json=True)
    if edition is None:
        raise NotFound(NO_SUCH_EDITION)
    return dict(edition)


def _tally(key: str, name: str, pilots: list[ListedPilot], kpis: dict[int, list[PublicKpi]]) -> Tally:
    theirs = [kpi for pilot in pilots for kpi in kpis.get(pilot.id, [])]
    return Tally(
        key=key,
        name=name,
        pilots=len(pilots),
        by_status={status: sum(1 for pilot in pilots if pilot.status == status) for status in PUBLIC_STATUSES},
        kpis=len(theirs),
        kpis_measured=sum(1 for kpi in theirs if kpi.standing.on_track is not None),
        kpis_on_track=sum(1 for kpi in theirs if kpi.standing.on_track),
    )


async def edition_rollup(slug: str) -> EditionRollup:
    """The edition's public pilots per goal (a pilot counts once for each of its problem's goals)
    and per municipality, with how many of their KPIs are on track (pilots.rules.progress)."""
    edition = await edition_by_slug(slug)
    pilots = await public_pilots(PilotFilters(edition=slug))
    kpis = await kpis_of([p.id for p in pilots], {p.id: (p.starts_on, p.ends_on) for p in pilots})
    per_goal: dict[int, list[ListedPilot]] = defaultdict(list)
    per_town: dict[int, list[ListedPilot]] = defaultdict(list)
    for pilot in pilots:
        for goal in sorted({int(goal) for goal in pilot.sdgs}):
            per_goal[goal].append(pilot)
        per_town[pilot.municipality_id].append(pilot)
    whole = _tally("", "", pilots, kpis)
    return EditionRollup(
        edition=edition,
        pilots=pilots,
        by_sdg=[_tally(str(goal), SDGS.get(goal, str(goal)), per_goal[goal], kpis) for goal in sorted(per_goal)],
        by_municipality=sorted(
            (_tally(str(town), group[0].municipality_name, group, kpis) for town, group in per_town.items()),
            key=lambda tally: tally.name,
        ),
        kpis=whole.kpis,
        kpis_measured=whole.kpis_measured,
        kpis_on_track=whole.kpis_on_track,
    )
