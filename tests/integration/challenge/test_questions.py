"""The organisers' own application questions over HTTP and through their services, on a real database."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from datetime import timedelta

from challenge.services import questions
from challenge.tables import Answer, Application, Edition, Question, QuestionVersion
from core.auth import load_current_user
from core.enums import Role
from core.tables import AuditEvent, StoredFile
from tests.factories import make_edition_taking_applications, make_municipality, make_problem
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
NO_FILE = ("", b"", "application/octet-stream")
TEXTS = {
    "solution": "Acoustic leak sensors on the main pipes, read by LoRaWAN.",
    "why_us": "We built this for two utilities already.",
    "pilot_plan": "Six weeks in two villages with the water utility.",
    "impact": "A third less water lost.",
}
EMPLOYEES = {
    "kind": "number",
    "label_en": "How many employees?",
    "label_sr_Cyrl": "Колико запослених?",
    "min_value": "1",
    "max_value": "500",
    "required": "on",
}
SECTOR = {
    "kind": "single_choice",
    "label_en": "Main sector",
    "label_sr_Cyrl": "Главни сектор",
    "choices_en": "Water\nEnergy",
    "choices_sr_Cyrl": "Вода\nЕнергија",
    "required": "on",
}


def _base(edition: dict) -> str:
    return f"/organiser/editions/{edition['id']}/application-questions/"


async def _add(organiser: WebClient, edition: dict, fields: dict) -> int:
    response = await organiser.post_form(_base(edition), fields)
    assert response.status_code == 302, response.text[:500]
    row = await Question.select(Question.id).order_by(Question.id, ascending=False).first()
    return int(row["id"])


async def _startup(logged_in, edition: dict, name: str = "AgroSense") -> WebClient:
    founder = await logged_in(None)
    response = await founder.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": name, "country": "Serbia", "city": "Niš"}
    )
    assert response.status_code == 302
    return founder


async def _draft(founder: WebClient, edition: dict, problem: dict, files=None, **answers: object) -> int:
    data = {
        "edition_id": str(edition["id"]),
        "track": "smart_rural",
        "action": "save",
        "sdgs": ["6"],
        "problems": [str(problem["id"])],
        **TEXTS,
        **answers,
    }
    response = await founder.upload(
        f"/startup/applications/new?edition_id={edition['id']}",
        {"pitch_deck": ("deck.pdf", PDF, "application/pdf"), **(files or {})},
        data,
    )
    assert response.status_code == 302, response.text[:500]
    return int(re.search(r"/startup/applications/(\d+)", response.headers["location"]).group(1))


async def _save(founder: WebClient, application_id: int, files=None, **fields: object):
    application = await Application.select().where(Application.id == application_id).first()
    data = {"action": "save", "version": str(application["version"]), "sdgs": ["6"], **TEXTS, **fields}
    problems = await founder.get(f"/startup/applications/{application_id}/edit")
    found = re.findall(r'name="problems" value="(\d+)" checked', problems.text)
    data.setdefault("problems", found)
    return await founder.upload(f"/startup/applications/{application_id}/edit", files or {"pitch_deck": NO_FILE}, data)


async def _world(logged_in):
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    organiser: WebClient = await logged_in(Role.ORGANISER)
    return edition, problem, organiser


async def test_an_organiser_adds_questions_in_order_with_an_audit_record(logged_in) -> None:
    edition, _, organiser = await _world(logged_in)

    employees = await _add(organiser, edition, EMPLOYEES)
    sector = await _add(organiser, edition, SECTOR)
    page = (await organiser.get(_base(edition))).text

    lines = await questions.question_lines(edition["id"])
    assert [(line.id, line.position, line.required, line.version_number) for line in lines] == [
        (employees, 1, True, 1),
        (sector, 2, True, 1),
    ]
    assert lines[0].definition.label.sr_Latn == "Koliko zaposlenih?"
    assert [c.key for c in lines[1].definition.choices] == ["c1", "c2"]
    assert page.index("How many employees?") < page.index("Main sector")
    audited = await AuditEvent.select(AuditEvent.action).where(AuditEvent.entity == "question")
    assert [row["action"] for row in audited] == ["question.added", "question.added"]


async def test_a_refused_question_shows_field_errors_and_keeps_the_input(logged_in) -> None:
    edition, _, organiser = await _world(logged_in)

    response = await organiser.post_form(
        _base(edition), {**EMPLOYEES, "label_sr_Cyrl": "", "min_value": "9", "max_value": "3"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "label_sr_Cyrl") == "Write the question in Serbian (in either script)."
    assert field_error(response.text, "max_value") == "The largest allowed number must not be below the smallest."
    assert 'value="How many employees?"' in response.text
    assert await Question.count() == 0


async def test_up_and_down_reorder_without_javascript(logged_in) -> None:
    edition, _, organiser = await _world(logged_in)
    first = await _add(organiser, edition, EMPLOYEES)
    second = await _add(organiser, edition, SECTOR)

    response = await organiser.post_form(f"{_base(edition)}{second}/move", {"direction": "up"})

    assert response.status_code == 302
    assert [line.id for line in await questions.question_lines(edition["id"])] == [second, first]


async def test_a_startup_saves_an_invalid_answer_sees_it_kept_then_fixes_and_submits(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    employees = await _add(organiser, edition, EMPLOYEES)
    sector = await _add(organiser, edition, SECTOR)
    founder = await _startup(logged_in, edition)

    application_id = await _draft(founder, edition, problem, **{f"a{employees}": "900"})
    edit = (await founder.get(f"/startup/applications/{application_id}/edit")).text
    refused = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert field_error(edit, f"a{employees}") == "Give a number from 1 to 500."
    assert f'name="a{employees}" type="text" inputmode="decimal" value="900"' in edit
    assert "Main sector" in edit and "Главни сектор" not in edit
    assert refused.status_code == 422
    stored = (
        await Answer.select(Answer.value, Answer.number)
        .where(Answer.question == employees)
        .first()
        .output(load_json=True)
    )
    assert stored == {"value": {"answer": "900"}, "number": None}

    saved = await _save(founder, application_id, **{f"a{employees}": "12", f"a{sector}": "c1"})
    submitted = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert saved.status_code == 302
    assert submitted.status_code == 302, submitted.text[:500]
    row = await Application.select(Application.status).where(Application.id == application_id).first()
    assert row["status"] == "submitted"
    shown = (await founder.get(f"/startup/applications/{application_id}")).text
    assert "How many employees?" in shown and "Water" in shown


async def test_submission_names_an_unanswered_required_question(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    sector = await _add(organiser, edition, SECTOR)
    founder = await _startup(logged_in, edition)
    application_id = await _draft(founder, edition, problem)

    refused = await founder.post_json(f"/api/v1/startup/applications/{application_id}/submit", {})

    assert refused.status_code == 422
    assert refused.json()["errors"] == {f"a{sector}": "Please answer this question."}


async def test_a_question_of_the_other_track_is_not_asked(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    city_only = await _add(organiser, edition, {**SECTOR, "track": "smart_city"})
    founder = await _startup(logged_in, edition)
    application_id = await _draft(founder, edition, problem, **{f"a{city_only}": "c1"})

    edit = (await founder.get(f"/startup/applications/{application_id}/edit")).text
    submitted = await founder.post_form(f"/startup/applications/{application_id}/submit")

    assert f'name="a{city_only}"' not in edit
    assert await Answer.count() == 0
    assert submitted.status_code == 302


async def test_editing_makes_a_version_and_earlier_answers_stay_readable(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    sector = await _add(organiser, edition, SECTOR)
    founder = await _startup(logged_in, edition)
    application_id = await _draft(founder, edition, problem, **{f"a{sector}": "c1"})

    response = await organiser.post_form(
        f"{_base(edition)}{sector}/edit",
        {
            **SECTOR,
            "label_en": "Sector",
            "choices_en": "Drinking water\nEnergy\nWaste",
            "choices_sr_Cyrl": "Пијаћа вода\nЕнергија\nОтпад",
        },
    )
    line = await questions.question_line(edition["id"], sector)
    shown = await questions.shown_answers(application_id)

    assert response.status_code == 302
    assert (line.version_number, [c.key for c in line.definition.choices]) == (2, ["c1", "c2", "c3"])
    assert [(a.label, a.text, a.earlier_version) for a in shown] == [("Main sector", "Water", True)]
    assert await QuestionVersion.count().where(QuestionVersion.question == sector) == 2

    await organiser.post_form(f"{_base(edition)}{sector}/remove")
    page = (await organiser.get(f"/organiser/applications/{application_id}")).text

    assert await questions.question_lines(edition["id"]) == []
    assert "Main sector" in page and "question no longer asked" in page


async def test_a_file_answer_streams_to_storage_with_the_questions_rules(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    upload = await _add(
        organiser,
        edition,
        {
            "kind": "file",
            "label_en": "Company register extract",
            "label_sr_Cyrl": "Извод",
            "file_types": "application/pdf",
            "max_megabytes": "1",
        },
    )
    founder = await _startup(logged_in, edition)

    application_id = await _draft(
        founder, edition, problem, files={f"a{upload}_file": ("extract.pdf", PDF, "application/pdf")}
    )
    answer = (
        await Answer.select(Answer.file, Answer.value)
        .where(Answer.application == application_id)
        .first()
        .output(load_json=True)
    )
    assert answer is not None
    refused = await _save(
        founder,
        application_id,
        files={"pitch_deck": NO_FILE, f"a{upload}_file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 99, "image/png")},
    )
    download = await founder.get(f"/files/{answer['file']}")
    stranger = await logged_in(None)

    assert answer["value"] == {"answer": str(answer["file"])}
    assert refused.status_code == 422
    assert download.status_code == 200 and download.content == PDF
    assert (await stranger.get(f"/files/{answer['file']}")).status_code == 404


async def test_copy_from_last_year(logged_in) -> None:
    edition, _, organiser = await _world(logged_in)
    await Edition.update({Edition.year: 2027}).where(Edition.id == edition["id"])
    earlier = await make_edition_taking_applications(year=2026)
    employees = await _add(organiser, earlier, EMPLOYEES)

    page = (await organiser.get(f"{_base(edition)}copy")).text
    response = await organiser.post_form(f"{_base(edition)}copy", {"questions": [str(employees)]})
    refused = await organiser.post_form(f"{_base(edition)}copy", {})

    assert "How many employees?" in page
    assert response.status_code == 302
    copied = await questions.question_lines(edition["id"])
    assert [(line.definition.label.en, line.required) for line in copied] == [("How many employees?", True)]
    assert copied[0].id != employees
    assert refused.status_code == 422


async def test_screening_filters_by_answer_and_the_csv_has_a_column_per_question(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    employees = await _add(organiser, edition, EMPLOYEES)
    sector = await _add(organiser, edition, SECTOR)
    ids = {}
    for name, size, choice in (("Small", "3", "c1"), ("Large", "120", "c2")):
        founder = await _startup(logged_in, edition, name)
        ids[name] = await _draft(founder, edition, problem, **{f"a{employees}": size, f"a{sector}": choice})
        assert (await founder.post_form(f"/startup/applications/{ids[name]}/submit")).status_code == 302
    base = f"/organiser/editions/{edition['id']}/applications/"

    water = (await organiser.get(base, params={"answer": f"{sector}:c1"})).text
    big = (await organiser.get(base, params={"number_question": employees, "at_least": "50"})).text
    export = (await organiser.get(base + "export.csv")).text

    assert "Small" in water and "Large" not in water
    assert "Large" in big and "Small" not in big
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][-2:] == ["How many employees?", "Main sector"]
    assert sorted(tuple(r[-2:]) for r in rows[1:]) == [("120", "Energy"), ("3", "Water")]


async def test_the_api_lists_questions_and_takes_answers(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    employees = await _add(organiser, edition, EMPLOYEES)
    founder = await _startup(logged_in, edition)
    application_id = await _draft(founder, edition, problem)

    listed = (await founder.get(f"/api/v1/editions/{edition['slug']}/questions")).json()
    application = (await founder.get(f"/api/v1/startup/applications/{application_id}")).json()
    put = await founder.http.put(
        f"/api/v1/startup/applications/{application_id}",
        json={**TEXTS, "sdgs": [6], "problems": [problem["id"]], "question_answers": {str(employees): "7"}},
        headers={"x-csrftoken": await founder.csrf_token()},
    )

    assert [(q["id"], q["kind"], q["min_value"], q["label"]["sr_Latn"]) for q in listed] == [
        (employees, "number", 1.0, "Koliko zaposlenih?")
    ]
    assert application["question_answers"] == {}
    assert application["missing"] == {f"a{employees}": "Please answer this question."}
    assert put.status_code == 200, put.text
    assert put.json()["question_answers"] == {str(employees): "7"}


async def test_only_organisers_change_questions(logged_in) -> None:
    edition, _, organiser = await _world(logged_in)
    employees = await _add(organiser, edition, EMPLOYEES)
    founder = await _startup(logged_in, edition)
    user = await load_current_user(founder.user["id"])

    denied = await founder.post_form(_base(edition), EMPLOYEES)
    moved = await founder.post_form(f"{_base(edition)}{employees}/remove")

    assert denied.status_code in (403, 404)
    assert moved.status_code in (403, 404)
    assert user is not None
    assert len(await questions.question_lines(edition["id"])) == 1


async def test_an_api_upload_over_the_questions_size_is_not_taken(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    upload = await _add(
        organiser,
        edition,
        {
            "kind": "file",
            "label_en": "Extract",
            "label_sr_Cyrl": "Извод",
            "file_types": "application/pdf",
            "max_megabytes": "1",
        },
    )
    founder = await _startup(logged_in, edition)
    application_id = await _draft(founder, edition, problem)
    sizes = {}
    for size in (2 * 1024 * 1024, 1000):
        sizes[size] = (
            await StoredFile.insert(
                StoredFile(
                    key=uuid.uuid4().hex,
                    original_name="x.pdf",
                    content_type="application/pdf",
                    size=size,
                    sha256="0",
                    owner=founder.user["id"],
                )
            ).returning(StoredFile.id)
        )[0]["id"]
    body = {**TEXTS, "sdgs": [6], "problems": [problem["id"]]}
    headers = {"x-csrftoken": await founder.csrf_token()}
    url = f"/api/v1/startup/applications/{application_id}"

    too_big = await founder.http.put(
        url, json={**body, "question_answers": {str(upload): str(sizes[2 * 1024 * 1024])}}, headers=headers
    )
    small = await founder.http.put(
        url, json={**body, "question_answers": {str(upload): str(sizes[1000])}}, headers=headers
    )

    assert too_big.json()["question_answers"] == {}
    assert small.json()["question_answers"] == {str(upload): str(sizes[1000])}


async def test_a_required_question_added_after_submissions_warns_and_leaves_submitted_ones_valid(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    founder = await _startup(logged_in, edition, "AgroSense")
    submitted_id = await _draft(founder, edition, problem)
    assert (await founder.post_form(f"/startup/applications/{submitted_id}/submit")).status_code == 302
    late_founder = await _startup(logged_in, edition, "LateSense")
    draft_id = await _draft(late_founder, edition, problem)
    before = (await organiser.get(_base(edition))).text

    sector = await _add(organiser, edition, SECTOR)
    city_only = await _add(organiser, edition, {**SECTOR, "label_en": "Which district?", "track": "smart_city"})
    listed = (await organiser.get(_base(edition))).text
    editing = (await organiser.get(f"{_base(edition)}{sector}/edit")).text
    editing_city = (await organiser.get(f"{_base(edition)}{city_only}/edit")).text
    page = (await founder.get(f"/startup/applications/{submitted_id}")).text
    api = (await founder.get(f"/api/v1/startup/applications/{submitted_id}")).json()
    draft_refused = await late_founder.post_form(f"/startup/applications/{draft_id}/submit")
    shortlisted = await organiser.post_form(
        f"/organiser/applications/{submitted_id}/status", {"status": "shortlisted", "message": ""}
    )

    warning = (
        "1 application was already submitted. A required question added or made required now was never asked of"
        " it: it stays optional for applications already submitted, whose submission stays valid; only drafts must"
        " answer it."
    )
    assert warning in html.unescape(before) and warning in html.unescape(listed) and warning in html.unescape(editing)
    # The city track's question concerns no submitted application: the rural one was the only one.
    assert 'id="late-question"' not in editing_city
    assert "Applications have closed" not in listed
    assert "Still missing before you can submit" not in page and "Please answer this question." not in page
    assert api["status"] == "submitted" and api["missing"] == {}
    assert draft_refused.status_code == 422 and "Please answer this question." in draft_refused.text
    assert shortlisted.status_code == 302, shortlisted.text[:300]
    statuses = dict((row["id"], row["status"]) for row in await Application.select(Application.id, Application.status))
    assert statuses == {submitted_id: "shortlisted", draft_id: "draft"}


async def test_the_question_form_says_when_applications_have_closed(logged_in) -> None:
    edition = await make_edition_taking_applications(closes_in=timedelta(hours=-1))
    organiser: WebClient = await logged_in(Role.ORGANISER)

    listed = html.unescape((await organiser.get(_base(edition))).text)

    assert "Applications have closed: no startup can answer a new or changed question any more." in listed
    assert "already submitted" not in listed


async def test_no_warning_before_anyone_submitted(logged_in) -> None:
    edition, problem, organiser = await _world(logged_in)
    founder = await _startup(logged_in, edition)
    await _draft(founder, edition, problem)

    listed = (await organiser.get(_base(edition))).text

    assert 'id="late-question"' not in listed
