"""Measurements: reported by the KPI's reporting side, accepted or disputed by the other two."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date

import pytest
from litestar import Litestar

from core.errors import PermissionDenied, StateConflict, ValidationFailed
from core.tables import AuditEvent, OutboxMessage, StoredFile
from pilots.enums import MeasurementStatus, PilotStatus, Review, Side
from pilots.queries.kpis import kpi_detail, public_kpis
from pilots.queries.pilots import load_pilot
from pilots.schemas import MeasurementIn
from pilots.services import measurements
from pilots.tables import Measurement, MeasurementReview
from tests import s3
from tests.fixtures import http_client
from tests.integration.pilots.kpis_world import EXE, NOW, PDF, SignIn, add_kpi, report, review, sign_in, user_of
from tests.integration.pilots.world import make_pilot_world
from tests.web import field_error

__all__ = ["sign_in"]  # the fixture, imported for pytest


async def test_a_value_dated_outside_the_pilot_is_refused_on_its_date() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)

    with pytest.raises(ValidationFailed) as refused:
        await report(world, kpi_id, on=date(2026, 8, 31))

    assert refused.value.errors == {
        "measured_on": "Measurements are dated within the pilot, from its start to its end."
    }
    assert await Measurement.count() == 0


async def test_only_the_reporting_side_reports() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)

    for person in (world.staff, world.organiser, world.stranger_staff):
        with pytest.raises(PermissionDenied):
            await measurements.report_measurement(
                user=await user_of(person),
                pilot_id=world.pilot_id,
                kpi_id=kpi_id,
                measurement=MeasurementIn(measured_on=date(2026, 10, 31), value=1.0),
                now=NOW,
            )


async def test_nothing_is_reported_before_the_pilot_runs() -> None:
    world = await make_pilot_world(status=PilotStatus.AGREED)
    kpi_id = await add_kpi(world)

    with pytest.raises(StateConflict):
        await report(world, kpi_id)


async def test_the_municipality_disputes_with_a_reason_and_the_reporter_and_organiser_are_told() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    await OutboxMessage.delete(force=True)

    status = await review(
        world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="Farm 7's meter was broken."
    )

    assert status == "disputed"
    mails = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.body_text).order_by(
        OutboxMessage.to_address
    )
    assert [m["to_address"] for m in mails] == ["ana@agrosense.example", "olga@challenge.example"]
    assert mails[0]["body_text"].splitlines()[2] == (
        "Marko Staff (the municipality) disputed the value 398.5 m³/ha of “Irrigation water per hectare”, "
        "measured on 2026-10-31: Farm 7's meter was broken."
    )
    audit = (
        await AuditEvent.select(AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action == "measurement.reviewed")
        .output(load_json=True)
    )
    assert audit == [
        {
            "before": {"status": "reported"},
            "after": {
                "status": "disputed",
                "side": "municipality",
                "review": "dispute",
                "reason": "Farm 7's meter was broken.",
            },
        }
    ]


async def test_accepted_by_both_other_sides_it_counts_towards_progress() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id, value=375.0)

    first = await review(world, world.staff, kpi_id, measurement_id)
    second = await review(world, world.organiser, kpi_id, measurement_id)

    assert (first, second) == ("reported", "accepted")
    kpi = await kpi_detail(await load_pilot(world.pilot_id), kpi_id)
    assert (kpi.latest_accepted, kpi.progress, kpi.next_due) == (375.0, 0.5, date(2026, 11, 30))


async def test_a_side_latest_review_counts() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    await review(world, world.organiser, kpi_id, measurement_id)
    await review(world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="Meter broken.")

    status = await review(world, world.staff, kpi_id, measurement_id)

    assert status == "accepted"
    kpi = await kpi_detail(await load_pilot(world.pilot_id), kpi_id)
    shown = kpi.measurements[0]
    assert [(r.side, r.review, r.current) for r in shown.reviews] == [
        (Side.ORGANISER, Review.ACCEPT, True),
        (Side.MUNICIPALITY, Review.DISPUTE, False),
        (Side.MUNICIPALITY, Review.ACCEPT, True),
    ]
    assert shown.disputes == []


async def test_a_dispute_needs_its_reason() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)

    with pytest.raises(ValidationFailed) as refused:
        await review(world, world.staff, kpi_id, measurement_id, review=Review.DISPUTE, reason="  ")

    assert refused.value.errors == {"reason": "Say why you dispute this value."}


async def test_the_reporter_cannot_review_its_own() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)

    with pytest.raises(PermissionDenied):
        await review(world, world.founder, kpi_id, measurement_id)
    with pytest.raises(PermissionDenied):
        await review(world, world.staff, kpi_id, measurement_id, side=Side.STARTUP)
    assert (await Measurement.select(Measurement.status).first())["status"] == "reported"


async def test_the_public_sees_accepted_and_disputed_values_only() -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    waiting = await report(world, kpi_id, on=date(2026, 10, 31))
    disputed = await report(world, kpi_id, on=date(2026, 9, 30))
    await review(world, world.staff, kpi_id, disputed, review=Review.DISPUTE, reason="Meter broken.")

    shown = await public_kpis(await load_pilot(world.pilot_id))

    assert [(m.id, m.status, m.reviews, m.evidence, m.reporter_name) for m in shown[0].measurements] == [
        (disputed, MeasurementStatus.DISPUTED, [], [], "")
    ]
    assert waiting != disputed


# Pages ----------------------------------------------------------------------------------------


# The upload folder's files, or under TEST_STORAGE=s3 the bucket's objects in the folder's layout.
_stored_files = s3.stored_files


async def test_the_startup_reports_with_a_pdf_and_the_municipality_disputes_it(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder, staff = await sign_in(world.founder), await sign_in(world.staff)
    base = f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}"

    reported = await founder.upload(
        f"{base}/measurements",
        {"evidence_1": ("October meters.pdf", PDF, "application/pdf")},
        {"measured_on": "2026-10-31", "value": "398,5", "note": "October readings."},
    )
    measurement = await Measurement.select(Measurement.id, Measurement.value).first()
    evidence = await StoredFile.select(StoredFile.id, StoredFile.original_name, StoredFile.purpose).first()
    assert (reported.status_code, reported.headers["location"]) == (302, base)
    assert measurement["value"] == 398.5
    assert (evidence["original_name"], evidence["purpose"]) == ("October meters.pdf", "pilot_evidence")
    await OutboxMessage.delete(force=True)

    disputed = await staff.post_form(
        f"{base}/measurements/{measurement['id']}/reviews",
        {"review": "dispute", "reason": "Farm 7's meter was broken."},
    )
    page = await staff.get(base)

    assert disputed.status_code == 302
    assert (await Measurement.select(Measurement.status).first())["status"] == "disputed"
    assert sorted(m["to_address"] for m in await OutboxMessage.select(OutboxMessage.to_address)) == [
        "ana@agrosense.example",
        "olga@challenge.example",
    ]
    assert await AuditEvent.count().where(AuditEvent.action == "measurement.reviewed") == 1
    assert '<span class="badge failed">disputed</span>' in page.text
    assert "Farm 7&#39;s meter was broken." in page.text
    assert f'<a href="/files/{evidence["id"]}">October meters.pdf</a>' in page.text
    assert (await staff.get(f"/files/{evidence['id']}")).content == PDF


async def test_a_value_that_is_no_number_comes_back_with_the_input_and_nothing_stored(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.upload(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements",
        {"evidence_1": ("meters.pdf", PDF, "application/pdf")},
        {"measured_on": "2026-10-31", "value": "about 400", "note": "October readings."},
    )

    assert response.status_code == 422
    assert field_error(response.text, "value") == "Enter a number, such as 42 or 3.5."
    assert 'name="value" type="text" value="about 400"' in response.text
    assert ">October readings.</textarea>" in response.text
    assert (await Measurement.count(), await StoredFile.count(), _stored_files()) == (0, 0, [])


async def test_evidence_of_a_type_not_allowed_is_refused_beside_its_field_and_nothing_stored(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.upload(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements",
        {
            "evidence_1": ("meters.pdf", PDF, "application/pdf"),
            "evidence_2": ("readings.pdf", EXE, "application/pdf"),
        },
        {"measured_on": "2026-10-31", "value": "398.5", "note": ""},
    )

    assert response.status_code == 422
    assert field_error(response.text, "evidence_2") == (
        "“readings.pdf” contains an EXE file, whatever its name says. Accepted: CSV, Excel spreadsheet (XLSX), "
        "JPEG image, OpenDocument spreadsheet (ODS), PDF, PNG image."
    )
    assert 'name="value" type="text" value="398.5"' in response.text
    assert (await Measurement.count(), await StoredFile.count(), _stored_files()) == (0, 0, [])


def _zipped(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            # An OpenDocument's first entry, its mimetype, is stored uncompressed, as the format requires.
            archive.writestr(name, content, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# Longer than the sniffed first bytes, so the whole stream's check is what passes or refuses it.
READINGS_CSV = (
    "farm;date;litres\n" + "".join(f"Кушићи {n};2026-10-{n % 28 + 1:02d};{n * 3}\n" for n in range(600))
).encode()
# An XLSX as Excel lays it down: its identifying entries come after a few KB of shared strings.
XLSX_FILE = _zipped(
    [
        ("[Content_Types].xml", b"<Types>" + b"<Override/>" * 40 + b"</Types>"),
        ("docProps/app.xml", os.urandom(3000)),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
    ]
)
ODS_FILE = _zipped([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<office/>")])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("October meters.csv", READINGS_CSV, "text/csv"),
        ("October meters.xlsx", XLSX_FILE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("October meters.ods", ODS_FILE, "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
async def test_a_spreadsheet_is_evidence_stored_and_served_as_an_attachment(
    sign_in: SignIn, name: str, content: bytes, content_type: str
) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder, staff = await sign_in(world.founder), await sign_in(world.staff)
    base = f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}"

    reported = await founder.upload(
        f"{base}/measurements",
        # What the browser claims is not what counts: the bytes decide.
        {"evidence_1": (name, content, "application/octet-stream")},
        {"measured_on": "2026-10-31", "value": "398,5", "note": ""},
    )
    stored = await StoredFile.select(
        StoredFile.id, StoredFile.original_name, StoredFile.content_type, StoredFile.size, StoredFile.purpose
    ).first()
    page = await staff.get(base)
    download = await staff.get(f"/files/{stored['id']}")

    assert reported.status_code == 302
    assert {k: v for k, v in stored.items() if k != "id"} == {
        "original_name": name,
        "content_type": content_type,
        "size": len(content),
        "purpose": "pilot_evidence",
    }
    assert f'<a href="/files/{stored["id"]}">{name}</a>' in page.text
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-type"].split(";")[0] == content_type
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (os.urandom(4096).replace(b"PK", b"pk"), "random bytes"),
        # Text for the first bytes the sniffer reads, then binary: the check runs to the last byte.
        (READINGS_CSV + b"\x00\x01\x02\xff" + READINGS_CSV, "binary after text"),
        ("farm;litres\n".encode("utf-16"), "UTF-16 text"),
        ("farm;litres\nKušići;12\n".encode("cp1250"), "not UTF-8"),
        (b"farm;litres\n\x1b[31mred\n", "a control character"),
    ],
)
async def test_binary_disguised_as_a_csv_is_refused_and_nothing_stored(
    sign_in: SignIn, content: bytes, why: str
) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.upload(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements",
        {"evidence_1": ("readings.csv", content, "text/csv")},
        {"measured_on": "2026-10-31", "value": "398.5", "note": ""},
    )

    assert response.status_code == 422, why
    assert field_error(response.text, "evidence_1") == (
        "“readings.csv” is not a CSV file: a CSV must be UTF-8 text. Accepted: CSV, Excel spreadsheet (XLSX), "
        "JPEG image, OpenDocument spreadsheet (ODS), PDF, PNG image."
    )
    assert (await Measurement.count(), await StoredFile.count(), _stored_files()) == (0, 0, [])


async def test_a_date_outside_the_pilot_comes_back_beside_its_field(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.upload(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements",
        {"evidence_1": ("meters.pdf", PDF, "application/pdf")},
        {"measured_on": "2027-04-01", "value": "398.5", "note": ""},
    )

    assert response.status_code == 422
    assert field_error(response.text, "measured_on") == (
        "Measurements are dated within the pilot, from its start to its end."
    )
    assert (await Measurement.count(), await StoredFile.count(), _stored_files()) == (0, 0, [])


async def test_the_reporter_cannot_review_its_own_value_through_the_form(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    measurement_id = await report(world, kpi_id)
    founder = await sign_in(world.founder)

    page = await founder.get(f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}")
    response = await founder.post_form(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements/{measurement_id}/reviews", {"review": "accept"}
    )

    assert "Accept or dispute" not in page.text
    assert response.status_code == 403
    assert await MeasurementReview.count() == 0


async def test_a_stranger_cannot_see_the_evidence_and_the_mentor_can(sign_in: SignIn, app: Litestar) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)
    await founder.upload(
        f"/pilots/{world.pilot_id}/work/kpis/{kpi_id}/measurements",
        {"evidence_1": ("meters.pdf", PDF, "application/pdf")},
        {"measured_on": "2026-10-31", "value": "398.5"},
    )
    file_id = (await StoredFile.select(StoredFile.id).first())["id"]
    stranger, mentor = await sign_in(world.stranger_staff), await sign_in(world.mentor)

    async with http_client(app) as anonymous:
        answers = [
            (await stranger.get(f"/files/{file_id}")).status_code,
            (await mentor.get(f"/files/{file_id}")).status_code,
            (await anonymous.get(f"/files/{file_id}")).status_code,
            (await (await sign_in(world.staff)).get(f"/files/{file_id}")).status_code,
            (await (await sign_in(world.organiser)).get(f"/files/{file_id}")).status_code,
        ]

    # The mentor follows the pilot's KPI pages, where the evidence is listed, and reads it there.
    assert answers == [404, 200, 404, 200, 200]


# API ------------------------------------------------------------------------------------------


async def test_the_api_reports_and_disputes_and_the_public_sees_the_dispute_without_names(
    sign_in: SignIn, app: Litestar
) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder, staff = await sign_in(world.founder), await sign_in(world.staff)
    base = f"/api/v1/pilots/{world.pilot_id}/kpis"

    reported = await founder.post_json(
        f"{base}/{kpi_id}/measurements", {"measured_on": "2026-10-31", "value": 398.5, "note": "October."}
    )
    measurement_id = reported.json()["id"]
    mine = await founder.post_json(f"{base}/{kpi_id}/measurements/{measurement_id}/reviews", {"review": "accept"})
    disputed = await staff.post_json(
        f"{base}/{kpi_id}/measurements/{measurement_id}/reviews", {"review": "dispute", "reason": "Meter broken."}
    )
    async with http_client(app) as anonymous:
        public = await anonymous.get(base)

    assert (reported.status_code, reported.json()["status"]) == (201, "reported")
    assert mine.status_code == 403
    assert (disputed.status_code, disputed.json()["status"]) == (201, "disputed")
    assert public.status_code == 200
    assert public.json()[0]["measurements"] == [
        {"id": measurement_id, "measured_on": "2026-10-31", "value": 398.5, "status": "disputed"}
    ]
    # The reporter's note is for the other sides.
    assert "Marko" not in public.text and "evidence" not in public.text and "October." not in public.text


async def test_the_api_refuses_a_date_outside_the_pilot_on_its_field(sign_in: SignIn) -> None:
    world = await make_pilot_world()
    kpi_id = await add_kpi(world)
    founder = await sign_in(world.founder)

    response = await founder.post_json(
        f"/api/v1/pilots/{world.pilot_id}/kpis/{kpi_id}/measurements", {"measured_on": "2027-04-01", "value": 1}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "measured_on": "Measurements are dated within the pilot, from its start to its end."
    }


async def test_a_draft_pilot_kpis_are_not_public(app: Litestar) -> None:
    world = await make_pilot_world(status=PilotStatus.DRAFT)

    async with http_client(app) as anonymous:
        response = await anonymous.get(f"/api/v1/pilots/{world.pilot_id}/kpis")

    assert response.status_code == 404
