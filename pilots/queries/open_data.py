"""The pilots' open data: CSV files, one JSON document with all of it, and its DCAT-AP description.

What is published is what the public pages show, and less: public pilots only (never a draft),
their public terms, KPIs, ACCEPTED measurements only (a disputed or unreviewed value is a side's
claim, not data), public milestones with their refusals' reasons, and residents' feedback summed
up per pilot and month (never a comment, never who gave or typed in a rating; hidden entries
count nowhere). Stored values (`running`, `down`) rather than translated names, so the files read
the same in every language; dates in ISO 8601.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

import msgspec
from piccolo.query.functions.aggregate import Max, Min

from challenge.queries.dashboard import csv_cell
from core.i18n import gettext as _
from core.i18n import in_locale
from core.rules import N_
from core.settings import OpenDataSettings
from pilots.enums import MeasurementStatus
from pilots.queries import public
from pilots.queries.pilots import local_days
from pilots.tables import Measurement, MeasurementReview, Milestone, Pilot, PilotFeedback, SignOff

PATH = "/open-data/pilots"


class PilotRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    title: str
    edition: str  # the edition's slug
    edition_year: int
    municipality: str
    municipality_kind: str
    startup: str
    problem_id: int
    problem_title: str
    sdgs: list[int]
    status: str
    starts_on: date
    ends_on: date
    locations: list[str]
    scope: str
    procurement: str
    budget_eur: int | None
    funded_by: str
    stop_reason: str
    page_url: str


class KpiRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot_id: int
    name: str
    unit: str
    direction: str
    baseline_value: float
    baseline_on: date
    target_value: float
    method: str
    frequency: str
    reporter: str
    sdg: int | None
    sdg_target: str


class MeasurementRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An accepted measurement: every side other than the reporter accepted it."""

    id: int
    kpi_id: int
    pilot_id: int
    measured_on: date
    value: float


class MilestoneRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    pilot_id: int
    title: str
    deliverable: str
    due_on: date
    status: str
    sign_off_by: list[str]
    achieved_on: date | None
    refusals: list[str]  # "<side>: <reason>", oldest first


class FeedbackMonthRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Residents' ratings of one pilot in one month, summed up."""

    pilot_id: int
    month: str  # 2026-10
    ratings: int
    mean_rating: float | None
    local_ratings: int  # from people who said they live or work there
    rating_1: int
    rating_2: int
    rating_3: int
    rating_4: int
    rating_5: int


@dataclass(frozen=True)
class Dataset:
    pilots: list[PilotRecord]
    kpis: list[KpiRecord]
    measurements: list[MeasurementRecord]
    milestones: list[MilestoneRecord]
    feedback: list[FeedbackMonthRecord]


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of the dataset."""

    name: str  # also its path under PATH
    media_type: str
    format: str  # the EU file-type authority's code (CSV, JSON)
    kind: type[msgspec.Struct] | None  # the rows a CSV holds; None for the JSON document
    title: str
    description: str


DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution(
        "pilots.csv", "text/csv", "CSV", PilotRecord, N_("Pilots"), N_("Public pilots and their agreed terms.")
    ),
    Distribution(
        "kpis.csv", "text/csv", "CSV", KpiRecord, N_("KPIs"), N_("Each pilot's KPIs: baseline, target, method.")
    ),
    Distribution(
        "measurements.csv",
        "text/csv",
        "CSV",
        MeasurementRecord,
        N_("Measurements"),
        N_("Accepted measurements of the KPIs; disputed and unreviewed values are left out."),
    ),
    Distribution(
        "milestones.csv",
        "text/csv",
        "CSV",
        MilestoneRecord,
        N_("Milestones"),
        N_("Public milestones, their status and the reasons of any refusal."),
    ),
    Distribution(
        "feedback.csv",
        "text/csv",
        "CSV",
        FeedbackMonthRecord,
        N_("Residents' feedback"),
        N_("Residents' ratings summed up per pilot and month; no comments, no names."),
    ),
    Distribution(
        "pilots.json",
        "application/json",
        "JSON",
        None,
        N_("Everything as JSON"),
        N_("All of the above in one document."),
    ),
)
CSV_FILES = {d.name: d for d in DISTRIBUTIONS if d.kind is not None}


async def dataset(*, base_url: str) -> Dataset:
    """Everything the open data holds, read in a fixed handful of queries."""
    pilots = await public.every_public_pilot()
    ids = [p.id for p in pilots]
    kpis = await public.kpis_of(ids, {p.id: (p.starts_on, p.ends_on) for p in pilots})
    milestones = await public.milestones_of(ids, today=await local_days(ids, now=datetime.now(UTC)))
    feedback = await public.visible_feedback(ids)
    return Dataset(
        pilots=[_pilot_record(p, base_url) for p in pilots],
        kpis=[_kpi_record(k, p.id) for p in pilots for k in kpis.get(p.id, [])],
        measurements=[
            MeasurementRecord(id=m.id, kpi_id=k.id, pilot_id=p.id, measured_on=m.measured_on, value=m.value)
            for p in pilots
            for k in kpis.get(p.id, [])
            for m in k.measurements
            if m.status is MeasurementStatus.ACCEPTED
        ],
        milestones=[
            MilestoneRecord(
                id=m.id,
                pilot_id=p.id,
                title=m.title,
                deliverable=m.deliverable,
                due_on=m.due_on,
                status=m.status.value,
                sign_off_by=[side.value for side in m.sign_off_by],
                achieved_on=m.achieved_at.date() if m.achieved_at else None,
                refusals=[f"{r.side.value}: {r.reason}" for r in m.refusals],
            )
            for p in pilots
            for m in milestones.get(p.id, [])
        ],
        feedback=_feedback_months(feedback),
    )


def _pilot_record(pilot: public.PublicPilot, base_url: str) -> PilotRecord:
    return PilotRecord(
        id=pilot.id,
        title=pilot.title,
        edition=pilot.edition_slug,
        edition_year=pilot.edition_year,
        municipality=pilot.municipality_name,
        municipality_kind=pilot.kind,
        startup=pilot.startup_name,
        problem_id=pilot.problem_id,
        problem_title=pilot.problem_title,
        sdgs=sorted({int(goal) for goal in pilot.sdgs}),
        status=pilot.status.value,
        starts_on=pilot.starts_on,
        ends_on=pilot.ends_on,
        locations=list(pilot.locations),
        scope=pilot.scope,
        procurement=pilot.procurement.value,
        budget_eur=pilot.budget_eur,
        funded_by=pilot.funded_by,
        stop_reason=pilot.stop_reason,
        page_url=f"{base_url}/pilots/{pilot.id}",
    )


def _kpi_record(kpi: public.PublicKpi, pilot_id: int) -> KpiRecord:
    return KpiRecord(
        id=kpi.id,
        pilot_id=pilot_id,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction.value,
        baseline_value=kpi.baseline_value,
        baseline_on=kpi.baseline_on,
        target_value=kpi.target_value,
        method=kpi.method,
        frequency=kpi.frequency.value,
        reporter=kpi.reporter.value,
        sdg=kpi.sdg,
        sdg_target=kpi.sdg_target,
    )


def _feedback_months(entries: Sequence[dict[str, Any]]) -> list[FeedbackMonthRecord]:
    grouped: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        grouped[(entry["pilot"], entry["created_at"].strftime("%Y-%m"))].append(entry)
    records = []
    for (pilot_id, month), group in sorted(grouped.items()):
        summary = public.feedback_summary(group)
        one, two, three, four, five = summary.distribution
        records.append(
            FeedbackMonthRecord(
                pilot_id=pilot_id,
                month=month,
                ratings=summary.count,
                mean_rating=summary.mean,
                local_ratings=summary.local_count,
                rating_1=one,
                rating_2=two,
                rating_3=three,
                rating_4=four,
                rating_5=five,
            )
        )
    return records


# --- the files ---------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if isinstance(value, list):
        return csv_cell(";".join(str(item) for item in value))
    if isinstance(value, date):
        return value.isoformat()
    return csv_cell(value)


def csv_file(rows: Sequence[msgspec.Struct], kind: type[msgspec.Struct]) -> str:
    """Rows as CSV, a header of the record's field names; lists joined with ';'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(kind.__struct_fields__)
    writer.writerows([_cell(getattr(row, name)) for name in kind.__struct_fields__] for row in rows)
    return buffer.getvalue()


def rows_of(data: Dataset, name: str) -> list[Any]:
    files: dict[str, list[Any]] = {
        "pilots.csv": data.pilots,
        "kpis.csv": data.kpis,
        "measurements.csv": data.measurements,
        "milestones.csv": data.milestones,
        "feedback.csv": data.feedback,
    }
    return files[name]


class Licence(msgspec.Struct, frozen=True):
    name: str
    url: str


class Document(msgspec.Struct, frozen=True, kw_only=True):
    """pilots.json: the whole dataset in one document, with its licence and provenance."""

    title: str
    licence: Licence
    publisher: str
    source: str
    generated_at: datetime
    pilots: list[PilotRecord]
    kpis: list[KpiRecord]
    measurements: list[MeasurementRecord]
    milestones: list[MilestoneRecord]
    feedback: list[FeedbackMonthRecord]


def json_document(data: Dataset, *, base_url: str, settings: OpenDataSettings, now: datetime) -> bytes:
    return msgspec.json.encode(
        Document(
            title=TITLE,
            licence=Licence(settings.licence, settings.licence_url),
            publisher=settings.publisher,
            source=f"{base_url}{PATH}",
            generated_at=now.astimezone(UTC).replace(microsecond=0),
            pilots=data.pilots,
            kpis=data.kpis,
            measurements=data.measurements,
            milestones=data.milestones,
            feedback=data.feedback,
        )
    )


# --- the DCAT-AP description -------------------------------------------------------------------

TITLE = N_("Smart-city and smart-rural pilots: progress, KPIs and residents' feedback")
DESCRIPTION = N_(
    "Pilots that winning startups run in Serbian municipalities after the challenge: their agreed "
    "terms, KPIs with accepted measurements against baseline and target, milestones signed off by "
    "every side, and residents' ratings summed up per month."
)
KEYWORDS = ("pilot", "smart city", "smart rural", "KPI", "Sustainable Development Goals", "municipality")
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Dates:
    issued: datetime | None
    modified: datetime | None


async def dates() -> Dates:
    """When the data was first published (the first public pilot agreed) and last changed."""
    in_public = Pilot.status.is_in(public.PUBLIC_STATUSES)
    pilots = await Pilot.select(Min(Pilot.agreed_at, alias="issued"), Max(Pilot.updated_at, alias="modified")).where(
        in_public
    )
    latest = [pilots[0]["modified"]] if pilots else []
    # (when, the pilot it belongs to) per table; joins Piccolo's stubs type loosely.
    stamped: list[tuple[Any, Any]] = [
        (Measurement.created_at, Measurement.kpi.pilot),
        (MeasurementReview.created_at, cast(Any, MeasurementReview.measurement).kpi.pilot),
        (Milestone.created_at, Milestone.pilot),
        (SignOff.created_at, SignOff.milestone.pilot),
        (PilotFeedback.created_at, PilotFeedback.pilot),
    ]
    for column, pilot in stamped:
        table = column._meta.table
        rows = await table.select(Max(column, alias="at")).where(pilot.status.is_in(public.PUBLIC_STATUSES))
        latest.append(rows[0]["at"] if rows else None)
    stamps = [_aware(stamp) for stamp in latest if stamp is not None]
    issued = _aware(pilots[0]["issued"]) if pilots and pilots[0]["issued"] is not None else None
    return Dates(issued=issued or (min(stamps) if stamps else None), modified=max(stamps) if stamps else None)


def _aware(moment: datetime | str) -> datetime:
    # SQLite hands aggregates back as text.
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def _moment(moment: datetime | None) -> dict[str, str] | None:
    return None if moment is None else {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _in_languages(text: str) -> list[dict[str, str]]:
    """`text` in English and in Serbian (both scripts), as language-tagged literals."""
    values = [{"@value": text, "@language": "en"}]
    for locale, tag in (("sr_Latn", "sr-Latn"), ("sr_Cyrl", "sr-Cyrl")):
        with in_locale(locale):
            translated = _(text)
        if translated != text:
            values.append({"@value": translated, "@language": tag})
    return values


def dcat_description(*, base_url: str, settings: OpenDataSettings, when: Dates) -> dict[str, Any]:
    """The dataset as DCAT-AP in JSON-LD: what an open-data portal harvests."""
    landing = f"{base_url}{PATH}"
    licence = {"@id": settings.licence_url}
    dataset: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{landing}#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": landing,
        "dct:title": _in_languages(TITLE),
        "dct:description": _in_languages(DESCRIPTION),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": settings.publisher},
        "dct:license": licence,
        "dct:accessRights": {"@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"},
        "dcat:landingPage": {"@id": landing},
        "dcat:keyword": list(KEYWORDS),
        "dct:language": [
            {"@id": "http://publications.europa.eu/resource/authority/language/ENG"},
            {"@id": "http://publications.europa.eu/resource/authority/language/SRP"},
        ],
        "dcat:distribution": [
            {
                "@id": f"{landing}/{d.name}",
                "@type": "dcat:Distribution",
                # In the three languages, as the dataset's own: the portal shows each file by its title.
                "dct:title": _in_languages(d.title),
                "dct:description": _in_languages(d.description),
                "dcat:accessURL": {"@id": f"{landing}/{d.name}"},
                "dcat:downloadURL": {"@id": f"{landing}/{d.name}"},
                "dcat:mediaType": {"@id": f"{MEDIA_TYPES}{d.media_type}"},
                "dct:format": {"@id": f"{FILE_TYPES}{d.format}"},
                "dct:license": licence,
            }
            for d in DISTRIBUTIONS
        ],
    }
    for key, moment in (("dct:issued", when.issued), ("dct:modified", when.modified)):
        if (value := _moment(moment)) is not None:
            dataset[key] = value
    return dataset
